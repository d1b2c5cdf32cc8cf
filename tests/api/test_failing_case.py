"""A case whose workflow task keeps failing (a nondeterministic deployment) answers a named 503
with a status URL, not a 500 on every later command; once repaired, the command that waited
is recorded once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from api.deps import Services
from api.gateway import CaseGateway
from domain.rescue import RESCUE
from store.ledger import Ledger
from tests.api.broken_case_workflow import NondeterministicRescueCase
from tests.api.conftest import asgi_client, bearer, settings
from tests.factories import OPERATOR, intake, report, rescue_case_id
from workers.worker import build_worker


async def test_a_case_whose_workflow_task_keeps_failing_answers_a_named_503(
    dev_env: WorkflowEnvironment, ledger: Ledger, engine: AsyncEngine
) -> None:
    queue = f"broken-{uuid.uuid4().hex[:8]}"
    gateway = CaseGateway(dev_env.client, queue, settle_timeout=timedelta(seconds=2))
    case_id = rescue_case_id()
    async with build_worker(dev_env.client, ledger, queue):
        await gateway.open_case(RESCUE, case_id, OPERATOR, report(), datetime.now(UTC))

    key = str(uuid.uuid4())
    headers = {**bearer(OPERATOR), "Idempotency-Key": key}
    path = f"/cases/{case_id}/commands"
    broken = Worker(dev_env.client, task_queue=queue, workflows=[NondeterministicRescueCase])
    async with asgi_client(Services(settings(), engine, ledger, gateway)) as api, broken:
        first = await api.post(path, json=intake(), headers=headers)
        assert first.status_code in (202, 503), first.text  # admitted; the task fails
        async with asyncio.timeout(60):  # a worker ran the task and it failed, and again
            while await gateway.workflow_problem(case_id) is None:
                await asyncio.sleep(0.2)
        answer = await api.post(path, json=intake(), headers=headers)
        assert answer.status_code == 503, answer.text
        assert answer.json()["code"] == "case_workflow_failing"
        location = answer.headers["Location"]
        status = (await api.get(location, headers=bearer(OPERATOR))).json()
        assert status["status"] == "pending" and "failing" in status["problem"]
    assert [e.type for e in await ledger.read_stream(case_id)] == ["PersonReported"]

    async with (
        asgi_client(Services(settings(), engine, ledger, gateway)) as api,
        build_worker(dev_env.client, ledger, queue),  # the repaired deployment
    ):
        async with asyncio.timeout(90):
            while True:
                again = await api.post(path, json=intake(), headers=headers)
                if again.status_code == 200:
                    break
                assert again.status_code in (202, 503), again.text
                await asyncio.sleep(0.5)
    types = [e.type for e in await ledger.read_stream(case_id)]
    assert types.count("IntakeRegistered") == 1
    assert again.json()["version"] >= 2
