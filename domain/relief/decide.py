"""The relief decider: each command to the rule that handles it (DOMAIN.md §2)."""

from __future__ import annotations

from typing import assert_never

from domain.case import EscalateClock, GrantExtension, RecomputeClocks, recompute_clocks
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.relief import application, decisions, notice, remedies, timers, verify
from domain.relief.commands import (
    AcceptAssistanceApplication,
    AcknowledgeVerificationRequest,
    ApplyForAssistance,
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
    RecordVerificationReply,
    RefuseAssistance,
    ReliefCommand,
    ReopenForCorrection,
    ResendVerificationRequest,
    SendRefusalNotice,
    SubmitMissingPapers,
    WithdrawAssistanceApplication,
)
from domain.relief.evolve import evolve
from domain.relief.state import ReliefState


def decide(state: ReliefState, command: ReliefCommand, ctx: DecisionContext) -> list[Event]:
    if state.closed:
        raise DomainError("case_closed", "the case is closed")
    match command:
        case ApplyForAssistance():
            return application.apply(state, command, ctx)
        case OpenDiscoveryLead():
            return application.open_lead(state, command, ctx)
        case CloseDiscoveryLead():
            return application.close_lead(state, command, ctx)
        case ApplyOnBehalf():
            return application.apply_on_behalf(state, command, ctx)
        case AcceptAssistanceApplication():
            return application.accept(state, command, ctx)
        case SubmitMissingPapers():
            return application.submit_papers(state, command, ctx)
        case WithdrawAssistanceApplication():
            return application.withdraw(state, command, ctx)
        case AcknowledgeVerificationRequest():
            return verify.acknowledge(state, command, ctx)
        case RecordVerificationFailure():
            return verify.record_failure(state, command, ctx)
        case RecordVerificationReply():
            return verify.record_reply(state, command, ctx)
        case ResendVerificationRequest():
            return verify.resend(state, command, ctx)
        case RecordHomeInvestigation():
            return verify.investigate(state, command, ctx)
        case PublishAssistanceNotice():
            return notice.publish(state, command, ctx)
        case RecordNoticeObjection():
            return notice.object_to_notice(state, command, ctx)
        case RecordCommunityReview():
            return notice.community_review(state, command, ctx)
        case ApproveAssistance():
            return decisions.approve(state, command, ctx)
        case RefuseAssistance():
            return decisions.refuse(state, command, ctx)
        case SendRefusalNotice():
            return decisions.send_refusal(state, command, ctx)
        case DeliverRefusalNotice():
            return decisions.deliver_refusal(state, command, ctx)
        case GrantEmergencyAssistance():
            return decisions.grant_emergency(state, command, ctx)
        case CompleteEmergencyFollowUp():
            return decisions.complete_follow_up(state, command, ctx)
        case CompletePeriodicReview():
            return decisions.review(state, command, ctx)
        case FileAssistanceAppeal():
            return remedies.file_appeal(state, command, ctx)
        case DecideAssistanceAppeal():
            return remedies.decide_appeal(state, command, ctx)
        case ReopenForCorrection():
            return remedies.reopen(state, command, ctx)
        case DecideCorrection():
            return remedies.decide_correction(state, command, ctx)
        case RecordFraud():
            return remedies.record_fraud(state, command, ctx)
        case EscalateClock():
            return timers.escalate(state, command, ctx)
        case GrantExtension():
            return timers.extend(state, command, ctx)
        case RecomputeClocks():
            return recompute_clocks(state, command, ctx)
        case _:
            assert_never(command)


__all__ = ["decide", "evolve"]
