"""The social-organisation decider: which part of the rulebook answers each command."""

from __future__ import annotations

from typing import assert_never

from domain.actors import SYSTEM
from domain.case import (
    ClockEscalated,
    EscalateClock,
    GrantExtension,
    RecomputeClocks,
    decide_clock_command,
    recompute_clocks,
)
from domain.clocks import Rung
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.socialorg import changes, cycle, exits, grading, lists, registration, rules, timers
from domain.socialorg.commands import (
    ApplyForDeregistration,
    ApplyForGradeEvaluation,
    ApplyForOrgRegistration,
    CompleteDeregistration,
    DecideGradeObjection,
    DecideRevocation,
    FileAnnualReport,
    FileGradeObjection,
    FinishLiquidation,
    ProposeGrade,
    ProposeRevocation,
    RecordCertificateReturned,
    RecordChangeApproval,
    RecordDeregistrationApproval,
    RecordInspectionResult,
    RecordOrgActivity,
    RecordOrgPenalty,
    RecordRectification,
    RefuseOrgRegistration,
    RegisterOrganisation,
    RegisterOrgChange,
    RemoveFromAbnormalList,
    SocialOrgCommand,
    StartLiquidation,
    SubmitRegistrationDocuments,
)
from domain.socialorg.common import stop
from domain.socialorg.state import WINDING_UP, SocialOrgState

# While winding up (清算, then the deregistration itself) nothing else may happen.
WINDING_UP_COMMANDS = frozenset(
    {
        "FinishLiquidation",
        "ApplyForDeregistration",
        "RecordCertificateReturned",
        "CompleteDeregistration",
        "EscalateClock",
        "GrantExtension",
        "RecomputeClocks",
    }
)


def decide(state: SocialOrgState, command: SocialOrgCommand, ctx: DecisionContext) -> list[Event]:
    if state.closed:
        raise DomainError("case_closed", f"the case is closed ({state.closed_reason})")
    if state.stage in WINDING_UP and command.type not in WINDING_UP_COMMANDS:
        raise DomainError(
            "in_liquidation",
            "清算期间不得开展清算以外的活动: during liquidation and deregistration the "
            f"organisation may do nothing else ({command.type} refused)",
        )
    match command:
        case ApplyForOrgRegistration():
            return registration.apply(state, command, ctx)
        case SubmitRegistrationDocuments():
            return registration.submit_documents(state, command, ctx)
        case RegisterOrganisation():
            return registration.register(state, command, ctx)
        case RefuseOrgRegistration():
            return registration.refuse(state, command, ctx)
        case RecordOrgActivity():
            return registration.record_activity(state, command, ctx)
        case FileAnnualReport():
            return cycle.file_report(state, command, ctx)
        case RecordInspectionResult():
            return cycle.record_result(state, command, ctx)
        case RecordRectification():
            return cycle.record_rectification(state, command, ctx)
        case RemoveFromAbnormalList():
            return lists.remove_from_abnormal_list(state, command, ctx)
        case ApplyForGradeEvaluation():
            return grading.apply(state, command, ctx)
        case ProposeGrade():
            return grading.propose(state, command, ctx)
        case FileGradeObjection():
            return grading.object_to(state, command, ctx)
        case DecideGradeObjection():
            return grading.decide_objection(state, command, ctx)
        case RecordOrgPenalty():
            return grading.record_penalty(state, command, ctx)
        case RecordChangeApproval():
            return changes.record_change_approval(state, command, ctx)
        case RegisterOrgChange():
            return changes.register_change(state, command, ctx)
        case RecordDeregistrationApproval():
            return exits.record_deregistration_approval(state, command, ctx)
        case StartLiquidation():
            return exits.start_liquidation(state, command, ctx)
        case FinishLiquidation():
            return exits.finish_liquidation(state, command, ctx)
        case ApplyForDeregistration():
            return exits.apply_for_deregistration(state, command, ctx)
        case RecordCertificateReturned():
            return exits.record_certificate_returned(state, command, ctx)
        case CompleteDeregistration():
            return exits.complete_deregistration(state, command, ctx)
        case ProposeRevocation():
            return exits.propose_revocation(state, command, ctx)
        case DecideRevocation():
            return exits.decide_revocation(state, command, ctx)
        case EscalateClock():
            return escalate(state, command, ctx)
        case GrantExtension():
            if command.clock in timers.TIMERS:
                raise DomainError(
                    "not_extendable", f"{command.clock} is a fixed moment, not a deadline"
                )
            return decide_clock_command(state, command, ctx)
        case RecomputeClocks():
            return recompute_clocks(state, command, ctx)
        case _:
            assert_never(command)


def escalate(state: SocialOrgState, command: EscalateClock, ctx: DecisionContext) -> list[Event]:
    """A clock's moment came: timers say what the moment means, deadlines climb their ladder."""
    clock = state.clocks.get(command.clock)
    if clock is None or clock.name not in timers.TIMERS:
        events = decide_clock_command(state, command, ctx)
        rungs = {e.rung for e in events if isinstance(e, ClockEscalated)}
        return [*events, *_deadline_consequences(state, command.clock, rungs, ctx)]
    if ctx.actor != SYSTEM:
        raise DomainError("role_not_allowed", "only the system's timer fires a timer")
    if not clock.rungs_due(ctx.now):
        raise DomainError("not_due", f"{clock.name} fires at {clock.due_at}")
    fired = stop(state, [clock.name], "fired")
    match clock.name:
        case timers.NEXT_CYCLE:
            return [*fired, *cycle.open_cycle(state, clock, ctx)]
        case timers.SPONSOR_REPORT_NOTICE | timers.AUTHORITY_REPORT_NOTICE:
            return [*fired, *cycle.on_report_notice(state, clock.name, ctx)]
        case timers.FIRST_ACTIVITY:
            return [*fired, *lists.on_first_activity_due(state, ctx)]
        case timers.ABNORMAL_TO_SERIOUS:
            return [*fired, *lists.on_two_years_listed(state, ctx)]
        case timers.GRADE_NOTICE:
            return [*fired, *grading.on_notice_over(state, ctx)]
        case timers.GRADE_EXPIRY:
            return [*fired, *grading.on_expiry(state, ctx)]
        case _:
            return fired


def _deadline_consequences(
    state: SocialOrgState, name: str, rungs: set[Rung], ctx: DecisionContext
) -> list[Event]:
    """What a deadline's reminder or due rung sets off besides the escalation itself."""
    due = Rung.L1_DUE in rungs
    if name in cycle.RECIPIENT_OF:
        return cycle.on_report_rung(state, name, Rung.REMINDER in rungs, due, ctx)
    if not due:
        return []
    if name.startswith(cycle.RECTIFICATION_PREFIX):
        return cycle.on_rectification_due(state, name, ctx)
    if name == rules.CHANGE_REGISTRATION.name:
        return changes.on_change_overdue(state, ctx)
    if name == rules.DEREGISTRATION_APPLICATION.name:
        return exits.on_deregistration_overdue(state, ctx)
    return []
