"""The rescue decider: what each command produces in each stage, and how events fold."""

from __future__ import annotations

from typing import assert_never

from domain.actors import Role, require_role
from domain.case import (
    ClockEscalated,
    ClockExtended,
    ClockPaused,
    ClockResumed,
    ClockStarted,
    ClockStopped,
    EscalateClock,
    GrantExtension,
    decide_clock_command,
    evolve_clock_event,
)
from domain.clocks import start_clock
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.rescue import rules
from domain.rescue.commands import (
    Category,
    ClassifyPerson,
    CloseReport,
    DenyAssistance,
    InformationGiven,
    RecordHelpRefused,
    RegisterIntake,
    ReportPerson,
    ReportSource,
    RescueCommand,
    Sex,
)
from domain.rescue.events import (
    AssistanceDenied,
    CaseClosed,
    EmergencyServiceCalled,
    HelpRefused,
    IntakeRegistered,
    PersonClassified,
    PersonReported,
    ProvisionalAssistanceGranted,
    ReferredToHospital,
    ReferredToPolice,
    RescueEvent,
    TemporaryGuardianshipAssumed,
)
from domain.rescue.state import RescueState, Stage

FRONT_LINE = (Role.OPERATOR, Role.CASEWORKER, Role.SUPERVISOR)
ESCORTING_SOURCES = (ReportSource.POLICE, ReportSource.CITY_MANAGEMENT)


def _require_stage(state: RescueState, allowed: tuple[Stage, ...], doing: str) -> None:
    if state.stage not in allowed:
        wanted = " or ".join(s.value for s in allowed)
        raise DomainError(
            "wrong_stage", f"{doing} is allowed when the case is {wanted}; it is {state.stage}"
        )


def _stop_all_clocks(state: RescueState, reason: str) -> list[Event]:
    return [ClockStopped(clock=name, reason=reason) for name in sorted(state.clocks)]


def decide(state: RescueState, command: RescueCommand, ctx: DecisionContext) -> list[Event]:
    now = ctx.now
    match command:
        case ReportPerson():
            _require_stage(state, (Stage.NEW,), "reporting a person")
            require_role(ctx.actor, FRONT_LINE, "reporting a person")
            if (
                command.source in ESCORTING_SOURCES
                and command.observed
                and not command.escorted_to_station
            ):
                raise DomainError(
                    "escort_required",
                    "办法 Art 5: police and city management escort minors, the elderly, disabled people "
                    "and people with limited mobility to the station; record the escort",
                )
            events: list[Event] = [
                PersonReported(
                    source=command.source,
                    unit=command.unit,
                    location=command.location,
                    observed=command.observed,
                    escorted_to_station=command.escorted_to_station,
                    note=command.note,
                    at=now,
                )
            ]
            if command.acute_illness:
                events.append(EmergencyServiceCalled(at=now))
            return events
        case RecordHelpRefused():
            _require_stage(
                state, (Stage.REPORTED, Stage.REFUSED_HELP), "recording a refusal of help"
            )
            require_role(ctx.actor, FRONT_LINE, "recording a refusal of help")
            events = [
                HelpRefused(
                    extreme_weather=command.extreme_weather,
                    supplies_given=command.supplies_given,
                    at=now,
                )
            ]
            if command.extreme_weather:
                events.append(
                    ClockStarted(clock=start_clock(rules.REFUSAL_REVISIT, now, ctx.calendar))
                )
            return events
        case RegisterIntake():
            _require_stage(state, (Stage.REPORTED, Stage.REFUSED_HELP), "registering intake")
            require_role(ctx.actor, FRONT_LINE, "registering intake")
            return _intake(state, command, ctx)
        case DenyAssistance():
            _require_stage(state, (Stage.INTAKE,), "denying assistance")
            require_role(
                ctx.actor, (Role.CASEWORKER, Role.APPROVER, Role.SUPERVISOR), "denying assistance"
            )
            return [
                AssistanceDenied(reasons=command.reasons, at=now),
                *_stop_all_clocks(state, "assistance denied"),
                CaseClosed(reason="assistance denied (不予救助)", at=now),
            ]
        case ClassifyPerson():
            _require_stage(state, (Stage.INTAKE,), "classifying the person")
            require_role(
                ctx.actor, (Role.CASEWORKER, Role.OPERATOR, Role.SUPERVISOR), "classifying"
            )
            return _classify(state, command, ctx)
        case CloseReport():
            _require_stage(state, (Stage.REPORTED, Stage.REFUSED_HELP), "closing a report")
            require_role(ctx.actor, FRONT_LINE, "closing a report")
            return [
                *_stop_all_clocks(state, "report closed"),
                CaseClosed(reason=command.reason, at=now),
            ]
        case EscalateClock() | GrantExtension():
            if state.closed:
                raise DomainError("case_closed", "the case is closed")
            return decide_clock_command(state, command, ctx)
        case _:
            assert_never(command)


def _intake(state: RescueState, command: RegisterIntake, ctx: DecisionContext) -> list[Event]:
    now = ctx.now
    stop = _stop_all_clocks(state, "person taken in")
    if command.information is InformationGiven.REFUSED:
        # 办法 Art 6: a person who refuses to give information is not helped; written reasons.
        return [
            AssistanceDenied(reasons=["refused to give personal information (办法 Art 6)"], at=now),
            *stop,
            CaseClosed(reason="assistance denied (不予救助)", at=now),
        ]
    identified = command.person.id_number is not None
    events: list[Event] = [
        *stop,
        IntakeRegistered(
            person=command.person,
            information=command.information,
            screening=command.screening,
            identified=identified,
            at=now,
        ),
    ]
    if command.information is InformationGiven.UNABLE:
        events.append(ProvisionalAssistanceGranted(at=now))
    if command.screening.infectious_critical_or_injured:
        events.append(
            ReferredToHospital(reason="suspected infectious or critical illness, or injury", at=now)
        )
    if command.screening.danger_drugs_or_fugitive:
        events.append(
            ReferredToPolice(reason="danger to self or others, drugs or fugitive", at=now)
        )
    if not identified:
        events.append(
            ClockStarted(clock=start_clock(rules.FAMILY_SEARCH_NOTICE, now, ctx.calendar))
        )
    events.append(ClockStarted(clock=start_clock(rules.PLAN_APPROVAL, now, ctx.calendar)))
    return events


def derived_categories(age: int | None, observed: list[Category]) -> list[Category]:
    """Age decides adult / minor / elderly; everything else is what staff observed."""
    by_age = (Category.ADULT, Category.MINOR, Category.ELDERLY)
    found: set[Category] = {c for c in observed if c not in by_age}
    if age is not None:
        found.add(Category.MINOR if age < rules.ADULT_AGE else Category.ADULT)
        if age >= rules.ELDERLY_AGE:
            found.add(Category.ELDERLY)
    else:
        found.update(c for c in observed if c in by_age)
    return sorted(found)


def _classify(state: RescueState, command: ClassifyPerson, ctx: DecisionContext) -> list[Event]:
    person = state.person
    age = person.age if person else None
    categories = derived_categories(age, command.observed)
    if Category.PREGNANT in categories and person is not None and person.sex is Sex.MALE:
        raise DomainError(
            "inconsistent_classification", "a person recorded as male cannot be pregnant"
        )
    stay_rule = (
        age is not None
        and age >= rules.STAY_RULE_MIN_AGE
        and Category.MENTAL_OR_INTELLECTUAL not in categories
    )
    women = person is not None and person.sex is Sex.FEMALE
    events: list[Event] = [
        PersonClassified(
            categories=categories,
            housed_with_women=women,
            stay_limit_applies=stay_rule,
            at=ctx.now,
        )
    ]
    if Category.MINOR in categories:
        events.append(TemporaryGuardianshipAssumed(at=ctx.now))
    spec = rules.STAY_LIMIT if stay_rule else rules.WEEKLY_REVIEW
    events.append(ClockStarted(clock=start_clock(spec, ctx.now, ctx.calendar)))
    return events


def evolve(state: RescueState, event: RescueEvent) -> RescueState:
    match event:
        case PersonReported():
            return state.model_copy(
                update={
                    "stage": Stage.REPORTED,
                    "source": event.source,
                    "unit": event.unit,
                    "opened_at": event.at,
                }
            )
        case EmergencyServiceCalled():
            return state.model_copy(update={"referrals": (*state.referrals, "emergency_120")})
        case HelpRefused():
            return state.model_copy(update={"stage": Stage.REFUSED_HELP})
        case IntakeRegistered():
            return state.model_copy(
                update={
                    "stage": Stage.INTAKE,
                    "person": event.person,
                    "information": event.information,
                }
            )
        case ProvisionalAssistanceGranted():
            return state.model_copy(update={"provisional": True})
        case ReferredToHospital():
            return state.model_copy(update={"referrals": (*state.referrals, "hospital")})
        case ReferredToPolice():
            return state.model_copy(update={"referrals": (*state.referrals, "police")})
        case AssistanceDenied():
            return state.model_copy(update={"denial_reasons": tuple(event.reasons)})
        case PersonClassified():
            return state.model_copy(
                update={
                    "stage": Stage.IN_STAY,
                    "categories": tuple(event.categories),
                    "housed_with_women": event.housed_with_women,
                }
            )
        case TemporaryGuardianshipAssumed():
            return state.model_copy(update={"under_guardianship": True})
        case CaseClosed():
            return state.model_copy(
                update={"stage": Stage.CLOSED, "closed": True, "closed_reason": event.reason}
            )
        case (
            ClockStarted()
            | ClockEscalated()
            | ClockExtended()
            | ClockPaused()
            | ClockResumed()
            | ClockStopped()
        ):
            return evolve_clock_event(state, event)
        case _:
            assert_never(event)
