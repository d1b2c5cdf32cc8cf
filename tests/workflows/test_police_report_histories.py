"""Records the histories of a minor's unauthorised departure for the replay test: one recorded
by the code before the police reference had a clock (CASEWORK_RECORD_HISTORIES=before-police-
clock, run on that code once), one by the code after it (CASEWORK_RECORD_HISTORIES=1). Never
re-record an existing file to make a replay pass."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from api.gateway import CaseGateway
from tests.factories import CASEWORKER, OPERATOR
from tests.workflows.rescue_helpers import open_in_stay
from tests.workflows.test_replay import HISTORIES
from workflows.contracts import CaseOutcome

RECORD = os.environ.get("CASEWORK_RECORD_HISTORIES", "")
CLOSE = {"type": "CloseRescueCase", "summary": "离站后结案"}


async def _save(gateway: CaseGateway, case_id: str, name: str) -> None:
    handle = gateway.client.get_workflow_handle(case_id, result_type=CaseOutcome)
    assert (await handle.result()).stage == "closed"
    history = await handle.fetch_history()
    (HISTORIES / name).write_text(history.to_json(), encoding="utf-8")


@pytest.mark.skipif(RECORD != "before-police-clock", reason="recorded once, on the older code")
async def test_record_missing_minor_before_the_police_clock(
    skipping_gateway: CaseGateway,
) -> None:
    gateway = skipping_gateway
    case_id = await open_in_stay(gateway, person={"age": 13})
    await gateway.send(
        case_id, OPERATOR, {"type": "RecordUnauthorisedDeparture", "last_seen": "站门口"}
    )
    await gateway.send(case_id, CASEWORKER, CLOSE)
    await _save(gateway, case_id, "rescue_missing_minor_before_police_clock.json")


@pytest.mark.skipif(RECORD != "1", reason="records histories on demand")
async def test_record_missing_minor_police_reference(
    skipping_env: WorkflowEnvironment, skipping_gateway: CaseGateway
) -> None:
    gateway = skipping_gateway
    case_id = await open_in_stay(gateway, person={"age": 13})
    departure = {
        "type": "RecordUnauthorisedDeparture",
        "last_seen": "站门口",
        "police_station": "陆家嘴派出所",
        "report_channel": "system",
    }
    await gateway.send(case_id, OPERATOR, departure)
    await skipping_env.sleep(timedelta(days=10))
    reference = {"type": "RecordPoliceAcknowledgement", "police_ref": "JQ-2026-0815"}
    await gateway.send(case_id, OPERATOR, reference)
    await gateway.send(case_id, CASEWORKER, CLOSE)
    await _save(gateway, case_id, "rescue_missing_minor_police_reference.json")
