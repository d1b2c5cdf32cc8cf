"""Stories for the relief decider: a case driven command by command, with time passing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from domain.actors import SYSTEM, Actor, Role
from domain.calendar import SHANGHAI, WorkingDayCalendar
from domain.case import EscalateClock, GrantExtension
from domain.errors import DomainError
from domain.messages import Command, DecisionContext, Event
from domain.relief import RELIEF, rules
from domain.relief.commands import (
    AcceptAssistanceApplication,
    AcknowledgeVerificationRequest,
    ApplyForAssistance,
    ApproveAssistance,
    DecideAssistanceAppeal,
    DecideCorrection,
    GrantEmergencyAssistance,
    RecordFraud,
    RecordHomeInvestigation,
    RecordVerificationReply,
    RefuseAssistance,
    ResendVerificationRequest,
)
from domain.relief.household import Household, Member, Programme
from domain.relief.state import ReliefState

CASE_ID = "REL-2026-000042"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)  # a Monday; no holidays in March 2026
CALENDAR = WorkingDayCalendar()

STREET = "潍坊新村街道"
OPERATOR = Actor(user_id="op-li", role=Role.OPERATOR, unit=STREET)
CASEWORKER = Actor(user_id="sw-wang", role=Role.CASEWORKER, unit=STREET)
OTHER_CASEWORKER = Actor(user_id="sw-zhou", role=Role.CASEWORKER, unit=STREET)
APPROVER = Actor(user_id="head-zhao", role=Role.APPROVER, unit=STREET)
REVIEWER = Actor(user_id="head-qian", role=Role.APPROVER, unit="浦东新区民政局")
SUPERVISOR = Actor(user_id="sup-chen", role=Role.SUPERVISOR, unit="浦东新区民政局")
CENTRE = Actor(user_id="verification-centre", role=Role.INTEGRATION, unit="核对中心")
AUDITOR = Actor(user_id="aud-sun", role=Role.AUDITOR, unit="浦东新区民政局")


def usual_actor(command: Command) -> Actor:
    match command:
        case EscalateClock() | AcknowledgeVerificationRequest():
            return SYSTEM
        case GrantExtension() | ResendVerificationRequest():
            return SUPERVISOR
        case RecordVerificationReply():
            return CENTRE
        case RecordHomeInvestigation():
            return CASEWORKER
        case (
            ApproveAssistance()
            | RefuseAssistance()
            | GrantEmergencyAssistance()
            | DecideCorrection()
            | RecordFraud()
        ):
            return APPROVER
        case DecideAssistanceAppeal():
            return REVIEWER
        case _:
            return OPERATOR


def household(**fields: Any) -> Household:
    members = fields.pop("members", None) or [
        Member(name="王某", id_number="310115198001011234", age=46, able_to_work=False),
        Member(name="王小某", relation="子", age=12),
    ]
    return Household(members=members, **{"declared_income_fen": 120_000, **fields})


def application(programme: Programme = Programme.DIBAO, **fields: Any) -> ApplyForAssistance:
    defaults: dict[str, Any] = {
        "programme": programme,
        "unit": STREET,
        "household": household(),
        "consent_to_verification": True,
        "papers": sorted(rules.REQUIRED_PAPERS[programme]),
        "reason": "失业, 子女就学",
    }
    return ApplyForAssistance(**{**defaults, **fields})


def reply(key: str, **fields: Any) -> RecordVerificationReply:
    defaults: dict[str, Any] = {
        "request_key": key,
        "reply_id": f"{key}#R",
        "verified_income_fen": 120_000,
    }
    return RecordVerificationReply(**{**defaults, **fields})


@dataclass
class Story:
    """A case told step by step: each command decided by its usual actor at the story's time."""

    now: datetime = NOW
    state: ReliefState = field(default_factory=lambda: RELIEF.initial(CASE_ID))
    history: list[Event] = field(default_factory=list)

    def do(self, command: Command, by: Actor | None = None) -> list[Event]:
        ctx = DecisionContext(self.now, by or usual_actor(command), CALENDAR)
        events = RELIEF.decide(self.state, command, ctx)
        self.state = RELIEF.fold(events, self.state)
        self.history.extend(events)
        return events

    def refuses(self, command: Command, code: str, by: Actor | None = None) -> DomainError:
        ctx = DecisionContext(self.now, by or usual_actor(command), CALENDAR)
        with pytest.raises(DomainError) as refused:
            RELIEF.decide(self.state, command, ctx)
        assert refused.value.code == code, refused.value.message
        return refused.value

    def wait(self, **delta: float) -> Story:
        self.now += timedelta(**delta)
        return self

    def at(self, moment: datetime) -> Story:
        self.now = moment
        return self

    def tick(self) -> list[Event]:
        """The runtime's timer: escalate every clock with a rung due now, as the system."""
        events: list[Event] = []
        for name, clock in sorted(self.state.clocks.items()):
            if clock.rungs_due(self.now) and name in self.state.clocks:
                events += self.do(EscalateClock(clock=name))
        return events

    @property
    def pending_key(self) -> str:
        return self.state.requests_to_send()[-1]

    @property
    def last_key(self) -> str:
        return sorted(self.state.requests, key=lambda k: self.state.requests[k].attempt)[-1]


def types(events: list[Event]) -> list[str]:
    return [e.type for e in events]


def accepted(story: Story | None = None, **fields: Any) -> Story:
    story = story or Story()
    story.do(application(**fields))
    story.do(AcceptAssistanceApplication())
    return story


def verified_and_investigated(story: Story | None = None, **fields: Any) -> Story:
    story = accepted(story, **fields)
    story.do(AcknowledgeVerificationRequest(request_key=story.last_key, centre_ref="C-1"))
    story.do(reply(story.last_key))
    story.do(RecordHomeInvestigation(findings="入户核实: 家庭困难属实", recommendation="eligible"))
    return story


def deciding(story: Story | None = None, **fields: Any) -> Story:
    """Verified, investigated, publicised for 7 days without objection: ready to decide."""
    from domain.relief.commands import PublishAssistanceNotice

    story = verified_and_investigated(story, **fields)
    story.do(PublishAssistanceNotice())
    story.at(story.state.clocks["public_notice"].due_at)  # 24:00 of the 7th day after
    story.tick()
    return story
