"""The individual plan (一人一策): 3A assessment, versions, four-eyes approval, services."""

from __future__ import annotations

from collections import Counter
from typing import assert_never

from domain.actors import Role, require_four_eyes, require_role
from domain.calendar import local_date
from domain.case import ClockStarted
from domain.clocks import ClockSpec, ClockUnit, start_clock
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.rescue import rules
from domain.rescue.commands_care import (
    ApproveIndividualPlan,
    CancelPlanService,
    CompletePlanService,
    DraftIndividualPlan,
    ReturnIndividualPlan,
)
from domain.rescue.events_care import (
    IndividualPlanApproved,
    IndividualPlanDrafted,
    IndividualPlanReturned,
    PlanServiceCancelled,
    PlanServiceCompleted,
)
from domain.rescue.guards import CASEWORK, DECIDERS, require_stage, start, stop_clocks
from domain.rescue.state import IN_CARE, PlanVersion, RescueState, ServiceStatus, Stage
from domain.rescue.vocabulary import PlannedService

PlanCommand = (
    DraftIndividualPlan
    | ApproveIndividualPlan
    | ReturnIndividualPlan
    | CompletePlanService
    | CancelPlanService
)
# Services can be finished or cancelled for as long as the case is open, also after the exit.
SERVICE_STAGES = (*IN_CARE, Stage.RETURNING, Stage.EXITED, Stage.FOLLOW_UP)
SERVICE_STAFF = (Role.OPERATOR, Role.CASEWORKER, Role.APPROVER, Role.SUPERVISOR)
APPROVAL_CLOCKS = (rules.PLAN_APPROVAL.name, rules.PLAN_REVISION_APPROVAL.name)


def service_clock_name(service_id: str) -> str:
    return f"service:{service_id}"


def decide_plan(state: RescueState, command: PlanCommand, ctx: DecisionContext) -> list[Event]:
    now = ctx.now
    match command:
        case DraftIndividualPlan():
            require_stage(state, IN_CARE, "drafting the individual plan")
            require_role(ctx.actor, CASEWORK, "drafting the individual plan")
            _check_services(state, command.services, ctx)
            in_force = state.plan_in_force
            events: list[Event] = [
                IndividualPlanDrafted(
                    version=len(state.plans) + 1,
                    drafted_by=ctx.actor.user_id,
                    assessment=command.assessment,
                    goals=command.goals,
                    services=command.services,
                    revises=in_force.version if in_force else None,
                    at=now,
                )
            ]
            if in_force is not None and not any(c in state.clocks for c in APPROVAL_CLOCKS):
                events.append(start(rules.PLAN_REVISION_APPROVAL, ctx))
            return events
        case ApproveIndividualPlan():
            draft = _the_draft(state, command, ctx, "approving the individual plan")
            require_four_eyes(draft.drafted_by, ctx.actor, "individual plan")
            return [
                IndividualPlanApproved(
                    version=draft.version, approved_by=ctx.actor.user_id, at=now
                ),
                *stop_clocks(state, APPROVAL_CLOCKS, f"plan version {draft.version} approved"),
                *_service_clocks(state, draft, ctx),
            ]
        case ReturnIndividualPlan():
            draft = _the_draft(state, command, ctx, "returning the individual plan")
            require_four_eyes(draft.drafted_by, ctx.actor, "individual plan")
            return [
                IndividualPlanReturned(
                    version=draft.version,
                    returned_by=ctx.actor.user_id,
                    reason=command.reason,
                    at=now,
                )
            ]
        case CompletePlanService():
            _require_active(state, command, ctx, "completing a service")
            return [
                PlanServiceCompleted(
                    service_id=command.service_id,
                    completed_by=ctx.actor.user_id,
                    outcome=command.outcome,
                    at=now,
                ),
                *stop_clocks(state, [service_clock_name(command.service_id)], "completed"),
            ]
        case CancelPlanService():
            _require_active(state, command, ctx, "cancelling a service")
            return [
                PlanServiceCancelled(
                    service_id=command.service_id,
                    cancelled_by=ctx.actor.user_id,
                    reason=command.reason,
                    at=now,
                ),
                *stop_clocks(state, [service_clock_name(command.service_id)], "cancelled"),
            ]
        case _:
            assert_never(command)


def _check_services(
    state: RescueState, services: list[PlannedService], ctx: DecisionContext
) -> None:
    ids = Counter(s.service_id for s in services)
    if twice := sorted(i for i, n in ids.items() if n > 1):
        raise DomainError("duplicate_service", f"service ids must be unique: {', '.join(twice)}")
    today = local_date(ctx.now)
    for service in services:
        known = state.services.get(service.service_id)
        if known is not None and known.status is not ServiceStatus.ACTIVE:
            raise DomainError(
                "service_already_ended",
                f"service {service.service_id} was {known.status}; give a new service a new id",
            )
        moved = known is None or known.due != service.due
        if moved and service.due < today:
            raise DomainError(
                "service_due_in_past", f"service {service.service_id} is due before today"
            )
    dropped = sorted(set(state.open_services) - set(ids))
    if dropped:
        raise DomainError(
            "service_dropped_without_cancel",
            f"cancel open service(s) {', '.join(dropped)} with a reason before dropping them",
        )


def _the_draft(
    state: RescueState,
    command: ApproveIndividualPlan | ReturnIndividualPlan,
    ctx: DecisionContext,
    doing: str,
) -> PlanVersion:
    # Stage, a waiting draft and the role come before the command's fields (domain/offers.py).
    require_stage(state, IN_CARE, doing)
    draft = state.draft_plan
    if draft is None:
        raise DomainError("no_such_draft", "no plan version waits for approval")
    require_role(ctx.actor, DECIDERS, doing)
    if draft.version != command.version:
        raise DomainError(
            "no_such_draft",
            f"plan version {command.version} is not waiting; version {draft.version} waits",
        )
    return draft


def _service_clocks(state: RescueState, plan: PlanVersion, ctx: DecisionContext) -> list[Event]:
    """A clock per service that the approval starts or moves (new, or its due date changed)."""
    events: list[Event] = []
    today = local_date(ctx.now)
    for service in plan.services:
        known = state.services.get(service.service_id)
        if known is not None and known.due == service.due:
            continue
        spec = ClockSpec(
            name=service_clock_name(service.service_id),
            unit=ClockUnit.CALENDAR_DAYS,
            amount=max(1, (service.due - today).days),
            rule=rules.SERVICE_RULE,
            starts="the plan's approval; due at 24:00 of the date the plan sets",
            holiday_rollover=False,  # the plan's own date, not a statutory period
        )
        events.append(ClockStarted(clock=start_clock(spec, ctx.now, ctx.calendar, ctx.clock_rules)))
    return events


def _require_active(
    state: RescueState,
    command: CompletePlanService | CancelPlanService,
    ctx: DecisionContext,
    doing: str,
) -> None:
    require_stage(state, SERVICE_STAGES, doing)
    require_role(ctx.actor, SERVICE_STAFF, doing)
    if not state.open_services:
        raise DomainError("no_such_service", "the approved plan has no open service")
    service_id = command.service_id
    service = state.services.get(service_id)
    if service is None or service.status is not ServiceStatus.ACTIVE:
        raise DomainError("no_such_service", f"no open service {service_id} in the approved plan")
