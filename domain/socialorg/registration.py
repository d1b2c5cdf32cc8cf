"""Registration (登记): application, documents, the 60-day decision, refusal or certificate."""

from __future__ import annotations

from datetime import date

from domain.actors import require_four_eyes, require_role
from domain.calendar import end_of_day, local_date
from domain.case import ClockStarted
from domain.clocks import Clock, start_clock
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.socialorg import org_rules, rules, timers
from domain.socialorg.commands import (
    ApplyForOrgRegistration,
    Document,
    RecordOrgActivity,
    RefuseOrgRegistration,
    RegisterOrganisation,
    SubmitRegistrationDocuments,
)
from domain.socialorg.common import DECIDERS, FRONT_LINE, require_stage, stop, stop_all
from domain.socialorg.credit_code import credit_code_problem
from domain.socialorg.dates import add_years
from domain.socialorg.events import (
    DocumentsCompleted,
    DocumentsMissing,
    DocumentsSubmitted,
    OrgActivityRecorded,
    OrganisationRegistered,
    RegistrationApplied,
    RegistrationRefused,
)
from domain.socialorg.state import SocialOrgState, Stage


def required_documents(sponsor_unit: str | None) -> frozenset[Document]:
    """Every document a registration needs; the sponsor's approval only where there is one."""
    needed = set(Document)
    if sponsor_unit is None:
        needed.discard(Document.SPONSOR_APPROVAL)
    return frozenset(needed)


def _missing(sponsor_unit: str | None, documents: set[Document]) -> list[Document]:
    return sorted(required_documents(sponsor_unit) - documents)


def _completed(ctx: DecisionContext) -> list[Event]:
    clock = start_clock(rules.REGISTRATION_DECISION, ctx.now, ctx.calendar, ctx.clock_rules)
    return [DocumentsCompleted(at=ctx.now), ClockStarted(clock=clock)]


def apply(
    state: SocialOrgState, command: ApplyForOrgRegistration, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.NEW,), "applying for registration")
    require_role(ctx.actor, FRONT_LINE, "receiving a registration application")
    documents = sorted(set(command.documents))
    events: list[Event] = [
        RegistrationApplied(
            org_type=command.org_type,
            org_name=command.org_name,
            unit=command.unit,
            sponsor_unit=command.sponsor_unit,
            documents=documents,
            received_by=ctx.actor.user_id,
            at=ctx.now,
        )
    ]
    missing = _missing(command.sponsor_unit, set(documents))
    if missing:
        return [*events, DocumentsMissing(missing=missing, at=ctx.now)]
    return [*events, *_completed(ctx)]


def submit_documents(
    state: SocialOrgState, command: SubmitRegistrationDocuments, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.APPLYING,), "submitting registration documents")
    require_role(ctx.actor, FRONT_LINE, "receiving registration documents")
    have = set(state.documents)
    new = sorted(set(command.documents) - have)
    if not new:
        raise DomainError("nothing_new", "every one of these documents is already on file")
    events: list[Event] = [DocumentsSubmitted(documents=new, at=ctx.now)]
    missing = _missing(state.sponsor_unit, have | set(new))
    if missing:
        return [*events, DocumentsMissing(missing=missing, at=ctx.now)]
    return [*events, *_completed(ctx)]


def register(
    state: SocialOrgState, command: RegisterOrganisation, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.UNDER_REVIEW,), "registering the organisation")
    require_role(ctx.actor, DECIDERS, "registering an organisation")
    require_four_eyes(state.application_received_by, ctx.actor, "registration file")
    assert state.org_type is not None
    problem = credit_code_problem(command.credit_code, state.org_type)
    if problem is not None:
        raise DomainError("invalid_credit_code", problem)
    today = local_date(ctx.now)
    events: list[Event] = [
        *stop(state, [rules.REGISTRATION_DECISION.name], "registered"),
        OrganisationRegistered(
            certificate_number=command.certificate_number,
            credit_code=command.credit_code,
            registered_on=today,
            at=ctx.now,
        ),
    ]
    # 社团条例 Art 29 is the social groups' own ground; cases counted before statutory period
    # ends armed it for every type, and their replays keep doing so.
    if org_rules.no_activity_ground_applies(state.org_type) or not ctx.statutory_periods:
        events.append(ClockStarted(clock=first_activity_timer(today, ctx)))
    events.append(ClockStarted(clock=next_cycle_timer(today.year + 1, ctx)))
    return events


def first_activity_timer(registered_on: date, ctx: DecisionContext) -> Clock:
    """社团条例 Art 29: fires when 1 year after registration passed (at 24:00 of its last day,
    the registration day not counted, 民事诉讼法 Art 85)."""
    years = rules.NO_ACTIVITY_AFTER_REGISTRATION_YEARS
    anniversary = add_years(registered_on, years)
    fires = end_of_day(anniversary) if ctx.statutory_periods else timers.start_of_day(anniversary)
    return timers.timer(
        timers.FIRST_ACTIVITY,
        "社团条例 Art 29: no activity for 1 year after registration → revocation [law]",
        ctx.now,
        fires,
    )


def next_cycle_timer(opens_in: int, ctx: DecisionContext) -> Clock:
    """The timer that opens, on 1 January of `opens_in`, the inspection of the year before."""
    return timers.timer(
        timers.NEXT_CYCLE,
        "社团条例 Art 28, 民非条例 Art 23, 基金会条例 Art 36: yearly report on the year before [law]",
        ctx.now,
        timers.start_of_day(date(opens_in, 1, 1)),
    )


def refuse(
    state: SocialOrgState, command: RefuseOrgRegistration, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.APPLYING, Stage.UNDER_REVIEW), "refusing registration")
    require_role(ctx.actor, DECIDERS, "refusing a registration")
    require_four_eyes(state.application_received_by, ctx.actor, "registration file")
    return [
        *stop_all(state, "registration refused"),
        RegistrationRefused(reasons=command.reasons, at=ctx.now),
    ]


def record_activity(
    state: SocialOrgState, command: RecordOrgActivity, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.REGISTERED,), "recording an activity")
    require_role(ctx.actor, FRONT_LINE, "recording an activity")
    if state.registered_on is not None and command.held_on < state.registered_on:
        raise DomainError("before_registration", "the activity predates the registration")
    if command.held_on > local_date(ctx.now):
        raise DomainError("future_date", "an activity is recorded once it has been held")
    return [
        OrgActivityRecorded(description=command.description, held_on=command.held_on, at=ctx.now),
        *stop(state, [timers.FIRST_ACTIVITY], "the organisation is active"),
    ]
