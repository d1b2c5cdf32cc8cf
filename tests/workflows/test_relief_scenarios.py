"""Relief cases from application to payment and beyond, on the time-skipping server: the HTTP
API, the case workflow, the ledger, and the fake verification centre replying days later."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from activities.verification import FakeVerificationCentre, Outage
from domain.calendar import SHANGHAI, WorkingDayCalendar, end_of_day, local_date
from domain.relief.money import months_between
from store.ledger import Ledger
from tests.factories import (
    RELIEF_APPROVER,
    RELIEF_CASEWORKER,
    RELIEF_OPERATOR,
    RELIEF_REVIEWER,
    relief_application,
)
from tests.servers import binary, converter, plain_history_json, register_search_attributes
from tests.workflows.relief_harness import ReliefHarness, relief_harness

INVESTIGATION = {
    "type": "RecordHomeInvestigation",
    "findings": "入户调查: 家庭困难属实",
    "recommendation": "eligible",
}


@pytest.fixture(scope="module")
async def own_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of this module's own: on the session's shared one, any other
    test's case left with a timer and no worker holds time still, and every sleep times out."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=converter(),
    )
    await register_search_attributes(env.client)
    yield env
    await env.shutdown()


@pytest.fixture
async def relief(
    own_skipping_env: WorkflowEnvironment,
    ledger: Ledger,
    engine: AsyncEngine,
    task_queue: str,
    tmp_path: Path,
) -> AsyncIterator[ReliefHarness]:
    centre = FakeVerificationCentre(tmp_path / "centre.sqlite", latency=timedelta(days=2))
    env = own_skipping_env
    async with relief_harness(env.client, ledger, engine, task_queue, centre, env) as harness:
        yield harness


async def verified(relief: ReliefHarness, **application: object) -> str:
    """Applied, accepted, the centre's reply delivered two days later, investigated."""
    case_id = await relief.open(relief_application(**application))
    await relief.send(case_id, {"type": "AcceptAssistanceApplication"}, RELIEF_OPERATOR)
    await relief.until_type(case_id, "VerificationAcknowledged")
    await relief.sleep(timedelta(days=2, hours=1))
    assert len(await relief.deliver_replies()) == 1
    await relief.send(case_id, INVESTIGATION, RELIEF_CASEWORKER)
    return case_id


async def publicised(relief: ReliefHarness, case_id: str) -> None:
    await relief.send(case_id, {"type": "PublishAssistanceNotice"}, RELIEF_OPERATOR)
    await relief.sleep_past(case_id, "public_notice", timedelta(hours=1))  # 7 days, to 24:00
    await relief.until_type(case_id, "NoticePeriodEnded")


async def test_an_application_is_verified_publicised_and_approved(relief: ReliefHarness) -> None:
    case_id = await verified(relief)
    await publicised(relief, case_id)
    result = await relief.send(case_id, {"type": "ApproveAssistance"}, RELIEF_APPROVER)
    assert result["stage"] == "in_payment"

    events = await relief.events(case_id)
    assert [e.type for e in events if not e.type.startswith("Clock")] == [
        "ApplicationSubmitted",
        "ApplicationAccepted",
        "VerificationRequested",
        "VerificationAcknowledged",
        "VerificationReplyRecorded",
        "HomeInvestigationRecorded",
        "NoticePublished",
        "NoticePeriodEnded",
        "AssistanceApproved",
    ]
    by_type = {e.type: e for e in events}
    assert by_type["VerificationAcknowledged"].actor.user_id == "system"
    assert by_type["VerificationReplyRecorded"].actor.user_id == "verification-centre"
    assert by_type["NoticePeriodEnded"].actor.user_id == "system"
    assert by_type["AssistanceApproved"].payload["monthly_amount_fen"] == 182_000
    record = relief.centre.record(by_type["VerificationRequested"].payload["request_key"])
    assert record is not None and record.submissions == 1 and record.deliveries == 1
    money = (await relief.api.get(f"/relief/{case_id}/money")).json()
    assert money["entitlement"][0]["monthly_fen"] == 182_000
    await relief.assert_ledger_is_the_workflow(case_id)


async def test_refused_then_appealed_and_overturned_with_back_pay(relief: ReliefHarness) -> None:
    case_id = await verified(relief)
    await publicised(relief, case_id)
    refusal = {"type": "RefuseAssistance", "reasons": ["核对: 存款超过规定"]}
    await relief.send(case_id, refusal, RELIEF_APPROVER)
    await relief.send(case_id, {"type": "DeliverRefusalNotice"}, RELIEF_OPERATOR)
    await relief.sleep(timedelta(days=20))
    appeal = {"type": "FileAssistanceAppeal", "decision_no": 1, "grounds": "存款为代管的丧葬费"}
    await relief.send(case_id, appeal, RELIEF_OPERATOR)
    await relief.sleep(timedelta(days=40))
    overturn = {
        "type": "DecideAssistanceAppeal",
        "outcome": "overturned",
        "reasons": ["代管款项不计入家庭财产"],
        "monthly_amount_fen": 150_000,
    }
    # whoever refused may not review the refusal
    assert (await relief.refused(case_id, overturn, RELIEF_APPROVER))["code"] == "four_eyes"
    result = await relief.send(case_id, overturn, RELIEF_REVIEWER)
    assert result["stage"] == "in_payment"

    events = await relief.events(case_id)
    refused = next(e for e in events if e.type == "AssistanceRefused")
    filed = next(e for e in events if e.type == "AppealFiled")
    decided = next(e for e in events if e.type == "AppealDecided")
    redecided = next(e for e in events if e.type == "AssistanceRedecided")
    back_pay = next(e for e in events if e.type == "BackPaymentOrdered")
    # the appeal's events point at the ledger event of the decision they review
    assert filed.payload["decision_version"] == refused.version
    assert decided.payload["decision_version"] == refused.version
    assert redecided.payload["reviews_version"] == refused.version
    assert decided.actor.user_id == RELIEF_REVIEWER.user_id
    # back-pay from the month payment would have started had the refusal been right
    start = refused.payload["start_month"]
    months = [line["month"] for line in back_pay.payload["lines"]]
    decided_month = back_pay.occurred_at.astimezone(SHANGHAI).strftime("%Y-%m")
    assert months == months_between(start, decided_month)
    assert back_pay.payload["total_fen"] == 150_000 * len(months) > 0
    await relief.assert_ledger_is_the_workflow(case_id)


async def test_an_objection_during_the_notice_brings_a_new_notice(relief: ReliefHarness) -> None:
    case_id = await verified(relief)
    await relief.send(case_id, {"type": "PublishAssistanceNotice"}, RELIEF_OPERATOR)
    await relief.sleep(timedelta(days=3))
    objection = {
        "type": "RecordNoticeObjection",
        "summary": "邻居反映家中有经营性收入",
        "route": "community_review",
    }
    await relief.send(case_id, objection, RELIEF_OPERATOR)
    review = {"type": "RecordCommunityReview", "findings": "民主评议: 无经营收入, 情况属实"}
    await relief.send(case_id, review, RELIEF_CASEWORKER)
    await publicised(relief, case_id)

    events = await relief.events(case_id)
    notices = [e.payload["notice_no"] for e in events if e.type == "NoticePublished"]
    ended = [e.payload["notice_no"] for e in events if e.type == "NoticePeriodEnded"]
    assert (notices, ended) == ([1, 2], [2])
    stopped = [e.payload["clock"] for e in events if e.type == "ClockStopped"]
    assert stopped.count("public_notice") == 2  # withdrawn once, ended once
    assert (await relief.gateway.view(case_id)).stage == "deciding"
    await relief.assert_ledger_is_the_workflow(case_id)


async def test_a_seven_working_day_outage_escalates_and_the_case_resumes(
    relief: ReliefHarness,
) -> None:
    now = await relief.now()
    back = end_of_day(WorkingDayCalendar().add_working_days(local_date(now), 7))
    relief.centre.outages.append(Outage(now - timedelta(minutes=1), back))
    case_id = await relief.open(relief_application())
    await relief.send(case_id, {"type": "AcceptAssistanceApplication"}, RELIEF_OPERATOR)
    key = await relief.request_key(case_id)

    await relief.sleep(back - now)  # retried with back-off all along
    events = await relief.until_type(
        case_id, "VerificationAcknowledged", advance=timedelta(minutes=10)
    )
    rungs = [
        (e.version, e.payload["rung"])
        for e in events
        if e.type == "ClockEscalated" and e.payload["clock"] == "verification_reply"
    ]
    acknowledged = next(e for e in events if e.type == "VerificationAcknowledged")
    # reminder, due (5 working days) and overdue (6) fired while the centre was down
    assert [rung for _, rung in rungs] == [0, 1, 2]
    assert all(version < acknowledged.version for version, _ in rungs)
    record = relief.centre.record(key)
    assert record is not None and record.submissions == 1 and record.received_at >= back

    await relief.sleep(timedelta(days=2, hours=1))
    assert len(await relief.deliver_replies()) == 1
    events = await relief.until_type(case_id, "VerificationReplyRecorded")
    reply = next(e for e in events if e.type == "VerificationReplyRecorded")
    assert reply.payload["late"] is True
    view = await relief.gateway.view(case_id)
    assert view.stage == "investigation" and "verification_reply" not in view.state["clocks"]
    assert sum(e.type == "VerificationRequested" for e in events) == 1
    await relief.assert_ledger_is_the_workflow(case_id)


async def test_a_reply_delivered_twice_is_recorded_once(relief: ReliefHarness) -> None:
    relief.centre.duplicate_replies = True
    case_id = await verified(relief)
    assert [d["status"] for d in relief.deliveries] == ["recorded", "duplicate_reply"]
    events = await relief.events(case_id)
    assert sum(e.type == "VerificationReplyRecorded" for e in events) == 1
    key = next(e for e in events if e.type == "VerificationRequested").payload["request_key"]
    record = relief.centre.record(key)
    assert record is not None and record.deliveries == 2
    await relief.assert_ledger_is_the_workflow(case_id)


async def test_a_late_correction_recovers_the_overpayment_month_by_month(
    relief: ReliefHarness,
) -> None:
    case_id = await verified(relief)
    await publicised(relief, case_id)
    approve = {"type": "ApproveAssistance", "monthly_amount_fen": 150_000}
    await relief.send(case_id, approve, RELIEF_APPROVER)
    await relief.sleep(timedelta(days=150))
    reopen = {
        "type": "ReopenForCorrection",
        "decision_no": 1,
        "error": "漏计子女赡养费收入 1300 元/月",
        "error_by": "applicant",
    }
    await relief.send(case_id, reopen, RELIEF_CASEWORKER)
    correction = {
        "type": "DecideCorrection",
        "criteria": {
            "good_faith": True,
            "duties_done": True,
            "objective_cause": True,
            "corrected_in_time": False,
            "no_serious_harm": True,
        },
        "corrected_household_income_fen": 250_000,
    }
    assert (await relief.refused(case_id, correction, RELIEF_CASEWORKER))["code"] == (
        "role_not_allowed"
    )
    await relief.send(case_id, correction, RELIEF_APPROVER)

    events = await relief.events(case_id)
    approved = next(e for e in events if e.type == "AssistanceApproved")
    opened = next(e for e in events if e.type == "CorrectionOpened")
    decided = next(e for e in events if e.type == "CorrectionDecided")
    recovery = next(e for e in events if e.type == "RecoveryOrdered")
    assert opened.payload["decision_version"] == approved.version
    assert decided.payload["corrects_version"] == approved.version
    assert decided.payload["tolerated"] is False  # not corrected in time: culpable
    assert decided.payload["amount_fen"] == 2 * 151_000 - 250_000
    months = months_between(
        approved.payload["start_month"], recovery.occurred_at.astimezone(SHANGHAI).strftime("%Y-%m")
    )
    assert [line["month"] for line in recovery.payload["lines"]] == months
    assert {line["difference_fen"] for line in recovery.payload["lines"]} == {52_000 - 150_000}
    assert recovery.payload["total_fen"] == -98_000 * len(months)
    # the decision it corrects is still there as it was
    assert approved.payload["monthly_amount_fen"] == 150_000
    money = (await relief.api.get(f"/relief/{case_id}/money")).json()
    assert money["recoveries_fen"] == recovery.payload["total_fen"]
    assert (await relief.gateway.view(case_id)).stage == "in_payment"
    await relief.assert_ledger_is_the_workflow(case_id)


async def test_emergency_help_first_papers_and_verification_after(relief: ReliefHarness) -> None:
    case_id = await relief.open(
        relief_application(programme="temporary", emergency=True, papers=[], reason="住房火灾")
    )
    await relief.send(case_id, {"type": "AcceptAssistanceApplication"}, RELIEF_OPERATOR)
    grant = {"type": "GrantEmergencyAssistance", "one_off_amount_fen": 500_000, "reason": "火灾"}
    result = await relief.send(case_id, grant, RELIEF_APPROVER)
    assert result["stage"] == "follow_up"
    await relief.until_type(case_id, "VerificationAcknowledged")
    papers = {
        "type": "SubmitMissingPapers",
        "papers": ["hardship_proof", "household_register", "id_document"],
    }
    await relief.send(case_id, papers, RELIEF_OPERATOR)
    await relief.sleep(timedelta(days=2, hours=1))
    await relief.deliver_replies()
    await relief.until_type(case_id, "VerificationReplyRecorded")
    await relief.send(case_id, {"type": "CompleteEmergencyFollowUp"}, RELIEF_CASEWORKER)
    await relief.sleep_past(case_id, "appeal_window", timedelta(hours=1))  # 60 days, to 24:00
    await relief.until_type(case_id, "CaseClosed")

    types = await relief.types(case_id)
    assert types.index("EmergencyAssistanceGranted") < types.index("VerificationRequested")
    assert "NoticePublished" not in types
    assert types[-3:] == ["AppealWindowClosed", "ClockStopped", "CaseClosed"]
    outcome = await relief.client.get_workflow_handle(case_id).result()
    assert outcome["stage"] == "closed" if isinstance(outcome, dict) else outcome.stage == "closed"
    await relief.assert_ledger_is_the_workflow(case_id)


async def test_a_proactive_lead_ends_in_an_application_on_the_households_behalf(
    relief: ReliefHarness,
) -> None:
    lead = {
        "type": "OpenDiscoveryLead",
        "unit": "潍坊新村街道",
        "household_ref": "MON-2026-0815",
        "per_capita_income_fen": 180_000,
    }
    case_id = await relief.open(lead)
    await relief.sleep(timedelta(days=16))  # 10 working days to verify: overdue
    events = await relief.until(
        case_id,
        lambda es: any(e.type == "ClockEscalated" and e.payload["rung"] == 1 for e in es),
    )
    assert all(e.actor.user_id == "system" for e in events if e.type == "ClockEscalated")
    application = relief_application()
    on_behalf = {
        "type": "ApplyOnBehalf",
        **{k: application[k] for k in ("programme", "household", "consent_to_verification")},
        "papers": application["papers"],
    }
    await relief.send(case_id, on_behalf, RELIEF_CASEWORKER)
    await relief.send(case_id, {"type": "AcceptAssistanceApplication"}, RELIEF_OPERATOR)
    await relief.until_type(case_id, "VerificationAcknowledged")

    events = await relief.events(case_id)
    submitted = next(e for e in events if e.type == "ApplicationSubmitted")
    assert submitted.payload["on_behalf"] is True
    assert submitted.actor.user_id == RELIEF_CASEWORKER.user_id
    stopped = [e.payload["clock"] for e in events if e.type == "ClockStopped"]
    assert "lead_verification" in stopped
    view = await relief.gateway.view(case_id)
    assert view.stage == "verification" and view.state["on_behalf"] is True
    await relief.assert_ledger_is_the_workflow(case_id)

    other = await relief.open({**lead, "household_ref": "MON-2026-0816"})
    close = {"type": "CloseDiscoveryLead", "reasons": ["入户核实: 已有稳定工资收入"]}
    assert (await relief.send(other, close, RELIEF_CASEWORKER))["stage"] == "closed"
    await relief.assert_ledger_is_the_workflow(other)


@pytest.mark.skipif(
    not os.environ.get("CASEWORK_RECORD_HISTORIES"), reason="records histories on demand"
)
async def test_record_relief_history(relief: ReliefHarness) -> None:
    """An outage, a late reply, an objection, a notice and an approval, saved for replay."""
    now = await relief.now()
    relief.centre.outages.append(Outage(now - timedelta(minutes=1), now + timedelta(days=8)))
    case_id = await relief.open(relief_application())
    await relief.send(case_id, {"type": "AcceptAssistanceApplication"}, RELIEF_OPERATOR)
    await relief.sleep(timedelta(days=8))
    await relief.until_type(case_id, "VerificationAcknowledged", advance=timedelta(minutes=10))
    await relief.sleep(timedelta(days=2, hours=1))
    await relief.deliver_replies()
    await relief.send(case_id, INVESTIGATION, RELIEF_CASEWORKER)
    await relief.send(case_id, {"type": "PublishAssistanceNotice"}, RELIEF_OPERATOR)
    objection = {"type": "RecordNoticeObjection", "summary": "异议", "route": "investigation"}
    await relief.send(case_id, objection, RELIEF_OPERATOR)
    await relief.send(case_id, INVESTIGATION, RELIEF_CASEWORKER)
    await publicised(relief, case_id)
    await relief.send(case_id, {"type": "ApproveAssistance"}, RELIEF_APPROVER)
    history = await relief.client.get_workflow_handle(case_id).fetch_history()
    path = Path(__file__).parent / "histories" / "relief_outage_objection_approval.json"
    path.write_text(plain_history_json(history), encoding="utf-8")
