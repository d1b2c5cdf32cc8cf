"""Helpers every part of the relief decider shares: stages, roles, clocks, months, settlements."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from domain.actors import Role
from domain.calendar import SHANGHAI, local_date
from domain.case import ClockStarted, ClockStopped
from domain.clocks import ClockSpec, start_clock
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.relief import rules
from domain.relief.events import (
    BackPaymentOrdered,
    CaseClosed,
    RecoveryOrdered,
    SettlementReason,
    VerificationRequested,
)
from domain.relief.household import Programme
from domain.relief.money import Schedule, add_months, amount_in, month_of, settle, total
from domain.relief.state import ReliefState, RequestStatus, Stage

FRONT_LINE = (Role.OPERATOR, Role.CASEWORKER, Role.SUPERVISOR)
INVESTIGATORS = (Role.CASEWORKER, Role.SUPERVISOR)
DECIDERS = (Role.APPROVER, Role.SUPERVISOR)
REVIEWERS = (Role.CASEWORKER, Role.APPROVER, Role.SUPERVISOR)
CENTRE = (Role.INTEGRATION, Role.SUPERVISOR)  # a supervisor may key in a reply that came on paper

# Clocks that run from acceptance until the decision.
PROCESS_CLOCKS = (
    "acceptance",
    "whole_process",
    "tekun_investigation",
    "decision",
    "emergency_grant",
    "emergency_follow_up",
)
PRE_DECISION = (
    Stage.APPLIED,
    Stage.AWAITING_PAPERS,
    Stage.EMERGENCY,
    Stage.VERIFICATION,
    Stage.INVESTIGATION,
    Stage.COMMUNITY_REVIEW,
    Stage.INVESTIGATED,
    Stage.NOTICE,
    Stage.DECIDING,
)
TERMINAL = (Stage.REFUSED, Stage.PAID, Stage.STOPPED)


def require_stage(state: ReliefState, allowed: Iterable[Stage], doing: str) -> None:
    stages = tuple(allowed)
    if state.stage not in stages:
        wanted = " or ".join(s.value for s in stages)
        raise DomainError(
            "wrong_stage", f"{doing} is allowed when the case is {wanted}; it is {state.stage}"
        )


def programme_of(state: ReliefState) -> Programme:
    assert state.programme is not None, "an application names its programme"
    return state.programme


def process_clock(programme: Programme) -> ClockSpec:
    return rules.TEKUN_INVESTIGATION if programme is Programme.TEKUN else rules.WHOLE_PROCESS


def start(spec: ClockSpec, ctx: DecisionContext) -> ClockStarted:
    return ClockStarted(clock=start_clock(spec, ctx.now, ctx.calendar, ctx.clock_rules))


def stop_clocks(state: ReliefState, names: Iterable[str], reason: str) -> list[Event]:
    return [ClockStopped(clock=n, reason=reason) for n in names if n in state.clocks]


def close(state: ReliefState, reason: str, ctx: DecisionContext) -> list[Event]:
    """Stop every clock and close the case."""
    return [
        *stop_clocks(state, sorted(state.clocks), reason),
        CaseClosed(reason=reason, at=ctx.now),
    ]


def this_month(ctx: DecisionContext) -> str:
    return month_of(local_date(ctx.now))


def next_month(ctx: DecisionContext) -> str:
    return add_months(this_month(ctx), 1)


def next_decision_no(state: ReliefState) -> int:
    return len(state.decisions) + 1


def learned_at(ctx: DecisionContext, notified_on: date | None, decided_at: datetime) -> datetime:
    """When the applicant learned of a decision: the notice's delivery day, default now.

    A day before today counts from the start of that day (the day itself is not counted, so
    the hour does not matter); never in the future, never before the decision.
    """
    if notified_on is None or notified_on == local_date(ctx.now):
        return ctx.now
    if notified_on > local_date(ctx.now):
        raise DomainError("future_date", "the notice cannot have reached the applicant yet")
    if notified_on < local_date(decided_at):
        raise DomainError(
            "notified_before_decision",
            "the notice cannot have reached the applicant before the decision",
        )
    return datetime.combine(notified_on, time.min, tzinfo=SHANGHAI)


def appeal_until(
    ctx: DecisionContext, informed: bool = True, learned: datetime | None = None
) -> datetime:
    """When the applicant's window to seek administrative review closes (复议法 Art 20)."""
    at = learned or ctx.now
    spec = rules.appeal_window(local_date(at), informed)
    return start_clock(spec, at, ctx.calendar, ctx.clock_rules).due_at


def start_appeal_window(
    ctx: DecisionContext, informed: bool = True, learned: datetime | None = None
) -> ClockStarted:
    """The appeal window's clock, from the day the applicant learned of the decision."""
    at = learned or ctx.now
    spec = rules.appeal_window(local_date(at), informed)
    return ClockStarted(clock=start_clock(spec, at, ctx.calendar, ctx.clock_rules))


def request_verification(state: ReliefState, ctx: DecisionContext) -> list[Event]:
    """A new request to the centre with a fresh idempotency key, and its reply clock."""
    attempt = len(state.requests) + 1
    pending = [
        k
        for k, r in state.requests.items()
        if r.status in (RequestStatus.REQUESTED, RequestStatus.ACKNOWLEDGED, RequestStatus.FAILED)
    ]
    return [
        *stop_clocks(state, ["verification_reply"], "a new verification request"),
        VerificationRequested(
            request_key=f"{state.case_id}/V{attempt}",
            attempt=attempt,
            supersedes=pending[-1] if pending else None,
            at=ctx.now,
        ),
        start(rules.VERIFICATION_REPLY, ctx),
    ]


def settlement(
    paid: Schedule,
    due: Schedule,
    first: str,
    ctx: DecisionContext,
    decision_no: int,
    reason: SettlementReason,
) -> list[Event]:
    """A back-payment or a recovery of the difference, month by month, through this month."""
    lines = settle(paid, due, first, this_month(ctx))
    amount = total(lines)
    if amount > 0:
        return [
            BackPaymentOrdered(
                decision_no=decision_no,
                reason=reason,
                lines=list(lines),
                total_fen=amount,
                at=ctx.now,
            )
        ]
    if amount < 0:
        return [
            RecoveryOrdered(
                decision_no=decision_no,
                reason=reason,
                lines=list(lines),
                total_fen=amount,
                at=ctx.now,
            )
        ]
    return []


def settled_stage(
    programme: Programme, schedule: Schedule, at: datetime, resume: str | None
) -> Stage:
    """Where a case stands once a (re)decision fixed its schedule."""
    if resume == Stage.FOLLOW_UP:
        return Stage.FOLLOW_UP
    following = add_months(month_of(local_date(at)), 1)
    if programme.monthly and amount_in(schedule, following) > 0:
        return Stage.IN_PAYMENT
    if any(s.monthly_fen > 0 for s in schedule):
        return Stage.STOPPED if programme.monthly else Stage.PAID
    return Stage.REFUSED
