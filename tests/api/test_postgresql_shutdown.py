"""PostgreSQL shutting down or gone answers 503 on every endpoint, never 500: connections
already in the pool die mid-request, new ones are refused (CannotConnectNowError while the
server stops or starts, connection refused once it is gone)."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from sqlalchemy.exc import DBAPIError
from temporalio.testing import WorkflowEnvironment

from api.deps import Services
from api.gateway import CaseGateway
from store.data_errors import is_unavailable
from store.db import make_engine
from store.ledger import Ledger
from tests.api.conftest import OwnPostgres, asgi_client, bearer, settings
from tests.factories import OPERATOR, intake, report


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.CannotConnectNowError("the database system is shutting down"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
        asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
        ConnectionRefusedError(111, "Connection refused"),
    ],
    ids=type,
)
def test_shutdown_errors_are_outages_however_they_are_wrapped(error: Exception) -> None:
    wrapped = DBAPIError("SELECT 1", {}, error)
    assert is_unavailable(error) and is_unavailable(wrapped)


def test_a_data_error_is_not_an_outage() -> None:
    assert not is_unavailable(asyncpg.exceptions.NumericValueOutOfRangeError("out of range"))


async def test_every_endpoint_answers_503_while_postgresql_is_down(
    dev_env: WorkflowEnvironment, own_postgres: tuple[OwnPostgres, str]
) -> None:
    pg, url = own_postgres
    engine = make_engine(url)
    ledger = Ledger(engine)
    gateway = CaseGateway(dev_env.client, f"pgdown-{uuid.uuid4().hex[:8]}")
    async with asgi_client(Services(settings(), engine, ledger, gateway)) as api:
        assert (await api.get("/cases", headers=bearer(OPERATOR))).status_code == 200  # warm
        await asyncio.to_thread(pg.stop)
        key = {**bearer(OPERATOR), "Idempotency-Key": str(uuid.uuid4())}
        case = "RSC-2026-000000001"
        for method, path, body, headers in (
            ("GET", "/cases", None, bearer(OPERATOR)),
            ("GET", f"/cases/{case}", None, bearer(OPERATOR)),
            ("GET", f"/cases/{case}/history", None, bearer(OPERATOR)),
            ("GET", f"/cases/{case}/verify", None, bearer(OPERATOR)),
            ("GET", f"/cases/{case}/commands/cmd-0", None, bearer(OPERATOR)),
            ("GET", "/queue", None, bearer(OPERATOR)),
            ("POST", "/cases", report(), key),
            ("POST", "/cases", report(), bearer(OPERATOR)),
            ("POST", f"/cases/{case}/commands", intake(), bearer(OPERATOR)),
        ):
            response = await api.request(method, path, json=body, headers=headers)
            assert response.status_code == 503, (path, response.text)
            assert response.json()["code"] == "postgresql_unavailable", path
    await ledger.close()
    await engine.dispose()
