"""Voluntary deregistration (注销) and forced exit (撤销登记 / 吊销登记证书)."""

from __future__ import annotations

from domain.actors import require_four_eyes, require_role
from domain.calendar import local_date
from domain.case import ClockStarted
from domain.clocks import start_clock
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.socialorg import org_rules, rules
from domain.socialorg.commands import (
    ApplyForDeregistration,
    CompleteDeregistration,
    DecideRevocation,
    FinishLiquidation,
    ProposeRevocation,
    RecordCertificateReturned,
    RecordDeregistrationApproval,
    StartLiquidation,
)
from domain.socialorg.common import DECIDERS, FRONT_LINE, REVIEWERS, require_stage, stop, stop_all
from domain.socialorg.events import (
    CertificateReturned,
    DeregistrationApplied,
    DeregistrationApprovedBySponsor,
    GradeEvaluationClosed,
    LiquidationFinished,
    LiquidationStarted,
    OrganisationDeregistered,
    RegistrationRevoked,
    RevocationProposed,
    RevocationRejected,
    WarningIssued,
)
from domain.socialorg.state import SocialOrgState, Stage

# --- voluntary deregistration ----------------------------------------------------------------


def record_deregistration_approval(
    state: SocialOrgState, command: RecordDeregistrationApproval, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.REGISTERED,), "recording a deregistration approval")
    require_role(ctx.actor, FRONT_LINE, "recording a deregistration approval")
    if state.deregistration_approved_on is not None:
        raise DomainError("already_approved", "the deregistration is already approved")
    if command.approved_on > local_date(ctx.now):
        raise DomainError("future_date", "the approval date lies in the future")
    return [DeregistrationApprovedBySponsor(approved_on=command.approved_on, at=ctx.now)]


def start_liquidation(
    state: SocialOrgState, command: StartLiquidation, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.REGISTERED,), "starting liquidation")
    require_role(ctx.actor, FRONT_LINE, "recording the start of liquidation")
    if state.deregistration_approved_on is None:
        raise DomainError(
            "no_sponsor_approval", "liquidation starts after the sponsor approved deregistration"
        )
    if state.revocation is not None:
        raise DomainError(
            "revocation_pending", "a revocation proposal is pending: it is decided first"
        )
    events: list[Event] = stop_all(state, "liquidation: no other activity (清算期间)")
    if state.grading is not None:
        events.append(GradeEvaluationClosed(reason="已进入清算", at=ctx.now))
    return [*events, LiquidationStarted(at=ctx.now)]


def finish_liquidation(
    state: SocialOrgState, command: FinishLiquidation, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.LIQUIDATING,), "finishing liquidation")
    require_role(ctx.actor, FRONT_LINE, "recording the end of liquidation")
    if state.liquidation_finished:
        raise DomainError("already_finished", "liquidation has already ended")
    clock = start_clock(rules.DEREGISTRATION_APPLICATION, ctx.now, ctx.calendar, ctx.clock_rules)
    return [LiquidationFinished(at=ctx.now), ClockStarted(clock=clock)]


def apply_for_deregistration(
    state: SocialOrgState, command: ApplyForDeregistration, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.LIQUIDATING,), "applying for deregistration")
    require_role(ctx.actor, FRONT_LINE, "receiving a deregistration application")
    if not state.liquidation_finished:
        raise DomainError("liquidation_running", "deregistration is applied for after liquidation")
    clock = state.clocks.get(rules.DEREGISTRATION_APPLICATION.name)
    late = clock is None or ctx.now > clock.due_at
    return [
        DeregistrationApplied(late=late, at=ctx.now),
        *stop(state, [rules.DEREGISTRATION_APPLICATION.name], "deregistration applied for"),
    ]


def on_deregistration_overdue(state: SocialOrgState, ctx: DecisionContext) -> list[Event]:
    source = org_rules.article(org_rules.DEREGISTRATION_APPLICATION, state.org_type)
    if not ctx.statutory_periods:
        source = "社团条例 Art 21"  # the warning's text as cases counted before recorded it
    reason = f"注销登记 not applied for within 15 days after liquidation ({source})"
    return [WarningIssued(reason=reason, at=ctx.now)]


def record_certificate_returned(
    state: SocialOrgState, command: RecordCertificateReturned, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.DEREGISTERING,), "recording the certificate's return")
    require_role(ctx.actor, FRONT_LINE, "receiving the certificate and seals")
    if not (command.certificate or command.seals):
        raise DomainError("nothing_returned", "say what was handed back")
    return [CertificateReturned(certificate=command.certificate, seals=command.seals, at=ctx.now)]


def complete_deregistration(
    state: SocialOrgState, command: CompleteDeregistration, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.DEREGISTERING,), "completing deregistration")
    require_role(ctx.actor, DECIDERS, "deregistering an organisation")
    if not (state.certificate_returned and state.seals_returned):
        raise DomainError(
            "certificate_not_returned", "the certificate and the seals must be handed back first"
        )
    return [
        *stop_all(state, "deregistered"),
        OrganisationDeregistered(notice_reference=command.notice_reference, at=ctx.now),
    ]


# --- forced exit -------------------------------------------------------------------------------


def propose_revocation(
    state: SocialOrgState, command: ProposeRevocation, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.REGISTERED,), "proposing a revocation")
    require_role(ctx.actor, REVIEWERS, "drafting a revocation proposal")
    if state.revocation is not None:
        raise DomainError("revocation_pending", "a revocation proposal is already pending")
    return [
        RevocationProposed(
            kind=command.kind,
            grounds=command.grounds,
            proposed_by=ctx.actor.user_id,
            at=ctx.now,
        )
    ]


def decide_revocation(
    state: SocialOrgState, command: DecideRevocation, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.REGISTERED,), "deciding a revocation")
    require_role(ctx.actor, DECIDERS, "deciding a revocation")
    draft = state.revocation
    if draft is None:
        raise DomainError("no_revocation_proposal", "no revocation proposal is pending")
    require_four_eyes(draft.proposed_by, ctx.actor, "revocation proposal")
    if not command.approve:
        return [RevocationRejected(reason=command.reason, at=ctx.now)]
    return [
        *stop_all(state, "registration revoked"),
        RegistrationRevoked(
            kind=draft.kind, grounds=list(draft.grounds), reason=command.reason, at=ctx.now
        ),
    ]
