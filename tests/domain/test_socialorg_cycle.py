"""The yearly inspection told as stories: due dates, reminders, misses, results, lists, zombies."""

from __future__ import annotations

from datetime import date, timedelta

from domain.calendar import end_of_day
from domain.case import EscalateClock, GrantExtension
from domain.clocks import Rung
from domain.socialorg import timers
from domain.socialorg.commands import (
    DecideRevocation,
    FileAnnualReport,
    InspectionResult,
    OrgType,
    ProposeRevocation,
    Recipient,
    RecordInspectionResult,
    RecordRectification,
    RemoveFromAbnormalList,
)
from domain.socialorg.cycle import skips_year
from domain.socialorg.events import OrgDelisted, OrgListed
from domain.socialorg.state import OrgList, Stage
from tests.domain.socialorg_support import (
    APPROVER,
    APPROVER_2,
    CASEWORKER,
    SUPERVISOR,
    of_type,
    registered,
    shanghai,
    types,
)

SPONSOR_REPORT = FileAnnualReport(year=2026, recipient=Recipient.SPONSOR)
AUTHORITY_REPORT = FileAnnualReport(year=2026, recipient=Recipient.AUTHORITY)


def test_a_social_group_reports_to_its_sponsor_by_31_march_and_the_authority_by_31_may() -> None:
    org = registered()
    fired = org.on(date(2027, 1, 1))
    (opened,) = of_type(fired, "AnnualCycleOpened")
    assert (opened.year, opened.sponsor_due_on, opened.authority_due_on) == (
        2026,
        date(2027, 3, 31),
        date(2027, 5, 31),
    )
    assert org.state.clocks["sponsor_report"].due_at == end_of_day(date(2027, 3, 31))
    assert org.state.clocks["authority_report"].due_at == end_of_day(date(2027, 5, 31))
    assert org.state.next_due_at == end_of_day(date(2027, 3, 31))
    assert org.state.clocks[timers.NEXT_CYCLE].due_at == timers.start_of_day(date(2028, 1, 1))


def test_a_foundation_reports_to_the_authority_by_31_march() -> None:
    org = registered(org_type=OrgType.FOUNDATION)
    (opened,) = of_type(org.on(date(2027, 1, 1)), "AnnualCycleOpened")
    assert (opened.sponsor_due_on, opened.authority_due_on) == (None, date(2027, 3, 31))
    assert "sponsor_report" not in org.state.clocks
    org.refuses(SPONSOR_REPORT, "no_sponsor_report")
    org.send(AUTHORITY_REPORT)


def test_a_directly_registered_group_reports_to_the_authority_only() -> None:
    org = registered(sponsor_unit=None)
    (opened,) = of_type(org.on(date(2027, 1, 1)), "AnnualCycleOpened")
    assert (opened.sponsor_due_on, opened.authority_due_on) == (None, date(2027, 5, 31))
    org.send(AUTHORITY_REPORT)


def test_an_organisation_registered_in_november_skips_that_year() -> None:
    org = registered(on=shanghai(2026, 11, 10))
    fired = org.on(date(2027, 1, 1))
    (opened,) = of_type(fired, "AnnualCycleOpened")
    assert opened.skipped and opened.authority_due_on is None
    assert set(org.state.clocks) == {timers.NEXT_CYCLE}
    org.refuses(AUTHORITY_REPORT, "no_inspection_year")
    (opened,) = of_type(org.on(date(2028, 1, 1)), "AnnualCycleOpened")
    assert opened.year == 2027 and not opened.skipped


def test_six_months_before_31_december_is_the_line() -> None:
    assert not skips_year(date(2026, 6, 30), 2026)
    assert skips_year(date(2026, 7, 1), 2026)
    assert not skips_year(date(2025, 12, 31), 2026)


def test_reminders_go_out_30_and_7_days_before_each_due_date() -> None:
    org = registered()
    org.on(date(2027, 1, 1))
    fired = org.on(date(2027, 6, 1), hour=0)
    reminders = [
        (r.recipient, r.days_before, r.at.date()) for r in of_type(fired, "ReportReminderSent")
    ]
    assert reminders == [
        (Recipient.SPONSOR, 30, date(2027, 3, 1)),
        (Recipient.SPONSOR, 7, date(2027, 3, 24)),
        (Recipient.AUTHORITY, 30, date(2027, 5, 1)),
        (Recipient.AUTHORITY, 7, date(2027, 5, 24)),
    ]


def test_the_authority_receives_the_report_after_the_sponsor_reviewed_it() -> None:
    org = registered()
    org.on(date(2027, 2, 10))
    org.refuses(AUTHORITY_REPORT, "sponsor_review_first")
    events = org.send(SPONSOR_REPORT)
    assert types(events) == ["AnnualReportFiled", "ClockStopped", "ClockStopped"]
    assert "sponsor_report" not in org.state.clocks
    assert timers.SPONSOR_REPORT_NOTICE not in org.state.clocks
    org.refuses(SPONSOR_REPORT, "already_filed")
    org.send(AUTHORITY_REPORT)
    assert org.state.current_inspection is not None
    assert org.state.current_inspection.status == "filed"
    assert org.state.next_due_at is None


def test_a_missed_sponsor_date_warns_without_listing() -> None:
    org = registered()
    fired = org.on(date(2027, 4, 1))
    assert types(of_type(fired, "AnnualReportMissed")) == ["AnnualReportMissed"]
    assert len(of_type(fired, "WarningIssued")) == 1
    assert org.state.lists == {}


def test_a_missed_authority_date_warns_and_lists_the_organisation_as_abnormal() -> None:
    org = registered(sponsor_unit=None)
    fired = org.on(date(2027, 6, 1))
    assert [e.rung for e in of_type(fired, "ClockEscalated")] == [Rung.REMINDER, Rung.L1_DUE]
    assert types(fired)[-5:] == [
        "ClockEscalated",
        "AnnualReportMissed",
        "WarningIssued",
        "OrgListed",
        "ClockStarted",
    ]
    assert org.state.lists == {OrgList.ABNORMAL_ACTIVITY: date(2027, 6, 1)}
    assert org.state.current_inspection is not None
    assert org.state.current_inspection.status == "late"
    fired = org.on(date(2027, 6, 15))
    assert [e.rung for e in of_type(fired, "ClockEscalated")] == [
        Rung.L2_OVERDUE,
        Rung.L3_LEADERSHIP,
    ]
    late = org.send(AUTHORITY_REPORT)
    assert late[0].late is True  # type: ignore[attr-defined]


def test_no_inspection_result_without_a_report_or_a_recorded_miss() -> None:
    org = registered(sponsor_unit=None)
    org.on(date(2027, 3, 1))
    org.refuses(RecordInspectionResult(year=2026, result=InspectionResult.PASS), "no_report")
    org.on(date(2027, 6, 2))
    org.refuses(
        RecordInspectionResult(year=2026, result=InspectionResult.PASS), "no_report_no_pass"
    )
    events = org.send(RecordInspectionResult(year=2026, result=InspectionResult.FAIL))
    assert "InspectionConcluded" in types(events)
    assert "authority_report" not in org.state.clocks  # concluded: no more escalation


def test_a_failed_inspection_sets_a_rectification_deadline_and_a_warning() -> None:
    org = registered(sponsor_unit=None)
    org.on(date(2027, 4, 1))
    org.send(AUTHORITY_REPORT)
    org.on(date(2027, 7, 1))
    events = org.send(
        RecordInspectionResult(year=2026, result=InspectionResult.FAIL, rectification_days=60)
    )
    assert types(events) == ["InspectionConcluded", "WarningIssued", "ClockStarted"]
    # 60 days from 1 July (not counted): until 24:00 of Monday 30 August 2027
    assert org.state.clocks["rectification_2026"].due_at == end_of_day(date(2027, 8, 30))
    org.refuses(
        RecordInspectionResult(year=2026, result=InspectionResult.PASS), "already_concluded"
    )
    events = org.send(RecordRectification(year=2026, accepted=True))
    assert types(events) == ["RectificationAccepted", "ClockStopped"]
    assert org.state.lists == {}


def test_a_failed_rectification_warns_and_lists() -> None:
    org = registered(sponsor_unit=None)
    org.on(date(2027, 4, 1))
    org.send(AUTHORITY_REPORT)
    org.send(RecordInspectionResult(year=2026, result=InspectionResult.FAIL))
    events = org.send(RecordRectification(year=2026, accepted=False, note="财务制度未整改"))
    assert types(events) == [
        "RectificationFailed",
        "ClockStopped",
        "WarningIssued",
        "OrgListed",
        "ClockStarted",
    ]
    org.refuses(RecordRectification(year=2026, accepted=True), "no_rectification_pending")


def test_a_rectification_deadline_that_passes_counts_as_a_failed_rectification() -> None:
    org = registered(sponsor_unit=None)
    org.on(date(2027, 4, 1))
    org.send(AUTHORITY_REPORT)
    org.send(RecordInspectionResult(year=2026, result=InspectionResult.BASIC_PASS))
    assert "rectification_2026" not in org.state.clocks  # 基本合格 needs no rectification
    org2 = registered(sponsor_unit=None)
    org2.on(date(2027, 4, 1))
    org2.send(AUTHORITY_REPORT)
    org2.send(RecordInspectionResult(year=2026, result=InspectionResult.FAIL))
    fired = org2.after(timedelta(days=91))
    assert "RectificationFailed" in types(fired)
    assert OrgList.ABNORMAL_ACTIVITY in org2.state.lists
    assert "rectification_2026" not in org2.state.clocks


def test_two_years_on_the_abnormal_list_lead_to_the_serious_dishonesty_list() -> None:
    org = registered(sponsor_unit=None)
    org.on(date(2027, 6, 1))  # listed on 1 June 2027: the 2 years end at 24:00 of 1 June 2029
    assert not [e for e in org.on(date(2029, 6, 1), hour=23) if isinstance(e, OrgListed)]
    fired = org.on(date(2029, 6, 2), hour=0)
    moved = [(e.type, e.listing) for e in fired if isinstance(e, OrgListed | OrgDelisted)]
    assert moved == [
        ("OrgDelisted", OrgList.ABNORMAL_ACTIVITY),
        ("OrgListed", OrgList.SERIOUS_DISHONESTY),
    ]
    assert set(org.state.lists) == {OrgList.SERIOUS_DISHONESTY}


def test_removal_from_the_abnormal_list_stops_its_two_year_timer() -> None:
    org = registered(sponsor_unit=None)
    org.on(date(2027, 6, 1))
    org.send(AUTHORITY_REPORT)
    org.refuses(RemoveFromAbnormalList(reason="已补报年报"), "role_not_allowed", by=CASEWORKER)
    events = org.send(RemoveFromAbnormalList(reason="已补报年报"))
    assert types(events) == ["OrgDelisted", "ClockStopped"]
    assert org.state.lists == {}
    org.refuses(RemoveFromAbnormalList(reason="已补报年报"), "not_listed")


def test_two_consecutive_years_without_inspection_flag_a_zombie_and_propose_revocation() -> None:
    org = registered(sponsor_unit=None)
    org.on(date(2027, 6, 1))
    assert not org.state.zombie
    fired = org.on(date(2028, 6, 1))
    assert types(fired)[-2:] == ["ZombieFlagged", "RevocationProposed"]
    assert org.state.zombie and org.state.revocation is not None
    assert org.state.revocation.proposed_by == "system"
    org.refuses(ProposeRevocation(grounds=["连续两年未年检"]), "revocation_pending")
    events = org.send(DecideRevocation(approve=True, reason="僵尸型社会组织, 撤销登记"))
    assert types(events)[-1] == "RegistrationRevoked"
    assert org.state.stage == Stage.REVOKED and org.state.closed and not org.state.clocks


def test_a_year_filed_late_breaks_the_run_of_years_without_inspection() -> None:
    org = registered(sponsor_unit=None)
    org.on(date(2027, 6, 1))
    org.send(AUTHORITY_REPORT)  # late, but filed
    org.on(date(2028, 6, 1))
    assert not org.state.zombie


def test_no_activity_a_year_after_registration_flags_a_zombie() -> None:
    org = registered(active=False)  # a social group registered on 2 March 2026
    assert "ZombieFlagged" not in types(org.on(date(2027, 3, 2), hour=23))  # the year's last day
    fired = org.on(date(2027, 3, 3), hour=0)
    assert "ZombieFlagged" in types(fired)
    assert org.state.zombie and org.state.revocation is not None
    assert "no activity for 1 year" in org.state.revocation.grounds[0]


def test_a_revocation_is_decided_by_someone_who_did_not_draft_it() -> None:
    org = registered()
    org.send(ProposeRevocation(grounds=["擅自设立分支机构 (社团条例 Art 33)"]), by=APPROVER)
    org.refuses(DecideRevocation(approve=True, reason="同意"), "four_eyes", by=APPROVER)
    org.refuses(DecideRevocation(approve=True, reason="同意"), "role_not_allowed", by=CASEWORKER)
    events = org.send(DecideRevocation(approve=False, reason="证据不足"), by=APPROVER_2)
    assert types(events) == ["RevocationRejected"]
    assert org.state.revocation is None and org.state.stage == Stage.REGISTERED


def test_report_deadlines_can_be_extended_but_timers_cannot() -> None:
    org = registered()
    org.on(date(2027, 1, 5))
    events = org.send(GrantExtension(clock="authority_report", by=10, reason="疫情延期"))
    assert org.state.clocks["authority_report"].due_at == end_of_day(date(2027, 6, 10))
    assert types(events) == ["ClockExtended"]
    org.refuses(GrantExtension(clock=timers.NEXT_CYCLE, by=3, reason="延期"), "not_extendable")
    org.refuses(EscalateClock(clock=timers.NEXT_CYCLE), "role_not_allowed", by=SUPERVISOR)
    org.refuses(EscalateClock(clock=timers.NEXT_CYCLE), "not_due")


def test_late_filing_of_an_earlier_year_is_accepted_after_the_next_cycle_opens() -> None:
    org = registered(sponsor_unit=None)
    org.on(date(2028, 1, 2))
    assert org.state.cycle_year == 2027
    events = org.send(AUTHORITY_REPORT)
    assert types(events) == ["AnnualReportFiled"]
    assert org.state.inspections[2026].status == "filed"


def test_a_deadline_extended_after_its_miss_is_not_missed_twice() -> None:
    org = registered(sponsor_unit=None)
    org.on(date(2027, 6, 2))
    org.send(GrantExtension(clock="authority_report", by=30, reason="补报宽限"))
    fired = org.on(date(2027, 7, 5))
    rungs = [e.rung for e in of_type(fired, "ClockEscalated")]
    assert rungs == [Rung.REMINDER, Rung.L1_DUE, Rung.L2_OVERDUE]  # the new date's own ladder
    assert of_type(fired, "AnnualReportMissed") == [] and of_type(fired, "WarningIssued") == []
    assert [r.due_on for r in of_type(fired, "ReportReminderSent")] == [date(2027, 6, 30)]
