"""Decisions: approve (monthly or one-off), refuse with a written notice, the 急难 fast-track,
and the periodic review of a benefit in payment."""

from __future__ import annotations

from datetime import date

from domain.calendar import end_of_day, local_date
from domain.case import ClockStarted
from domain.relief.commands import (
    AcceptAssistanceApplication,
    ApproveAssistance,
    CompleteEmergencyFollowUp,
    CompletePeriodicReview,
    DeliverRefusalNotice,
    GrantEmergencyAssistance,
    RecordHomeInvestigation,
    RefuseAssistance,
    SubmitMissingPapers,
)
from domain.relief.events import AssistanceApproved, RefusalNoticeDelivered
from domain.relief.household import Member, Programme
from domain.relief.money import Segment
from domain.relief.state import Stage
from tests.domain.relief_support import (
    CALENDAR,
    CASEWORKER,
    SUPERVISOR,
    Story,
    accepted,
    application,
    deciding,
    household,
    reply,
    types,
)


def test_no_decision_before_the_notice_has_run() -> None:
    story = accepted()
    story.refuses(ApproveAssistance(), "wrong_stage")


def test_dibao_is_the_gap_between_the_line_and_the_verified_income_from_next_month() -> None:
    story = deciding()
    events = story.do(ApproveAssistance())
    approved = events[0]
    assert isinstance(approved, AssistanceApproved)
    # 2 members × 1510.00 − 1200.00 verified income = 1820.00 a month, from April
    assert approved.monthly_amount_fen == 182_000
    assert approved.start_month == "2026-04"
    assert approved.schedule == [Segment(from_month="2026-04", monthly_fen=182_000)]
    assert story.state.stage == Stage.IN_PAYMENT
    assert set(story.state.clocks) == {"periodic_review"}
    assert story.state.decisions[0].version == len(story.history) - len(events) + 1
    assert story.state.decisions[0].participants == ("op-li", "sw-wang", "head-zhao")


def test_a_household_with_unstable_income_and_someone_able_to_work_is_reviewed_twice_a_year() -> (
    None
):
    members = [Member(age=40, able_to_work=True), Member(age=10, relation="子")]
    story = deciding(household=household(members=members, income_stable=False))
    story.do(ApproveAssistance(monthly_amount_fen=100_000))
    review = story.state.clocks["periodic_review"]
    # decided on Tuesday 10 March 2026: 6 months end at 24:00 of Thursday 10 September
    assert local_date(story.now) == date(2026, 3, 10)
    assert review.due_on == date(2026, 9, 10)
    assert review.due_at == end_of_day(date(2026, 9, 10))


def test_a_supervisor_who_investigated_may_not_also_decide() -> None:
    story = accepted()
    story.do(reply(story.last_key))
    story.do(RecordHomeInvestigation(findings="入户", recommendation="eligible"), by=SUPERVISOR)
    from domain.relief.commands import PublishAssistanceNotice

    story.do(PublishAssistanceNotice())
    story.wait(days=8).tick()
    story.refuses(ApproveAssistance(), "four_eyes", by=SUPERVISOR)


def test_tekun_needs_its_monthly_amount_and_temporary_a_one_off() -> None:
    deciding(programme=Programme.TEKUN).refuses(ApproveAssistance(), "amount_required")
    temporary = deciding(programme=Programme.TEMPORARY)
    temporary.refuses(ApproveAssistance(monthly_amount_fen=1), "one_off_required")
    events = temporary.do(ApproveAssistance(one_off_amount_fen=300_000))
    assert types(events)[-1] == "ClockStarted"
    assert temporary.state.stage == Stage.PAID
    assert set(temporary.state.clocks) == {"appeal_window"}


def test_a_household_above_the_line_is_refused_not_approved_at_zero() -> None:
    story = accepted()
    story.do(reply(story.last_key, verified_income_fen=400_000))
    story.do(RecordHomeInvestigation(findings="入户", recommendation="not_eligible"))
    from domain.relief.commands import PublishAssistanceNotice

    story.do(PublishAssistanceNotice())
    story.at(story.state.clocks["public_notice"].due_at).tick()
    story.refuses(ApproveAssistance(), "no_entitlement")


def test_a_refusal_is_notified_in_writing_within_three_working_days() -> None:
    story = deciding()
    events = story.do(RefuseAssistance(reasons=["家庭人均收入高于低保标准"]))
    # the whole-process and decision clocks stop; the written notice's clock starts
    assert types(events) == ["AssistanceRefused", "ClockStopped", "ClockStopped", "ClockStarted"]
    notice = story.state.clocks["refusal_notice"]
    assert notice.due_at == end_of_day(CALENDAR.add_working_days(story.now.date(), 3))
    assert story.state.stage == Stage.REFUSAL_NOTICE
    delivered = story.do(DeliverRefusalNotice(states_appeal_right=True))
    assert isinstance(delivered[0], RefusalNoticeDelivered)
    # learned on 10 March (not counted): the 60th day is Saturday 9 May 2026, a make-up working
    # day (调休), so the window ends at its 24:00 (民事诉讼法 Art 85 via 行政复议法 Art 88)
    assert local_date(story.now) == date(2026, 3, 10)
    assert delivered[0].appeal_until == end_of_day(date(2026, 5, 9))
    assert story.state.stage == Stage.REFUSED
    assert story.state.decisions[0].appeal_until == end_of_day(date(2026, 5, 9))
    assert story.state.clocks["appeal_window"].due_on == date(2026, 5, 9)
    # 行政诉讼法 Art 46: 6 months, to Thursday 10 September
    assert delivered[0].lawsuit_until == end_of_day(date(2026, 9, 10))


def test_a_notice_silent_on_the_right_to_review_leaves_a_year_to_appeal() -> None:
    story = deciding()
    story.do(RefuseAssistance(reasons=["不符合条件"]))
    delivered = story.do(DeliverRefusalNotice(states_appeal_right=False))[0]
    assert isinstance(delivered, RefusalNoticeDelivered)
    # 1 year from 10 March 2026: the corresponding day, Wednesday 10 March 2027, until 24:00
    assert delivered.appeal_until == end_of_day(date(2027, 3, 10))


def test_the_appeal_window_closing_closes_a_refused_case() -> None:
    story = deciding()
    story.do(RefuseAssistance(reasons=["不符合条件"]))
    story.do(DeliverRefusalNotice())
    story.wait(days=61)
    events = story.tick()
    assert types(events)[-3:] == ["AppealWindowClosed", "ClockStopped", "CaseClosed"]
    assert story.state.closed and story.state.clocks == {}


# --- 急难 fast-track -----------------------------------------------------------------------------


def test_emergency_help_comes_first_and_papers_and_verification_after() -> None:
    story = Story()
    story.do(application(Programme.TEMPORARY, emergency=True, papers=[]))
    accepted_events = story.do(AcceptAssistanceApplication())
    assert types(accepted_events) == [
        "ApplicationAccepted",
        "ClockStopped",
        "MissingPapersNotified",
        "ClockStarted",
    ]
    assert story.state.stage == Stage.EMERGENCY
    assert set(story.state.clocks) == {"emergency_grant"}  # help within 24 hours (policy)
    granted = story.do(GrantEmergencyAssistance(one_off_amount_fen=500_000, reason="火灾"))
    assert types(granted) == [
        "EmergencyAssistanceGranted",
        "ClockStopped",
        "VerificationRequested",
        "ClockStarted",
        "ClockStarted",
    ]
    assert story.state.stage == Stage.FOLLOW_UP
    assert story.state.entitlement[0].monthly_fen == 500_000
    follow_up = CompleteEmergencyFollowUp(note="材料齐全")
    story.refuses(follow_up, "follow_up_incomplete", by=CASEWORKER)
    story.do(SubmitMissingPapers(papers=list(story.state.papers_missing)))
    story.do(reply(story.last_key))
    events = story.do(follow_up, by=CASEWORKER)
    assert types(events) == ["EmergencyFollowUpCompleted", "ClockStopped", "ClockStarted"]
    assert story.state.stage == Stage.PAID and set(story.state.clocks) == {"appeal_window"}


# --- periodic review (动态管理) -------------------------------------------------------------------


def in_payment() -> Story:
    story = deciding()
    story.do(ApproveAssistance(monthly_amount_fen=150_000))
    return story


def test_a_review_continues_adjusts_or_stops_with_reasons() -> None:
    story = in_payment()
    story.wait(days=200)
    continued = story.do(CompletePeriodicReview(outcome="continue"), by=CASEWORKER)
    assert types(continued) == ["PeriodicReviewCompleted", "ClockStopped", "ClockStarted"]
    assert isinstance(continued[2], ClockStarted)
    story.refuses(CompletePeriodicReview(outcome="adjust"), "adjustment_amount", by=CASEWORKER)
    story.do(CompletePeriodicReview(outcome="adjust", monthly_amount_fen=90_000), by=CASEWORKER)
    assert story.state.entitlement[-1] == Segment(from_month="2026-10", monthly_fen=90_000)
    story.refuses(CompletePeriodicReview(outcome="stop"), "reasons_required", by=CASEWORKER)
    story.do(CompletePeriodicReview(outcome="stop", reasons=["已就业"]), by=CASEWORKER)
    assert story.state.stage == Stage.STOPPED
    assert set(story.state.clocks) == {"appeal_window"}
    assert [d.event_type for d in story.state.decisions] == [
        "AssistanceApproved",
        "PeriodicReviewCompleted",
        "PeriodicReviewCompleted",
        "PeriodicReviewCompleted",
    ]
