"""The Temporal Web UI of `casework dev` decodes a case's payloads through the API's codec
endpoint for a signed-in supervisor, in headless Chromium, and shows only ciphertext otherwise."""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.deps import Services
from api.gateway import CaseGateway
from api.routers.codec import COOKIE
from casework.embedded import EmbeddedTemporal
from domain.rescue import RESCUE
from store.ledger import Ledger
from tests.api.conftest import bearer, serving, settings
from tests.factories import OPERATOR, SUPERVISOR, report, rescue_case_id
from tests.servers import session_key_ring
from workers.client import connect
from workers.worker import build_worker

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class UiStack:
    api: str
    ui: str
    case_id: str


@pytest.fixture
async def ui_stack(ledger: Ledger, engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[UiStack]:
    temporal_port, ui_port = _free_port(), _free_port()
    ui = f"http://127.0.0.1:{ui_port}"
    address = f"127.0.0.1:{temporal_port}"
    queue = f"ui-{uuid.uuid4().hex[:8]}"
    lazy = await connect(address, key_ring=session_key_ring(), lazy=True)
    services = Services(
        settings=settings().model_copy(update={"codec_origins_setting": ui}),
        engine=engine,
        ledger=ledger,
        gateway=CaseGateway(lazy, queue),
    )
    async with serving(services) as api:
        temporal = EmbeddedTemporal(
            tmp_path / "temporal", temporal_port, ui_port, ui_codec_endpoint=f"{api}/codec"
        )
        temporal.start()
        try:
            await temporal.wait_ready()
            client = await connect(address, key_ring=session_key_ring())
            async with build_worker(client, ledger, queue):
                case_id = rescue_case_id()
                await services.gateway.open_case(
                    RESCUE, case_id, OPERATOR, report(), datetime.now(UTC)
                )
                yield UiStack(api=api, ui=ui, case_id=case_id)
        finally:
            temporal.stop()


def _chromium() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium missing: .ci/run must install Debian's chromium")
        pytest.skip("Debian's chromium is not installed")
    return CHROMIUM


# A field of the case workflow's input: on the page only once the codec has opened it.
DECODED_FIELD = "history_limit"


async def _workflow_page(context: Any, stack: UiStack) -> tuple[Any, list[int]]:
    """Open the case in the UI after the one-time codec setting docs/payload-encryption.md
    describes (the dev server passes only the endpoint, not "include cross-origin
    credentials"); the statuses of the UI's calls to /codec/decode."""
    page = await context.new_page()
    await page.goto(f"{stack.ui}/namespaces/default/workflows")
    await page.get_by_test_id("data-encoder-status-configured").click()
    await page.get_by_test_id("use-local-endpoint-input").check()
    await page.get_by_label("Codec Server browser endpoint").fill(f"{stack.api}/codec")
    await page.get_by_text("Include cross-origin credentials").click()
    await page.get_by_test_id("confirm-modal-button").filter(has_text="Apply").click()

    def is_decode(response: Any) -> bool:  # the UI adds a query (preserveStorageRefs=true)
        path: str = urlsplit(response.url).path
        return path.endswith("/codec/decode") and response.request.method == "POST"

    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if is_decode(r) else None)
    async with page.expect_response(is_decode):
        await page.goto(f"{stack.ui}/namespaces/default/workflows/{stack.case_id}")
    return page, statuses


async def test_the_ui_shows_payloads_only_to_a_signed_in_district_role(
    ui_stack: UiStack, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    executable = _chromium()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            # A supervisor signed in (the console calls this after a supervisor's login).
            supervisor = await browser.new_context()
            signed_in = await supervisor.request.post(
                f"{ui_stack.api}/codec/session", headers=bearer(SUPERVISOR)
            )
            assert signed_in.status == 204
            page, statuses = await _workflow_page(supervisor, ui_stack)
            await page.get_by_text(DECODED_FIELD).first.wait_for()
            assert statuses and set(statuses) == {200}
            await page.screenshot(path=str(tmp_path / "decoded.png"))

            # Nobody signed in: the UI's decode is refused and it shows the ciphertext.
            anonymous = await browser.new_context()
            page, statuses = await _workflow_page(anonymous, ui_stack)
            assert statuses and set(statuses) == {401}
            assert DECODED_FIELD not in await page.inner_text("body")

            # An operator's token in the cookie: still refused.
            operator = await browser.new_context()
            token = bearer(OPERATOR)["Authorization"].removeprefix("Bearer ")
            await operator.add_cookies(
                [{"name": COOKIE, "value": token, "url": f"{ui_stack.api}/codec"}]
            )
            page, statuses = await _workflow_page(operator, ui_stack)
            assert statuses and set(statuses) == {403}
            assert DECODED_FIELD not in await page.inner_text("body")
        finally:
            await browser.close()
