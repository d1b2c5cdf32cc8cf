"""Decisions (审核确认): approve or refuse, the written refusal, the 急难 fast-track, and the
periodic review of a benefit in payment (动态管理)."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.actors import require_four_eyes, require_role
from domain.calendar import local_date
from domain.clocks import start_clock
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.relief import rules
from domain.relief.commands import (
    ApproveAssistance,
    CompleteEmergencyFollowUp,
    CompletePeriodicReview,
    DeliverRefusalNotice,
    GrantEmergencyAssistance,
    RefuseAssistance,
    ReviewOutcome,
    SendRefusalNotice,
    ServiceMethod,
)
from domain.relief.common import (
    DECIDERS,
    FRONT_LINE,
    INVESTIGATORS,
    PROCESS_CLOCKS,
    REVIEWERS,
    appeal_until,
    learned_at,
    next_decision_no,
    next_month,
    programme_of,
    request_verification,
    require_stage,
    start,
    start_appeal_window,
    stop_clocks,
    this_month,
)
from domain.relief.events import (
    AssistanceApproved,
    AssistanceRefused,
    EmergencyAssistanceGranted,
    EmergencyFollowUpCompleted,
    PeriodicReviewCompleted,
    RefusalNoticeDelivered,
    RefusalNoticeSent,
)
from domain.relief.household import Programme
from domain.relief.money import (
    add_months_to_date,
    amount_in,
    dibao_gap,
    month_of,
    with_amount_from,
    with_one_off,
)
from domain.relief.state import ReliefState, Stage


def _unstable(state: ReliefState) -> bool:
    return state.household is not None and state.household.unstable


def _monthly_amount(state: ReliefState, command: ApproveAssistance) -> int:
    if command.one_off_amount_fen is not None:
        raise DomainError("one_off_not_allowed", "低保 and 特困 are paid monthly")
    amount = command.monthly_amount_fen
    if amount is None:
        if state.programme is not Programme.DIBAO or state.household is None:
            raise DomainError("amount_required", "特困 support needs its monthly amount")
        assert state.verification is not None
        amount = dibao_gap(
            rules.DIBAO_LINE_FEN,
            len(state.household.members),
            state.verification.verified_income_fen,
        )
    if amount <= 0:
        raise DomainError(
            "no_entitlement", "the household's verified income reaches the line: refuse instead"
        )
    return amount


def approve(state: ReliefState, command: ApproveAssistance, ctx: DecisionContext) -> list[Event]:
    require_stage(state, (Stage.DECIDING,), "approving assistance")
    require_role(ctx.actor, DECIDERS, "approving assistance")
    require_four_eyes(state.investigated_by, ctx.actor, "home investigation")
    programme = programme_of(state)
    if programme.monthly:
        monthly: int | None = _monthly_amount(state, command)
        one_off = None
        start_month = command.start_month or next_month(ctx)
        assert state.accepted_at is not None
        if start_month < month_of(local_date(state.accepted_at)):
            raise DomainError("start_too_early", "payment cannot start before the application")
        assert monthly is not None
        schedule = with_amount_from(state.entitlement, start_month, monthly)
        follow = start(rules.periodic_review(local_date(ctx.now), _unstable(state)), ctx)
        learned = learned_at(ctx, command.notified_on, ctx.now)
    else:
        if command.monthly_amount_fen is not None or not command.one_off_amount_fen:
            raise DomainError("one_off_required", "临时救助 is one amount, above zero")
        monthly, one_off, start_month = None, command.one_off_amount_fen, this_month(ctx)
        schedule = with_one_off(state.entitlement, start_month, one_off)
        learned = learned_at(ctx, command.notified_on, ctx.now)
        follow = start_appeal_window(ctx, learned=learned)
    return [
        AssistanceApproved(
            decision_no=next_decision_no(state),
            monthly_amount_fen=monthly,
            one_off_amount_fen=one_off,
            start_month=start_month,
            schedule=list(schedule),
            appeal_until=appeal_until(ctx, learned=learned),
            by=ctx.actor.user_id,
            at=ctx.now,
        ),
        *stop_clocks(state, PROCESS_CLOCKS, "decided"),
        follow,
    ]


def refuse(state: ReliefState, command: RefuseAssistance, ctx: DecisionContext) -> list[Event]:
    require_stage(state, (Stage.DECIDING, Stage.EMERGENCY), "refusing assistance")
    require_role(ctx.actor, DECIDERS, "refusing assistance")
    require_four_eyes(state.investigated_by, ctx.actor, "home investigation")
    return [
        AssistanceRefused(
            decision_no=next_decision_no(state),
            reasons=command.reasons,
            start_month=next_month(ctx),
            by=ctx.actor.user_id,
            at=ctx.now,
        ),
        *stop_clocks(state, PROCESS_CLOCKS, "decided"),
        start(rules.REFUSAL_NOTICE, ctx),
    ]


def send_refusal(
    state: ReliefState, command: SendRefusalNotice, ctx: DecisionContext
) -> list[Event]:
    """The notice went out in time; its service (送达) is an outside answer with a clock."""
    require_stage(state, (Stage.REFUSAL_NOTICE,), "sending the refusal notice")
    require_role(ctx.actor, FRONT_LINE, "sending the refusal notice")
    if state.refusal_notice_sent is not None:
        raise DomainError("notice_already_sent", "the refusal notice was sent already")
    if command.method is ServiceMethod.DIRECT:
        raise DomainError(
            "served_directly", "a notice handed over in person is served: record the delivery"
        )
    return [
        RefusalNoticeSent(
            decision_no=state.decisions[-1].no,
            method=command.method,
            states_appeal_right=command.states_appeal_right,
            sent_by=ctx.actor.user_id,
            at=ctx.now,
        ),
        *stop_clocks(state, ["refusal_notice"], "notice sent"),
        start(rules.REFUSAL_NOTICE_SERVICE, ctx),
    ]


def deliver_refusal(
    state: ReliefState, command: DeliverRefusalNotice, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.REFUSAL_NOTICE,), "delivering the refusal notice")
    require_role(ctx.actor, FRONT_LINE, "delivering the refusal notice")
    if state.refusal_notice_sent is not None and command.proof_ref is None:
        raise DomainError(
            "proof_of_service_required",
            "a notice sent by post or otherwise is served only with its proof (送达回证)",
        )
    decision = state.decisions[-1]
    learned = learned_at(ctx, command.delivered_on, decision.at)
    informed = command.states_appeal_right
    return [
        RefusalNoticeDelivered(
            decision_no=decision.no,
            states_appeal_right=informed,
            appeal_until=appeal_until(ctx, informed, learned),
            lawsuit_until=_lawsuit_until(ctx, learned),
            method=command.method or state.refusal_notice_sent,
            proof_ref=command.proof_ref,
            at=ctx.now,
        ),
        *stop_clocks(state, ["refusal_notice", "refusal_notice_service"], "notice delivered"),
        start_appeal_window(ctx, informed, learned),
    ]


def _lawsuit_until(ctx: DecisionContext, learned: datetime) -> datetime:
    """行政诉讼法 Art 46: 6 months from learning of the decision (Art 101 → 民事诉讼法 Art 85)."""
    if ctx.statutory_periods:
        return start_clock(rules.LAWSUIT, learned, ctx.calendar, ctx.clock_rules).due_at
    today = local_date(ctx.now)  # as counted before statutory period ends: 6 months of days
    lawsuit = add_months_to_date(today, rules.LAWSUIT_MONTHS)
    return ctx.now + timedelta(days=(lawsuit - today).days)


def grant_emergency(
    state: ReliefState, command: GrantEmergencyAssistance, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.EMERGENCY,), "granting emergency assistance")
    require_role(ctx.actor, DECIDERS, "granting emergency assistance")
    month = this_month(ctx)
    schedule = with_one_off(state.entitlement, month, command.one_off_amount_fen)
    return [
        EmergencyAssistanceGranted(
            decision_no=next_decision_no(state),
            one_off_amount_fen=command.one_off_amount_fen,
            month=month,
            reason=command.reason,
            schedule=list(schedule),
            appeal_until=appeal_until(ctx),
            by=ctx.actor.user_id,
            at=ctx.now,
        ),
        *stop_clocks(state, ["emergency_grant"], "help granted"),
        *request_verification(state, ctx),
        start(rules.EMERGENCY_FOLLOW_UP, ctx),
    ]


def complete_follow_up(
    state: ReliefState, command: CompleteEmergencyFollowUp, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.FOLLOW_UP,), "completing the emergency follow-up")
    require_role(ctx.actor, INVESTIGATORS, "completing the emergency follow-up")
    if state.papers_missing or state.verification is None:
        missing = ", ".join(state.papers_missing) or "none"
        verified = "done" if state.verification is not None else "pending"
        raise DomainError(
            "follow_up_incomplete", f"papers still missing: {missing}; verification: {verified}"
        )
    return [
        EmergencyFollowUpCompleted(note=command.note, at=ctx.now),
        *stop_clocks(state, ["emergency_follow_up"], "follow-up complete"),
        start_appeal_window(ctx),
    ]


def review(
    state: ReliefState, command: CompletePeriodicReview, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.IN_PAYMENT,), "completing a periodic review")
    require_role(ctx.actor, REVIEWERS, "completing a periodic review")
    from_month = next_month(ctx)
    current = amount_in(state.entitlement, from_month)
    match command.outcome:
        case ReviewOutcome.CONTINUE:
            if command.monthly_amount_fen not in (None, current):
                raise DomainError("amount_changes", "a changed amount is an adjustment")
            amount = current
        case ReviewOutcome.ADJUST:
            amount = command.monthly_amount_fen or 0
            if amount <= 0 or amount == current:
                raise DomainError(
                    "adjustment_amount", "an adjustment needs a new amount above zero; or stop"
                )
        case ReviewOutcome.STOP:
            if not command.reasons:
                raise DomainError(
                    "reasons_required", "社会救助暂行办法 Art 13: stopping needs written reasons"
                )
            amount = 0
    schedule = with_amount_from(state.entitlement, from_month, amount)
    learned = learned_at(ctx, command.notified_on, ctx.now)
    next_clock = (
        start_appeal_window(ctx, learned=learned)
        if amount == 0
        else start(rules.periodic_review(local_date(ctx.now), _unstable(state)), ctx)
    )
    return [
        PeriodicReviewCompleted(
            decision_no=next_decision_no(state),
            outcome=command.outcome,
            monthly_amount_fen=amount,
            from_month=from_month,
            reasons=command.reasons,
            schedule=list(schedule),
            appeal_until=appeal_until(ctx, learned=learned),
            by=ctx.actor.user_id,
            at=ctx.now,
        ),
        *stop_clocks(state, ["periodic_review"], "reviewed"),
        next_clock,
    ]
