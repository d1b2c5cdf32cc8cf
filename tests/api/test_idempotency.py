"""Idempotency-Key over HTTP (real Temporal dev server, real PostgreSQL): a retry gets the first
answer and records nothing new; another body under the same key is 422; a command whose outcome
is unknown answers 202 with a status URL that later tells what became of it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from api.deps import Services
from api.gateway import CaseGateway
from domain.actors import Actor, Role
from store.ledger import Ledger
from store.tables import idempotency_keys
from tests.api.conftest import asgi_client, bearer, settings
from tests.factories import CASEWORKER, OPERATOR, STATION, classify, intake, report
from workers.worker import build_worker

OTHER_OPERATOR = Actor(user_id="op-qian", role=Role.OPERATOR, unit=STATION)


def keyed(actor: Actor, key: str) -> dict[str, str]:
    return {**bearer(actor), "Idempotency-Key": key}


def new_key() -> str:
    return str(uuid.uuid4())


async def _types(api: httpx.AsyncClient, case_id: str) -> list[str]:
    return [e["type"] for e in (await api.get(f"/cases/{case_id}/history")).json()]


async def test_a_retried_opening_gets_the_same_case_and_opens_nothing_new(
    api: httpx.AsyncClient,
) -> None:
    key = new_key()
    first = await api.post("/cases", json=report(), headers=keyed(OPERATOR, key))
    again = await api.post("/cases", json=report(), headers=keyed(OPERATOR, key))
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    # The draft writes the key as a Structured Field string: "…" is the same key.
    quoted = await api.post("/cases", json=report(), headers=keyed(OPERATOR, f'"{key}"'))
    assert quoted.json() == first.json()
    assert await _types(api, first.json()["case_id"]) == ["PersonReported"]


async def test_a_retried_command_gets_the_same_version_and_records_once(
    api: httpx.AsyncClient,
) -> None:
    case_id = (await api.post("/cases", json=report(), headers=bearer(OPERATOR))).json()["case_id"]
    key = new_key()
    path = f"/cases/{case_id}/commands"
    first = await api.post(path, json=intake(), headers=keyed(OPERATOR, key))
    again = await api.post(path, json=intake(), headers=keyed(OPERATOR, key))
    assert first.status_code == again.status_code == 200
    assert again.json()["version"] == first.json()["version"]
    assert (await _types(api, case_id)).count("IntakeRegistered") == 1


async def test_the_same_key_with_another_body_is_422_and_changes_nothing(
    api: httpx.AsyncClient,
) -> None:
    key = new_key()
    first = await api.post("/cases", json=report(), headers=keyed(OPERATOR, key))
    other = await api.post(
        "/cases", json=report(location="陆家嘴环路"), headers=keyed(OPERATOR, key)
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    case_id = first.json()["case_id"]
    # Also for another target: the key names one request, not one body anywhere.
    elsewhere = await api.post(
        f"/cases/{case_id}/commands", json=report(), headers=keyed(OPERATOR, key)
    )
    assert elsewhere.status_code == 422
    assert await _types(api, case_id) == ["PersonReported"]


async def test_two_users_keys_never_meet(api: httpx.AsyncClient) -> None:
    key = new_key()
    mine = await api.post("/cases", json=report(), headers=keyed(OPERATOR, key))
    theirs = await api.post("/cases", json=report(), headers=keyed(OTHER_OPERATOR, key))
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["case_id"] != theirs.json()["case_id"]


async def test_a_refusal_is_the_keys_final_answer_even_once_the_case_would_accept(
    api: httpx.AsyncClient,
) -> None:
    case_id = (await api.post("/cases", json=report(), headers=bearer(OPERATOR))).json()["case_id"]
    path, key = f"/cases/{case_id}/commands", new_key()
    refused = await api.post(path, json=classify(), headers=keyed(CASEWORKER, key))
    assert refused.status_code == 409 and refused.json()["code"] == "wrong_stage"
    await api.post(path, json=intake(), headers=bearer(OPERATOR))  # now classify would pass

    again = await api.post(path, json=classify(), headers=keyed(CASEWORKER, key))
    assert again.status_code == 409 and again.json() == refused.json()
    assert "PersonClassified" not in await _types(api, case_id)


async def test_requests_without_a_key_keep_working(api: httpx.AsyncClient) -> None:
    first = await api.post("/cases", json=report(), headers=bearer(OPERATOR))
    second = await api.post("/cases", json=report(), headers=bearer(OPERATOR))
    assert first.status_code == second.status_code == 201
    assert first.json()["case_id"] != second.json()["case_id"]


async def test_a_malformed_key_is_422(api: httpx.AsyncClient) -> None:
    response = await api.post("/cases", json=report(), headers=keyed(OPERATOR, "x" * 201))
    assert response.status_code == 422


# --- outcomes not known yet: no worker takes the command -----------------------------------------


@pytest.fixture
async def workerless(
    dev_env: WorkflowEnvironment, ledger: Ledger, engine: AsyncEngine
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """The API on a task queue no worker polls yet (a short settle time); yields the queue."""
    queue = f"later-{uuid.uuid4().hex[:8]}"
    gateway = CaseGateway(dev_env.client, queue, settle_timeout=timedelta(seconds=2))
    async with asgi_client(Services(settings(), engine, ledger, gateway)) as client:
        yield client, queue


async def test_an_opening_no_worker_took_is_202_then_recorded_once_under_its_key(
    workerless: tuple[httpx.AsyncClient, str],
    dev_env: WorkflowEnvironment,
    ledger: Ledger,
) -> None:
    api, queue = workerless
    key = new_key()
    first = await api.post("/cases", json=report(), headers=keyed(OPERATOR, key))
    assert first.status_code == 202, first.text
    location = first.headers["Location"]
    case_id = first.json()["case_id"]
    assert location == f"/cases/{case_id}/commands/{first.json()['command_id']}"
    status = await api.get(location, headers=bearer(OPERATOR))
    assert status.status_code == 200 and status.json()["status"] == "pending"

    # A retry while the first is still pending joins it: the same case, the same status URL.
    again = await api.post("/cases", json=report(), headers=keyed(OPERATOR, key))
    assert again.status_code == 202 and again.headers["Location"] == location

    async with build_worker(dev_env.client, ledger, queue):
        async with asyncio.timeout(60):
            while (await api.get(location, headers=bearer(OPERATOR))).json()[
                "status"
            ] != "recorded":
                await asyncio.sleep(0.2)
        done = (await api.get(location, headers=bearer(OPERATOR))).json()
        last = await api.post("/cases", json=report(), headers=keyed(OPERATOR, key))
    assert done["version"] == 1 and done["events"] == ["PersonReported"]
    assert last.status_code == 201 and last.json()["case_id"] == case_id
    assert last.json()["version"] == 1
    assert [e.type for e in await ledger.read_stream(case_id)] == ["PersonReported"]


async def test_a_retry_while_the_first_request_is_still_answered_is_409(
    dev_env: WorkflowEnvironment, ledger: Ledger, engine: AsyncEngine
) -> None:
    # The first request waits 8 s for a worker that never comes; the copy arrives meanwhile.
    gateway = CaseGateway(dev_env.client, f"never-{uuid.uuid4().hex[:8]}", timedelta(seconds=8))
    key = new_key()
    async with asgi_client(Services(settings(), engine, ledger, gateway)) as api:
        first = asyncio.create_task(api.post("/cases", json=report(), headers=keyed(OPERATOR, key)))
        async with asyncio.timeout(30):
            while not await _claimed(engine, key):
                await asyncio.sleep(0.05)
        second = await api.post("/cases", json=report(), headers=keyed(OPERATOR, key))
        assert not first.done()
        assert second.status_code == 409, second.text
        assert second.json()["code"] == "idempotency_key_in_use"
        assert "Retry-After" in second.headers
        assert (await first).status_code == 202


async def _claimed(engine: AsyncEngine, key: str) -> bool:
    async with engine.connect() as conn:
        row = (
            await conn.execute(select(idempotency_keys).where(idempotency_keys.c.key == key))
        ).one_or_none()
    return row is not None and row.case_id is not None


async def test_a_too_large_body_is_413(api: httpx.AsyncClient) -> None:
    huge = report(location="长" * 200_000)
    response = await api.post("/cases", json=huge, headers=bearer(OPERATOR))
    assert response.status_code == 413 and response.json()["code"] == "body_too_large"
