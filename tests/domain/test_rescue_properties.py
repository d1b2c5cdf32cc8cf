"""Random command sequences against the rescue decider: whatever staff do, the rules hold."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from domain.actors import SYSTEM, Actor, Role
from domain.calendar import SHANGHAI, WorkingDayCalendar
from domain.case import EscalateClock, GrantExtension
from domain.errors import DomainError
from domain.messages import Command, DecisionContext, Event
from domain.rescue import RESCUE
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
from domain.rescue.state import RescueState, Stage

CASE_ID = "RSC-2026-000777"
CALENDAR = WorkingDayCalendar()
CLOCK_NAMES = (
    "family_search_notice",
    "plan_approval",
    "stay_limit",
    "weekly_review",
    "refusal_revisit",
    "no_such_clock",
)

# --- strategies ------------------------------------------------------------------------------

OPERATOR = Actor(user_id="op-li", role=Role.OPERATOR, unit="潍坊新村街道")
CASEWORKER = Actor(user_id="sw-wang", role=Role.CASEWORKER, unit="浦东救助站")
SUPERVISOR = Actor(user_id="sup-chen", role=Role.SUPERVISOR, unit="浦东新区民政局")
ACTORS = st.sampled_from(
    [
        SYSTEM,
        OPERATOR,
        CASEWORKER,
        Actor(user_id="head-zhao", role=Role.APPROVER, unit="浦东救助站"),
        SUPERVISOR,
        Actor(user_id="aud-sun", role=Role.AUDITOR, unit="浦东新区民政局"),
        Actor(user_id="admin", role=Role.ADMIN),
        Actor(user_id="not-the-timer", role=Role.SYSTEM),  # a system role is not the system actor
    ]
)
REASONS = st.sampled_from(["误报", "现场未找到当事人", "非本市流浪乞讨人员", "等待户籍核实"])

PERSONS = st.builds(
    PersonDetails,
    name=st.none() | st.just("张某"),
    sex=st.sampled_from(Sex),
    # minors often enough to meet the guardianship rule
    age=st.one_of(st.none(), st.integers(0, 17), st.integers(0, 100)),
    age_estimated=st.booleans(),
    id_number=st.none() | st.just("310115199001011234"),
)

REPORTS = st.builds(
    ReportPerson,
    source=st.sampled_from(ReportSource),
    unit=st.just("潍坊新村街道"),
    location=st.just("世纪大道地铁站 4 号口"),
    observed=st.lists(st.sampled_from(Vulnerability), unique=True, max_size=2),
    escorted_to_station=st.booleans(),
    acute_illness=st.booleans(),
)
HELP_REFUSALS = st.builds(
    RecordHelpRefused,
    extreme_weather=st.booleans(),
    supplies_given=st.lists(st.sampled_from(["棉被", "食物", "饮用水"]), max_size=2),
)
INTAKES = st.builds(
    RegisterIntake,
    person=PERSONS,
    information=st.sampled_from(InformationGiven),
    screening=st.builds(
        Screening,
        infectious_critical_or_injured=st.booleans(),
        danger_drugs_or_fugitive=st.booleans(),
    ),
)
# Mostly people who talk: a refusal to give information closes the case at once.
LIKELY_INTAKES = st.builds(
    RegisterIntake,
    person=PERSONS,
    information=st.sampled_from([InformationGiven.PROVIDED] * 4 + [InformationGiven.UNABLE]),
)
DENIALS = st.builds(DenyAssistance, reasons=st.lists(REASONS, min_size=1, max_size=2))
CLASSIFICATIONS = st.builds(
    ClassifyPerson, observed=st.lists(st.sampled_from(Category), unique=True, max_size=3)
)
REPORT_CLOSURES = st.builds(CloseReport, reason=REASONS)
ESCALATIONS = st.builds(EscalateClock, clock=st.sampled_from(CLOCK_NAMES))
EXTENSIONS = st.builds(
    GrantExtension,
    clock=st.sampled_from(CLOCK_NAMES),
    by=st.integers(min_value=1, max_value=30),
    reason=REASONS,
)
CLOCK_COMMANDS = ESCALATIONS | EXTENSIONS
ANY_COMMAND: st.SearchStrategy[Command] = st.one_of(
    REPORTS, HELP_REFUSALS, INTAKES, DENIALS, CLASSIFICATIONS, REPORT_CLOSURES, CLOCK_COMMANDS
)
# What staff would plausibly send in each stage. Mixed with ANY_COMMAND, it lets random sequences
# get past the first stages instead of bouncing off `wrong_stage` every time.
LIKELY_COMMANDS: dict[str, st.SearchStrategy[Command]] = {
    Stage.NEW: REPORTS,
    Stage.REPORTED: st.one_of(LIKELY_INTAKES, LIKELY_INTAKES, INTAKES, HELP_REFUSALS),
    Stage.REFUSED_HELP: st.one_of(LIKELY_INTAKES, LIKELY_INTAKES, INTAKES, HELP_REFUSALS),
    Stage.INTAKE: st.one_of(CLASSIFICATIONS, CLASSIFICATIONS, CLASSIFICATIONS, DENIALS),
    Stage.IN_STAY: CLOCK_COMMANDS,
    Stage.CLOSED: ANY_COMMAND,
}


def likely_command(state: RescueState) -> st.SearchStrategy[Command]:
    """A command that fits the stage, or a clock command for a clock the case runs."""
    if not state.clocks:
        return LIKELY_COMMANDS[state.stage]
    running = st.sampled_from(sorted(state.clocks))
    on_running_clock = st.builds(EscalateClock, clock=running) | st.builds(
        GrantExtension, clock=running, by=st.integers(min_value=1, max_value=30), reason=REASONS
    )
    return LIKELY_COMMANDS[state.stage] | on_running_clock


def likely_actor(command: Command) -> Actor:
    match command:
        case EscalateClock():
            return SYSTEM
        case GrantExtension():
            return SUPERVISOR
        case ClassifyPerson() | DenyAssistance():
            return CASEWORKER
        case _:
            return OPERATOR


WAITS = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=8))
STARTS = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(SHANGHAI)
)


# --- invariants ------------------------------------------------------------------------------


def _stored_and_read_back(events: list[Event]) -> list[Event]:
    """Each event as the ledger keeps it (type, version, JSON payload) and reads it again."""
    return [RESCUE.parse_event(e.type, e.schema_version, e.payload()) for e in events]


def assert_invariants(state: RescueState, history: list[Event]) -> None:
    initial = RESCUE.initial(CASE_ID)
    assert RESCUE.fold(history, initial) == state, "replaying the history rebuilds the state"
    assert RESCUE.fold(_stored_and_read_back(history), initial) == state
    assert state.closed == (state.stage == Stage.CLOSED)
    if state.closed:
        assert state.clocks == {}, "a closed case runs no clocks"
    if Category.MINOR in state.categories and state.stage == Stage.IN_STAY:
        assert state.under_guardianship, "a minor in the station is under temporary guardianship"
    assert 0 <= state.escalation_level <= 3


@settings(max_examples=200, deadline=None)
@given(start=STARTS, length=st.integers(min_value=1, max_value=25), data=st.data())
def test_any_command_sequence_keeps_the_rescue_invariants(
    start: datetime, length: int, data: st.DataObject
) -> None:
    # given a new case
    state = RESCUE.initial(CASE_ID)
    history: list[Event] = []
    now = start
    for _ in range(length):
        # when someone (or the timer) sends some command, a little later than the last one
        plausible = data.draw(st.integers(min_value=0, max_value=3), label="plausible") > 0
        command = data.draw(likely_command(state) if plausible else ANY_COMMAND, label="command")
        plausible = data.draw(st.integers(min_value=0, max_value=3), label="by usual actor") > 0
        actor = likely_actor(command) if plausible else data.draw(ACTORS, label="actor")
        now += data.draw(WAITS, label="wait")
        ctx = DecisionContext(now, actor, CALENDAR)
        try:
            events = RESCUE.decide(state, command, ctx)
        except DomainError as refused:
            # then a refusal is named, repeatable, and leaves nothing to record or fold
            assert refused.code
            try:
                RESCUE.decide(state, command, ctx)
            except DomainError as again:
                assert again.code == refused.code
            else:
                raise AssertionError("the same command was refused once and accepted once")
            event(f"refused: {refused.code}")
            continue
        # then an accepted command records at least one event, the same ones every time
        assert events, f"{command.type} was accepted but recorded nothing"
        assert RESCUE.decide(state, command, ctx) == events
        for accepted in events:
            state = RESCUE.evolve(state, accepted)
            event(f"recorded: {accepted.type}")
        history.extend(events)
        assert_invariants(state, history)
    event(f"final stage: {state.stage}")
