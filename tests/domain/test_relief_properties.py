"""Random command sequences against the relief decider: whatever staff, the centre and the
timers do, the money is never negative unless recovered, nothing is decided without its checks,
every remedy points at a real decision, and the stored history folds to the same state."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from domain.actors import SYSTEM, Actor
from domain.calendar import SHANGHAI
from domain.case import EscalateClock, GrantExtension
from domain.errors import DomainError
from domain.messages import Command, DecisionContext, Event
from domain.relief import RELIEF
from domain.relief.commands import (
    AcceptAssistanceApplication,
    AcknowledgeVerificationRequest,
    ApplyOnBehalf,
    ApproveAssistance,
    CloseDiscoveryLead,
    CompleteEmergencyFollowUp,
    CompletePeriodicReview,
    DecideAssistanceAppeal,
    DecideCorrection,
    DeliverRefusalNotice,
    FileAssistanceAppeal,
    GrantEmergencyAssistance,
    OpenDiscoveryLead,
    PublishAssistanceNotice,
    RecordCommunityReview,
    RecordFraud,
    RecordHomeInvestigation,
    RecordNoticeObjection,
    RecordVerificationFailure,
    RefuseAssistance,
    ReopenForCorrection,
    ResendVerificationRequest,
    SendRefusalNotice,
    ServiceMethod,
    SubmitMissingPapers,
    ToleranceCriteria,
    WithdrawAssistanceApplication,
)
from domain.relief.events import DECISION_EVENTS, RefusalNoticeDelivered, RefusalNoticeSent
from domain.relief.household import Member, Paper, Programme
from domain.relief.money import MonthLine, Segment, normalise
from domain.relief.state import ReliefState, Stage
from tests.domain.relief_support import (
    APPROVER,
    AUDITOR,
    CALENDAR,
    CASE_ID,
    CASEWORKER,
    CENTRE,
    OPERATOR,
    OTHER_CASEWORKER,
    REVIEWER,
    SUPERVISOR,
    application,
    household,
    reply,
    usual_actor,
)

ACTORS = st.sampled_from(
    [
        SYSTEM,
        OPERATOR,
        CASEWORKER,
        OTHER_CASEWORKER,
        APPROVER,
        REVIEWER,
        SUPERVISOR,
        CENTRE,
        AUDITOR,
    ]
)
AMOUNTS = st.integers(min_value=0, max_value=400_000)
REASONS = st.lists(
    st.sampled_from(["收入超标", "已就业", "材料不实", "情况属实"]), min_size=1, max_size=2
)
MONTHS = st.sampled_from(["2025-12", "2026-02", "2026-04", "2026-06", "2026-09", "2027-01"])
CRITERIA = st.builds(
    ToleranceCriteria,
    good_faith=st.booleans(),
    duties_done=st.booleans(),
    objective_cause=st.booleans(),
    corrected_in_time=st.booleans(),
    no_serious_harm=st.booleans(),
)
PROGRAMMES = st.sampled_from(list(Programme))
HOUSEHOLDS = st.one_of(
    st.just(household()),
    st.just(household(members=[Member(age=15)], declared_income_fen=0)),  # a minor alone
    st.just(household(members=[Member(age=40, able_to_work=True)], income_stable=False)),
)
PAPERS = st.lists(st.sampled_from(list(Paper)), unique=True, max_size=6)


def applications() -> st.SearchStrategy[Command]:
    def build(programme: Programme, emergency: bool, papers: list[Paper], hh: object) -> Command:
        emergency = emergency and programme is Programme.TEMPORARY
        return application(programme, emergency=emergency, papers=papers, household=hh)

    return st.builds(build, PROGRAMMES, st.booleans(), PAPERS, HOUSEHOLDS)


LEADS = st.builds(
    OpenDiscoveryLead,
    unit=st.just("潍坊新村街道"),
    household_ref=st.just("MON-1"),
    per_capita_income_fen=st.integers(0, 300_000),
)


def _keyed(state: ReliefState) -> st.SearchStrategy[Command]:
    keys = sorted(state.requests) or ["none"]
    key = st.sampled_from(keys)
    return st.one_of(
        st.builds(lambda k: AcknowledgeVerificationRequest(request_key=k, centre_ref="C"), key),
        st.builds(lambda k, i: reply(k, verified_income_fen=i), key, st.integers(0, 500_000)),
        st.builds(lambda k: RecordVerificationFailure(request_key=k, error="down"), key),
        st.just(ResendVerificationRequest(reason="中心未回执")),
    )


def _decision_numbers(state: ReliefState) -> st.SearchStrategy[int]:
    return st.integers(min_value=1, max_value=len(state.decisions) + 1)


def likely_command(state: ReliefState) -> st.SearchStrategy[Command]:
    """A command that fits the stage, so random runs get past the first stages."""
    match state.stage:
        case Stage.NEW:
            return applications() | LEADS
        case Stage.LEAD:
            return st.builds(CloseDiscoveryLead, reasons=REASONS) | st.builds(
                ApplyOnBehalf,
                programme=PROGRAMMES,
                household=HOUSEHOLDS,
                consent_to_verification=st.just(True),
                papers=PAPERS,
            )
        case Stage.APPLIED:
            return st.just(AcceptAssistanceApplication())
        case Stage.AWAITING_PAPERS | Stage.EMERGENCY | Stage.FOLLOW_UP:
            papers = st.just(
                SubmitMissingPapers(papers=list(state.papers_missing or ["id_document"]))
            )
            return st.one_of(
                papers,
                _keyed(state),
                st.builds(
                    GrantEmergencyAssistance,
                    one_off_amount_fen=st.integers(1, 900_000),
                    reason=st.just("火灾"),
                ),
                st.just(CompleteEmergencyFollowUp()),
                st.builds(RefuseAssistance, reasons=REASONS),
            )
        case Stage.VERIFICATION | Stage.INVESTIGATION | Stage.COMMUNITY_REVIEW:
            return st.one_of(
                _keyed(state),
                st.just(RecordHomeInvestigation(findings="入户核实", recommendation="eligible")),
                st.just(RecordCommunityReview(findings="民主评议")),
            )
        case Stage.INVESTIGATED | Stage.NOTICE:
            return st.one_of(
                st.just(PublishAssistanceNotice()),
                st.builds(
                    RecordNoticeObjection,
                    summary=st.just("异议"),
                    route=st.sampled_from(["investigation", "community_review"]),
                ),
            )
        case Stage.DECIDING:
            return st.one_of(
                st.builds(
                    ApproveAssistance,
                    monthly_amount_fen=st.none() | AMOUNTS,
                    one_off_amount_fen=st.none() | AMOUNTS,
                    start_month=st.none() | MONTHS,
                ),
                st.builds(RefuseAssistance, reasons=REASONS),
            )
        case Stage.REFUSAL_NOTICE:
            return st.one_of(
                st.builds(
                    DeliverRefusalNotice,
                    states_appeal_right=st.booleans(),
                    method=st.none() | st.sampled_from(ServiceMethod),
                    proof_ref=st.none() | st.just("EMS-1"),
                ),
                st.builds(
                    SendRefusalNotice,
                    method=st.sampled_from(ServiceMethod),
                    states_appeal_right=st.booleans(),
                ),
            )
        case Stage.APPEAL:
            return st.builds(
                DecideAssistanceAppeal,
                outcome=st.sampled_from(["upheld", "overturned", "varied"]),
                reasons=REASONS,
                monthly_amount_fen=st.none() | AMOUNTS,
                one_off_amount_fen=st.none() | AMOUNTS,
            )
        case Stage.CORRECTION:
            by_amount = st.builds(
                DecideCorrection,
                criteria=CRITERIA,
                corrected_amount_fen=AMOUNTS,
                from_month=st.none() | st.none() | MONTHS,
            )
            by_income = st.builds(
                DecideCorrection, criteria=CRITERIA, corrected_household_income_fen=AMOUNTS
            )
            return by_amount | by_amount | by_income
        case _:
            return st.one_of(
                st.builds(
                    FileAssistanceAppeal,
                    decision_no=_decision_numbers(state),
                    grounds=st.just("不服"),
                ),
                st.builds(
                    ReopenForCorrection,
                    decision_no=_decision_numbers(state),
                    error=st.just("计算错误"),
                    error_by=st.just("sw-wang"),
                ),
                st.builds(
                    CompletePeriodicReview,
                    outcome=st.sampled_from(["continue", "adjust", "stop"]),
                    monthly_amount_fen=st.none() | AMOUNTS,
                    reasons=st.lists(st.just("已就业"), max_size=1),
                ),
                st.builds(
                    RecordFraud,
                    from_month=MONTHS,
                    fine_percent=st.integers(100, 300),
                    findings=st.just("隐瞒收入"),
                ),
            )


def any_command(state: ReliefState) -> st.SearchStrategy[Command]:
    clocks = sorted(state.clocks) or ["whole_process"]
    clock_commands = st.builds(EscalateClock, clock=st.sampled_from(clocks)) | st.builds(
        GrantExtension,
        clock=st.sampled_from(clocks),
        by=st.integers(1, 20),
        reason=st.just("特殊情况"),
    )
    return st.one_of(
        likely_command(state),
        clock_commands,
        st.just(WithdrawAssistanceApplication(reason="撤回")),
        st.just(AcceptAssistanceApplication()),
        _keyed(state),
    )


WAITS = st.one_of(
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)),
    st.timedeltas(min_value=timedelta(days=3), max_value=timedelta(days=70)),
)
STARTS = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2026, 6, 30), timezones=st.just(SHANGHAI)
)


# --- invariants ----------------------------------------------------------------------------------


def _stored_and_read_back(events: list[Event]) -> list[Event]:
    return [RELIEF.parse_event(e.type, e.schema_version, e.payload()) for e in events]


def check_money(events: list[Event]) -> None:
    """Amounts never go negative unless they are a recovery."""
    for e in events:
        for segment in getattr(e, "schedule", []):
            assert isinstance(segment, Segment) and segment.monthly_fen >= 0
        lines: list[MonthLine] = getattr(e, "lines", [])
        assert all(x.paid_fen >= 0 and x.due_fen >= 0 for x in lines)
        match e.type:
            case "BackPaymentOrdered":
                assert e.total_fen > 0 and all(x.difference_fen != 0 for x in lines)  # type: ignore[attr-defined]
                assert sum(x.difference_fen for x in lines) == e.total_fen  # type: ignore[attr-defined]
            case "RecoveryOrdered":
                assert e.total_fen < 0  # type: ignore[attr-defined]
                assert sum(x.difference_fen for x in lines) == e.total_fen  # type: ignore[attr-defined]
            case "FineImposed":
                assert e.amount_fen >= e.obtained_fen > 0  # type: ignore[attr-defined]
        for name in ("monthly_amount_fen", "one_off_amount_fen", "amount_fen"):
            value = getattr(e, name, None)
            assert value is None or value >= 0, (e.type, name, value)


def check_decided_after_checks(before: ReliefState, events: list[Event]) -> None:
    """No decision without a completed verification and notice (fast-track aside)."""
    for e in events:
        if e.type in ("AssistanceApproved", "AssistanceRefused") and not before.emergency:
            assert before.verification is not None, "decided without verification"
            assert before.notice_done or before.notice_exempt, "decided without the notice"
            assert before.investigated_by is not None, "decided without investigation"


def _decision_no(e: Event) -> int:
    return int(e.model_dump()["decision_no"])


def check_references(history: list[Event], state: ReliefState) -> None:
    """Every appeal and correction references an existing decision event, by number and version."""
    numbers = [_decision_no(e) for e in history if e.type in DECISION_EVENTS]
    assert numbers == list(range(1, len(numbers) + 1)), "decisions are numbered once each"
    assert [d.no for d in state.decisions] == numbers
    for d in state.decisions:
        assert history[d.version - 1].type == d.event_type
    for e in history:
        pointer = None
        match e.type:
            case "AppealFiled" | "AppealDecided" | "CorrectionOpened":
                pointer = (e.decision_no, e.decision_version)  # type: ignore[attr-defined]
            case "AssistanceRedecided":
                pointer = (e.reviews_decision_no, e.reviews_version)  # type: ignore[attr-defined]
            case "CorrectionDecided":
                pointer = (e.corrects_decision_no, e.corrects_version)  # type: ignore[attr-defined]
        if pointer is not None:
            no, version = pointer
            target = history[version - 1]
            assert target.type in DECISION_EVENTS and _decision_no(target) == no
    first_decisions = [
        e
        for e in history
        if e.type in ("AssistanceApproved", "AssistanceRefused", "EmergencyAssistanceGranted")
    ]
    assert len(first_decisions) <= 1, "an application is decided once"


def assert_invariants(state: ReliefState, history: list[Event]) -> None:
    initial = RELIEF.initial(CASE_ID)
    assert RELIEF.fold(history, initial) == state, "replaying the history rebuilds the state"
    assert RELIEF.fold(_stored_and_read_back(history), initial) == state, "so does the ledger"
    assert state.event_count == len(history)
    assert state.closed == (state.stage == Stage.CLOSED)
    if state.closed:
        assert state.clocks == {}, "a closed case runs no clocks"
    assert normalise(state.entitlement) == state.entitlement
    assert 0 <= state.escalation_level <= 3
    check_money(history)
    check_references(history, state)
    if state.stage == Stage.AWAITING_PAPERS:
        assert state.papers_missing and not any(c.running for c in state.clocks.values())
    # a notice sent by post (or otherwise) is served only with its proof (送达)
    sent: set[int] = set()
    for recorded in history:
        if isinstance(recorded, RefusalNoticeSent):
            sent.add(recorded.decision_no)
        if isinstance(recorded, RefusalNoticeDelivered) and recorded.decision_no in sent:
            assert recorded.proof_ref, "served without proof"


def staff_for(command: Command) -> Actor:
    if isinstance(
        command,
        (
            ReopenForCorrection,
            CompletePeriodicReview,
            RecordCommunityReview,
            CompleteEmergencyFollowUp,
        ),
    ):
        return CASEWORKER
    return usual_actor(command)


def tick(state: ReliefState, history: list[Event], now: datetime) -> ReliefState:
    """The runtime's timer: every due rung escalates, as the system, before anything else."""
    for name in sorted(state.clocks):
        if name in state.clocks and state.clocks[name].rungs_due(now):
            before = state
            events = RELIEF.decide(
                state, EscalateClock(clock=name), DecisionContext(now, SYSTEM, CALENDAR)
            )
            check_decided_after_checks(before, events)
            state = RELIEF.fold(events, state)
            history.extend(events)
    return state


@settings(max_examples=150, deadline=None)
@given(start=STARTS, length=st.integers(min_value=1, max_value=30), data=st.data())
def test_any_command_sequence_keeps_the_relief_invariants(
    start: datetime, length: int, data: st.DataObject
) -> None:
    state = RELIEF.initial(CASE_ID)
    history: list[Event] = []
    now = start
    for _ in range(length):
        plausible = data.draw(st.integers(0, 4), label="plausible") > 0
        command = data.draw(
            likely_command(state) if plausible else any_command(state), label="command"
        )
        by_usual = data.draw(st.integers(0, 4), label="usual actor") > 0
        actor = staff_for(command) if by_usual else data.draw(ACTORS, label="actor")
        now += data.draw(WAITS, label="wait")
        state = tick(state, history, now)
        ctx = DecisionContext(now, actor, CALENDAR)
        try:
            events = RELIEF.decide(state, command, ctx)
        except DomainError as refused:
            assert refused.code
            event(f"refused: {refused.code}")
            continue
        assert events, f"{command.type} was accepted but recorded nothing"
        assert RELIEF.decide(state, command, ctx) == events, "deciding is repeatable"
        check_decided_after_checks(state, events)
        state = RELIEF.fold(events, state)
        history.extend(events)
        for accepted in events:
            event(f"recorded: {accepted.type}")
        assert_invariants(state, history)
    event(f"final stage: {state.stage}")
