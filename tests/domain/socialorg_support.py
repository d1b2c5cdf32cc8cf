"""A social organisation's case driven like the runtime drives it: commands from staff, and
every clock rung fired by the system timer in time order, years at a time."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from domain.actors import SYSTEM, Actor, Role
from domain.calendar import SHANGHAI, WorkingDayCalendar
from domain.case import EscalateClock, GrantExtension
from domain.errors import DomainError
from domain.messages import Command, DecisionContext, Event
from domain.socialorg import SOCIAL_ORG
from domain.socialorg.commands import (
    ApplyForOrgRegistration,
    CompleteDeregistration,
    DecideGradeObjection,
    DecideRevocation,
    Document,
    OrgType,
    ProposeGrade,
    ProposeRevocation,
    RecordInspectionResult,
    RecordOrgActivity,
    RecordOrgPenalty,
    RecordRectification,
    RefuseOrgRegistration,
    RegisterOrganisation,
    RegisterOrgChange,
    RemoveFromAbnormalList,
)
from domain.socialorg.credit_code import CATEGORY, check_character
from domain.socialorg.state import SocialOrgState

CASE_ID = "ORG-2026-000123"
CALENDAR = WorkingDayCalendar()
REGISTRY = "浦东新区社会组织管理局"
SPONSOR = "浦东新区科学技术委员会"

OPERATOR = Actor(user_id="op-zhou", role=Role.OPERATOR, unit=REGISTRY)
CASEWORKER = Actor(user_id="cw-xu", role=Role.CASEWORKER, unit=REGISTRY)
APPROVER = Actor(user_id="head-lin", role=Role.APPROVER, unit=REGISTRY)
APPROVER_2 = Actor(user_id="head-gao", role=Role.APPROVER, unit=REGISTRY)
SUPERVISOR = Actor(user_id="sup-he", role=Role.SUPERVISOR, unit="浦东新区民政局")
AUDITOR = Actor(user_id="aud-sun", role=Role.AUDITOR, unit="浦东新区民政局")

BY_CASEWORKER = (
    RecordInspectionResult,
    RecordRectification,
    ProposeGrade,
    RegisterOrgChange,
    ProposeRevocation,
)
BY_APPROVER = (
    RegisterOrganisation,
    RefuseOrgRegistration,
    RemoveFromAbnormalList,
    DecideGradeObjection,
    RecordOrgPenalty,
    CompleteDeregistration,
    DecideRevocation,
)


def usual_actor(command: Command) -> Actor:
    """Who normally sends a command."""
    if isinstance(command, EscalateClock):
        return SYSTEM
    if isinstance(command, GrantExtension):
        return SUPERVISOR
    if isinstance(command, BY_CASEWORKER):
        return CASEWORKER
    if isinstance(command, BY_APPROVER):
        return APPROVER
    return OPERATOR


def shanghai(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def credit_code(org_type: OrgType = OrgType.SOCIAL_GROUP, body: str = "310115MJ0123456") -> str:
    first17 = "5" + CATEGORY[org_type] + body
    return first17 + check_character(first17)


def application(
    org_type: OrgType = OrgType.SOCIAL_GROUP,
    sponsor_unit: str | None = SPONSOR,
    documents: list[Document] | None = None,
) -> ApplyForOrgRegistration:
    if documents is None:
        documents = [d for d in Document if sponsor_unit or d is not Document.SPONSOR_APPROVAL]
    return ApplyForOrgRegistration(
        org_type=org_type,
        org_name="浦东新区青少年科技教育促进会",
        unit=REGISTRY,
        sponsor_unit=sponsor_unit,
        documents=documents,
    )


def registration(org_type: OrgType = OrgType.SOCIAL_GROUP) -> RegisterOrganisation:
    return RegisterOrganisation(
        certificate_number="沪浦社证字第0123号", credit_code=credit_code(org_type)
    )


class Org:
    """One organisation's case with its own clock: `at` moves time and fires due rungs."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.state: SocialOrgState = SOCIAL_ORG.initial(CASE_ID)
        self.history: list[Event] = []
        # At each new yearly cycle the workflow continues as new with its state as JSON: that
        # state, and how many events the stream had then.
        self.carried: list[tuple[int, SocialOrgState]] = []

    def at(self, when: datetime) -> list[Event]:
        """Move to `when`, firing every rung that comes due on the way, as the runtime does."""
        fired: list[Event] = []
        while (alarm := self.state.next_alarm()) is not None and alarm <= when:
            self.now = max(self.now, alarm)
            for name in sorted(self.state.clocks):
                clock = self.state.clocks.get(name)
                if clock is None or not clock.rungs_due(self.now):
                    continue
                fired += self._apply(EscalateClock(clock=name), SYSTEM)
        self.now = max(self.now, when)
        return fired

    def after(self, delta: timedelta) -> list[Event]:
        return self.at(self.now + delta)

    def on(self, day: date, hour: int = 10) -> list[Event]:
        return self.at(shanghai(day.year, day.month, day.day, hour))

    def send(self, command: Command, by: Actor | None = None) -> list[Event]:
        return self._apply(command, by or usual_actor(command))

    def refuses(self, command: Command, code: str, by: Actor | None = None) -> DomainError:
        with pytest.raises(DomainError) as refused:
            SOCIAL_ORG.decide(self.state, command, self._ctx(by or usual_actor(command)))
        assert refused.value.code == code, refused.value.message
        return refused.value

    def _ctx(self, actor: Actor) -> DecisionContext:
        return DecisionContext(self.now, actor, CALENDAR)

    def _apply(self, command: Command, actor: Actor) -> list[Event]:
        cycle = self.state.cycle_year
        events = SOCIAL_ORG.decide(self.state, command, self._ctx(actor))
        assert events, f"{command.type} was accepted but recorded nothing"
        self.state = SOCIAL_ORG.fold(events, self.state)
        self.history += events
        if self.state.cycle_year != cycle:
            carried = SOCIAL_ORG.state_type.model_validate(self.state.model_dump(mode="json"))
            self.carried.append((len(self.history), carried))
        return events


DEFAULT_REGISTRATION = datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)


def registered(
    on: datetime = DEFAULT_REGISTRATION,
    org_type: OrgType = OrgType.SOCIAL_GROUP,
    sponsor_unit: str | None = SPONSOR,
    active: bool = True,
) -> Org:
    """An organisation registered on `on` (and, unless told otherwise, active at once)."""
    org = Org(on)
    org.send(application(org_type, sponsor_unit))
    org.send(registration(org_type))
    if active:
        org.send(RecordOrgActivity(description="成立大会", held_on=on.date()))
    return org


def types(events: list[Event]) -> list[str]:
    return [e.type for e in events]


def of_type(events: list[Event], name: str) -> list[Any]:
    return [e for e in events if e.type == name]
