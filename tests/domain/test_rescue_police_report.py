"""A report to the police is an outside step: who was told, how, and a clock until the police
give their reference (警情编号); the case cannot close while it is missing."""

from __future__ import annotations

from datetime import timedelta

from domain.actors import SYSTEM
from domain.case import ClockEscalated, ClockStopped, EscalateClock
from domain.clocks import Rung
from domain.rescue import rules
from domain.rescue.commands_exit import (
    CloseRescueCase,
    RecordPoliceAcknowledgement,
    RecordUnauthorisedDeparture,
)
from domain.rescue.events_exit import MissingPersonReportedToPolice, PoliceReportAcknowledged
from domain.rescue.vocabulary import PoliceReportChannel
from tests.domain.rescue_story import NOW, OPERATOR, in_stay, started

DEPARTURE = RecordUnauthorisedDeparture(
    last_seen="站门口", police_station="陆家嘴派出所", report_channel=PoliceReportChannel.PHONE_110
)


def test_the_report_records_who_was_told_how_and_by_whom() -> None:
    events = in_stay(age=12).when(DEPARTURE)
    report = next(e for e in events if isinstance(e, MissingPersonReportedToPolice))
    assert (report.reported_to, report.channel, report.reported_by) == (
        "陆家嘴派出所",
        PoliceReportChannel.PHONE_110,
        OPERATOR.user_id,
    )


def test_a_clock_waits_for_the_police_reference() -> None:
    events = in_stay(age=12).when(DEPARTURE)
    clock = started(events)[rules.POLICE_REPORT_ACK.name].clock
    assert clock.due_at == NOW + timedelta(hours=24)
    assert rules.POLICE_REPORT_ACK.name not in started(in_stay().when(DEPARTURE))  # an adult


def test_no_reference_escalates_up_the_ladder() -> None:
    case = in_stay(age=12).then(DEPARTURE)
    late = NOW + timedelta(days=10)
    events = case.when(EscalateClock(clock=rules.POLICE_REPORT_ACK.name), by=SYSTEM, at=late)
    rungs = [e.rung for e in events if isinstance(e, ClockEscalated)]
    assert rungs == [Rung.REMINDER, Rung.L1_DUE, Rung.L2_OVERDUE, Rung.L3_LEADERSHIP]


def test_the_reference_stops_the_clock_and_the_case_may_close() -> None:
    case = in_stay(age=12).then(DEPARTURE)
    case.refuses(CloseRescueCase(summary="离站"), code="awaiting_police_reference")
    events = case.when(RecordPoliceAcknowledgement(police_ref="JQ-2026-0815"))
    assert events[0] == PoliceReportAcknowledged(
        police_ref="JQ-2026-0815", recorded_by=OPERATOR.user_id, at=NOW
    )
    assert ClockStopped(clock=rules.POLICE_REPORT_ACK.name, reason="police reference received") in (
        events
    )
    closed = case.then(RecordPoliceAcknowledgement(police_ref="JQ-2026-0815"))
    assert closed.state.police_ref == "JQ-2026-0815"
    assert closed.when(CloseRescueCase(summary="离站"))[-1].type == "CaseClosed"


def test_a_reference_without_a_report_is_refused() -> None:
    in_stay().refuses(
        RecordPoliceAcknowledgement(police_ref="JQ-1"), code="no_police_report_pending"
    )
    in_stay(age=12).then(DEPARTURE).then(RecordPoliceAcknowledgement(police_ref="JQ-1")).refuses(
        RecordPoliceAcknowledgement(police_ref="JQ-2"), code="no_police_report_pending"
    )


def test_cases_under_older_rules_keep_them() -> None:
    older = in_stay(age=12)
    older = type(older)(older.state.model_copy(update={"ruleset": rules.FULL_LIFECYCLE_RULESET}))
    events = older.when(DEPARTURE)
    assert rules.POLICE_REPORT_ACK.name not in started(events)
    assert older.then(DEPARTURE).when(CloseRescueCase(summary="离站"))[-1].type == "CaseClosed"
