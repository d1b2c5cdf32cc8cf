"""The console's inbox in headless Chromium: the unread count in the header, the list with the
unread first, marking read, and each item's link to its case."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from activities.channels import InboxChannel
from api.deps import Services
from api.gateway import CaseGateway
from domain.actors import Actor, Role
from store.ledger import Ledger
from store.users import save_user
from tests.api.conftest import bearer, serving, settings
from tests.api.test_console import _chromium
from tests.factories import intake, report
from workers.dispatcher import Dispatcher

pytestmark = pytest.mark.slow


@pytest.fixture
async def served(
    skipping_gateway: CaseGateway, ledger: Ledger, engine: AsyncEngine
) -> AsyncIterator[str]:
    services = Services(settings=settings(), engine=engine, ledger=ledger, gateway=skipping_gateway)
    async with serving(services) as url:
        yield url


async def test_the_inbox_shows_unread_first_and_links_each_case(
    served: str, skipping_env: WorkflowEnvironment, engine: AsyncEngine
) -> None:
    from playwright.async_api import async_playwright

    executable = _chromium()
    tag = uuid.uuid4().hex[:6]
    unit = f"花木街道-{tag}"
    operator = Actor(user_id=f"op-{tag}", role=Role.OPERATOR, unit=unit)
    lead = Actor(user_id=f"head-{tag}", role=Role.APPROVER, unit=unit)
    await save_user(engine, lead, "赵科长", "inbox-password")
    async with httpx.AsyncClient(base_url=served) as api:
        opened = await api.post("/cases", json=report(unit=unit), headers=bearer(operator))
        case_id = opened.json()["case_id"]
        await api.post(f"/cases/{case_id}/commands", json=intake(), headers=bearer(operator))
        await skipping_env.sleep(timedelta(days=20))  # the plan-approval clock reaches L1
        dispatcher = Dispatcher(engine, {"inbox": InboxChannel()})
        while await dispatcher.dispatch_one():
            pass
        unread = (await api.get("/inbox", headers=bearer(lead))).json()["unread"]
    assert unread >= 1

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        page = await browser.new_page()
        await page.goto(f"{served}/console")
        await page.fill("input[name=user_id]", lead.user_id)
        await page.fill("input[name=password]", "inbox-password")
        await page.click("button[type=submit]")
        badge = page.locator("#nav-inbox #inbox-unread")
        await badge.wait_for()
        assert int(await badge.inner_text()) == unread

        await page.click("#nav-inbox")
        rows = page.locator("table.inbox tbody tr[data-id]")
        await rows.first.wait_for()
        assert await rows.count() == unread
        assert case_id in await rows.first.inner_text()
        await rows.first.locator("button.mark-read").click()
        await page.locator("table.inbox tr.read").first.wait_for()
        assert int(await page.locator("#inbox-unread").inner_text()) == unread - 1
        classes = await rows.evaluate_all("rows => rows.map(r => r.className)")
        assert classes == sorted(classes, key=lambda c: c == "read")  # unread first

        await page.locator("table.inbox a.case-link").first.click()
        await page.wait_for_url(f"**/console#/case/{case_id}")
        await page.locator("#timeline tbody tr").first.wait_for()
        await browser.close()
