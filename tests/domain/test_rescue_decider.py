"""The rescue decider told as stories: given what happened, when staff ask, then these events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from domain.actors import SYSTEM, Actor, Role
from domain.calendar import SHANGHAI, WorkingDayCalendar, end_of_day
from domain.case import (
    ClockEscalated,
    ClockExtended,
    ClockStarted,
    ClockStopped,
    EscalateClock,
    GrantExtension,
)
from domain.clocks import Rung, extend_clock, start_clock
from domain.errors import DomainError
from domain.messages import Command, DecisionContext, Event
from domain.rescue import RESCUE, rules
from domain.rescue.commands import (
    Category,
    ClassifyPerson,
    CloseReport,
    DenyAssistance,
    InformationGiven,
    PersonDetails,
    RecordHelpRefused,
    RegisterIntake,
    ReportPerson,
    ReportSource,
    Screening,
    Sex,
    Vulnerability,
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
    TemporaryGuardianshipAssumed,
)
from domain.rescue.state import RescueState, Stage

CASE_ID = "RSC-2026-000123"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)  # Monday; no holidays in March 2026
CALENDAR = WorkingDayCalendar()

OPERATOR = Actor(user_id="op-li", role=Role.OPERATOR, unit="潍坊新村街道")
CASEWORKER = Actor(user_id="sw-wang", role=Role.CASEWORKER, unit="浦东救助站")
APPROVER = Actor(user_id="head-zhao", role=Role.APPROVER, unit="浦东救助站")
SUPERVISOR = Actor(user_id="sup-chen", role=Role.SUPERVISOR, unit="浦东新区民政局")
AUDITOR = Actor(user_id="aud-sun", role=Role.AUDITOR, unit="浦东新区民政局")
ADMIN = Actor(user_id="admin", role=Role.ADMIN)
ID_NUMBER = "310115199001011234"


# --- given / when / then ---------------------------------------------------------------------


def _usual_actor(command: Command) -> Actor:
    """Who normally sends a command: the system escalates, a supervisor extends, and so on."""
    match command:
        case EscalateClock():
            return SYSTEM
        case GrantExtension():
            return SUPERVISOR
        case ClassifyPerson() | DenyAssistance():
            return CASEWORKER
        case _:
            return OPERATOR


@dataclass(frozen=True)
class Given:
    """A rescue case in some state; `when` asks the decider, `then_state` folds its answer."""

    state: RescueState

    def when(self, command: Command, *, by: Actor | None = None, at: datetime = NOW) -> list[Event]:
        ctx = DecisionContext(at, by or _usual_actor(command), CALENDAR)
        return RESCUE.decide(self.state, command, ctx)

    def refuses(
        self, command: Command, *, code: str, by: Actor | None = None, at: datetime = NOW
    ) -> None:
        with pytest.raises(DomainError) as refused:
            self.when(command, by=by, at=at)
        assert refused.value.code == code, refused.value.message

    def then_state(
        self, command: Command, *, by: Actor | None = None, at: datetime = NOW
    ) -> RescueState:
        return RESCUE.fold(self.when(command, by=by, at=at), self.state)


def given(*history: Command | Event, at: datetime = NOW) -> Given:
    """Fold events as they are; run commands through decide + evolve by their usual actor."""
    state = RESCUE.initial(CASE_ID)
    for item in history:
        if isinstance(item, Event):
            events: list[Event] = [item]
        else:
            events = RESCUE.decide(state, item, DecisionContext(at, _usual_actor(item), CALENDAR))
        state = RESCUE.fold(events, state)
    return Given(state)


def types(events: list[Event]) -> list[str]:
    return [type(e).__name__ for e in events]


def started_clocks(events: list[Event]) -> dict[str, ClockStarted]:
    return {e.clock.name: e for e in events if isinstance(e, ClockStarted)}


# --- message factories -----------------------------------------------------------------------


def report(**fields: Any) -> ReportPerson:
    defaults: dict[str, Any] = {
        "source": ReportSource.GRID_PATROL,
        "unit": "潍坊新村街道",
        "location": "世纪大道地铁站 4 号口",
    }
    return ReportPerson(**{**defaults, **fields})


def person(**fields: Any) -> PersonDetails:
    defaults: dict[str, Any] = {"name": "张某", "sex": Sex.MALE, "age": 30, "id_number": ID_NUMBER}
    return PersonDetails(**{**defaults, **fields})


def intake(
    information: InformationGiven = InformationGiven.PROVIDED, **person_fields: Any
) -> RegisterIntake:
    return RegisterIntake(person=person(**person_fields), information=information)


REPORTED = PersonReported(
    source=ReportSource.GRID_PATROL,
    unit="潍坊新村街道",
    location="世纪大道地铁站 4 号口",
    observed=[],
    escorted_to_station=False,
    note="",
    at=NOW,
)


# --- 1. reported (发现) ----------------------------------------------------------------------


def test_report_opens_the_case_in_the_reported_stage() -> None:
    state = given().then_state(report())
    assert state.stage == Stage.REPORTED
    assert state.unit == "潍坊新村街道"
    assert state.opened_at == NOW
    assert state.source is ReportSource.GRID_PATROL


@pytest.mark.parametrize("source", [ReportSource.POLICE, ReportSource.CITY_MANAGEMENT])
@pytest.mark.parametrize("seen", list(Vulnerability))
def test_police_or_city_management_reporting_a_vulnerable_person_without_escort_is_refused(
    source: ReportSource, seen: Vulnerability
) -> None:
    given().refuses(report(source=source, observed=[seen]), code="escort_required")


def test_police_reporting_an_elderly_person_without_escort_is_refused() -> None:
    command = report(source=ReportSource.POLICE, observed=[Vulnerability.ELDERLY])
    given().refuses(command, code="escort_required")


def test_police_reporting_an_escorted_elderly_person_is_recorded() -> None:
    command = report(
        source=ReportSource.POLICE, observed=[Vulnerability.ELDERLY], escorted_to_station=True
    )
    assert given().when(command) == [
        PersonReported(
            source=ReportSource.POLICE,
            unit="潍坊新村街道",
            location="世纪大道地铁站 4 号口",
            observed=[Vulnerability.ELDERLY],
            escorted_to_station=True,
            note="",
            at=NOW,
        )
    ]


def test_grid_patrol_may_report_a_vulnerable_person_without_escort() -> None:
    events = given().when(report(source=ReportSource.GRID_PATROL, observed=[Vulnerability.MINOR]))
    assert types(events) == ["PersonReported"]


def test_acute_illness_calls_the_emergency_service_first() -> None:
    events = given().when(report(acute_illness=True))
    assert types(events) == ["PersonReported", "EmergencyServiceCalled"]
    assert events[1] == EmergencyServiceCalled(at=NOW)
    assert given().then_state(report(acute_illness=True)).referrals == ("emergency_120",)


def test_refusal_in_extreme_weather_starts_the_24_hour_revisit_clock() -> None:
    events = given(REPORTED).when(RecordHelpRefused(extreme_weather=True, supplies_given=["棉被"]))
    assert events == [
        HelpRefused(extreme_weather=True, supplies_given=["棉被"], at=NOW),
        ClockStarted(clock=start_clock(rules.REFUSAL_REVISIT, NOW, CALENDAR)),
    ]
    revisit = started_clocks(events)["refusal_revisit"].clock
    assert revisit.due_at == NOW + timedelta(hours=24)


def test_refusal_in_mild_weather_starts_no_clock() -> None:
    state = given(REPORTED).then_state(RecordHelpRefused())
    assert state.stage == Stage.REFUSED_HELP
    assert state.clocks == {}


# --- 2. intake (入站登记) ---------------------------------------------------------------------


def test_intake_of_a_person_refusing_information_denies_assistance_and_closes_the_case() -> None:
    events = given(REPORTED).when(intake(InformationGiven.REFUSED))
    assert types(events) == ["AssistanceDenied", "CaseClosed"]
    assert not any(isinstance(e, IntakeRegistered) for e in events)
    assert isinstance(events[0], AssistanceDenied) and events[0].reasons


def test_refusing_information_after_refusing_help_stops_the_revisit_clock() -> None:
    case = given(report(), RecordHelpRefused(extreme_weather=True))
    assert "refusal_revisit" in case.state.clocks
    events = case.when(intake(InformationGiven.REFUSED))
    assert types(events) == ["AssistanceDenied", "ClockStopped", "CaseClosed"]
    state = case.then_state(intake(InformationGiven.REFUSED))
    assert state.closed and state.stage == Stage.CLOSED
    assert state.clocks == {}


def test_person_unable_to_give_information_is_helped_first() -> None:
    command = intake(InformationGiven.UNABLE, name=None, id_number=None, age=None)
    events = given(REPORTED).when(command)
    assert ProvisionalAssistanceGranted(at=NOW) in events
    assert given(REPORTED).then_state(command).provisional


def test_person_giving_information_gets_no_provisional_assistance() -> None:
    events = given(REPORTED).when(intake())
    assert not any(isinstance(e, ProvisionalAssistanceGranted) for e in events)


def test_unidentified_person_starts_the_24_hour_family_search_clock() -> None:
    events = given(REPORTED).when(intake(id_number=None))
    assert events[0] == IntakeRegistered(
        person=person(id_number=None),
        information=InformationGiven.PROVIDED,
        screening=Screening(),
        identified=False,
        at=NOW,
    )
    family_search = started_clocks(events)["family_search_notice"].clock
    assert family_search.due_at == NOW + timedelta(hours=24)


def test_identified_person_starts_no_family_search_clock() -> None:
    events = given(REPORTED).when(intake(id_number=ID_NUMBER))
    # The ID number goes to the police population system, whose answer has its own clock.
    assert set(started_clocks(events)) == {"plan_approval", "identity_check"}


def test_plan_approval_clock_is_two_working_days() -> None:
    events = given(REPORTED).when(intake())
    plan = started_clocks(events)["plan_approval"].clock
    assert plan.due_at == end_of_day(date(2026, 3, 4))  # Monday + 2 working days


def test_plan_approval_clock_waits_out_national_day() -> None:
    intake_at = datetime(2026, 9, 30, 15, tzinfo=SHANGHAI)
    events = given(REPORTED, at=intake_at).when(intake(), at=intake_at)
    plan = started_clocks(events)["plan_approval"].clock
    assert plan.due_at == end_of_day(date(2026, 10, 9))  # 1–7 Oct off: 8 and 9 Oct count


def test_screening_refers_the_person_to_hospital_and_police() -> None:
    command = RegisterIntake(
        person=person(),
        information=InformationGiven.PROVIDED,
        screening=Screening(infectious_critical_or_injured=True, danger_drugs_or_fugitive=True),
    )
    events = given(REPORTED).when(command)
    assert any(isinstance(e, ReferredToHospital) for e in events)
    assert any(isinstance(e, ReferredToPolice) for e in events)
    assert given(REPORTED).then_state(command).referrals == ("hospital", "police")


def test_intake_after_refusing_help_stops_the_revisit_clock() -> None:
    case = given(report(), RecordHelpRefused(extreme_weather=True))
    events = case.when(intake())
    assert events[0] == ClockStopped(clock="refusal_revisit", reason="person taken in")
    assert set(case.then_state(intake()).clocks) == {"plan_approval", "identity_check"}


def test_denial_after_intake_stops_every_clock_and_closes_the_case() -> None:
    case = given(report(), intake(id_number=None))
    events = case.when(DenyAssistance(reasons=["非本市流浪乞讨人员"]))
    running = len(case.state.clocks)  # plan approval and the family-tracing clocks
    assert types(events) == ["AssistanceDenied", *["ClockStopped"] * running, "CaseClosed"]
    state = case.then_state(DenyAssistance(reasons=["非本市流浪乞讨人员"]))
    assert state.closed and state.clocks == {}
    assert state.denial_reasons == ("非本市流浪乞讨人员",)


def test_closing_a_report_closes_the_case() -> None:
    state = given(REPORTED).then_state(CloseReport(reason="现场未找到当事人"))
    assert state.closed and state.stage == Stage.CLOSED
    assert state.closed_reason == "现场未找到当事人"


# --- 3. classification -----------------------------------------------------------------------


def test_fifteen_year_old_is_a_minor_under_temporary_guardianship_with_weekly_review() -> None:
    case = given(report(), intake(age=15))
    events = case.when(ClassifyPerson())
    classified = events[0]
    assert isinstance(classified, PersonClassified)
    assert Category.MINOR in classified.categories
    assert not classified.stay_limit_applies
    assert TemporaryGuardianshipAssumed(at=NOW) in events
    assert set(started_clocks(events)) == {"weekly_review"}
    state = case.then_state(ClassifyPerson())
    assert state.under_guardianship and state.stage == Stage.IN_STAY


def test_thirty_year_old_without_mental_disability_has_the_ten_day_stay_limit() -> None:
    events = given(report(), intake(age=30)).when(ClassifyPerson())
    assert types(events) == ["PersonClassified", "ClockStarted"]
    assert isinstance(events[0], PersonClassified)
    assert events[0].categories == [Category.ADULT]
    assert events[0].stay_limit_applies
    stay = started_clocks(events)["stay_limit"].clock
    # 10 days from entry on Monday 2 March (not counted): until 24:00 of 12 March
    assert stay.started_at == NOW and stay.due_at == end_of_day(date(2026, 3, 12))


def test_adult_with_suspected_mental_disability_gets_a_weekly_review_instead() -> None:
    events = given(report(), intake(age=30)).when(
        ClassifyPerson(observed=[Category.MENTAL_OR_INTELLECTUAL])
    )
    assert set(started_clocks(events)) == {"weekly_review"}


def test_person_of_unknown_age_gets_a_weekly_review() -> None:
    events = given(report(), intake(age=None)).when(ClassifyPerson())
    assert set(started_clocks(events)) == {"weekly_review"}


def test_person_of_sixty_is_classified_elderly() -> None:
    events = given(report(), intake(age=60)).when(ClassifyPerson())
    assert isinstance(events[0], PersonClassified)
    assert set(events[0].categories) == {Category.ADULT, Category.ELDERLY}


def test_woman_is_housed_with_women() -> None:
    state = given(report(), intake(sex=Sex.FEMALE)).then_state(ClassifyPerson())
    assert state.housed_with_women


def test_man_is_not_housed_with_women() -> None:
    state = given(report(), intake(sex=Sex.MALE)).then_state(ClassifyPerson())
    assert not state.housed_with_women


def test_person_recorded_as_male_cannot_be_classified_pregnant() -> None:
    given(report(), intake(sex=Sex.MALE)).refuses(
        ClassifyPerson(observed=[Category.PREGNANT]), code="inconsistent_classification"
    )


# --- stages and roles ------------------------------------------------------------------------


NEW_CASE: tuple[Command, ...] = ()
REPORTED_CASE: tuple[Command, ...] = (report(),)
INTAKE_CASE: tuple[Command, ...] = (report(), intake())
IN_STAY_CASE: tuple[Command, ...] = (report(), intake(), ClassifyPerson())
CLOSED_CASE: tuple[Command, ...] = (report(), CloseReport(reason="误报"))


@pytest.mark.parametrize(
    ("history", "command"),
    [
        pytest.param(NEW_CASE, intake(), id="new-intake"),
        pytest.param(NEW_CASE, ClassifyPerson(), id="new-classify"),
        pytest.param(NEW_CASE, RecordHelpRefused(), id="new-help_refused"),
        pytest.param(REPORTED_CASE, report(), id="reported-report"),
        pytest.param(REPORTED_CASE, ClassifyPerson(), id="reported-classify"),
        pytest.param(REPORTED_CASE, DenyAssistance(reasons=["不符合条件"]), id="reported-deny"),
        pytest.param(INTAKE_CASE, intake(), id="intake-intake"),
        pytest.param(INTAKE_CASE, CloseReport(reason="重复上报"), id="intake-close_report"),
        pytest.param(IN_STAY_CASE, ClassifyPerson(), id="in_stay-classify"),
        pytest.param(CLOSED_CASE, intake(), id="closed-intake"),
        pytest.param(CLOSED_CASE, report(), id="closed-report"),
    ],
)
def test_command_in_the_wrong_stage_is_refused(
    history: tuple[Command, ...], command: Command
) -> None:
    given(*history).refuses(command, code="wrong_stage")


@pytest.mark.parametrize("actor", [AUDITOR, APPROVER, ADMIN, SYSTEM], ids=lambda a: a.role.value)
def test_only_front_line_staff_may_report_a_person(actor: Actor) -> None:
    given().refuses(report(), by=actor, code="role_not_allowed")


def test_auditor_cannot_report_a_person() -> None:
    given().refuses(report(), by=AUDITOR, code="role_not_allowed")


def test_operator_cannot_deny_assistance() -> None:
    given(report(), intake()).refuses(
        DenyAssistance(reasons=["不符合条件"]), by=OPERATOR, code="role_not_allowed"
    )


# --- clock commands --------------------------------------------------------------------------


def _after_intake() -> Given:
    return given(report(), intake())  # an ID number: plan approval and the identity check run


@pytest.mark.parametrize(
    "actor", [OPERATOR, CASEWORKER, SUPERVISOR, ADMIN], ids=lambda a: a.role.value
)
def test_escalation_by_a_person_is_refused(actor: Actor) -> None:
    long_after = NOW + timedelta(days=30)
    _after_intake().refuses(
        EscalateClock(clock="plan_approval"), by=actor, at=long_after, code="role_not_allowed"
    )


def test_system_escalates_every_rung_that_has_come_due() -> None:
    case = _after_intake()
    plan = case.state.clocks["plan_approval"]
    at = plan.rungs[Rung.L1_DUE] + timedelta(minutes=5)
    events = case.when(EscalateClock(clock="plan_approval"), at=at)
    assert events == [
        ClockEscalated(clock="plan_approval", rung=Rung.REMINDER, due_at=plan.due_at, at=at),
        ClockEscalated(clock="plan_approval", rung=Rung.L1_DUE, due_at=plan.due_at, at=at),
    ]
    state = case.then_state(EscalateClock(clock="plan_approval"), at=at)
    assert state.clocks["plan_approval"].reached is Rung.L1_DUE
    assert state.escalation_level == 1


def test_escalated_rung_does_not_fire_twice() -> None:
    case = _after_intake()
    at = case.state.clocks["plan_approval"].rungs[Rung.REMINDER]
    escalated = Given(case.then_state(EscalateClock(clock="plan_approval"), at=at))
    escalated.refuses(EscalateClock(clock="plan_approval"), at=at, code="not_due")


def test_escalation_before_any_rung_is_due_is_refused() -> None:
    _after_intake().refuses(EscalateClock(clock="plan_approval"), code="not_due")


def test_escalating_a_clock_the_case_does_not_run_is_refused() -> None:
    _after_intake().refuses(EscalateClock(clock="stay_limit"), code="no_such_clock")


@pytest.mark.parametrize(
    "actor", [OPERATOR, CASEWORKER, APPROVER, AUDITOR, SYSTEM], ids=lambda a: a.role.value
)
def test_extension_needs_the_supervisor_role(actor: Actor) -> None:
    _after_intake().refuses(
        GrantExtension(clock="plan_approval", by=2, reason="等待户籍核实"),
        by=actor,
        code="role_not_allowed",
    )


def test_supervisor_extends_a_clock_with_a_reason() -> None:
    case = _after_intake()
    command = GrantExtension(clock="plan_approval", by=2, reason="等待户籍核实")
    events = case.when(command, by=SUPERVISOR)
    extended = extend_clock(case.state.clocks["plan_approval"], 2, NOW, CALENDAR)
    assert events == [ClockExtended(clock=extended, by=2, reason="等待户籍核实")]
    state = case.then_state(command, by=SUPERVISOR)
    assert state.clocks["plan_approval"].due_at == end_of_day(date(2026, 3, 6))
    assert state.clocks["plan_approval"].extensions == 1


@pytest.mark.parametrize(
    "command",
    [
        EscalateClock(clock="plan_approval"),
        GrantExtension(clock="plan_approval", by=2, reason="等待户籍核实"),
    ],
    ids=["escalate", "extend"],
)
@pytest.mark.parametrize(
    "closing",
    [CloseReport(reason="误报"), intake(InformationGiven.REFUSED)],
    ids=["report_closed", "information_refused"],
)
def test_closed_case_refuses_clock_commands(closing: Command, command: Command) -> None:
    case = given(report(), RecordHelpRefused(extreme_weather=True), closing)
    assert case.state.closed
    case.refuses(command, at=NOW + timedelta(days=30), code="case_closed")


def test_closed_case_refuses_clock_commands_after_denial() -> None:
    case = given(report(), intake(), DenyAssistance(reasons=["不符合条件"]))
    case.refuses(
        EscalateClock(clock="plan_approval"), at=NOW + timedelta(days=30), code="case_closed"
    )


def test_given_folds_events_like_the_commands_that_made_them() -> None:
    by_events = given(REPORTED, CaseClosed(reason="误报", at=NOW)).state
    by_commands = given(report(), CloseReport(reason="误报")).state
    assert by_events == by_commands
