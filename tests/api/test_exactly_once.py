"""Exactly once at the front door, reproduced against real servers: Temporal stopped after the
update was accepted, both workers killed after it, a worker killed between the ledger's commit
and the activity's result. Each time the API answers honestly (202 and a status URL, never
"nothing was changed"), the status URL ends "recorded", a retry with the same Idempotency-Key
gets the same version, and the ledger holds the command's event exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
import socket
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from api.deps import Services
from api.gateway import CaseGateway
from domain.calendar import SHANGHAI
from store.db import make_engine
from store.ledger import Ledger
from store.tables import case_numbers
from tests.api.conftest import asgi_client, bearer, settings
from tests.factories import OPERATOR, intake, report
from tests.servers import binary, converter, session_key_ring
from tests.store.tampering import superuser_url
from workers.client import connect
from workers.worker import build_worker
from workflows.search_attributes import ALL_KEYS

ROOT = Path(__file__).resolve().parents[2]


class RestartableTemporal:
    """A file-backed Temporal dev server of the test's own, on a fixed port: stop and start it."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.address = f"127.0.0.1:{self.port}"
        self._db = str(Path(tempfile.mkdtemp(prefix="temporal-")) / "temporal.db")
        self._env: WorkflowEnvironment | None = None

    async def start(self) -> None:
        self._env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=binary("temporal"),
            port=self.port,
            search_attributes=list(ALL_KEYS),
            data_converter=converter(),
            dev_server_extra_args=["--db-filename", self._db],
        )

    async def stop(self) -> None:
        if self._env is not None:
            await self._env.shutdown()
            self._env = None


@pytest.fixture
async def temporal() -> AsyncIterator[RestartableTemporal]:
    server = RestartableTemporal()
    await server.start()
    yield server
    await server.stop()


def _url(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=False)


async def worker_process(
    address: str, engine: AsyncEngine, queue: str, crash_after: str = "-"
) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.api.crashing_worker_process",
        address,
        _url(engine),
        queue,
        crash_after,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    async with asyncio.timeout(30):
        assert (await process.stdout.readline()).strip() == b"ready"
    return process


async def kill(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGKILL)
    await process.wait()


@contextlib.asynccontextmanager
async def appends_blocked(owner_url: str) -> AsyncIterator[None]:
    """Hold every ledger append (reads go on) until the block ends: a command the case
    accepted waits between acceptance and its record. As the database's superuser: the
    application's role may not lock the ledger."""
    engine = make_engine(owner_url, pool_size=1)
    try:
        async with engine.connect() as conn, conn.begin():
            await conn.exec_driver_sql("LOCK TABLE events IN EXCLUSIVE MODE")
            yield
    finally:
        await engine.dispose()


async def until_appending(client: Client, case_id: str) -> None:
    """Until the case has accepted a command and its ledger activity is under way."""
    async with asyncio.timeout(60):
        while True:
            described = await client.get_workflow_handle(case_id).describe()
            if described.raw_description.pending_activities:
                return
            await asyncio.sleep(0.1)


async def until_recorded(api: httpx.AsyncClient, location: str) -> dict[str, Any]:
    async with asyncio.timeout(90):
        while True:
            status = (await api.get(location, headers=bearer(OPERATOR))).json()
            if status["status"] == "recorded":
                return dict(status)
            assert status["status"] == "pending", status
            await asyncio.sleep(0.3)


async def count(ledger: Ledger, case_id: str, event_type: str) -> int:
    return [e.type for e in await ledger.read_stream(case_id)].count(event_type)


def keyed(key: str) -> dict[str, str]:
    return {**bearer(OPERATOR), "Idempotency-Key": key}


async def _fresh_numbers(engine: AsyncEngine) -> None:
    """Case numbers of this database from a random offset: its case ids (and so workflow ids)
    never meet the workflows other tests' databases left in the shared Temporal server."""
    year = datetime.now(SHANGHAI).year
    async with engine.begin() as conn:
        await conn.execute(
            insert(case_numbers).values(
                prefix="RSC", year=year, last_number=random.randrange(10**5, 10**6) * 1000
            )
        )


async def _opened(api: httpx.AsyncClient) -> str:
    response = await api.post("/cases", json=report(), headers=keyed(str(uuid.uuid4())))
    assert response.status_code == 201, response.text
    case_id: str = response.json()["case_id"]
    return case_id


async def test_temporal_stopped_after_the_update_was_accepted(
    temporal: RestartableTemporal, own_engine: AsyncEngine, server_url: str
) -> None:
    client = await connect(temporal.address, key_ring=session_key_ring(), lazy=True)
    ledger, queue = Ledger(own_engine), f"stop-{uuid.uuid4().hex[:8]}"
    gateway = CaseGateway(client, queue, settle_timeout=timedelta(seconds=30))
    worker = await worker_process(temporal.address, own_engine, queue)
    key = str(uuid.uuid4())
    await _fresh_numbers(own_engine)
    async with asgi_client(Services(settings(), own_engine, ledger, gateway)) as api:
        case_id = await _opened(api)
        path = f"/cases/{case_id}/commands"
        async with appends_blocked(superuser_url(server_url, own_engine)):
            sending = asyncio.create_task(api.post(path, json=intake(), headers=keyed(key)))
            await until_appending(client, case_id)
            await temporal.stop()  # accepted, not recorded: the caller is still waiting
            answer = await sending
            assert answer.status_code == 202, answer.text
            location = answer.headers["Location"]
            # A retry while Temporal is down changes nothing itself, but the first attempt
            # reached the case: still 202, never "nothing was changed".
            retry = await api.post(path, json=intake(), headers=keyed(key))
            assert retry.status_code == 202 and retry.headers["Location"] == location
        await kill(worker)
        await temporal.start()
        async with build_worker(
            await connect(temporal.address, key_ring=session_key_ring()), ledger, queue
        ):
            status = await until_recorded(api, location)
            again = await api.post(path, json=intake(), headers=keyed(key))
    assert again.status_code == 200 and again.json()["version"] == status["version"]
    assert await count(ledger, case_id, "IntakeRegistered") == 1
    assert (await ledger.verify(case_id)).valid


async def test_both_workers_killed_after_the_update_was_accepted(
    dev_env: WorkflowEnvironment, own_engine: AsyncEngine, server_url: str
) -> None:
    client = dev_env.client
    address = client.service_client.config.target_host
    ledger, queue = Ledger(own_engine), f"kill2-{uuid.uuid4().hex[:8]}"
    gateway = CaseGateway(client, queue, settle_timeout=timedelta(seconds=3))
    workers = [await worker_process(address, own_engine, queue) for _ in range(2)]
    key = str(uuid.uuid4())
    await _fresh_numbers(own_engine)
    async with asgi_client(Services(settings(), own_engine, ledger, gateway)) as api:
        case_id = await _opened(api)
        path = f"/cases/{case_id}/commands"
        async with appends_blocked(superuser_url(server_url, own_engine)):
            sending = asyncio.create_task(api.post(path, json=intake(), headers=keyed(key)))
            await until_appending(client, case_id)
            for worker in workers:
                await kill(worker)
            answer = await sending
        assert answer.status_code == 202, answer.text
        location = answer.headers["Location"]
        async with build_worker(client, ledger, queue):
            status = await until_recorded(api, location)
            again = await api.post(path, json=intake(), headers=keyed(key))
    assert again.status_code == 200 and again.json()["version"] == status["version"]
    assert await count(ledger, case_id, "IntakeRegistered") == 1


async def test_both_workers_killed_before_a_worker_accepted_the_update(
    dev_env: WorkflowEnvironment, own_engine: AsyncEngine
) -> None:
    client = dev_env.client
    address = client.service_client.config.target_host
    ledger, queue = Ledger(own_engine), f"kill0-{uuid.uuid4().hex[:8]}"
    gateway = CaseGateway(client, queue, settle_timeout=timedelta(seconds=3))
    workers = [await worker_process(address, own_engine, queue) for _ in range(2)]
    key = str(uuid.uuid4())
    await _fresh_numbers(own_engine)
    async with asgi_client(Services(settings(), own_engine, ledger, gateway)) as api:
        case_id = await _opened(api)
        path = f"/cases/{case_id}/commands"
        for worker in workers:
            await kill(worker)  # the case's sticky queue now leads to a dead worker
        answer = await api.post(path, json=intake(), headers=keyed(key))
        assert answer.status_code == 202, answer.text  # admitted; nobody has accepted it
        location = answer.headers["Location"]
        assert (await api.get(location, headers=bearer(OPERATOR))).json()["status"] == "pending"
        async with build_worker(client, ledger, queue):
            status = await until_recorded(api, location)
            again = await api.post(path, json=intake(), headers=keyed(key))
    assert again.status_code == 200 and again.json()["version"] == status["version"]
    assert await count(ledger, case_id, "IntakeRegistered") == 1


async def test_a_worker_killed_after_the_ledger_commit_before_the_activity_result(
    dev_env: WorkflowEnvironment, own_engine: AsyncEngine
) -> None:
    client = dev_env.client
    address = client.service_client.config.target_host
    ledger, queue = Ledger(own_engine), f"crash-{uuid.uuid4().hex[:8]}"
    gateway = CaseGateway(client, queue, settle_timeout=timedelta(seconds=3))
    doomed = await worker_process(address, own_engine, queue, crash_after="IntakeRegistered")
    key = str(uuid.uuid4())
    try:
        await _fresh_numbers(own_engine)
        async with asgi_client(Services(settings(), own_engine, ledger, gateway)) as api:
            case_id = await _opened(api)
            path = f"/cases/{case_id}/commands"
            answer = await api.post(path, json=intake(), headers=keyed(key))
            async with asyncio.timeout(30):
                assert await doomed.wait() == -signal.SIGKILL  # died right after its commit
            assert await count(ledger, case_id, "IntakeRegistered") == 1
            assert answer.status_code == 202, answer.text
            location = answer.headers["Location"]
            async with build_worker(client, ledger, queue):  # retries the append: same ids
                status = await until_recorded(api, location)
                again = await api.post(path, json=intake(), headers=keyed(key))
                async with asyncio.timeout(30):  # the case goes on from the recorded version
                    while (await gateway.view(case_id)).version < status["version"]:
                        await asyncio.sleep(0.2)
    finally:
        await kill(doomed)
    assert again.status_code == 200 and again.json()["version"] == status["version"]
    assert await count(ledger, case_id, "IntakeRegistered") == 1
    assert (await ledger.verify(case_id)).valid
