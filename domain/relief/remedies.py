"""Remedies: administrative review (行政复议), error correction (容错纠错) and fraud (Art 68).
Each points at the decision event it reviews or corrects; nothing earlier is changed."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.actors import require_four_eyes, require_role, require_uninvolved
from domain.calendar import local_date
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.relief import rules
from domain.relief.commands import (
    AppealOutcome,
    DecideAssistanceAppeal,
    DecideCorrection,
    FileAssistanceAppeal,
    RecordFraud,
    ReopenForCorrection,
)
from domain.relief.common import (
    DECIDERS,
    FRONT_LINE,
    REVIEWERS,
    TERMINAL,
    appeal_until,
    close,
    next_decision_no,
    programme_of,
    require_stage,
    settled_stage,
    settlement,
    start,
    stop_clocks,
    this_month,
)
from domain.relief.events import (
    AppealDecided,
    AppealFiled,
    AssistanceRedecided,
    CorrectionDecided,
    CorrectionOpened,
    FineImposed,
    FraudSanctioned,
    SettlementReason,
)
from domain.relief.evolve import fold
from domain.relief.household import Programme
from domain.relief.money import (
    Schedule,
    dibao_gap,
    fine,
    first_paid_month,
    with_amount_from,
    with_one_off,
)
from domain.relief.state import DecisionRecord, ReliefState, Stage

APPEALABLE_STAGES = (Stage.REFUSED, Stage.IN_PAYMENT, Stage.PAID, Stage.STOPPED)
CORRECTABLE_STAGES = (*APPEALABLE_STAGES, Stage.FOLLOW_UP)


def _decision(state: ReliefState, no: int) -> DecisionRecord:
    decision = state.decision(no)
    if decision is None:
        known = ", ".join(str(d.no) for d in state.decisions) or "none"
        raise DomainError(
            "no_such_decision", f"this case has no decision {no} (decisions: {known})"
        )
    return decision


def _window_closes(decision: DecisionRecord, ctx: DecisionContext) -> datetime:
    if decision.appeal_until is not None:
        return decision.appeal_until
    # Never notified in writing, so never told of the right: the longest window applies, 1
    # year from the decision (复议法 Art 20), to 24:00 of its last day (民事诉讼法 Art 85).
    if ctx.statutory_periods:
        return appeal_until(ctx, informed=False, learned=decision.at)
    return decision.at + timedelta(days=366)


def file_appeal(
    state: ReliefState, command: FileAssistanceAppeal, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, APPEALABLE_STAGES, "filing an appeal")
    require_role(ctx.actor, FRONT_LINE, "recording an appeal")
    decision = _decision(state, command.decision_no)
    if not decision.appealable:
        raise DomainError(
            "not_appealable", "a re-decision on review is challenged in court (行政诉讼), not here"
        )
    if decision.appealed:
        raise DomainError("already_appealed", f"decision {decision.no} was appealed already")
    closes = _window_closes(decision, ctx)
    if ctx.now > closes:
        raise DomainError(
            "appeal_out_of_time",
            f"行政复议法 Art 20: the window to seek review of decision {decision.no} closed on "
            f"{local_date(closes - timedelta(microseconds=1)).isoformat()}",
        )
    return [
        AppealFiled(
            appeal_no=len(state.appeals) + 1,
            decision_no=decision.no,
            decision_version=decision.version,
            grounds=command.grounds,
            by=ctx.actor.user_id,
            at=ctx.now,
        ),
        *stop_clocks(state, ["appeal_window"], "appeal filed"),
        start(rules.APPEAL_REVIEW, ctx),
    ]


def _redecided_schedule(
    state: ReliefState, month: str, monthly: int | None, one_off: int | None
) -> tuple[Schedule, int]:
    if programme_of(state).monthly:
        if monthly is None or one_off is not None:
            raise DomainError("amount_required", "give the new monthly amount")
        return with_amount_from(state.entitlement, month, monthly), monthly
    if one_off is None or monthly is not None:
        raise DomainError("amount_required", "give the new one-off amount")
    return with_one_off(state.entitlement, month, one_off), one_off


def decide_appeal(
    state: ReliefState, command: DecideAssistanceAppeal, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.APPEAL,), "deciding an appeal")
    require_role(ctx.actor, DECIDERS, "deciding an appeal")
    appeal = state.open_appeal
    assert appeal is not None, "a case under appeal has an open appeal"
    decision = _decision(state, appeal.decision_no)
    require_uninvolved(decision.participants, ctx.actor, f"decision {decision.no}")
    decided = AppealDecided(
        appeal_no=appeal.no,
        decision_no=decision.no,
        decision_version=decision.version,
        outcome=command.outcome,
        reasons=command.reasons,
        by=ctx.actor.user_id,
        at=ctx.now,
    )
    events: list[Event] = [decided, *stop_clocks(state, ["appeal_review"], "appeal decided")]
    if command.outcome is AppealOutcome.UPHELD:
        if state.resume_stage in TERMINAL:
            events += close(fold(state, events), "appeal upheld: the decision stands", ctx)
        return events
    schedule, amount = _redecided_schedule(
        state, decision.effective_month, command.monthly_amount_fen, command.one_off_amount_fen
    )
    new_no = next_decision_no(state)
    events.append(
        AssistanceRedecided(
            decision_no=new_no,
            appeal_no=appeal.no,
            reviews_decision_no=decision.no,
            reviews_version=decision.version,
            monthly_amount_fen=amount if programme_of(state).monthly else None,
            one_off_amount_fen=None if programme_of(state).monthly else amount,
            from_month=decision.effective_month,
            schedule=list(schedule),
            by=ctx.actor.user_id,
            at=ctx.now,
        )
    )
    events += settlement(
        state.entitlement, schedule, decision.effective_month, ctx, new_no, SettlementReason.APPEAL
    )
    return events + _after_redecision(state, events, schedule, ctx, reopen_window=False)


def _after_redecision(
    state: ReliefState,
    events: list[Event],
    schedule: Schedule,
    ctx: DecisionContext,
    reopen_window: bool,
) -> list[Event]:
    """Clocks for where the case now stands: paying (review clock) or not (window, or closed)."""
    after = fold(state, events)
    match settled_stage(programme_of(state), schedule, ctx.now, state.resume_stage):
        case Stage.IN_PAYMENT:
            if "periodic_review" in after.clocks:
                return []
            unstable = state.household is not None and state.household.unstable
            return [start(rules.periodic_review(local_date(ctx.now), unstable), ctx)]
        case Stage.FOLLOW_UP:
            return []
        case _:
            stopped = stop_clocks(after, ["periodic_review"], "no longer paid")
            if not reopen_window:
                return close(after, "re-decided on review: the remedy is exhausted", ctx)
            return [*stopped, start(rules.appeal_window(local_date(ctx.now), True), ctx)]


def reopen(state: ReliefState, command: ReopenForCorrection, ctx: DecisionContext) -> list[Event]:
    require_stage(state, CORRECTABLE_STAGES, "reopening a decided case")
    require_role(ctx.actor, REVIEWERS, "reopening a decided case")
    decision = _decision(state, command.decision_no)
    return [
        CorrectionOpened(
            correction_no=len(state.corrections) + 1,
            decision_no=decision.no,
            decision_version=decision.version,
            error=command.error,
            error_by=command.error_by,
            by=ctx.actor.user_id,
            at=ctx.now,
        ),
        *stop_clocks(state, ["appeal_window"], "reopened for correction"),
        start(rules.CORRECTION, ctx),
    ]


def _corrected_amount(state: ReliefState, command: DecideCorrection) -> int:
    amount, income = command.corrected_amount_fen, command.corrected_household_income_fen
    if (amount is None) == (income is None):
        raise DomainError(
            "one_correction", "give the corrected amount, or (低保 only) the corrected income"
        )
    if amount is not None:
        return amount
    if state.programme is not Programme.DIBAO or state.household is None or income is None:
        raise DomainError("recompute_dibao_only", "only 低保 is recomputed from income")
    return dibao_gap(rules.DIBAO_LINE_FEN, len(state.household.members), income)


def decide_correction(
    state: ReliefState, command: DecideCorrection, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.CORRECTION,), "deciding a correction")
    require_role(ctx.actor, DECIDERS, "deciding a correction")
    correction = state.open_correction
    assert correction is not None, "a case under correction has an open correction"
    require_four_eyes(correction.opened_by, ctx.actor, "correction")
    decision = _decision(state, correction.decision_no)
    amount = _corrected_amount(state, command)
    from_month = command.from_month or decision.effective_month
    if from_month < decision.effective_month:
        raise DomainError(
            "before_decision", f"decision {decision.no} governs from {decision.effective_month}"
        )
    if programme_of(state).monthly:
        schedule = with_amount_from(state.entitlement, from_month, amount)
    else:
        schedule = with_one_off(state.entitlement, from_month, amount)
    new_no = next_decision_no(state)
    events: list[Event] = [
        CorrectionDecided(
            decision_no=new_no,
            correction_no=correction.no,
            corrects_decision_no=decision.no,
            corrects_version=decision.version,
            error=correction.error,
            error_by=correction.error_by,
            criteria=command.criteria,
            tolerated=command.criteria.tolerated,
            amount_fen=amount,
            from_month=from_month,
            schedule=list(schedule),
            note=command.note,
            appeal_until=appeal_until(ctx),
            by=ctx.actor.user_id,
            at=ctx.now,
        )
    ]
    events += settlement(
        state.entitlement, schedule, from_month, ctx, new_no, SettlementReason.CORRECTION
    )
    events += stop_clocks(state, ["correction"], "correction decided")
    return events + _after_redecision(state, events, schedule, ctx, reopen_window=True)


def record_fraud(state: ReliefState, command: RecordFraud, ctx: DecisionContext) -> list[Event]:
    require_stage(state, (Stage.IN_PAYMENT, Stage.PAID, Stage.STOPPED), "recording fraud")
    require_role(ctx.actor, DECIDERS, "recording fraud")
    first = first_paid_month(state.entitlement)
    if first is None or command.from_month > this_month(ctx):
        raise DomainError("nothing_paid", "fraud is recorded from a month that was paid")
    from_month = max(command.from_month, first)
    schedule = with_amount_from(state.entitlement, from_month, 0)
    if schedule == state.entitlement:
        raise DomainError("nothing_paid", f"nothing was paid from {from_month}: nothing to recover")
    new_no = next_decision_no(state)
    events: list[Event] = [
        FraudSanctioned(
            decision_no=new_no,
            from_month=from_month,
            findings=command.findings,
            schedule=list(schedule),
            appeal_until=appeal_until(ctx),
            by=ctx.actor.user_id,
            at=ctx.now,
        )
    ]
    recovery = settlement(
        state.entitlement, schedule, from_month, ctx, new_no, SettlementReason.FRAUD
    )
    events += recovery
    obtained = -sum(getattr(e, "total_fen", 0) for e in recovery)
    if obtained > 0:
        events.append(
            FineImposed(
                decision_no=new_no,
                obtained_fen=obtained,
                percent=command.fine_percent,
                amount_fen=fine(obtained, command.fine_percent),
                at=ctx.now,
            )
        )
    return [
        *events,
        *stop_clocks(state, ["periodic_review", "appeal_window"], "stopped for fraud"),
        start(rules.appeal_window(local_date(ctx.now), True), ctx),
    ]
