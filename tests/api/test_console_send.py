"""The console's sending side in headless Chromium: the answer to a command is lost on the way
back, the console sends it again with the same Idempotency-Key, and one case is opened."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from api.auth import mint_token
from api.deps import Services
from api.gateway import CaseGateway
from store.ledger import Ledger
from tests.api.conftest import SECRET, serving, settings
from tests.api.test_cli_retries import openings_at
from tests.api.test_console import _chromium
from tests.factories import OPERATOR, report
from workers.worker import build_worker

pytestmark = pytest.mark.slow


async def test_a_lost_answer_is_sent_again_with_the_same_key_and_opens_one_case(
    dev_env: WorkflowEnvironment, engine: AsyncEngine, ledger: Ledger
) -> None:
    from playwright.async_api import Route, async_playwright

    executable = _chromium()
    queue = f"console-{uuid.uuid4().hex[:8]}"
    services = Services(settings(), engine, ledger, CaseGateway(dev_env.client, queue))
    place = f"世纪大道 {uuid.uuid4().hex[:8]}"  # marks this test's openings in the ledger
    keys: list[str] = []

    async def lose_first_answer(route: Route) -> None:
        keys.append(route.request.headers.get("idempotency-key", ""))
        response = await route.fetch(timeout=120_000)  # the API does the work and answers ...
        if len(keys) == 1:
            await route.abort("connectionreset")  # ... and the browser never hears it
        else:
            await route.fulfill(response=response)

    async with (
        build_worker(dev_env.client, ledger, queue),
        serving(services) as url,
        async_playwright() as playwright,
    ):
        browser = await playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        page = await browser.new_page()
        await page.goto(f"{url}/console")
        token = mint_token(OPERATOR, SECRET, timedelta(hours=1))
        await page.evaluate("t => sessionStorage.setItem('casework.token', t)", token)
        await page.route("**/cases", lose_first_answer)
        result: dict[str, Any] = await page.evaluate(
            "body => sendCommand('/cases', body)", report(location=place)
        )
        await browser.close()

    assert len(keys) == 2 and keys[0] == keys[1] and keys[0]
    assert await openings_at(engine, place) == [result["case_id"]]
    assert [e.type for e in await ledger.read_stream(result["case_id"])] == ["PersonReported"]
