"""Grade evaluation told as stories: eligibility, bars, notice, objection, expiry, downgrade."""

from __future__ import annotations

from datetime import date, timedelta

from domain.calendar import end_of_day
from domain.socialorg import timers
from domain.socialorg.commands import (
    ApplyForGradeEvaluation,
    DecideGradeObjection,
    FileAnnualReport,
    FileGradeObjection,
    Grade,
    InspectionResult,
    PenaltyKind,
    ProposeGrade,
    Recipient,
    RecordInspectionResult,
    RecordOrgPenalty,
)
from tests.domain.socialorg_support import (
    APPROVER,
    APPROVER_2,
    CASEWORKER,
    Org,
    of_type,
    registered,
    shanghai,
    types,
)

APPLY = ApplyForGradeEvaluation()


def inspected(org: Org, year: int, result: InspectionResult) -> None:
    """File the year's report in April and record the result the same day."""
    org.on(date(year + 1, 4, 1))
    org.send(FileAnnualReport(year=year, recipient=Recipient.AUTHORITY))
    org.send(RecordInspectionResult(year=year, result=result))


def direct() -> Org:
    return registered(on=shanghai(2026, 3, 2), sponsor_unit=None)


def test_an_evaluation_needs_two_full_years_since_registration() -> None:
    org = direct()
    inspected(org, 2026, InspectionResult.PASS)
    org.on(date(2028, 3, 1))
    refused = org.refuses(APPLY, "grading_barred")
    assert "2 full years" in refused.message
    org.on(date(2028, 3, 2))
    assert types(org.send(APPLY)) == ["GradeEvaluationApplied"]
    org.refuses(APPLY, "grading_in_progress")


def test_a_missed_inspection_bars_an_evaluation() -> None:
    org = direct()
    inspected(org, 2026, InspectionResult.PASS)
    org.on(date(2028, 6, 2))  # the 2027 report was never filed
    assert "missed" in org.refuses(APPLY, "grading_barred").message


def test_a_failed_inspection_bars_an_evaluation() -> None:
    org = direct()
    inspected(org, 2026, InspectionResult.PASS)
    inspected(org, 2027, InspectionResult.FAIL)
    assert "failed" in org.refuses(APPLY, "grading_barred").message


def test_two_basic_passes_in_a_row_bar_an_evaluation() -> None:
    org = direct()
    inspected(org, 2026, InspectionResult.BASIC_PASS)
    inspected(org, 2027, InspectionResult.BASIC_PASS)
    assert "基本合格" in org.refuses(APPLY, "grading_barred").message


def test_a_recent_penalty_bars_an_evaluation() -> None:
    org = direct()
    inspected(org, 2026, InspectionResult.PASS)
    org.send(RecordOrgPenalty(kind=PenaltyKind.FINE, reason="违规收费", fine_fen=500_000))
    inspected(org, 2027, InspectionResult.PASS)
    assert "penalty" in org.refuses(APPLY, "grading_barred").message
    inspected(org, 2028, InspectionResult.PASS)
    inspected(org, 2029, InspectionResult.PASS)
    org.send(APPLY)


def test_a_fine_and_only_a_fine_carries_an_amount_in_fen() -> None:
    org = direct()
    org.refuses(RecordOrgPenalty(kind=PenaltyKind.FINE, reason="违规收费"), "fine_amount")
    org.refuses(
        RecordOrgPenalty(kind=PenaltyKind.WARNING, reason="违规收费", fine_fen=100), "fine_amount"
    )


def graded(grade: Grade = Grade.A3) -> Org:
    org = direct()
    inspected(org, 2026, InspectionResult.PASS)
    inspected(org, 2027, InspectionResult.PASS)
    org.send(APPLY)
    org.send(ProposeGrade(grade=grade))
    org.after(timedelta(days=8))
    return org


def test_the_grade_is_awarded_when_the_notice_ends_without_objection() -> None:
    org = direct()
    inspected(org, 2026, InspectionResult.PASS)
    inspected(org, 2027, InspectionResult.PASS)
    org.send(APPLY)
    events = org.send(ProposeGrade(grade=Grade.A4))
    # proposed on 1 April 2028 (not counted): the 7 days end at 24:00 of 8 April
    notice_ends = end_of_day(date(2028, 4, 8))
    assert org.state.clocks[timers.GRADE_NOTICE].due_at == notice_ends
    assert not of_type(org.at(notice_ends - timedelta(minutes=1)), "GradeAwarded")
    fired = org.at(notice_ends)
    (awarded,) = of_type(fired, "GradeAwarded")
    assert awarded.valid_until == date(2033, 4, 8)  # 5 years from 9 April 2028
    assert org.state.grade is Grade.A4 and org.state.grading is None
    assert org.state.clocks[timers.GRADE_EXPIRY].due_at == timers.start_of_day(date(2033, 4, 9))
    assert events[0].proposed_by == CASEWORKER.user_id  # type: ignore[attr-defined]


def test_the_grade_expires_after_five_years() -> None:
    org = graded()
    fired = org.on(date(2033, 4, 9), hour=1)
    (expired,) = of_type(fired, "GradeExpired")
    assert expired.grade is Grade.A3 and org.state.grade is None


def test_an_objection_during_the_notice_is_decided_by_someone_not_involved() -> None:
    org = direct()
    inspected(org, 2026, InspectionResult.PASS)
    inspected(org, 2027, InspectionResult.PASS)
    org.send(APPLY)
    org.send(ProposeGrade(grade=Grade.A4), by=APPROVER)
    org.after(timedelta(days=3))
    events = org.send(FileGradeObjection(reason="财务审计意见未考虑"))
    assert types(events) == ["GradeObjectionFiled", "ClockStopped", "ClockStarted"]
    assert org.state.clocks["grade_objection"].due_at == end_of_day(date(2028, 4, 19))
    org.after(timedelta(days=10))
    assert org.state.grade is None  # the notice no longer awards it
    decision = DecideGradeObjection(grade=Grade.A3, reason="复核后评为3A")
    org.refuses(decision, "four_eyes", by=APPROVER)
    events = org.send(decision, by=APPROVER_2)
    assert types(events)[:2] == ["ClockStopped", "GradeAwarded"]
    assert org.state.grade is Grade.A3


def test_an_objection_after_the_notice_is_refused() -> None:
    org = graded()
    org.refuses(FileGradeObjection(reason="太晚了"), "no_notice")


def test_a_failed_inspection_downgrades_the_grade() -> None:
    org = graded(Grade.A1)
    org.on(date(2029, 4, 1))
    org.send(FileAnnualReport(year=2028, recipient=Recipient.AUTHORITY))
    events = org.send(RecordInspectionResult(year=2028, result=InspectionResult.FAIL))
    (down,) = of_type(events, "GradeDowngraded")
    assert (down.from_grade, down.to_grade) == (Grade.A1, None)
    assert org.state.grade is None and timers.GRADE_EXPIRY not in org.state.clocks


def test_a_penalty_downgrades_the_grade_one_step() -> None:
    org = graded(Grade.A5)
    events = org.send(RecordOrgPenalty(kind=PenaltyKind.WARNING, reason="未按规定公开信息"))
    assert types(events) == ["OrgPenaltyRecorded", "GradeDowngraded"]
    assert org.state.grade is Grade.A4 and timers.GRADE_EXPIRY in org.state.clocks


def test_re_evaluation_opens_in_the_grades_last_year() -> None:
    org = graded()
    for year in range(2028, 2032):
        inspected(org, year, InspectionResult.PASS)
    org.on(date(2032, 4, 7))  # valid until 2033-04-08: more than a year left
    assert "valid until" in org.refuses(APPLY, "grading_barred").message
    org.on(date(2032, 4, 8))
    org.send(APPLY)
