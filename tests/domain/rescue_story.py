"""Given / when / then for the rescue decider across its whole lifecycle: a case told as the
commands staff sent (by their usual actor) or the events that happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from domain.actors import SYSTEM, Actor, Role
from domain.calendar import SHANGHAI, WorkingDayCalendar
from domain.case import ClockStarted, EscalateClock, GrantExtension
from domain.errors import DomainError
from domain.messages import Command, DecisionContext, Event
from domain.rescue import RESCUE
from domain.rescue.commands import (
    ClassifyPerson,
    DenyAssistance,
    InformationGiven,
    PersonDetails,
    RegisterIntake,
    ReportPerson,
    ReportSource,
    Sex,
)
from domain.rescue.commands_care import (
    ApproveIndividualPlan,
    ApproveStayExtension,
    CancelPlanService,
    CompletePlanService,
    DraftIndividualPlan,
    NoteDistrictWeather,
    RecordPoliceIdentityAnswer,
    RecordWeeklyReview,
    RefuseStayExtension,
    RequestStayExtension,
    ReturnIndividualPlan,
)
from domain.rescue.commands_exit import (
    CloseRescueCase,
    PlacePerson,
    RecordDeath,
    TerminateAssistance,
)
from domain.rescue.state import RescueState
from domain.rescue.vocabulary import NeedsAssessment, NeedType, PlannedService, ServiceKind

CASE_ID = "RSC-2026-000321"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)  # Monday; no holidays in March 2026
CALENDAR = WorkingDayCalendar()

OPERATOR = Actor(user_id="op-li", role=Role.OPERATOR, unit="浦东救助站")
CASEWORKER = Actor(user_id="sw-wang", role=Role.CASEWORKER, unit="浦东救助站")
OTHER_CASEWORKER = Actor(user_id="sw-zhou", role=Role.CASEWORKER, unit="浦东救助站")
APPROVER = Actor(user_id="head-zhao", role=Role.APPROVER, unit="浦东救助站")
SUPERVISOR = Actor(user_id="sup-chen", role=Role.SUPERVISOR, unit="浦东新区民政局")
OTHER_SUPERVISOR = Actor(user_id="sup-gu", role=Role.SUPERVISOR, unit="浦东新区民政局")

KNOWN_ID = "11010519491231002X"  # a valid checksum: the fake police system knows it
COLLECTOR_ID = "310115198001011238"


def usual_actor(command: Command) -> Actor:
    """Who normally sends a command: the system, a supervisor, an approver, a caseworker…"""
    match command:
        case EscalateClock() | RecordPoliceIdentityAnswer() | NoteDistrictWeather():
            return SYSTEM
        case GrantExtension() | ApproveStayExtension() | RefuseStayExtension():
            return SUPERVISOR
        case (
            ApproveIndividualPlan() | ReturnIndividualPlan() | PlacePerson() | TerminateAssistance()
        ):
            return APPROVER
        case (
            ClassifyPerson()
            | DenyAssistance()
            | DraftIndividualPlan()
            | RequestStayExtension()
            | RecordWeeklyReview()
            | CloseRescueCase()
            | RecordDeath()
            | CompletePlanService()
            | CancelPlanService()
        ):
            return CASEWORKER
        case _:
            return OPERATOR


@dataclass(frozen=True)
class Given:
    state: RescueState

    def when(self, command: Command, *, by: Actor | None = None, at: datetime = NOW) -> list[Event]:
        return RESCUE.decide(
            self.state, command, DecisionContext(at, by or usual_actor(command), CALENDAR)
        )

    def refuses(
        self, command: Command, *, code: str, by: Actor | None = None, at: datetime = NOW
    ) -> DomainError:
        with pytest.raises(DomainError) as refused:
            self.when(command, by=by, at=at)
        assert refused.value.code == code, refused.value.message
        return refused.value

    def then(self, command: Command, *, by: Actor | None = None, at: datetime = NOW) -> Given:
        """The case after the command: the next chapter of the story."""
        return Given(RESCUE.fold(self.when(command, by=by, at=at), self.state))


def given(*history: Command | Event, at: datetime = NOW) -> Given:
    state = RESCUE.initial(CASE_ID)
    for item in history:
        if isinstance(item, Event):
            events: list[Event] = [item]
        else:
            events = RESCUE.decide(state, item, DecisionContext(at, usual_actor(item), CALENDAR))
        state = RESCUE.fold(events, state)
    return Given(state)


def types(events: list[Event]) -> list[str]:
    return [e.type for e in events]


def started(events: list[Event]) -> dict[str, ClockStarted]:
    return {e.clock.name: e for e in events if isinstance(e, ClockStarted)}


# --- commands ----------------------------------------------------------------------------------


def report(**fields: Any) -> ReportPerson:
    return ReportPerson(
        **{
            "source": ReportSource.GRID_PATROL,
            "unit": "浦东救助站",
            "location": "世纪大道",
            **fields,
        }
    )


def intake(
    information: InformationGiven = InformationGiven.PROVIDED, **person: Any
) -> RegisterIntake:
    details: dict[str, Any] = {"name": "张某", "sex": Sex.MALE, "age": 30, **person}
    return RegisterIntake(person=PersonDetails(**details), information=information)


def unidentified(**person: Any) -> RegisterIntake:
    return intake(InformationGiven.UNABLE, **{"name": None, "id_number": None, **person})


def in_stay(
    *, unidentified_person: bool = False, observed: list[Any] | None = None, **person: Any
) -> Given:
    """Reported, taken in and classified: the person is in the station."""
    taken_in = unidentified(**person) if unidentified_person else intake(**person)
    return given(report(), taken_in, ClassifyPerson(observed=observed or []))


def service(service_id: str = "S1", due: date = date(2026, 3, 10), **fields: Any) -> PlannedService:
    return PlannedService(
        **{
            "service_id": service_id,
            "kind": ServiceKind.FAMILY_TRACING,
            "description": "联系户籍地寻亲",
            "owner": "sw-wang",
            "due": due,
            **fields,
        }
    )


def plan(*services: PlannedService) -> DraftIndividualPlan:
    return DraftIndividualPlan(
        assessment=NeedsAssessment(assistance="需返乡路费与医疗", primary=NeedType.ASSISTANCE),
        goals=["一周内联系家属", "安全返乡"],
        services=list(services),
    )


def later(**delta: float) -> datetime:
    return NOW + timedelta(**delta)
