"""Who is told of which event: the ladder names its people, outside steps reach their party,
and a message carries no personal data."""

from __future__ import annotations

from datetime import datetime

from domain.actors import Role
from domain.calendar import SHANGHAI
from domain.case import ClockEscalated
from domain.catalogue import rung_label
from domain.clocks import Rung
from domain.notifications import CaseFacts, Recipient, notifications_for
from domain.rescue.events_care import IndividualPlanDrafted
from domain.rescue.events_exit import (
    EscortedReturnStarted,
    MissingPersonReportedToPolice,
    StationExited,
)
from domain.rescue.vocabulary import ExitRoute, NeedsAssessment, NeedType, PoliceReportChannel

T = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
CASE = CaseFacts(
    case_id="RSC-2026-000001", kind="rescue", stage="in_stay", unit="救助站", assignee="sw-li"
)


def escalated(rung: Rung) -> ClockEscalated:
    return ClockEscalated(clock="stay_limit", rung=rung, due_at=T, at=T)


def recipients(event: object, case: CaseFacts = CASE) -> set[Recipient]:
    return {r for n in notifications_for(event, case) for r in n.recipients}  # type: ignore[arg-type]


def test_every_rung_names_its_people() -> None:
    assignee = Recipient(user_id="sw-li")
    lead = Recipient(role=Role.APPROVER, unit="救助站")
    assert recipients(escalated(Rung.REMINDER)) == {assignee}
    assert recipients(escalated(Rung.L1_DUE)) == {assignee, lead}
    assert recipients(escalated(Rung.L2_OVERDUE)) == {Recipient(role=Role.SUPERVISOR)}
    assert recipients(escalated(Rung.L3_LEADERSHIP)) == {Recipient(role=Role.ADMIN)}


def test_an_unassigned_case_reminds_the_units_caseworkers() -> None:
    unassigned = CASE.model_copy(update={"assignee": None})
    assert recipients(escalated(Rung.REMINDER), unassigned) == {
        Recipient(role=Role.CASEWORKER, unit="救助站")
    }


def test_the_message_is_the_minimum_the_recipient_needs() -> None:
    (note,) = notifications_for(escalated(Rung.L2_OVERDUE), CASE)
    message = note.message.model_dump(exclude_none=True)
    assert message == {
        "case_id": "RSC-2026-000001",
        "kind": "rescue",
        "event_type": "ClockEscalated",
        "title_zh": f"案件 RSC-2026-000001：在站期限 {rung_label(Rung.L2_OVERDUE)}",
        "unit": "救助站",
        "clock": "stay_limit",
        "rung": "L2_OVERDUE",
        "due_at": T,
    }


def test_a_missing_minor_reaches_the_police_unless_staff_phoned_them() -> None:
    by_system = MissingPersonReportedToPolice(
        reason="a minor left", channel=PoliceReportChannel.SYSTEM, at=T
    )
    phoned = MissingPersonReportedToPolice(
        reason="a minor left", channel=PoliceReportChannel.PHONE_110, at=T
    )
    police = Recipient(party="police")
    assert police in recipients(by_system)
    assert police not in recipients(phoned)
    assert Recipient(role=Role.SUPERVISOR) in recipients(phoned)


def test_a_cross_region_handover_goes_to_the_receiving_bureau() -> None:
    started = EscortedReturnStarted(
        destination="安徽省合肥市",
        receiving_bureau="合肥市救助管理站",
        cross_region=True,
        escorts=["op-li"],
        at_risk=False,
        at=T,
    )
    assert recipients(started) == {Recipient(party="bureau:合肥市救助管理站")}
    assert recipients(started.model_copy(update={"cross_region": False})) == set()


def test_a_draft_plan_waits_for_the_units_approvers() -> None:
    drafted = IndividualPlanDrafted(
        version=1,
        drafted_by="sw-li",
        assessment=NeedsAssessment(assistance="返乡路费", primary=NeedType.ASSISTANCE),
        goals=["返乡"],
        services=[],
        revises=None,
        at=T,
    )
    (note,) = notifications_for(drafted, CASE)
    assert note.rule == "four_eyes_request"
    assert note.recipients == (Recipient(role=Role.APPROVER, unit="救助站"),)


def test_most_events_notify_nobody() -> None:
    assert notifications_for(StationExited(route=ExitRoute.SELF_EXIT, at=T), CASE) == []
