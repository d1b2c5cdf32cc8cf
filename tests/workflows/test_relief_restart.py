"""The worker and the fake verification centre restarted mid-verification, on the dev server:
nothing is lost, and the centre sees one request however often it was sent (idempotency key)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from activities.verification import FakeVerificationCentre
from store.ledger import Ledger
from tests.factories import RELIEF_OPERATOR, SUPERVISOR, relief_application, relief_case_id
from tests.workflows.relief_harness import relief_harness
from workflows.contracts import CaseInput


async def test_restarts_mid_verification_lose_nothing_and_send_nothing_twice(
    dev_env: WorkflowEnvironment,
    ledger: Ledger,
    engine: AsyncEngine,
    task_queue: str,
    tmp_path: Path,
) -> None:
    store = tmp_path / "centre.sqlite"
    # The first centre records the request, then the connection drops before its receipt
    # reaches the worker: the activity failed as far as Temporal knows, and will be retried.
    first = FakeVerificationCentre(store, latency=timedelta(hours=1), lose_receipts=1)
    async with relief_harness(dev_env.client, ledger, engine, task_queue, first) as relief:
        case_id = await relief.open(relief_application())
        await relief.send(case_id, {"type": "AcceptAssistanceApplication"}, RELIEF_OPERATOR)
        key = await relief.request_key(case_id)
        for _ in range(100):
            if first.record(key) is not None:
                break
            await asyncio.sleep(0.05)
        first.down = True  # whatever this worker retries now fails: the next send is after
        relief.opened.remove(case_id)  # keep the case running across the restart
    # Worker and centre are both gone; a new worker and a new centre on the same store.
    second = FakeVerificationCentre(store, latency=timedelta(hours=1), duplicate_replies=True)
    async with relief_harness(dev_env.client, ledger, engine, task_queue, second) as relief:
        relief.opened.append(case_id)
        events = await relief.until_type(case_id, "VerificationAcknowledged")
        [record] = second.records()
        assert record.key == key and record.submissions == 2  # sent twice, one request
        acknowledged = next(e for e in events if e.type == "VerificationAcknowledged")
        assert acknowledged.payload["centre_ref"] == record.centre_ref

        # an hour later by the centre's clock, its reply arrives, and then again
        await second.deliver_due(datetime.now(UTC) + timedelta(hours=2))
        assert [d["status"] for d in relief.deliveries] == ["recorded", "duplicate_reply"]

        types = await relief.types(case_id)
        assert types.count("VerificationRequested") == 1
        assert types.count("VerificationAcknowledged") == 1
        assert types.count("VerificationReplyRecorded") == 1
        assert (await relief.gateway.view(case_id)).stage == "investigation"
        await relief.assert_ledger_is_the_workflow(case_id)


async def test_a_pending_request_is_sent_again_by_the_next_run_after_continue_as_new(
    dev_env: WorkflowEnvironment,
    ledger: Ledger,
    engine: AsyncEngine,
    task_queue: str,
    tmp_path: Path,
) -> None:
    centre = FakeVerificationCentre(tmp_path / "centre.sqlite", latency=timedelta(0))
    centre.down = True
    async with relief_harness(dev_env.client, ledger, engine, task_queue, centre) as relief:
        case_id = relief_case_id()
        handle = await dev_env.client.start_workflow(
            "ReliefCase",
            CaseInput(case_id=case_id, kind="relief", history_limit=50),
            id=case_id,
            task_queue=task_queue,
        )
        relief.opened.append(case_id)
        first_run = handle.result_run_id
        gateway = relief.gateway
        await gateway.send(case_id, RELIEF_OPERATOR, relief_application())
        await gateway.send(case_id, RELIEF_OPERATOR, {"type": "AcceptAssistanceApplication"})
        for _ in range(15):  # 30 working days become 45, one at a time
            extension = {
                "type": "GrantExtension",
                "clock": "whole_process",
                "by": 1,
                "reason": "异地核对",
            }
            await gateway.send(case_id, SUPERVISOR, extension)
        description = await dev_env.client.get_workflow_handle(case_id).describe()
        assert description.run_id != first_run  # a new run carries the case on

        centre.down = False  # the new run's effect sends the pending request again
        events = await relief.until_type(case_id, "VerificationAcknowledged")
        key = next(e for e in events if e.type == "VerificationRequested").payload["request_key"]
        await centre.deliver_due(datetime.now(UTC))
        types = await relief.types(case_id)
        assert types.count("VerificationRequested") == 1
        assert types.count("VerificationReplyRecorded") == 1
        assert [r.key for r in centre.records()] == [key]
        assert len({e.run_id for e in await relief.events(case_id)}) >= 2
        await relief.assert_ledger_is_the_workflow(case_id)
