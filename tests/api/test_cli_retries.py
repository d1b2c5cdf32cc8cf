"""The CLI's client against the real API: a lost answer is retried with the same key (one case,
one event), and a 202 is followed to its status URL until the command is recorded."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from api.auth import mint_token
from api.deps import Services
from api.gateway import CaseGateway
from casework.api_client import ApiClient
from store.ledger import Ledger
from store.tables import events, idempotency_keys
from tests.api.conftest import SECRET, serving, settings
from tests.factories import OPERATOR, intake, report
from workers.worker import build_worker


class AnswerLosingProxy:
    """A TCP proxy in front of the API that forwards each request but, for the first
    `lose` connections, drops the API's answer and closes the connection: a lost reply."""

    def __init__(self, upstream: str, lose: int) -> None:
        parsed = urlparse(upstream)
        self._host, self._port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.lose = lose
        self.lost = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(self._host, self._port)
        losing = self.lost < self.lose

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, drop: bool) -> None:
            with contextlib.suppress(ConnectionError):
                while data := await src.read(65536):
                    if drop:
                        self.lost += 1
                        return  # the API answered; the client never hears it
                    dst.write(data)
                    await dst.drain()

        forward = asyncio.create_task(pipe(reader, up_writer, drop=False))
        await pipe(up_reader, writer, drop=losing)
        forward.cancel()
        for w in (writer, up_writer):
            w.close()
            with contextlib.suppress(ConnectionError):
                await w.wait_closed()


@contextlib.asynccontextmanager
async def proxy_to(upstream: str, lose: int) -> AsyncIterator[tuple[str, AnswerLosingProxy]]:
    proxy = AnswerLosingProxy(upstream, lose)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}", proxy


def _client(base_url: str) -> ApiClient:
    token = mint_token(OPERATOR, SECRET, timedelta(hours=1))
    return ApiClient(base_url, token, timeout=30, retry_delays=(0.1,) * 5)


async def openings_at(engine: AsyncEngine, location: str) -> list[str]:
    """The cases whose opening report names `location` (a test marks its own with it)."""
    query = select(events.c.stream_id).where(
        events.c.type == "PersonReported", events.c.payload["location"].astext == location
    )
    async with engine.connect() as conn:
        return list((await conn.execute(query)).scalars())


async def test_a_lost_answer_is_retried_with_the_same_key_and_opens_one_case(
    gateway: CaseGateway, ledger: Ledger, engine: AsyncEngine
) -> None:
    services = Services(settings(), engine, ledger, gateway)
    place = f"世纪大道 {uuid.uuid4().hex[:8]}"  # marks this test's openings in the ledger
    async with serving(services) as url, proxy_to(url, lose=1) as (via, proxy):
        result = await asyncio.to_thread(_client(via).post, "/cases", report(location=place))
        assert proxy.lost == 1
        case_id = result["case_id"]
        second = await asyncio.to_thread(_client(via).post, f"/cases/{case_id}/commands", intake())
    assert await openings_at(engine, place) == [case_id]
    types = [e.type for e in await ledger.read_stream(case_id)]
    assert types.count("PersonReported") == 1 and types.count("IntakeRegistered") == 1
    assert types[:2] == ["PersonReported", "IntakeRegistered"]
    assert result["version"] == 1 and second["version"] >= 2


@pytest.fixture
def later_queue() -> str:
    return f"later-{uuid.uuid4().hex[:8]}"


async def test_a_202_is_followed_to_its_status_url_until_recorded(
    dev_env: WorkflowEnvironment, ledger: Ledger, engine: AsyncEngine, later_queue: str
) -> None:
    gateway = CaseGateway(dev_env.client, later_queue, settle_timeout=timedelta(seconds=1))
    services = Services(settings(), engine, ledger, gateway)
    key = str(uuid.uuid4())
    async with serving(services) as url:
        sending = asyncio.create_task(
            asyncio.to_thread(_client(url).send_command, "/cases", report(), key)
        )
        async with asyncio.timeout(60):  # until the API has answered 202 (no worker yet)
            while not await _answered_pending(engine, key):
                await asyncio.sleep(0.1)
        async with build_worker(dev_env.client, ledger, later_queue):
            result = await sending
    assert result["version"] == 1
    assert [e.type for e in await ledger.read_stream(result["case_id"])] == ["PersonReported"]


async def _answered_pending(engine: AsyncEngine, key: str) -> bool:
    """The key's request has ended (lease given back) without a final answer: a 202."""
    async with engine.connect() as conn:
        row = (
            await conn.execute(select(idempotency_keys).where(idempotency_keys.c.key == key))
        ).one_or_none()
    return row is not None and row.lease_until is None and row.status_code is None
