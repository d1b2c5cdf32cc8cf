"""Change registration, voluntary deregistration and what liquidation forbids."""

from __future__ import annotations

from datetime import date, timedelta

from domain.calendar import end_of_day
from domain.case import GrantExtension
from domain.socialorg.commands import (
    ApplyForDeregistration,
    ApplyForGradeEvaluation,
    CompleteDeregistration,
    FileAnnualReport,
    FinishLiquidation,
    ProposeRevocation,
    Recipient,
    RecordCertificateReturned,
    RecordChangeApproval,
    RecordDeregistrationApproval,
    RecordOrgActivity,
    RegisterOrgChange,
    StartLiquidation,
)
from domain.socialorg.state import Stage
from tests.domain.socialorg_support import of_type, registered, types


def test_a_change_is_registered_within_30_days_of_the_sponsors_approval() -> None:
    org = registered()
    org.on(date(2026, 5, 20))
    events = org.send(RecordChangeApproval(matters=["住所"], approved_on=date(2026, 5, 10)))
    assert types(events) == ["ChangeApprovedBySponsor", "ClockStarted"]
    # 30 days after the approval day: until 24:00 of 9 June
    assert org.state.clocks["change_registration"].due_at == end_of_day(date(2026, 6, 9))
    org.refuses(
        RecordChangeApproval(matters=["名称"], approved_on=date(2026, 5, 19)), "change_pending"
    )
    events = org.send(RegisterOrgChange())
    assert types(events) == ["OrgChangeRegistered", "ClockStopped"]
    assert events[0].late is False  # type: ignore[attr-defined]
    org.refuses(RegisterOrgChange(), "no_change_pending")


def test_a_late_change_registration_brings_a_warning() -> None:
    org = registered()
    org.on(date(2026, 5, 20))
    org.send(RecordChangeApproval(matters=["法定代表人"], approved_on=date(2026, 5, 10)))
    fired = org.on(date(2026, 6, 10))
    assert "WarningIssued" in types(fired)
    events = org.send(RegisterOrgChange())
    assert events[0].late is True  # type: ignore[attr-defined]


def test_an_approval_recorded_too_late_warns_at_once() -> None:
    org = registered()
    org.on(date(2026, 7, 1))
    org.send(RecordChangeApproval(matters=["章程"], approved_on=date(2026, 5, 1)))
    fired = org.after(timedelta(seconds=1))
    assert len(of_type(fired, "WarningIssued")) == 1


def test_liquidation_needs_the_sponsors_approval_first() -> None:
    org = registered()
    org.refuses(StartLiquidation(), "no_sponsor_approval")
    org.send(RecordDeregistrationApproval(approved_on=date(2026, 3, 2)))
    org.refuses(RecordDeregistrationApproval(approved_on=date(2026, 3, 2)), "already_approved")


def test_liquidation_stops_every_clock_and_blocks_every_other_activity() -> None:
    org = registered()
    org.on(date(2027, 2, 1))
    assert org.state.clocks
    org.send(RecordDeregistrationApproval(approved_on=date(2027, 1, 20)))
    events = org.send(StartLiquidation())
    assert types(events)[-1] == "LiquidationStarted"
    assert org.state.stage == Stage.LIQUIDATING and org.state.clocks == {}
    for command in (
        FileAnnualReport(year=2026, recipient=Recipient.SPONSOR),
        RecordOrgActivity(description="年会", held_on=date(2027, 2, 1)),
        ApplyForGradeEvaluation(),
        ProposeRevocation(grounds=["其他"]),
        RecordChangeApproval(matters=["住所"], approved_on=date(2027, 1, 30)),
        ApplyForDeregistration(),  # allowed in kind, but liquidation still runs
    ):
        code = (
            "liquidation_running"
            if isinstance(command, ApplyForDeregistration)
            else "in_liquidation"
        )
        org.refuses(command, code)
    org.after(timedelta(days=800))  # no yearly cycle opens while liquidating
    assert org.state.cycle_year == 2026


def test_deregistration_is_applied_for_within_15_days_after_liquidation() -> None:
    org = registered()
    org.send(RecordDeregistrationApproval(approved_on=date(2026, 3, 2)))
    org.send(StartLiquidation())
    org.after(timedelta(days=60))
    events = org.send(FinishLiquidation())
    # finished on 1 May 2026: the 15th day after is Saturday 16 May, so the period ends on
    # Monday 18 May at 24:00 (民事诉讼法 Art 85)
    assert org.state.clocks["deregistration_application"].due_at == end_of_day(date(2026, 5, 18))
    assert "WarningIssued" not in types(org.at(end_of_day(date(2026, 5, 17))))
    fired = org.at(end_of_day(date(2026, 5, 18)))
    assert "WarningIssued" in types(fired)
    org.after(timedelta(hours=9))
    events = org.send(ApplyForDeregistration())
    assert events[0].late is True  # type: ignore[attr-defined]
    assert org.state.stage == Stage.DEREGISTERING and org.state.clocks == {}


def test_deregistration_completes_once_certificate_and_seals_are_back() -> None:
    org = registered()
    org.send(RecordDeregistrationApproval(approved_on=date(2026, 3, 2)))
    org.send(StartLiquidation())
    org.send(FinishLiquidation())
    org.send(ApplyForDeregistration())
    org.refuses(
        CompleteDeregistration(notice_reference="浦民社注〔2026〕1号"), "certificate_not_returned"
    )
    org.send(RecordCertificateReturned(certificate=True, seals=False))
    org.refuses(
        CompleteDeregistration(notice_reference="浦民社注〔2026〕1号"), "certificate_not_returned"
    )
    org.send(RecordCertificateReturned(certificate=False, seals=True))
    events = org.send(CompleteDeregistration(notice_reference="浦民社注〔2026〕1号"))
    assert types(events) == ["OrganisationDeregistered"]
    assert org.state.closed and org.state.stage == Stage.DEREGISTERED
    org.refuses(GrantExtension(clock="x", by=1, reason="延期"), "case_closed")
