"""Records the full rescue lifecycle's history for the replay test (test_replay.py replays every
file in histories/). Run with CASEWORK_RECORD_HISTORIES=1 once after adding the scenario; never
re-record an existing file to make a replay pass."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from api.gateway import CaseGateway
from domain.rescue import RESCUE
from store.ledger import Ledger
from tests.factories import (
    APPROVER,
    CASEWORKER,
    OPERATOR,
    SUPERVISOR,
    SUPERVISOR_2,
    classify,
    intake,
    report,
    rescue_case_id,
)
from tests.servers import plain_history_json
from tests.workflows.rescue_helpers import KNOWN_ID, plan_command, recorded, shanghai_date, until
from tests.workflows.test_replay import HISTORIES
from workflows.contracts import CaseOutcome


@pytest.mark.skipif(
    not os.environ.get("CASEWORK_RECORD_HISTORIES"), reason="records histories on demand"
)
async def test_record_rescue_full_lifecycle_history(
    skipping_env: WorkflowEnvironment, skipping_gateway: CaseGateway, ledger: Ledger
) -> None:
    gateway = skipping_gateway
    case_id = rescue_case_id()
    await gateway.open_case(RESCUE, case_id, OPERATOR, report(), datetime.now(UTC))
    await gateway.send(case_id, OPERATOR, {"type": "RecordHelpRefused", "extreme_weather": True})
    person = {"id_number": KNOWN_ID, "name": "周某"}
    await gateway.send(case_id, OPERATOR, intake(person=person, information="provided"))
    await until(lambda: recorded(ledger, case_id, "PoliceIdentityConfirmed"))
    await gateway.send(case_id, CASEWORKER, classify())
    today = shanghai_date(await skipping_env.get_current_time())
    await gateway.send(case_id, CASEWORKER, plan_command(today + timedelta(days=6), "S1"))
    await gateway.send(case_id, APPROVER, {"type": "ApproveIndividualPlan", "version": 1})
    extension = {"type": "RequestStayExtension", "days": 3, "reason": "等待家属来沪"}
    await gateway.send(case_id, SUPERVISOR, extension)
    await gateway.send(case_id, SUPERVISOR_2, {"type": "ApproveStayExtension"})
    await skipping_env.sleep(timedelta(days=12))
    done = {"type": "CompletePlanService", "service_id": "S1", "outcome": "车票已购"}
    await gateway.send(case_id, CASEWORKER, done)
    collector = {"name": "周母", "relation": "母亲", "id_number": "310115198001011238"}
    handover = {
        "type": "HandOverToFamily",
        "collector": collector,
        "collector_id_checked": True,
        "at_risk": True,
    }
    await gateway.send(case_id, OPERATOR, handover)
    await skipping_env.sleep(timedelta(days=31))
    await gateway.send(case_id, OPERATOR, {"type": "RecordFollowUpVisit", "outcome": "已就业"})
    await gateway.send(case_id, CASEWORKER, {"type": "CloseRescueCase", "summary": "返家回访"})
    handle = gateway.client.get_workflow_handle(case_id, result_type=CaseOutcome)
    assert (await handle.result()).stage == "closed"
    history = await handle.fetch_history()
    (HISTORIES / "rescue_full_lifecycle.json").write_text(
        plain_history_json(history), encoding="utf-8"
    )
