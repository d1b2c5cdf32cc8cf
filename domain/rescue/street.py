"""On the street and at the door: report, refusal of help, intake, classification, housing."""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

from domain.actors import Role, require_role
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.rescue import rules
from domain.rescue.commands import (
    ClassifyPerson,
    CloseReport,
    DenyAssistance,
    RecordHelpRefused,
    RegisterIntake,
    ReportPerson,
    StreetAndIntakeCommand,
)
from domain.rescue.commands_care import AssignHousing, NoteDistrictWeather
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
    TemporaryGuardianshipAssumed,
)
from domain.rescue.events_care import (
    DistrictWeatherNoted,
    FamilyTracingStarted,
    HousingAssigned,
    IdentityCheckRequested,
)
from domain.rescue.guards import (
    FRONT_LINE,
    require_stage,
    require_system,
    start,
    stop_all_clocks,
    stop_clocks,
)
from domain.rescue.state import RescueState, Stage
from domain.rescue.vocabulary import (
    Category,
    HousingArea,
    InformationGiven,
    PersonDetails,
    ReportSource,
    Sex,
)

ESCORTING_SOURCES = (ReportSource.POLICE, ReportSource.CITY_MANAGEMENT)
STREET = (Stage.REPORTED, Stage.REFUSED_HELP)
TRACING_CLOCKS = (
    rules.FAMILY_SEARCH_NOTICE.name,
    rules.DNA_REQUEST.name,
    rules.DNA_COLLECTION.name,
    rules.UNIDENTIFIED_PLACEMENT.name,
    rules.LONG_TERM_PLACEMENT.name,
)


def decide_street(
    state: RescueState, command: StreetAndIntakeCommand, ctx: DecisionContext
) -> list[Event]:
    now = ctx.now
    match command:
        case ReportPerson():
            require_stage(state, (Stage.NEW,), "reporting a person")
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
                    ruleset=state.ruleset,
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
            require_stage(state, STREET, "recording a refusal of help")
            require_role(ctx.actor, FRONT_LINE, "recording a refusal of help")
            return _help_refused(state, command, ctx)
        case RegisterIntake():
            require_stage(state, STREET, "registering intake")
            require_role(ctx.actor, FRONT_LINE, "registering intake")
            return _intake(state, command, ctx)
        case DenyAssistance():
            require_stage(state, (Stage.INTAKE,), "denying assistance")
            require_role(
                ctx.actor, (Role.CASEWORKER, Role.APPROVER, Role.SUPERVISOR), "denying assistance"
            )
            return [
                AssistanceDenied(reasons=command.reasons, at=now),
                *stop_all_clocks(state, "assistance denied"),
                CaseClosed(reason="不予救助，结案", at=now),
            ]
        case ClassifyPerson():
            require_stage(state, (Stage.INTAKE,), "classifying the person")
            require_role(
                ctx.actor, (Role.CASEWORKER, Role.OPERATOR, Role.SUPERVISOR), "classifying"
            )
            return _classify(state, command, ctx)
        case CloseReport():
            require_stage(state, STREET, "closing a report")
            require_role(ctx.actor, FRONT_LINE, "closing a report")
            return [
                *stop_all_clocks(state, "report closed"),
                CaseClosed(reason=command.reason, at=now),
            ]
        case _:
            assert_never(command)


def _help_refused(
    state: RescueState, command: RecordHelpRefused, ctx: DecisionContext
) -> list[Event]:
    # A refusal while a revisit is due is that revisit's outcome: its clock is done.
    events: list[Event] = stop_clocks(state, [rules.REFUSAL_REVISIT.name], "revisited")
    events.append(
        HelpRefused(
            extreme_weather=command.extreme_weather,
            supplies_given=command.supplies_given,
            at=ctx.now,
            district_weather=state.district_weather,
        )
    )
    if state.district_weather is not None:
        events.append(start(rules.EXTREME_WEATHER_REVISIT, ctx))
    elif command.extreme_weather:
        events.append(start(rules.REFUSAL_REVISIT, ctx))
    return events


def _intake(state: RescueState, command: RegisterIntake, ctx: DecisionContext) -> list[Event]:
    now = ctx.now
    stop = stop_all_clocks(state, "person taken in")
    if command.information is InformationGiven.REFUSED:
        # 办法 Art 6: a person who refuses to give information is not helped; written reasons.
        return [
            AssistanceDenied(
                reasons=["拒不提供个人情况，不予救助（《救助管理办法》第六条）"], at=now
            ),
            *stop,
            CaseClosed(reason="不予救助，结案", at=now),
        ]
    id_number = command.person.id_number
    events: list[Event] = [
        *stop,
        IntakeRegistered(
            person=command.person,
            information=command.information,
            screening=command.screening,
            identified=id_number is not None,
            at=now,
        ),
    ]
    if command.information is InformationGiven.UNABLE:
        events.append(ProvisionalAssistanceGranted(at=now))
    if command.screening.infectious_critical_or_injured:
        events.append(ReferredToHospital(reason="疑似传染病、危重病或受伤，送医", at=now))
    if command.screening.danger_drugs_or_fugitive:
        events.append(ReferredToPolice(reason="危及自身或他人、涉毒或在逃，移交公安", at=now))
    if state.ruleset < rules.FULL_LIFECYCLE_RULESET:
        if id_number is None:  # the proof path only ran the family-search notice
            events.append(start(rules.FAMILY_SEARCH_NOTICE, ctx))
        return [*events, start(rules.PLAN_APPROVAL, ctx)]
    events.append(start(rules.PLAN_APPROVAL, ctx))  # everyone's plan, then who they are
    if id_number is not None:
        events.extend(request_identity_check(state, id_number, ctx))
    else:
        events.extend(start_tracing(now, ctx))
    return events


def request_identity_check(state: RescueState, id_number: str, ctx: DecisionContext) -> list[Event]:
    """Ask the police population system; the case carries on while it answers (先行救助)."""
    request_id = f"{state.case_id}/identity-{state.identity_checks + 1}"
    return [
        IdentityCheckRequested(request_id=request_id, id_number=id_number, at=ctx.now),
        start(rules.IDENTITY_CHECK_ANSWER, ctx),
    ]


def start_tracing(entered_at: datetime, ctx: DecisionContext) -> list[Event]:
    """The person is unidentified: every tracing clock counts from entry (2015 opinion)."""
    return [
        FamilyTracingStarted(entered_at=entered_at, at=ctx.now),
        start(rules.FAMILY_SEARCH_NOTICE, ctx, at=entered_at),
        start(rules.DNA_REQUEST, ctx, at=entered_at),
        start(rules.UNIDENTIFIED_PLACEMENT, ctx, at=entered_at),
        # 3 calendar months: with exact instants the same span as the days it was counted in
        start(rules.LONG_TERM_PLACEMENT, ctx, at=entered_at),
    ]


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


def allowed_areas(
    person: PersonDetails | None, categories: tuple[Category, ...]
) -> set[HousingArea]:
    """Women apart from men (办法 Art 8), minors apart from adults; unknown → a single room."""
    sex = person.sex if person is not None else Sex.UNKNOWN
    minor, adult = Category.MINOR in categories, Category.ADULT in categories
    if sex is Sex.UNKNOWN or minor == adult:
        return {HousingArea.SINGLE_ROOM}
    if sex is Sex.FEMALE:
        return {HousingArea.GIRLS if minor else HousingArea.WOMEN, HousingArea.SINGLE_ROOM}
    return {HousingArea.BOYS if minor else HousingArea.MEN, HousingArea.SINGLE_ROOM}


def _first_area(person: PersonDetails | None, categories: tuple[Category, ...]) -> HousingArea:
    areas = allowed_areas(person, categories) - {HousingArea.SINGLE_ROOM}
    return next(iter(areas), HousingArea.SINGLE_ROOM)


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
            housing=_first_area(person, tuple(categories)),
        )
    ]
    if Category.MINOR in categories:
        events.append(TemporaryGuardianshipAssumed(at=ctx.now))
    if not stay_rule:
        events.append(start(rules.WEEKLY_REVIEW, ctx))  # policy: a week after classification
    elif ctx.statutory_periods and state.entered_at is not None:
        events.append(start(rules.STAY_LIMIT, ctx, at=state.entered_at))  # 10 days from entry
    else:
        events.append(start(rules.STAY_LIMIT, ctx))  # cases counted before: from classification
    return events


_FEMALE_AREAS = (HousingArea.WOMEN, HousingArea.GIRLS)
_MALE_AREAS = (HousingArea.MEN, HousingArea.BOYS)


def _same_sex(one: HousingArea, other: HousingArea) -> bool:
    return (one in _FEMALE_AREAS and other in _FEMALE_AREAS) or (
        one in _MALE_AREAS and other in _MALE_AREAS
    )


def decide_housing(state: RescueState, command: AssignHousing, ctx: DecisionContext) -> list[Event]:
    require_stage(state, (Stage.IN_STAY,), "assigning housing")
    require_role(ctx.actor, FRONT_LINE, "assigning housing")
    if command.area is state.housing:
        raise DomainError("no_change", f"the person is already housed in {command.area}")
    allowed = allowed_areas(state.person, state.categories)
    if command.area not in allowed:
        names = ", ".join(sorted(a.value for a in allowed))
        if any(_same_sex(command.area, a) for a in allowed):  # the right sex, the wrong age
            raise DomainError(
                "minors_housed_apart", f"minors are housed apart from adults; allowed: {names}"
            )
        raise DomainError(
            "women_housed_apart", f"办法 Art 8: women are housed apart; allowed: {names}"
        )
    return [HousingAssigned(area=command.area, at=ctx.now)]


def decide_weather(
    state: RescueState, command: NoteDistrictWeather, ctx: DecisionContext
) -> list[Event]:
    require_system(ctx.actor, "the district's weather")
    if state.stage in (Stage.NEW, Stage.CLOSED):
        raise DomainError("wrong_stage", "only an open case notes the district's weather")
    if (command.weather, command.episode) == (state.district_weather, state.weather_episode):
        raise DomainError("no_change", "the case already knows this weather")
    return [DistrictWeatherNoted(weather=command.weather, episode=command.episode, at=ctx.now)]
