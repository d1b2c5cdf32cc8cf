"""Random years of an organisation's life against the decider: whatever staff do and however
time passes, the rules of DOMAIN.md §3 hold."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from domain.actors import SYSTEM, Actor, Role
from domain.case import EscalateClock, GrantExtension
from domain.clocks import Rung
from domain.errors import DomainError
from domain.messages import Command, Event
from domain.socialorg import SOCIAL_ORG, timers
from domain.socialorg.commands import (
    ApplyForDeregistration,
    ApplyForGradeEvaluation,
    CompleteDeregistration,
    DecideGradeObjection,
    DecideRevocation,
    Document,
    ExitKind,
    FileAnnualReport,
    FileGradeObjection,
    FinishLiquidation,
    Grade,
    InspectionResult,
    OrgType,
    PenaltyKind,
    ProposeGrade,
    ProposeRevocation,
    Recipient,
    RecordCertificateReturned,
    RecordChangeApproval,
    RecordDeregistrationApproval,
    RecordInspectionResult,
    RecordOrgActivity,
    RecordOrgPenalty,
    RecordRectification,
    RefuseOrgRegistration,
    RegisterOrgChange,
    RemoveFromAbnormalList,
    StartLiquidation,
    SubmitRegistrationDocuments,
)
from domain.socialorg.decide import WINDING_UP_COMMANDS
from domain.socialorg.events import (
    AnnualReportFiled,
    AnnualReportMissed,
    InspectionConcluded,
    ZombieFlagged,
)
from domain.socialorg.state import CLOSED_STAGES, WINDING_UP, OrgList, SocialOrgState, Stage
from tests.domain.socialorg_support import (
    APPROVER,
    APPROVER_2,
    CASEWORKER,
    OPERATOR,
    SUPERVISOR,
    Org,
    application,
    registration,
    shanghai,
    usual_actor,
)

REASONS = st.sampled_from(["材料不实", "已整改", "复核意见", "会员大会决议"])
ACTORS = st.sampled_from(
    [
        OPERATOR,
        CASEWORKER,
        APPROVER,
        APPROVER_2,
        SUPERVISOR,
        Actor(user_id="aud-sun", role=Role.AUDITOR),
        Actor(user_id="not-the-timer", role=Role.SYSTEM),
    ]
)
CLOCK_NAMES = [
    "registration_decision",
    "sponsor_report",
    "authority_report",
    "rectification_2026",
    "change_registration",
    "deregistration_application",
    "grade_objection",
    *sorted(timers.TIMERS),
]


PLACEHOLDER = date(2000, 1, 1)  # replaced by the day the command is sent (see `dated`)
YEARS = st.integers(2025, 2029)

# Any command at all, with years near the case's own; built once (building is what costs).
ANY_COMMAND: st.SearchStrategy[Command] = st.one_of(
    st.builds(
        SubmitRegistrationDocuments,
        documents=st.lists(st.sampled_from(Document), min_size=1, max_size=3),
    ),
    st.builds(RefuseOrgRegistration, reasons=st.lists(REASONS, min_size=1, max_size=2)),
    st.just(registration()),
    st.builds(RecordOrgActivity, description=REASONS, held_on=st.just(PLACEHOLDER)),
    st.builds(FileAnnualReport, year=YEARS, recipient=st.sampled_from(Recipient)),
    st.builds(
        RecordInspectionResult,
        year=YEARS,
        result=st.sampled_from(InspectionResult),
        rectification_days=st.integers(1, 120),
    ),
    st.builds(RecordRectification, year=YEARS, accepted=st.booleans()),
    st.builds(RemoveFromAbnormalList, reason=REASONS),
    st.just(ApplyForGradeEvaluation()),
    st.builds(ProposeGrade, grade=st.sampled_from(Grade)),
    st.builds(FileGradeObjection, reason=REASONS),
    st.builds(DecideGradeObjection, grade=st.none() | st.sampled_from(Grade), reason=REASONS),
    st.builds(
        RecordOrgPenalty,
        kind=st.sampled_from(PenaltyKind),
        reason=REASONS,
        fine_fen=st.sampled_from([0, 100_000]),
    ),
    st.builds(RecordChangeApproval, matters=st.just(["住所"]), approved_on=st.just(PLACEHOLDER)),
    st.just(RegisterOrgChange()),
    st.builds(RecordDeregistrationApproval, approved_on=st.just(PLACEHOLDER)),
    st.just(StartLiquidation()),
    st.just(FinishLiquidation()),
    st.just(ApplyForDeregistration()),
    st.builds(RecordCertificateReturned, certificate=st.booleans(), seals=st.booleans()),
    st.builds(CompleteDeregistration, notice_reference=st.just("浦民社注〔2030〕1号")),
    st.builds(
        ProposeRevocation,
        kind=st.sampled_from(ExitKind),
        grounds=st.lists(REASONS, min_size=1, max_size=1),
    ),
    st.builds(DecideRevocation, approve=st.booleans(), reason=REASONS),
    st.builds(EscalateClock, clock=st.sampled_from(CLOCK_NAMES)),
    st.builds(
        GrantExtension,
        clock=st.sampled_from(CLOCK_NAMES),
        by=st.integers(1, 30),
        reason=REASONS,
    ),
)


def likely(state: SocialOrgState) -> list[Command]:
    """What staff would plausibly send in this state, so random lives get past registration."""
    year = state.cycle_year or 2026
    match state.stage:
        case Stage.APPLYING:
            return [SubmitRegistrationDocuments(documents=list(Document))]
        case Stage.UNDER_REVIEW:
            return [registration(state.org_type or OrgType.SOCIAL_GROUP)]
        case Stage.REGISTERED:
            return [
                FileAnnualReport(year=year, recipient=Recipient.SPONSOR),
                FileAnnualReport(year=year, recipient=Recipient.AUTHORITY),
                FileAnnualReport(year=year, recipient=Recipient.AUTHORITY),
                *(RecordInspectionResult(year=year, result=r) for r in InspectionResult),
                RecordRectification(year=year, accepted=True),
                RecordRectification(year=year, accepted=False),
                RemoveFromAbnormalList(reason="已整改"),
                ApplyForGradeEvaluation(),
                ProposeGrade(grade=Grade.A3),
                FileGradeObjection(reason="评分有误"),
                DecideGradeObjection(grade=Grade.A2, reason="复核"),
                RecordChangeApproval(matters=["住所"], approved_on=PLACEHOLDER),
                RegisterOrgChange(),
                RecordOrgActivity(description="会员大会", held_on=PLACEHOLDER),
                RecordDeregistrationApproval(approved_on=PLACEHOLDER),
                StartLiquidation(),
                StartLiquidation(),
                DecideRevocation(approve=False, reason="已恢复活动"),
            ]
        case Stage.LIQUIDATING | Stage.DEREGISTERING:
            return [
                FinishLiquidation(),
                ApplyForDeregistration(),
                RecordCertificateReturned(certificate=True, seals=True),
                CompleteDeregistration(notice_reference="浦民社注〔2030〕1号"),
            ]
        case _:
            return [registration()]


def dated(command: Command, now: datetime) -> Command:
    """Put today's date where a command carries one."""
    for field in ("held_on", "approved_on"):
        if getattr(command, field, None) == PLACEHOLDER:
            return command.model_copy(update={field: now.date()})
    return command


# --- invariants --------------------------------------------------------------------------------


def _read_back(events: list[Event]) -> list[Event]:
    return [SOCIAL_ORG.parse_event(e.type, e.schema_version, e.payload()) for e in events]


def assert_history_folds(org: Org) -> None:
    """The ledger's fold is the state, now and at every continue-as-new (state carried as JSON)."""
    initial = SOCIAL_ORG.initial(org.state.case_id)
    read_back = _read_back(org.history)
    assert SOCIAL_ORG.fold(org.history, initial) == org.state, "the history rebuilds the state"
    assert SOCIAL_ORG.fold(read_back, initial) == org.state, "…also from the ledger's JSON"
    for version, carried in org.carried:
        assert SOCIAL_ORG.fold(read_back[:version], initial) == carried


def assert_invariants(org: Org) -> None:
    state, history = org.state, org.history
    assert state.closed == (state.stage in CLOSED_STAGES)
    if state.closed:
        assert state.clocks == {}, "a closed case runs no clocks"
    if state.stage in WINDING_UP:
        assert not any(
            n in state.clocks for n in ("sponsor_report", "authority_report", timers.NEXT_CYCLE)
        )
    for clock in state.clocks.values():
        if clock.name in timers.TIMERS:
            assert clock.reached < Rung.L1_DUE, "a timer is stopped as it fires"
    assert 0 <= state.escalation_level <= 3
    assert not {OrgList.ABNORMAL_ACTIVITY, OrgList.SERIOUS_DISHONESTY} <= set(state.lists)
    assert (state.grade is None) == (state.grade_valid_until is None)
    if state.org_type is not OrgType.SOCIAL_GROUP:  # 社团条例 Art 29 is the groups' own ground
        assert timers.FIRST_ACTIVITY not in state.clocks
        assert not any(
            isinstance(e, ZombieFlagged) and "社团条例 Art 29" in e.grounds for e in history
        )
    for inspection in state.inspections.values():  # per type: a foundation has no sponsor date
        if state.org_type is OrgType.FOUNDATION:
            assert inspection.sponsor_due_on is None
    reported: set[int] = set()
    for e in history:
        if (
            isinstance(e, AnnualReportFiled | AnnualReportMissed)
            and e.recipient is Recipient.AUTHORITY
        ):
            reported.add(e.year)
        if isinstance(e, InspectionConcluded):
            assert e.year in reported, "no inspection result without a report or a recorded miss"


WAITS = st.sampled_from(
    [timedelta(0), timedelta(days=3), timedelta(days=40), timedelta(days=150), timedelta(days=400)]
)
START = st.sampled_from([shanghai(2026, 3, 2), shanghai(2026, 11, 10), shanghai(2026, 6, 30)])


def new_org(start: datetime, org_type: OrgType, registered: bool) -> Org:
    org = Org(start)
    org.send(
        application(org_type, sponsor_unit=None if org_type is OrgType.FOUNDATION else "某委员会")
    )
    if registered:
        org.send(registration(org_type))
        org.send(RecordOrgActivity(description="成立大会", held_on=start.date()))
    return org


@settings(max_examples=150, deadline=None)
@given(
    start=START,
    org_type=st.sampled_from(OrgType),
    registered=st.booleans(),
    length=st.integers(1, 40),
    data=st.data(),
)
def test_any_life_keeps_the_social_organisation_invariants(
    start: datetime, org_type: OrgType, registered: bool, length: int, data: st.DataObject
) -> None:
    org = new_org(start, org_type, registered)
    for _ in range(length):
        org.after(data.draw(WAITS, label="wait"))
        assert_invariants(org)
        if org.state.closed:
            break
        plausible = data.draw(st.integers(0, 3), label="plausible") > 0
        pick = st.sampled_from(likely(org.state)) if plausible else ANY_COMMAND
        command = dated(data.draw(pick, label="command"), org.now)
        usual = data.draw(st.integers(0, 4), label="usual actor?") > 0
        actor = usual_actor(command) if usual else data.draw(ACTORS, label="actor")
        winding_up = org.state.stage in WINDING_UP
        try:
            org.send(command, by=actor)
        except DomainError as refused:
            event(f"refused: {refused.code}")
            if winding_up and command.type not in WINDING_UP_COMMANDS:
                assert refused.code == "in_liquidation", "liquidation blocks every other activity"
            continue
        assert not (winding_up and command.type not in WINDING_UP_COMMANDS), (
            f"{command.type} was accepted during liquidation"
        )
        event(f"accepted: {command.type}")
        assert_invariants(org)
    assert_history_folds(org)
    event(f"final stage: {org.state.stage}")
    event(f"yearly runs: {min(len(org.carried), 3)}+")


@settings(max_examples=60, deadline=None)
@given(data=st.data(), wait=WAITS)
def test_liquidation_blocks_every_other_activity(data: st.DataObject, wait: timedelta) -> None:
    org = new_org(shanghai(2026, 3, 2), OrgType.SOCIAL_GROUP, registered=True)
    org.after(wait)
    org.send(RecordDeregistrationApproval(approved_on=org.now.date()))
    org.send(StartLiquidation())
    if data.draw(st.booleans(), label="liquidation finished"):
        org.send(FinishLiquidation())
        if data.draw(st.booleans(), label="applied"):
            org.send(ApplyForDeregistration())
    assert org.state.stage in WINDING_UP
    command = dated(data.draw(ANY_COMMAND, label="command"), org.now)
    actor = data.draw(ACTORS | st.just(usual_actor(command)) | st.just(SYSTEM), label="actor")
    try:
        events = SOCIAL_ORG.decide(org.state, command, org._ctx(actor))
    except DomainError as refused:
        if command.type not in WINDING_UP_COMMANDS:
            assert refused.code == "in_liquidation"
        return
    assert command.type in WINDING_UP_COMMANDS
    assert events
    state = SOCIAL_ORG.fold(events, org.state)
    assert state.stage in (*WINDING_UP, Stage.DEREGISTERED)
