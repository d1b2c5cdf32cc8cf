"""The verification centre's replies: late, twice, for a superseded request; and the notice."""

from __future__ import annotations

from datetime import timedelta

from domain.actors import SYSTEM
from domain.calendar import end_of_day, local_date
from domain.clocks import Rung
from domain.relief.commands import (
    AcknowledgeVerificationRequest,
    PublishAssistanceNotice,
    RecordCommunityReview,
    RecordHomeInvestigation,
    RecordNoticeObjection,
    RecordVerificationFailure,
    ResendVerificationRequest,
)
from domain.relief.events import VerificationReplyRecorded
from domain.relief.household import Member, Programme
from domain.relief.state import RequestStatus, Stage
from tests.domain.relief_support import (
    CASE_ID,
    CASEWORKER,
    OPERATOR,
    SUPERVISOR,
    accepted,
    household,
    reply,
    types,
    verified_and_investigated,
)


def test_only_the_case_itself_records_the_centres_receipt_and_only_once() -> None:
    story = accepted()
    ack = AcknowledgeVerificationRequest(request_key=story.last_key, centre_ref="C-1")
    story.refuses(ack, "role_not_allowed", by=SUPERVISOR)
    story.do(ack)
    story.refuses(ack, "already_acknowledged")
    assert story.state.requests_to_send() == []
    assert story.state.requests[story.last_key].centre_ref == "C-1"


def test_a_reply_to_an_unknown_request_or_from_staff_is_refused() -> None:
    story = accepted()
    story.refuses(reply("REL-2026-000042/V9"), "unknown_request")
    story.refuses(reply(story.last_key), "role_not_allowed", by=CASEWORKER)


def test_the_first_reply_verifies_and_a_duplicate_changes_nothing() -> None:
    story = accepted()
    events = story.do(reply(story.last_key))
    assert types(events) == ["VerificationReplyRecorded", "ClockStopped"]
    assert story.state.stage == Stage.INVESTIGATION
    story.refuses(reply(story.last_key), "duplicate_reply")
    story.refuses(reply(story.last_key, reply_id="another-delivery"), "duplicate_reply")


def test_a_late_reply_after_escalation_is_taken_and_marked_late() -> None:
    story = accepted()
    story.wait(days=9)  # 5 working days and a weekend later
    escalations = story.tick()
    assert ("verification_reply", Rung.L1_DUE) in [
        (e.clock, e.rung) for e in escalations if hasattr(e, "rung")
    ]
    events = story.do(reply(story.last_key))
    assert isinstance(events[0], VerificationReplyRecorded) and events[0].late


def test_a_resent_request_gets_a_new_key_and_a_late_reply_to_the_old_one_still_counts() -> None:
    story = accepted()
    first = story.last_key
    events = story.do(ResendVerificationRequest(reason="中心未回执"), by=SUPERVISOR)
    assert types(events) == ["ClockStopped", "VerificationRequested", "ClockStarted"]
    second = story.last_key
    assert second == f"{CASE_ID}/V2" != first
    assert story.state.requests[first].status is RequestStatus.SUPERSEDED
    assert story.state.requests_to_send() == [second]
    story.do(reply(first))
    story.refuses(reply(second), "already_verified")
    story.refuses(ResendVerificationRequest(reason="again"), "wrong_stage", by=SUPERVISOR)


def test_a_failed_request_is_recorded_and_a_supervisor_resends() -> None:
    story = accepted()
    key = story.last_key
    story.do(RecordVerificationFailure(request_key=key, error="400: malformed"), by=SYSTEM)
    assert story.state.requests[key].status is RequestStatus.FAILED
    story.do(ResendVerificationRequest(reason="重新提交"), by=SUPERVISOR)
    assert story.state.requests_to_send() == [f"{CASE_ID}/V2"]


def test_investigation_may_come_before_the_reply_and_the_notice_waits_for_both() -> None:
    story = accepted()
    story.do(RecordHomeInvestigation(findings="入户核实", recommendation="eligible"))
    assert story.state.stage == Stage.VERIFICATION
    story.refuses(PublishAssistanceNotice(), "wrong_stage")
    story.do(reply(story.last_key))
    assert story.state.stage == Stage.INVESTIGATED


def test_the_notice_ends_after_seven_days_and_the_decision_clock_starts() -> None:
    story = verified_and_investigated()
    story.do(PublishAssistanceNotice())
    notice = story.state.clocks["public_notice"]
    # published on the story's day (not counted): the 7 days end at 24:00 of the 7th day after
    assert notice.due_on == local_date(story.now) + timedelta(days=7)
    assert notice.due_at == end_of_day(notice.due_on)
    story.wait(days=6)
    assert types(story.tick()) == ["ClockEscalated"]  # the reminder
    story.at(notice.due_at)
    events = story.tick()
    assert types(events) == ["NoticePeriodEnded", "ClockStopped", "ClockStarted"]
    assert story.state.stage == Stage.DECIDING and story.state.notice_done
    assert "decision" in story.state.clocks and "public_notice" not in story.state.clocks


def test_an_objection_sends_the_case_back_to_investigation_then_a_new_notice() -> None:
    story = verified_and_investigated()
    story.do(PublishAssistanceNotice())
    story.wait(days=3)
    events = story.do(RecordNoticeObjection(summary="邻居反映有经营收入", route="investigation"))
    assert types(events) == ["NoticeObjected", "ClockStopped"]
    assert story.state.stage == Stage.INVESTIGATION and story.state.investigated_by is None
    story.refuses(PublishAssistanceNotice(), "wrong_stage")
    story.do(RecordHomeInvestigation(findings="复查: 无经营收入", recommendation="eligible"))
    again = story.do(PublishAssistanceNotice())
    assert again[0].notice_no == 2  # type: ignore[attr-defined]


def test_an_objection_may_go_to_community_review_before_the_new_notice() -> None:
    story = verified_and_investigated()
    story.do(PublishAssistanceNotice())
    story.do(RecordNoticeObjection(summary="对家庭人口有异议", route="community_review"))
    assert story.state.stage == Stage.COMMUNITY_REVIEW
    story.do(RecordCommunityReview(findings="民主评议: 情况属实"), by=CASEWORKER)
    story.do(PublishAssistanceNotice(), by=OPERATOR)
    assert story.state.stage == Stage.NOTICE and story.state.notices == 2


def test_a_tekun_minor_is_never_publicised_and_goes_straight_to_decision() -> None:
    minor = household(members=[Member(name="李某", age=15)], declared_income_fen=0)
    story = accepted(programme=Programme.TEKUN, household=minor)
    assert "tekun_investigation" in story.state.clocks
    story.do(reply(story.last_key))
    events = story.do(RecordHomeInvestigation(findings="孤儿, 无人抚养", recommendation="eligible"))
    assert types(events) == [
        "HomeInvestigationRecorded",
        "NoticeWaived",
        "ClockStopped",
        "ClockStarted",
    ]
    assert story.state.stage == Stage.DECIDING and story.state.notices == 0
    assert set(story.state.clocks) == {"decision"}


def test_tekun_runs_15_working_days_then_a_notice_then_10_to_confirm() -> None:
    story = verified_and_investigated(programme=Programme.TEKUN)
    clock = story.state.clocks["tekun_investigation"]
    assert clock.spec.amount == 15
    events = story.do(PublishAssistanceNotice())
    assert "tekun_investigation" not in story.state.clocks
    assert [
        e.clock.spec.amount for e in events if hasattr(e, "clock") and hasattr(e.clock, "spec")
    ] == [7]
    story.at(story.state.clocks["public_notice"].due_at + timedelta(seconds=1))
    story.tick()
    assert story.state.clocks["decision"].spec.amount == 10
    assert story.now - timedelta(days=7) > story.state.opened_at  # type: ignore[operator]
