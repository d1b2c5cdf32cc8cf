"""One scenario per exit route (DOMAIN.md §1.7) on the time-skipping server: the history each
leaves in the ledger (types and order, actors, escalations), and a chain that verifies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from api.gateway import CaseGateway, CommandRefused
from domain.rescue import RESCUE
from store.ledger import Ledger
from tests.factories import APPROVER, CASEWORKER, OPERATOR, classify, intake, report
from tests.workflows.rescue_helpers import (
    KNOWN_ID,
    assert_ledger_is_the_case,
    end_open_cases,
    escalations,
    new_case_id,
    open_in_stay,
    plan_command,
    recorded,
    shanghai_date,
    story,
    until,
)
from workflows.contracts import CaseOutcome

CLOSE = {"type": "CloseRescueCase", "summary": "离站后结案"}


@pytest.fixture(autouse=True)
async def _end_open_cases(skipping_env: WorkflowEnvironment) -> AsyncIterator[None]:
    yield
    await end_open_cases(skipping_env.client)


async def _refused(gateway: CaseGateway, case_id: str, command: dict[str, Any]) -> str:
    with pytest.raises(CommandRefused) as refused:
        await gateway.send(case_id, CASEWORKER, command)
    return refused.value.code


async def _finished(gateway: CaseGateway, case_id: str) -> None:
    """A closed case with no clock and no effect left ends its workflow."""
    handle = gateway.client.get_workflow_handle(case_id, result_type=CaseOutcome)
    assert (await handle.result()).stage == "closed"


async def test_family_collects_the_person_and_the_follow_up_visit_closes_the_case(
    skipping_env: WorkflowEnvironment, skipping_gateway: CaseGateway, ledger: Ledger
) -> None:
    gateway = skipping_gateway
    case_id = new_case_id()
    await gateway.open_case(RESCUE, case_id, OPERATOR, report(), datetime.now(UTC))
    person = {"id_number": KNOWN_ID, "name": "李某"}
    await gateway.send(case_id, OPERATOR, intake(person=person, information="provided"))
    await until(lambda: recorded(ledger, case_id, "PoliceIdentityConfirmed"))
    await gateway.send(case_id, CASEWORKER, classify())
    today = shanghai_date(await skipping_env.get_current_time())
    await gateway.send(case_id, CASEWORKER, plan_command(today + timedelta(days=3), "S1"))
    await gateway.send(case_id, APPROVER, {"type": "ApproveIndividualPlan", "version": 1})
    done = {"type": "CompletePlanService", "service_id": "S1", "outcome": "车票已购"}
    await gateway.send(case_id, CASEWORKER, done)
    collector = {"name": "李父", "relation": "父亲", "id_number": "310115198001011238"}
    unchecked = {"type": "HandOverToFamily", "collector": collector, "collector_id_checked": False}
    assert await _refused(gateway, case_id, unchecked) == "collector_id_unchecked"
    handover = {**unchecked, "collector_id_checked": True, "at_risk": True}
    await gateway.send(case_id, OPERATOR, handover)
    assert await _refused(gateway, case_id, CLOSE) == "follow_up_pending"

    await skipping_env.sleep(timedelta(days=31))  # nobody visited: the follow-up escalates
    await gateway.send(case_id, OPERATOR, {"type": "RecordFollowUpVisit", "outcome": "生活稳定"})
    await gateway.send(case_id, CASEWORKER, CLOSE)

    history = await ledger.read_stream(case_id)
    assert story(history) == [
        "PersonReported",
        "IntakeRegistered",
        "IdentityCheckRequested",
        "PoliceIdentityConfirmed",
        "PersonClassified",
        "IndividualPlanDrafted",
        "IndividualPlanApproved",
        "PlanServiceCompleted",
        "HandedOverToFamily",
        "StationExited",
        "FollowUpScheduled",
        "FollowUpVisited",
        "CaseClosed",
    ]
    by_type = {e.type: e for e in history}
    assert by_type["PoliceIdentityConfirmed"].actor.user_id == "system"
    assert by_type["IndividualPlanApproved"].actor.user_id == APPROVER.user_id
    assert by_type["HandedOverToFamily"].payload["id_checked_by"] == OPERATOR.user_id
    assert escalations(history, "follow_up")[:2] == [(0, "system"), (1, "system")]
    await assert_ledger_is_the_case(gateway, ledger, case_id)
    await _finished(gateway, case_id)


async def test_escorted_return_across_regions_escalates_until_the_bureau_acknowledges(
    skipping_env: WorkflowEnvironment, skipping_gateway: CaseGateway, ledger: Ledger
) -> None:
    gateway = skipping_gateway
    case_id = await open_in_stay(gateway)
    escort = {
        "type": "StartEscortedReturn",
        "destination": "安徽省阜阳市",
        "receiving_bureau": "阜阳市救助管理站",
        "cross_region": True,
        "escorts": ["sw-li", "op-zhang"],
    }
    await gateway.send(case_id, OPERATOR, escort)
    assert await _refused(gateway, case_id, CLOSE) == "awaiting_handover_ack"

    await skipping_env.sleep(timedelta(days=20))  # no acknowledgement: up the ladder
    await gateway.send(case_id, OPERATOR, {"type": "AcknowledgeHandover", "receipt_ref": "FY-7"})
    await gateway.send(case_id, CASEWORKER, CLOSE)

    history = await ledger.read_stream(case_id)
    assert story(history)[-4:] == [
        "EscortedReturnStarted",
        "StationExited",
        "HandoverAcknowledged",
        "CaseClosed",
    ]
    assert escalations(history, "handover_ack") == [(r, "system") for r in range(4)]
    # Tracing clocks stopped when the person left, so nothing of theirs escalated after it.
    exited = next(e.version for e in history if e.type == "StationExited")
    late = {
        e.payload["clock"] for e in history if e.type == "ClockEscalated" and e.version > exited
    }
    assert late == {"handover_ack"}
    await assert_ledger_is_the_case(gateway, ledger, case_id)
    await _finished(gateway, case_id)


async def test_adult_leaves_on_their_own_with_a_signed_declaration(
    skipping_gateway: CaseGateway, ledger: Ledger
) -> None:
    gateway = skipping_gateway
    case_id = await open_in_stay(gateway, person={"age": 40})
    unsigned = {"type": "RecordSelfExit", "declaration_signed": False}
    assert await _refused(gateway, case_id, unsigned) == "declaration_required"
    await gateway.send(case_id, OPERATOR, {**unsigned, "declaration_signed": True})
    await gateway.send(case_id, CASEWORKER, CLOSE)

    history = await ledger.read_stream(case_id)
    assert story(history)[-3:] == ["SelfExitDeclared", "StationExited", "CaseClosed"]
    assert history[-1].actor.user_id == CASEWORKER.user_id
    assert history[-1].payload["reason"].startswith("self_exit:")
    await assert_ledger_is_the_case(gateway, ledger, case_id)
    await _finished(gateway, case_id)


async def test_a_minor_who_slips_out_is_reported_to_the_police_at_once(
    skipping_env: WorkflowEnvironment, skipping_gateway: CaseGateway, ledger: Ledger
) -> None:
    gateway = skipping_gateway
    case_id = await open_in_stay(gateway, person={"age": 13})
    self_exit = {"type": "RecordSelfExit", "declaration_signed": True}
    assert await _refused(gateway, case_id, self_exit) == "minor_cannot_self_exit"
    departure = {
        "type": "RecordUnauthorisedDeparture",
        "last_seen": "22:10 站门口",
        "police_station": "陆家嘴派出所",
        "report_channel": "phone_110",
    }
    await gateway.send(case_id, OPERATOR, departure)
    assert await _refused(gateway, case_id, CLOSE) == "awaiting_police_reference"

    await skipping_env.sleep(timedelta(days=10))  # no reference from the police: up the ladder
    reference = {"type": "RecordPoliceAcknowledgement", "police_ref": "JQ-2026-0815"}
    await gateway.send(case_id, OPERATOR, reference)
    await gateway.send(case_id, CASEWORKER, CLOSE)

    history = await ledger.read_stream(case_id)
    assert story(history) == [
        "PersonReported",
        "IntakeRegistered",
        "ProvisionalAssistanceGranted",
        "FamilyTracingStarted",
        "PersonClassified",
        "TemporaryGuardianshipAssumed",
        "UnauthorisedDepartureRecorded",
        "MissingPersonReportedToPolice",
        "StationExited",
        "PoliceReportAcknowledged",
        "CaseClosed",
    ]
    departed = next(e for e in history if e.type == "UnauthorisedDepartureRecorded")
    police = next(e for e in history if e.type == "MissingPersonReportedToPolice")
    assert police.version == departed.version + 1 and police.occurred_at == departed.occurred_at
    assert (police.payload["reported_to"], police.payload["channel"]) == (
        "陆家嘴派出所",
        "phone_110",
    )
    assert escalations(history, "police_report_ack") == [(r, "system") for r in range(4)]
    await assert_ledger_is_the_case(gateway, ledger, case_id)


async def test_unidentified_person_goes_to_off_site_care_then_long_term_placement(
    skipping_env: WorkflowEnvironment, skipping_gateway: CaseGateway, ledger: Ledger
) -> None:
    gateway = skipping_gateway
    case_id = await open_in_stay(gateway, person={"age": 58})
    # unidentified after 10 days: the entry day not counted, until 24:00 of the 10th day after
    await skipping_env.sleep(timedelta(days=11, hours=1))
    assert await recorded(ledger, case_id, "OffSiteCareDecisionPrompted")
    off_site = {"type": "PlacePerson", "placement": "off_site_care", "facility": "惠南镇托养点"}
    await gateway.send(case_id, APPROVER, off_site)
    await skipping_env.sleep(timedelta(days=85))  # still unidentified after 3 months
    assert await recorded(ledger, case_id, "LongTermPlacementPrompted")
    long_term = {
        "type": "PlacePerson",
        "placement": "long_term",
        "facility": "浦东新区社会福利院",
        "hukou_registered": True,
    }
    await gateway.send(case_id, APPROVER, long_term)
    await gateway.send(case_id, CASEWORKER, CLOSE)

    history = await ledger.read_stream(case_id)
    prompts = [
        e.type for e in history if e.type.endswith("Prompted") or e.type.startswith("Person")
    ]
    assert prompts == [
        "PersonReported",
        "PersonClassified",
        "OffSiteCareDecisionPrompted",
        "LongTermPlacementPrompted",
        "PersonPlaced",
    ]
    prompted = next(e for e in history if e.type == "OffSiteCareDecisionPrompted")
    assert prompted.actor.user_id == "system"
    assert escalations(history, "unidentified_placement")[:2] == [(0, "system"), (1, "system")]
    assert (0, "system") in escalations(history, "weekly_review")  # off-site: weekly reviews
    await assert_ledger_is_the_case(gateway, ledger, case_id)
    await _finished(gateway, case_id)


async def test_medical_transfer_keeps_the_case_open_until_the_discharge_notice(
    skipping_env: WorkflowEnvironment, skipping_gateway: CaseGateway, ledger: Ledger
) -> None:
    gateway = skipping_gateway
    case_id = await open_in_stay(gateway, person={"age": 70})
    transfer = {"type": "TransferToHospital", "hospital": "浦东医院", "reason": "肺部感染"}
    await gateway.send(case_id, OPERATOR, transfer)
    assert await _refused(gateway, case_id, CLOSE) == "awaiting_discharge_notice"
    await skipping_env.sleep(timedelta(days=3))
    notice = {
        "type": "RecordHospitalDischarge",
        "outcome": "discharged",
        "notice_ref": "出院通知 2026-117",
        "discharged_to": "女儿家",
    }
    await gateway.send(case_id, OPERATOR, notice)
    await gateway.send(case_id, CASEWORKER, CLOSE)

    history = await ledger.read_stream(case_id)
    assert story(history)[-4:] == [
        "TransferredToHospital",
        "HospitalDischargeNoticeReceived",
        "StationExited",
        "CaseClosed",
    ]
    paused = [e.payload["clock"]["spec"]["name"] for e in history if e.type == "ClockPaused"]
    assert paused == ["stay_limit"]  # the 10-day stay does not run on while in hospital
    await assert_ledger_is_the_case(gateway, ledger, case_id)
    await _finished(gateway, case_id)


async def test_assistance_is_terminated_with_written_reasons(
    skipping_gateway: CaseGateway, ledger: Ledger
) -> None:
    gateway = skipping_gateway
    case_id = await open_in_stay(gateway, person={"age": 35})
    terminate = {"type": "TerminateAssistance", "reasons": ["多次违反站内规定", "拒绝配合寻亲"]}
    with pytest.raises(CommandRefused) as refused:
        await gateway.send(case_id, OPERATOR, terminate)
    assert refused.value.code == "role_not_allowed"
    await gateway.send(case_id, APPROVER, terminate)
    await gateway.send(case_id, CASEWORKER, CLOSE)

    history = await ledger.read_stream(case_id)
    terminated = next(e for e in history if e.type == "AssistanceTerminated")
    assert terminated.payload["reasons"] == terminate["reasons"]
    assert terminated.actor.user_id == APPROVER.user_id
    assert story(history)[-3:] == ["AssistanceTerminated", "StationExited", "CaseClosed"]
    await assert_ledger_is_the_case(gateway, ledger, case_id)
    await _finished(gateway, case_id)


async def test_death_notifies_police_and_family_and_open_services_are_cancelled_first(
    skipping_env: WorkflowEnvironment, skipping_gateway: CaseGateway, ledger: Ledger
) -> None:
    gateway = skipping_gateway
    case_id = await open_in_stay(gateway, person={"age": 81})
    today = shanghai_date(await skipping_env.get_current_time())
    await gateway.send(case_id, CASEWORKER, plan_command(today + timedelta(days=5), "S1"))
    await gateway.send(case_id, APPROVER, {"type": "ApproveIndividualPlan", "version": 1})
    death = {
        "type": "RecordDeath",
        "cause": "突发心脏骤停",
        "police_notice_ref": "浦公(2026)118",
        "family_notified": False,
        "family_not_reached_reason": "身份不明, 已发寻亲公告",
    }
    await gateway.send(case_id, CASEWORKER, death)
    assert await _refused(gateway, case_id, CLOSE) == "open_plan_services"
    cancel = {"type": "CancelPlanService", "service_id": "S1", "reason": "受助人已死亡"}
    await gateway.send(case_id, CASEWORKER, cancel)
    await gateway.send(case_id, CASEWORKER, CLOSE)

    history = await ledger.read_stream(case_id)
    assert story(history)[-7:] == [
        "IndividualPlanApproved",
        "PersonDied",
        "PoliceNotifiedOfDeath",
        "FamilyNotReachedAfterDeath",
        "StationExited",
        "PlanServiceCancelled",
        "CaseClosed",
    ]
    await assert_ledger_is_the_case(gateway, ledger, case_id)
    await _finished(gateway, case_id)
