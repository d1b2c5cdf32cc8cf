"""Random command sequences over the whole rescue lifecycle: no sequence breaks its rules, and
folding the recorded events (as the ledger stores them) always gives the decider's own state."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from domain.actors import SYSTEM, Actor, Role
from domain.calendar import SHANGHAI, WorkingDayCalendar
from domain.case import EscalateClock, GrantExtension
from domain.errors import DomainError
from domain.messages import Command, DecisionContext, Event
from domain.rescue import RESCUE
from domain.rescue.commands import (
    ClassifyPerson,
    CloseReport,
    DenyAssistance,
    InformationGiven,
    PersonDetails,
    RecordHelpRefused,
    RegisterIntake,
    ReportPerson,
    ReportSource,
    Sex,
)
from domain.rescue.commands_care import (
    ApproveIndividualPlan,
    ApproveStayExtension,
    AssignHousing,
    CancelPlanService,
    CompletePlanService,
    DraftIndividualPlan,
    NoteDistrictWeather,
    PublishFamilySearchNotice,
    RecordDnaCollected,
    RecordIdentityEstablished,
    RecordPoliceIdentityAnswer,
    RecordWeeklyReview,
    RefuseStayExtension,
    RequestDnaCollection,
    RequestIdentityCheck,
    RequestStayExtension,
    ReturnIndividualPlan,
)
from domain.rescue.commands_exit import (
    AcknowledgeHandover,
    CloseRescueCase,
    HandOverToFamily,
    PlacePerson,
    RecordDeath,
    RecordFollowUpVisit,
    RecordHospitalDischarge,
    RecordPoliceAcknowledgement,
    RecordSelfExit,
    RecordUnauthorisedDeparture,
    StartEscortedReturn,
    TerminateAssistance,
    TransferToHospital,
)
from domain.rescue.events import CaseClosed
from domain.rescue.events_care import StayExtensionApproved, StayExtensionRequested
from domain.rescue.events_exit import (
    HandedOverToFamily,
    HospitalDischargeNoticeReceived,
    MissingPersonReportedToPolice,
    PersonDied,
    StationExited,
    TransferredToHospital,
    UnauthorisedDepartureRecorded,
)
from domain.rescue.state import PlanStatus, RescueState, ServiceStatus, Stage
from domain.rescue.street import allowed_areas
from domain.rescue.vocabulary import (
    Category,
    Collector,
    DischargeOutcome,
    ExitRoute,
    HousingArea,
    IdentityMethod,
    NeedsAssessment,
    NeedType,
    Placement,
    PlannedService,
    PoliceReportChannel,
    ServiceKind,
    WeatherKind,
)

CASE_ID = "RSC-2026-000888"
CALENDAR = WorkingDayCalendar()
KNOWN_ID, UNKNOWN_ID = "11010519491231002X", "310115199001011234"

OPERATOR = Actor(user_id="op-li", role=Role.OPERATOR, unit="浦东救助站")
CASEWORKERS = [
    Actor(user_id="sw-wang", role=Role.CASEWORKER, unit="浦东救助站"),
    Actor(user_id="sw-zhou", role=Role.CASEWORKER, unit="浦东救助站"),
]
APPROVER = Actor(user_id="head-zhao", role=Role.APPROVER, unit="浦东救助站")
SUPERVISORS = [
    Actor(user_id="sup-chen", role=Role.SUPERVISOR, unit="浦东新区民政局"),
    Actor(user_id="sup-gu", role=Role.SUPERVISOR, unit="浦东新区民政局"),
]
EVERYONE = [SYSTEM, OPERATOR, *CASEWORKERS, APPROVER, *SUPERVISORS]
TEXT = st.sampled_from(["等待家属", "情况稳定", "违反站规", "已联系户籍地"])
SERVICE_IDS = st.sampled_from(["S1", "S2", "S3"])

# --- strategies --------------------------------------------------------------------------------

PERSONS = st.builds(
    PersonDetails,
    sex=st.sampled_from(Sex),
    age=st.one_of(st.none(), st.integers(5, 17), st.integers(18, 90)),
    id_number=st.sampled_from([None, None, KNOWN_ID, UNKNOWN_ID]),
)
REPORTS = st.builds(
    ReportPerson,
    source=st.sampled_from(ReportSource),
    unit=st.just("浦东救助站"),
    location=st.just("世纪大道"),
    escorted_to_station=st.booleans(),
)
INTAKES = st.builds(
    RegisterIntake,
    person=PERSONS,
    information=st.sampled_from([InformationGiven.PROVIDED] * 3 + list(InformationGiven)),
)
CLASSIFICATIONS = st.builds(
    ClassifyPerson, observed=st.lists(st.sampled_from(Category), unique=True, max_size=2)
)
STREET = st.one_of(
    REPORTS,
    st.builds(RecordHelpRefused, extreme_weather=st.booleans()),
    INTAKES,
    st.builds(DenyAssistance, reasons=st.lists(TEXT, min_size=1, max_size=1)),
    CLASSIFICATIONS,
    st.builds(CloseReport, reason=TEXT),
    st.builds(
        NoteDistrictWeather,
        weather=st.sampled_from([None, *WeatherKind]),
        episode=st.sampled_from([None, "WX-2026-000001"]),
    ),
)
IDENTITY = st.one_of(
    st.builds(AssignHousing, area=st.sampled_from(HousingArea)),
    st.builds(RequestIdentityCheck, id_number=st.sampled_from([KNOWN_ID, UNKNOWN_ID])),
    st.builds(PublishFamilySearchNotice, channels=st.just(["全国救助寻亲网"])),
    st.builds(RequestDnaCollection, police_unit=st.just("浦东公安分局")),
    st.just(RecordDnaCollected()),
    st.builds(RecordIdentityEstablished, method=st.sampled_from(IdentityMethod)),
)


def services(today: date) -> st.SearchStrategy[list[PlannedService]]:
    one = st.builds(
        PlannedService,
        service_id=SERVICE_IDS,
        kind=st.sampled_from(ServiceKind),
        description=st.just("服务"),
        owner=st.just("sw-wang"),
        due=st.integers(-1, 30).map(lambda d: today + timedelta(days=d)),
    )
    return st.lists(one, max_size=3, unique_by=lambda s: s.service_id)


def plan_and_stay(today: date) -> st.SearchStrategy[Command]:
    return st.one_of(
        st.builds(
            DraftIndividualPlan,
            assessment=st.just(NeedsAssessment(accompany="需要陪伴", primary=NeedType.ACCOMPANY)),
            goals=st.just(["返乡"]),
            services=services(today),
        ),
        st.builds(ApproveIndividualPlan, version=st.integers(1, 4)),
        st.builds(ReturnIndividualPlan, version=st.integers(1, 4), reason=TEXT),
        st.builds(CompletePlanService, service_id=SERVICE_IDS, outcome=TEXT),
        st.builds(CancelPlanService, service_id=SERVICE_IDS, reason=TEXT),
        st.builds(RecordWeeklyReview, notes=TEXT),
        st.builds(RequestStayExtension, days=st.integers(1, 10), reason=TEXT),
        st.just(ApproveStayExtension()),
        st.builds(RefuseStayExtension, reason=TEXT),
    )


EXITS = st.one_of(
    st.builds(
        HandOverToFamily,
        collector=st.just(Collector(name="张父", relation="父亲", id_number=KNOWN_ID)),
        collector_id_checked=st.booleans(),
        at_risk=st.booleans(),
    ),
    st.builds(
        StartEscortedReturn,
        destination=st.just("安徽阜阳"),
        receiving_bureau=st.just("阜阳市救助站"),
        cross_region=st.booleans(),
        escorts=st.just(["sw-li"]),
        at_risk=st.booleans(),
    ),
    st.builds(AcknowledgeHandover, receipt_ref=st.just("FY-1")),
    st.builds(RecordSelfExit, declaration_signed=st.booleans()),
    st.builds(
        RecordUnauthorisedDeparture,
        last_seen=st.just("站门口"),
        report_channel=st.sampled_from(PoliceReportChannel),
    ),
    st.builds(RecordPoliceAcknowledgement, police_ref=st.just("JQ-1")),
    st.builds(
        PlacePerson,
        placement=st.sampled_from(Placement),
        facility=st.just("福利院"),
        hukou_registered=st.booleans(),
    ),
    st.builds(TransferToHospital, hospital=st.just("浦东医院"), reason=TEXT),
    st.builds(
        RecordHospitalDischarge,
        outcome=st.sampled_from(DischargeOutcome),
        notice_ref=st.just("出院-1"),
    ),
    st.builds(TerminateAssistance, reasons=st.just(["违反站规"])),
    st.builds(
        RecordDeath,
        cause=TEXT,
        police_notice_ref=st.just("110-1"),
        family_notified=st.booleans(),
        family_not_reached_reason=st.sampled_from([None, "身份不明"]),
    ),
    st.builds(RecordFollowUpVisit, outcome=TEXT),
    st.builds(CloseRescueCase, summary=TEXT),
)


def likely_command(state: RescueState, today: date) -> st.SearchStrategy[Command]:
    """Commands that fit the stage more often than not, so sequences reach every exit."""
    care = plan_and_stay(today)
    by_stage: dict[str, list[st.SearchStrategy[Command]]] = {
        Stage.NEW: [REPORTS],
        Stage.REPORTED: [INTAKES, INTAKES, STREET],
        Stage.REFUSED_HELP: [INTAKES, STREET],
        Stage.INTAKE: [CLASSIFICATIONS, CLASSIFICATIONS, IDENTITY],
        Stage.CLOSED: [STREET, EXITS],
    }
    options = list(by_stage.get(state.stage, [IDENTITY, care, care, EXITS, EXITS]))
    if state.clocks:
        running = st.sampled_from(sorted(state.clocks))
        options.append(st.builds(EscalateClock, clock=running))
        options.append(st.builds(GrantExtension, clock=running, by=st.integers(1, 5), reason=TEXT))
    if state.pending_identity_check:
        options.append(
            st.builds(
                RecordPoliceIdentityAnswer,
                request_id=st.just(state.pending_identity_check),
                found=st.booleans(),
            )
        )
    if (draft := state.draft_plan) is not None:
        options.append(st.just(ApproveIndividualPlan(version=draft.version)))
    if state.open_services:
        open_ids = st.sampled_from(state.open_services)
        options.append(st.builds(CancelPlanService, service_id=open_ids, reason=TEXT))
    return st.one_of(options)


def likely_actors(command: Command) -> list[Actor]:
    """Who would send it; several people per role, so four eyes are put to the test."""
    match command:
        case EscalateClock() | RecordPoliceIdentityAnswer() | NoteDistrictWeather():
            return [SYSTEM]
        case DraftIndividualPlan() | RequestStayExtension():
            return [*CASEWORKERS, *SUPERVISORS]
        case (
            ApproveIndividualPlan() | ReturnIndividualPlan() | PlacePerson() | TerminateAssistance()
        ):
            return [APPROVER, *SUPERVISORS]
        case ApproveStayExtension() | RefuseStayExtension() | GrantExtension():
            return SUPERVISORS
        case (
            ClassifyPerson()
            | DenyAssistance()
            | RecordWeeklyReview()
            | CloseRescueCase()
            | RecordDeath()
            | CompletePlanService()
            | CancelPlanService()
        ):
            return CASEWORKERS
        case RecordSelfExit():
            return [OPERATOR, APPROVER]
        case _:
            return [OPERATOR]


STARTS = st.datetimes(
    min_value=datetime(2025, 6, 1), max_value=datetime(2026, 10, 31), timezones=st.just(SHANGHAI)
)
WAITS = st.sampled_from([timedelta(0), timedelta(hours=3), timedelta(days=1), timedelta(days=11)])


# --- the rules ---------------------------------------------------------------------------------


def _as_stored(events: list[Event]) -> list[Event]:
    return [RESCUE.parse_event(e.type, e.schema_version, e.payload()) for e in events]


def assert_rules_hold(state: RescueState, history: list[Event]) -> None:
    initial = RESCUE.initial(CASE_ID)
    assert RESCUE.fold(history, initial) == state
    assert RESCUE.fold(_as_stored(history), initial) == state, "the ledger's fold is the state"
    assert state.closed == (state.stage is Stage.CLOSED)
    if state.closed:
        assert state.clocks == {}, "a closed case runs no clocks"
        assert not state.open_services, "no case closes with an open service"
    assert 0 <= state.escalation_level <= 3
    # a minor never self-exits
    assert not (state.is_minor and state.exit_route is ExitRoute.SELF_EXIT)
    # a minor's unauthorised departure reports to the police at once
    for before, after in itertools.pairwise(history):
        if isinstance(before, UnauthorisedDepartureRecorded) and state.is_minor:
            assert isinstance(after, MissingPersonReportedToPolice)
    # a case never closes while the police's reference for a missing-person report is missing
    if state.closed:
        assert not state.police_report_pending
    reported = any(isinstance(e, MissingPersonReportedToPolice) for e in history)
    if state.police_ref is not None:
        assert reported, "a police reference answers a report"
    # women are housed apart (and minors from adults)
    if state.housing is not None:
        assert state.housing in allowed_areas(state.person, state.categories)
    # the plan's author never approved it
    for version in state.plans:
        if version.status in (PlanStatus.APPROVED, PlanStatus.SUPERSEDED):
            assert version.decided_by != version.drafted_by
    for record in state.services.values():
        if record.status is ServiceStatus.CANCELLED:
            assert record.note, "a cancelled service has its reason"
    _assert_order_rules(history)


def _assert_order_rules(history: list[Event]) -> None:
    in_hospital = False
    requested_by: str | None = None
    for i, e in enumerate(history):
        match e:
            case TransferredToHospital():
                in_hospital = True
            case HospitalDischargeNoticeReceived() | PersonDied():
                in_hospital = False
            case CaseClosed():
                assert not in_hospital, "a medical transfer waits for the discharge notice"
            case StationExited(route=ExitRoute.FAMILY_COLLECTED):
                handed = [x for x in history[:i] if isinstance(x, HandedOverToFamily)]
                assert handed and handed[-1].id_checked_by, "the collector's ID was checked"
            case StayExtensionRequested():
                requested_by = e.requested_by
            case StayExtensionApproved():
                assert e.approved_by != requested_by, "four eyes on the stay extension"
            case _:
                pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=STARTS, length=st.integers(min_value=4, max_value=40), data=st.data())
def test_no_command_sequence_breaks_the_rescue_rules(
    start: datetime, length: int, data: st.DataObject
) -> None:
    state = RESCUE.initial(CASE_ID)
    history: list[Event] = []
    now = start
    for _ in range(length):
        now += data.draw(WAITS, label="wait")
        command = data.draw(likely_command(state, now.date()), label="command")
        usual = data.draw(st.integers(0, 4), label="usual actor") > 0
        actors = likely_actors(command) if usual else EVERYONE
        actor = data.draw(st.sampled_from(actors), label="actor")
        ctx = DecisionContext(now, actor, CALENDAR)
        try:
            events = RESCUE.decide(state, command, ctx)
        except DomainError as refused:
            event(f"refused: {refused.code}")
            continue
        assert events, f"{command.type} was accepted but recorded nothing"
        state = RESCUE.fold(events, state)
        history.extend(events)
        assert_rules_hold(state, history)
    event(f"final stage: {state.stage}")
    if state.exit_route is not None:
        event(f"exit: {state.exit_route}")
