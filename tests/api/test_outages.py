"""Outages: the API names what is down; an accepted command survives a PostgreSQL outage."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from api.deps import Services
from api.gateway import CaseGateway, CommandPending
from domain.rescue import RESCUE
from store.db import make_engine
from store.ledger import Ledger
from tests.api.conftest import OwnPostgres, asgi_client, bearer, settings
from tests.factories import OPERATOR, intake, report, rescue_case_id
from tests.servers import session_key_ring
from workers.client import connect
from workers.worker import build_worker


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_temporal_unreachable_is_503_naming_temporal(
    ledger: Ledger, engine: AsyncEngine
) -> None:
    client = await connect(f"127.0.0.1:{_closed_port()}", key_ring=session_key_ring(), lazy=True)
    services = Services(settings(), engine, ledger, CaseGateway(client, "nowhere"))
    async with asgi_client(services) as api:
        health = await api.get("/healthz")
        assert health.status_code == 503
        assert (
            health.json()["temporal"]["ok"] is False and health.json()["postgresql"]["ok"] is True
        )
        response = await api.post("/cases", json=report(), headers=bearer(OPERATOR))
        assert response.status_code == 503 and response.json()["code"] == "temporal_unavailable"


async def test_postgresql_unreachable_is_503_naming_postgresql(
    gateway: CaseGateway, ledger: Ledger
) -> None:
    dead = make_engine(f"postgresql://postgres@127.0.0.1:{_closed_port()}/postgres")
    services = Services(settings(), dead, Ledger(dead), gateway)
    async with asgi_client(services) as api:
        health = await api.get("/healthz")
        assert health.status_code == 503 and health.json()["postgresql"]["ok"] is False
        for path in (
            "/cases",
            "/cases/RSC-2026-000000001/history",
            "/cases/RSC-2026-000000001/verify",
        ):
            response = await api.get(path)
            assert response.status_code == 503, path
            assert response.json()["code"] == "postgresql_unavailable"
    await dead.dispose()


async def test_command_accepted_during_a_postgresql_outage_is_recorded_once_it_returns(
    dev_env: WorkflowEnvironment, own_postgres: tuple[OwnPostgres, str]
) -> None:
    pg, url = own_postgres
    engine = make_engine(url)
    ledger = Ledger(engine)
    queue = f"outage-{uuid.uuid4().hex[:8]}"
    gateway = CaseGateway(dev_env.client, queue, settle_timeout=timedelta(seconds=2))
    case_id = rescue_case_id()
    async with build_worker(dev_env.client, ledger, queue):
        await gateway.open_case(RESCUE, case_id, OPERATOR, report(), datetime.now(UTC))

        await asyncio.to_thread(pg.stop)
        with pytest.raises(CommandPending):
            await gateway.send(case_id, OPERATOR, intake())
        await asyncio.sleep(3)  # the ledger activity keeps retrying meanwhile
        await asyncio.to_thread(pg.start)

        async with asyncio.timeout(60):
            while "IntakeRegistered" not in await _types(ledger, case_id):
                await asyncio.sleep(0.5)
        await asyncio.sleep(1)  # let anything else the command set off settle
        view = await gateway.view(case_id)

    history = await ledger.read_stream(case_id)
    types = [e.type for e in history]
    assert types[:2] == ["PersonReported", "IntakeRegistered"]
    assert types.count("IntakeRegistered") == 1  # recorded once, not once per retry
    assert [e.version for e in history] == list(range(1, len(history) + 1))
    assert len({e.event_id for e in history}) == len(history)
    assert view.version == len(history) and view.stage == "intake"
    assert (await ledger.verify(case_id)).valid
    await engine.dispose()


async def _types(ledger: Ledger, case_id: str) -> list[str]:
    try:
        return [e.type for e in await ledger.read_stream(case_id)]
    except Exception:  # the server is still coming back
        return []


async def test_a_command_no_worker_took_is_pending_and_recorded_once_a_worker_returns(
    dev_env: WorkflowEnvironment, ledger: Ledger
) -> None:
    # Temporal keeps an update no worker has taken yet and hands it to the next worker: "nothing
    # was recorded" would be a lie that invites a second copy.
    queue = f"gone-{uuid.uuid4().hex[:8]}"
    gateway = CaseGateway(dev_env.client, queue, settle_timeout=timedelta(seconds=2))
    case_id = rescue_case_id()
    async with build_worker(dev_env.client, ledger, queue):
        await gateway.open_case(RESCUE, case_id, OPERATOR, report(), datetime.now(UTC))

    with pytest.raises(CommandPending) as pending:
        await gateway.send(case_id, OPERATOR, intake())
    assert [e.type for e in await ledger.read_stream(case_id)] == ["PersonReported"]

    async with build_worker(dev_env.client, ledger, queue):
        async with asyncio.timeout(60):
            while "IntakeRegistered" not in await _types(ledger, case_id):
                await asyncio.sleep(0.2)
        again = await gateway.send(case_id, OPERATOR, intake(), command_id=pending.value.command_id)
    types = await _types(ledger, case_id)
    assert types.count("IntakeRegistered") == 1
    assert again.version == len(types)
