"""The case runtime on real servers: commands, refusals, ledger, clocks and escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from api.gateway import CaseGateway, CommandRefused
from domain.rescue import RESCUE
from store.ledger import Ledger
from tests.factories import CASEWORKER, OPERATOR, classify, intake, report, rescue_case_id


def _now() -> datetime:
    return datetime.now(UTC)


async def test_report_intake_classification_are_recorded_in_order(
    gateway: CaseGateway, ledger: Ledger
) -> None:
    case_id = rescue_case_id()
    opened = await gateway.open_case(RESCUE, case_id, OPERATOR, report(), _now())
    assert (opened.version, opened.stage) == (1, "reported")

    await gateway.send(case_id, OPERATOR, intake())
    classified = await gateway.send(case_id, CASEWORKER, classify())

    history = await ledger.read_stream(case_id)
    assert [e.type for e in history] == [
        "PersonReported",
        "IntakeRegistered",
        "ProvisionalAssistanceGranted",
        "ClockStarted",  # plan approval
        "FamilyTracingStarted",  # unidentified: search notice, DNA, 10 days, 3 months
        "ClockStarted",
        "ClockStarted",
        "ClockStarted",
        "ClockStarted",
        "PersonClassified",
        "ClockStarted",
    ]
    assert classified.version == len(history)
    assert [e.actor.user_id for e in history] == ["op-zhang"] * 9 + ["sw-li"] * 2
    assert all(e.workflow_id == case_id for e in history)
    assert (await ledger.verify(case_id)).valid
    view = await gateway.view(case_id)
    assert (view.version, view.stage) == (len(history), "in_stay")


async def test_refused_command_writes_nothing_and_never_enters_history(
    gateway: CaseGateway, ledger: Ledger
) -> None:
    case_id = rescue_case_id()
    await gateway.open_case(RESCUE, case_id, OPERATOR, report(), _now())

    with pytest.raises(CommandRefused) as refused:
        await gateway.send(case_id, CASEWORKER, classify())  # classification needs intake first
    assert refused.value.code == "wrong_stage"

    assert len(await ledger.read_stream(case_id)) == 1
    history = await gateway.client.get_workflow_handle(case_id).fetch_history()
    accepted = [
        e
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    ]
    assert len(accepted) == 1  # only the opening report


async def test_refused_opening_command_starts_no_case(gateway: CaseGateway, ledger: Ledger) -> None:
    case_id = rescue_case_id()
    with pytest.raises(CommandRefused) as refused:
        await gateway.open_case(
            RESCUE, case_id, OPERATOR, report(source="police", observed=["elderly"]), _now()
        )
    assert refused.value.code == "escort_required"
    assert await ledger.read_stream(case_id) == []
    with pytest.raises(RPCError) as missing:
        await gateway.client.get_workflow_handle(case_id).describe()
    assert missing.value.status is RPCStatusCode.NOT_FOUND  # no workflow was started


async def test_overdue_clock_escalates_up_the_ladder_as_the_system(
    skipping_env: WorkflowEnvironment, skipping_gateway: CaseGateway, ledger: Ledger
) -> None:
    case_id = rescue_case_id()
    await skipping_gateway.open_case(RESCUE, case_id, OPERATOR, report(), _now())
    await skipping_gateway.send(
        case_id, OPERATOR, intake(person={"id_number": "310115198001011234"})
    )

    await skipping_env.sleep(timedelta(days=20))  # plan approval was due in 2 working days

    escalations = [
        e
        for e in await ledger.read_stream(case_id)
        if e.type == "ClockEscalated" and e.payload["clock"] == "plan_approval"
    ]  # (the police do not know this ID number: the tracing clocks escalate too)
    assert [(e.payload["clock"], e.payload["rung"]) for e in escalations] == [
        ("plan_approval", 0),
        ("plan_approval", 1),
        ("plan_approval", 2),
        ("plan_approval", 3),
    ]
    assert {e.actor.user_id for e in escalations} == {"system"}
    fired = [datetime.fromisoformat(e.payload["at"]) for e in escalations]
    due = [datetime.fromisoformat(e.payload["due_at"]) for e in escalations]
    assert fired == sorted(fired) and fired[1] >= due[1]
    async with ledger.engine.connect() as conn:
        from sqlalchemy import text

        level = (
            await conn.execute(
                text("SELECT escalation_level FROM cases WHERE case_id = :c"), {"c": case_id}
            )
        ).scalar_one()
    assert level == 3
    assert (await ledger.verify(case_id)).valid
    # The tracing clocks still run for months: a workflow left waiting with no worker would
    # hold up time skipping for the tests after this one.
    await skipping_gateway.client.get_workflow_handle(case_id).terminate("test over")


async def test_a_new_case_never_joins_an_existing_workflow(gateway: CaseGateway) -> None:
    from api.gateway import CaseIdTaken

    case_id = rescue_case_id()
    await gateway.open_case(RESCUE, case_id, OPERATOR, report(), _now())
    with pytest.raises(CaseIdTaken):
        await gateway.open_case(RESCUE, case_id, OPERATOR, report(), _now())
