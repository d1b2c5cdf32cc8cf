"""A worker killed in the middle of a case (with an identity check in flight) and a new one
started: the case goes on with no event lost or doubled (real dev server, real PostgreSQL)."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from api.gateway import CaseGateway
from domain.rescue import RESCUE
from store.ledger import Ledger
from tests.factories import CASEWORKER, OPERATOR, classify, intake, report, rescue_case_id
from tests.workflows.rescue_helpers import KNOWN_ID, assert_ledger_is_the_case, recorded, until
from workers.worker import build_worker
from workflows.contracts import CaseOutcome

ROOT = Path(__file__).resolve().parents[2]


async def _worker_process(
    env: WorkflowEnvironment, database_url: str, task_queue: str, latency_ms: int
) -> asyncio.subprocess.Process:
    address = env.client.service_client.config.target_host
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.workflows.rescue_worker_process",
        address,
        database_url,
        task_queue,
        str(latency_ms),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    async with asyncio.timeout(30):
        assert (await process.stdout.readline()).strip() == b"ready"
    return process


@pytest.fixture
async def doomed_worker(
    dev_env: WorkflowEnvironment, database_url: str, task_queue: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """A worker whose identity checks take 4 s: long enough to be killed during one."""
    process = await _worker_process(dev_env, database_url, task_queue, latency_ms=4000)
    yield process
    if process.returncode is None:
        process.kill()
        await process.wait()


async def test_a_killed_worker_loses_and_doubles_nothing(
    dev_env: WorkflowEnvironment,
    ledger: Ledger,
    task_queue: str,
    doomed_worker: asyncio.subprocess.Process,
) -> None:
    gateway = CaseGateway(dev_env.client, task_queue)
    case_id = rescue_case_id()
    await gateway.open_case(RESCUE, case_id, OPERATOR, report(), datetime.now(UTC))
    person = {"id_number": KNOWN_ID, "name": "陈某"}
    await gateway.send(case_id, OPERATOR, intake(person=person, information="provided"))
    await asyncio.sleep(1)  # the identity check is in flight on the doomed worker

    doomed_worker.send_signal(signal.SIGKILL)
    await doomed_worker.wait()
    assert not await recorded(ledger, case_id, "PoliceIdentityConfirmed")

    async with build_worker(dev_env.client, ledger, task_queue):  # the replacement
        await gateway.send(case_id, CASEWORKER, classify())
        await until(lambda: recorded(ledger, case_id, "PoliceIdentityConfirmed"))
        await gateway.send(
            case_id, OPERATOR, {"type": "RecordSelfExit", "declaration_signed": True}
        )
        await gateway.send(case_id, CASEWORKER, {"type": "CloseRescueCase", "summary": "自行离站"})
        handle = dev_env.client.get_workflow_handle(case_id, result_type=CaseOutcome)
        assert (await handle.result()).stage == "closed"

        history = await ledger.read_stream(case_id)
        types = [e.type for e in history]
        for once in (
            "PersonReported",
            "IntakeRegistered",
            "IdentityCheckRequested",
            "PoliceIdentityConfirmed",
            "PersonClassified",
            "SelfExitDeclared",
            "StationExited",
            "CaseClosed",
        ):
            assert types.count(once) == 1, once
        assert types.index("IdentityCheckRequested") < types.index("PoliceIdentityConfirmed")
        assert types[-1] == "CaseClosed"
        await assert_ledger_is_the_case(gateway, ledger, case_id)
