"""The supervisor console in headless Chromium: sign in, see an escalated case on the board,
open its timeline and find it equal to the ledger."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from api.deps import Services
from api.gateway import CaseGateway
from domain.actors import Actor, Role
from store.ledger import Ledger
from store.users import save_user
from tests.api.conftest import bearer, serving, settings
from tests.factories import intake, report

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
UNIT = "洋泾街道"
OPERATOR = Actor(user_id="op-yangjing", role=Role.OPERATOR, unit=UNIT)
SUPERVISOR = Actor(user_id="sup-console", role=Role.SUPERVISOR, unit="浦东新区民政局")

pytestmark = pytest.mark.slow


def _chromium() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium missing: .ci/run must install Debian's chromium")
        pytest.skip("Debian's chromium is not installed")
    return CHROMIUM


@pytest.fixture
async def served(
    skipping_gateway: CaseGateway, ledger: Ledger, engine: AsyncEngine
) -> AsyncIterator[str]:
    """The real API on a real port, over the time-skipping Temporal server."""
    services = Services(settings=settings(), engine=engine, ledger=ledger, gateway=skipping_gateway)
    async with serving(services) as url:
        yield url


async def test_board_shows_the_escalated_case_and_its_timeline_matches_the_ledger(
    served: str,
    skipping_env: WorkflowEnvironment,
    engine: AsyncEngine,
    ledger: Ledger,
    tmp_path: Path,
) -> None:
    from playwright.async_api import async_playwright

    executable = _chromium()
    await save_user(engine, SUPERVISOR, "王督办", "console-password")
    async with httpx.AsyncClient(base_url=served) as api:
        opened = await api.post("/cases", json=report(unit=UNIT), headers=bearer(OPERATOR))
        case_id = opened.json()["case_id"]
        await api.post(f"/cases/{case_id}/commands", json=intake(), headers=bearer(OPERATOR))
    await skipping_env.sleep(timedelta(days=20))  # the plan-approval clock runs out: L1, L2, L3

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = await browser.new_page()
        await page.goto(f"{served}/console")
        await page.fill("input[name=user_id]", "sup-console")
        await page.fill("input[name=password]", "console-password")
        await page.click("button[type=submit]")

        row = page.locator(f"#overdue tr[data-case='{case_id}']")
        await row.wait_for()
        assert "L3" in await row.locator("td.level").inner_text()
        assert "洋泾街道" in await page.locator("#units").inner_text()
        # A supervisor's sign-in also lets the Temporal Web UI decode through /codec.
        codec_cookies = [c for c in await page.context.cookies() if c["name"] == "casework_codec"]
        assert [c["path"] for c in codec_cookies] == ["/codec"]
        assert codec_cookies[0]["httpOnly"] is True
        await page.screenshot(path=str(tmp_path / "board.png"), full_page=True)

        await row.locator("a").click()
        await page.locator("#timeline tbody tr").first.wait_for()
        cells = await page.locator("#timeline tbody tr").evaluate_all(
            "rows => rows.map(r => [r.cells[0].innerText, r.cells[4].title, r.cells[6].title])"
        )
        ledger_rows = [[str(e.version), e.type, e.hash] for e in await ledger.read_stream(case_id)]
        assert cells == ledger_rows
        assert "通过" in await page.locator("#verification").inner_text()
        # each clock with the last day it covers (an Asia/Shanghai date), as the API says
        async with httpx.AsyncClient(base_url=served) as api:
            detail = (await api.get(f"/cases/{case_id}", headers=bearer(OPERATOR))).json()
        assert detail["clocks"]
        shown = await page.locator("#clocks tr[data-clock]").evaluate_all(
            "rows => rows.map(r => [r.dataset.clock, r.querySelector('td.due-on').innerText])"
        )
        assert dict(shown) == {c["name"]: c["due_on"] for c in detail["clocks"]}
        await page.screenshot(path=str(tmp_path / "case.png"), full_page=True)
        await browser.close()
