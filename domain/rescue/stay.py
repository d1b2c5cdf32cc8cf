"""The stay (在站): weekly reviews, and stay extensions a supervisor approves (four eyes)."""

from __future__ import annotations

from typing import assert_never

from domain.actors import Role, require_four_eyes, require_role
from domain.case import ClockExtended
from domain.clocks import extend_clock
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.rescue import rules
from domain.rescue.commands_care import (
    ApproveStayExtension,
    RecordWeeklyReview,
    RefuseStayExtension,
    RequestStayExtension,
)
from domain.rescue.events_care import (
    StayExtensionApproved,
    StayExtensionRefused,
    StayExtensionRequested,
    WeeklyReviewRecorded,
)
from domain.rescue.guards import CASEWORK, require_stage, start
from domain.rescue.state import IN_CARE, RescueState, Stage, StayExtensionRequest

StayCommand = RecordWeeklyReview | RequestStayExtension | ApproveStayExtension | RefuseStayExtension


def decide_stay(state: RescueState, command: StayCommand, ctx: DecisionContext) -> list[Event]:
    now = ctx.now
    match command:
        case RecordWeeklyReview():
            require_stage(state, IN_CARE, "recording the weekly review")
            require_role(ctx.actor, CASEWORK, "recording the weekly review")
            if rules.WEEKLY_REVIEW.name not in state.clocks:
                raise DomainError("no_weekly_review", "this person is under the 10-day stay rule")
            return [
                WeeklyReviewRecorded(reviewed_by=ctx.actor.user_id, notes=command.notes, at=now),
                start(rules.WEEKLY_REVIEW, ctx),  # the next review, a week from now
            ]
        case RequestStayExtension():
            require_stage(state, (Stage.IN_STAY,), "requesting a stay extension")
            require_role(ctx.actor, CASEWORK, "requesting a stay extension")
            if rules.STAY_LIMIT.name not in state.clocks:
                raise DomainError("no_stay_limit", "the 10-day stay rule does not run here")
            if state.stay_extension_request is not None:
                raise DomainError("extension_pending", "a stay extension is already waiting")
            return [
                StayExtensionRequested(
                    days=command.days,
                    reason=command.reason,
                    requested_by=ctx.actor.user_id,
                    at=now,
                )
            ]
        case ApproveStayExtension():
            pending = _pending(state, ctx, "approving a stay extension")
            stay = state.clocks.get(rules.STAY_LIMIT.name)
            if stay is None:
                raise DomainError("no_stay_limit", "the 10-day stay rule does not run here")
            extended = extend_clock(stay, pending.days, now, ctx.calendar)
            return [
                StayExtensionApproved(days=pending.days, approved_by=ctx.actor.user_id, at=now),
                ClockExtended(clock=extended, by=pending.days, reason=pending.reason),
            ]
        case RefuseStayExtension():
            _pending(state, ctx, "refusing a stay extension")
            return [
                StayExtensionRefused(reason=command.reason, refused_by=ctx.actor.user_id, at=now)
            ]
        case _:
            assert_never(command)


def _pending(state: RescueState, ctx: DecisionContext, doing: str) -> StayExtensionRequest:
    require_stage(state, (Stage.IN_STAY,), doing)
    require_role(ctx.actor, [Role.SUPERVISOR], doing)
    pending = state.stay_extension_request
    if pending is None:
        raise DomainError("no_extension_request", "no stay extension is waiting for a decision")
    require_four_eyes(pending.requested_by, ctx.actor, "stay extension request")
    return pending
