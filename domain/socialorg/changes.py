"""Change registration (变更登记) within 30 days of the sponsor's approval."""

from __future__ import annotations

from domain.actors import require_role
from domain.calendar import local_date
from domain.case import ClockStarted
from domain.clocks import start_clock
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.socialorg import org_rules, rules, timers
from domain.socialorg.commands import RecordChangeApproval, RegisterOrgChange
from domain.socialorg.common import FRONT_LINE, REVIEWERS, require_stage, stop
from domain.socialorg.events import ChangeApprovedBySponsor, OrgChangeRegistered, WarningIssued
from domain.socialorg.state import SocialOrgState, Stage


def record_change_approval(
    state: SocialOrgState, command: RecordChangeApproval, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.REGISTERED,), "recording a change approval")
    require_role(ctx.actor, FRONT_LINE, "recording a change approval")
    if state.change is not None:
        raise DomainError("change_pending", "an approved change still awaits its registration")
    if command.approved_on > local_date(ctx.now):
        raise DomainError("future_date", "the approval date lies in the future")
    # The 30 days count from the sponsor's approval, not from when it reached the authority
    # (the approval day itself not counted: the period ends at 24:00 of its 30th day after).
    started = timers.start_of_day(command.approved_on)
    return [
        ChangeApprovedBySponsor(
            matters=command.matters, approved_on=command.approved_on, at=ctx.now
        ),
        ClockStarted(
            clock=start_clock(rules.CHANGE_REGISTRATION, started, ctx.calendar, ctx.clock_rules)
        ),
    ]


def register_change(
    state: SocialOrgState, command: RegisterOrgChange, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.REGISTERED,), "registering a change")
    require_role(ctx.actor, REVIEWERS, "registering a change")
    if state.change is None:
        raise DomainError("no_change_pending", "no approved change awaits registration")
    clock = state.clocks.get(rules.CHANGE_REGISTRATION.name)
    late = clock is None or ctx.now > clock.due_at
    return [
        OrgChangeRegistered(matters=list(state.change.matters), late=late, at=ctx.now),
        *stop(state, [rules.CHANGE_REGISTRATION.name], "change registered"),
    ]


def on_change_overdue(state: SocialOrgState, ctx: DecisionContext) -> list[Event]:
    source = org_rules.article(org_rules.CHANGE_REGISTRATION, state.org_type)
    if not ctx.statutory_periods:
        source = "社团条例 Art 18"  # the warning's text as cases counted before recorded it
    reason = f"{source}: change not registered within 30 days of the sponsor's approval"
    return [WarningIssued(reason=reason, at=ctx.now)]
