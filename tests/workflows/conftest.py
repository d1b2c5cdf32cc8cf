"""Temporal servers for workflow tests: the dev server and the time-skipping test server."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from temporalio.client import Client
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from api.gateway import CaseGateway
from store.ledger import Ledger
from tests.servers import binary, register_search_attributes
from workers.worker import build_worker
from workflows.search_attributes import ALL_KEYS


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        search_attributes=list(ALL_KEYS),
        data_converter=pydantic_data_converter,
        interceptors=[TracingInterceptor()],
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=pydantic_data_converter,
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
