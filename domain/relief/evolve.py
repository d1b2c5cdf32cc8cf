"""How each relief event changes the case's state."""

from __future__ import annotations

from collections.abc import Iterable
from typing import assert_never, cast

from domain.case import (
    ClockEscalated,
    ClockExtended,
    ClockPaused,
    ClockRecomputed,
    ClockResumed,
    ClockStarted,
    ClockStopped,
    evolve_clock_event,
)
from domain.messages import Event
from domain.relief import rules
from domain.relief.commands import ObjectionRoute
from domain.relief.common import settled_stage
from domain.relief.events import (
    AppealDecided,
    AppealFiled,
    AppealWindowClosed,
    ApplicationAccepted,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    AssistanceApproved,
    AssistanceRedecided,
    AssistanceRefused,
    BackPaymentOrdered,
    CaseClosed,
    CommunityReviewRecorded,
    CorrectionDecided,
    CorrectionOpened,
    EmergencyAssistanceGranted,
    EmergencyFollowUpCompleted,
    FineImposed,
    FraudSanctioned,
    HomeInvestigationRecorded,
    LeadClosed,
    LeadConverted,
    LeadOpened,
    MissingPapersNotified,
    NoticeObjected,
    NoticePeriodEnded,
    NoticePublished,
    NoticeWaived,
    PapersReceived,
    PeriodicReviewCompleted,
    RecoveryOrdered,
    RefusalNoticeDelivered,
    RefusalNoticeSent,
    ReliefEvent,
    VerificationAcknowledged,
    VerificationReplyRecorded,
    VerificationRequested,
    VerificationRequestFailed,
)
from domain.relief.household import Programme
from domain.relief.state import (
    AppealRecord,
    CorrectionRecord,
    DecisionRecord,
    LeadInfo,
    ReliefState,
    RequestStatus,
    SettlementRecord,
    Stage,
    VerificationRequest,
    VerificationResult,
)

SUPERSEDABLE = (RequestStatus.REQUESTED, RequestStatus.ACKNOWLEDGED, RequestStatus.FAILED)


def evolve(state: ReliefState, event: ReliefEvent) -> ReliefState:
    """Fold one event; `event_count` follows the ledger version of the last event folded."""
    folded = _evolve(state, event)
    return folded.model_copy(update={"event_count": state.event_count + 1})


def fold(state: ReliefState, events: Iterable[Event]) -> ReliefState:
    """The state after `events` (used by the decider to look one step ahead)."""
    for event in events:
        state = evolve(state, cast(ReliefEvent, event))
    return state


def _with_request(state: ReliefState, key: str, status: RequestStatus) -> ReliefState:
    request = state.requests[key].model_copy(update={"status": status})
    return state.model_copy(update={"requests": {**state.requests, key: request}})


def _record(state: ReliefState, record: DecisionRecord) -> dict[str, object]:
    return {"decisions": (*state.decisions, record), "participants": ()}


def _decided(
    state: ReliefState, no: int, event_type: str, at: object, month: str, by: str, **extra: object
) -> DecisionRecord:
    return DecisionRecord.model_validate(
        {
            "no": no,
            "version": state.event_count + 1,
            "event_type": event_type,
            "at": at,
            "effective_month": month,
            "made_by": by,
            "participants": tuple(dict.fromkeys((*state.participants, by))),
            **extra,
        }
    )


def _replace_decision(state: ReliefState, no: int, **changes: object) -> tuple[DecisionRecord, ...]:
    return tuple(d.model_copy(update=changes) if d.no == no else d for d in state.decisions)


def _evolve(state: ReliefState, event: ReliefEvent) -> ReliefState:
    match event:
        case ApplicationSubmitted():
            exempt = (
                event.programme is Programme.TEKUN
                and event.household.members[0].age < rules.ADULT_AGE
            )
            return state.model_copy(
                update={
                    "stage": Stage.APPLIED,
                    "programme": event.programme,
                    "unit": event.unit,
                    "household": event.household,
                    "papers_received": tuple(dict.fromkeys(event.papers)),
                    "emergency": event.emergency,
                    "on_behalf": event.on_behalf,
                    "notice_exempt": exempt,
                    "opened_at": state.opened_at or event.at,
                    "participants": (*state.participants, event.by),
                }
            )
        case LeadOpened():
            lead = LeadInfo(
                household_ref=event.household_ref,
                per_capita_income_fen=event.per_capita_income_fen,
                line_fen=event.line_fen,
            )
            return state.model_copy(
                update={
                    "stage": Stage.LEAD,
                    "unit": event.unit,
                    "lead": lead,
                    "opened_at": event.at,
                }
            )
        case LeadClosed() | LeadConverted() | AppealWindowClosed():
            return state
        case ApplicationAccepted():
            return state.model_copy(
                update={
                    "stage": Stage.EMERGENCY if state.emergency else Stage.VERIFICATION,
                    "accepted_at": event.at,
                    "participants": (*state.participants, event.by),
                }
            )
        case MissingPapersNotified():
            stage = Stage.AWAITING_PAPERS if state.stage == Stage.VERIFICATION else state.stage
            return state.model_copy(
                update={
                    "papers_missing": tuple(event.missing),
                    "missing_notified": True,
                    "stage": stage,
                }
            )
        case PapersReceived():
            missing = tuple(p for p in state.papers_missing if p not in event.papers)
            stage = (
                Stage.VERIFICATION
                if not missing and state.stage == Stage.AWAITING_PAPERS
                else state.stage
            )
            return state.model_copy(
                update={
                    "papers_received": tuple(
                        dict.fromkeys((*state.papers_received, *event.papers))
                    ),
                    "papers_missing": missing,
                    "stage": stage,
                }
            )
        case ApplicationWithdrawn():
            return state
        case VerificationRequested():
            requests = {
                k: r.model_copy(update={"status": RequestStatus.SUPERSEDED})
                if r.status in SUPERSEDABLE
                else r
                for k, r in state.requests.items()
            }
            requests[event.request_key] = VerificationRequest(
                key=event.request_key, attempt=event.attempt
            )
            return state.model_copy(update={"requests": requests})
        case VerificationAcknowledged():
            request = state.requests[event.request_key].model_copy(
                update={"status": RequestStatus.ACKNOWLEDGED, "centre_ref": event.centre_ref}
            )
            return state.model_copy(
                update={"requests": {**state.requests, event.request_key: request}}
            )
        case VerificationRequestFailed():
            return _with_request(state, event.request_key, RequestStatus.FAILED)
        case VerificationReplyRecorded():
            replied = _with_request(state, event.request_key, RequestStatus.REPLIED)
            result = VerificationResult(
                request_key=event.request_key,
                reply_id=event.reply_id,
                verified_income_fen=event.verified_income_fen,
                verified_assets_fen=event.verified_assets_fen,
                late=event.late,
            )
            stage = state.stage
            if stage == Stage.VERIFICATION:
                stage = Stage.INVESTIGATED if state.investigated_by else Stage.INVESTIGATION
            return replied.model_copy(update={"verification": result, "stage": stage})
        case HomeInvestigationRecorded():
            stage = Stage.INVESTIGATED if state.stage == Stage.INVESTIGATION else state.stage
            return state.model_copy(
                update={
                    "investigated_by": event.by,
                    "stage": stage,
                    "participants": (*state.participants, event.by),
                }
            )
        case NoticePublished():
            return state.model_copy(
                update={
                    "stage": Stage.NOTICE,
                    "notices": event.notice_no,
                    "participants": (*state.participants, event.by),
                }
            )
        case NoticeWaived():
            return state.model_copy(update={"stage": Stage.DECIDING})
        case NoticeObjected():
            if event.route is ObjectionRoute.INVESTIGATION:
                return state.model_copy(
                    update={"stage": Stage.INVESTIGATION, "investigated_by": None}
                )
            return state.model_copy(update={"stage": Stage.COMMUNITY_REVIEW})
        case CommunityReviewRecorded():
            return state.model_copy(
                update={
                    "stage": Stage.INVESTIGATED,
                    "participants": (*state.participants, event.by),
                }
            )
        case NoticePeriodEnded():
            return state.model_copy(update={"stage": Stage.DECIDING, "notice_done": True})
        case AssistanceApproved():
            record = _decided(
                state,
                event.decision_no,
                event.type,
                event.at,
                event.start_month,
                event.by,
                appeal_until=event.appeal_until,
            )
            monthly = event.monthly_amount_fen is not None
            return state.model_copy(
                update={
                    **_record(state, record),
                    "entitlement": tuple(event.schedule),
                    "stage": Stage.IN_PAYMENT if monthly else Stage.PAID,
                }
            )
        case AssistanceRefused():
            record = _decided(
                state, event.decision_no, event.type, event.at, event.start_month, event.by
            )
            return state.model_copy(
                update={**_record(state, record), "stage": Stage.REFUSAL_NOTICE}
            )
        case RefusalNoticeSent():
            return state.model_copy(update={"refusal_notice_sent": event.method})
        case RefusalNoticeDelivered():
            return state.model_copy(
                update={
                    "refusal_notice_sent": None,
                    "decisions": _replace_decision(
                        state, event.decision_no, appeal_until=event.appeal_until
                    ),
                    "stage": Stage.REFUSED,
                }
            )
        case EmergencyAssistanceGranted():
            record = _decided(
                state,
                event.decision_no,
                event.type,
                event.at,
                event.month,
                event.by,
                appeal_until=event.appeal_until,
            )
            return state.model_copy(
                update={
                    **_record(state, record),
                    "entitlement": tuple(event.schedule),
                    "stage": Stage.FOLLOW_UP,
                }
            )
        case EmergencyFollowUpCompleted():
            return state.model_copy(update={"stage": Stage.PAID})
        case PeriodicReviewCompleted():
            record = _decided(
                state,
                event.decision_no,
                event.type,
                event.at,
                event.from_month,
                event.by,
                appeal_until=event.appeal_until,
            )
            stage = Stage.IN_PAYMENT if event.monthly_amount_fen > 0 else Stage.STOPPED
            return state.model_copy(
                update={
                    **_record(state, record),
                    "entitlement": tuple(event.schedule),
                    "stage": stage,
                }
            )
        case AppealFiled():
            appeal = AppealRecord(
                no=event.appeal_no,
                decision_no=event.decision_no,
                decision_version=event.decision_version,
                filed_by=event.by,
                filed_at=event.at,
            )
            return state.model_copy(
                update={
                    "appeals": (*state.appeals, appeal),
                    "decisions": _replace_decision(state, event.decision_no, appealed=True),
                    "resume_stage": state.stage,
                    "stage": Stage.APPEAL,
                }
            )
        case AppealDecided():
            appeals = tuple(
                a.model_copy(update={"outcome": event.outcome.value})
                if a.no == event.appeal_no
                else a
                for a in state.appeals
            )
            return state.model_copy(
                update={
                    "appeals": appeals,
                    "stage": state.resume_stage or state.stage,
                    "resume_stage": None,
                }
            )
        case AssistanceRedecided():
            record = _decided(
                state,
                event.decision_no,
                event.type,
                event.at,
                event.from_month,
                event.by,
                appealable=False,  # after administrative review, the next remedy is a lawsuit
            )
            stage = settled_stage(_programme(state), tuple(event.schedule), event.at, None)
            return state.model_copy(
                update={
                    **_record(state, record),
                    "entitlement": tuple(event.schedule),
                    "stage": stage,
                }
            )
        case CorrectionOpened():
            correction = CorrectionRecord(
                no=event.correction_no,
                decision_no=event.decision_no,
                decision_version=event.decision_version,
                opened_by=event.by,
                error=event.error,
                error_by=event.error_by,
            )
            return state.model_copy(
                update={
                    "corrections": (*state.corrections, correction),
                    "resume_stage": state.stage,
                    "stage": Stage.CORRECTION,
                    "participants": (event.by,),
                }
            )
        case CorrectionDecided():
            record = _decided(
                state,
                event.decision_no,
                event.type,
                event.at,
                event.from_month,
                event.by,
                appeal_until=event.appeal_until,
            )
            corrections = tuple(
                c.model_copy(update={"tolerated": event.tolerated})
                if c.no == event.correction_no
                else c
                for c in state.corrections
            )
            stage = settled_stage(
                _programme(state), tuple(event.schedule), event.at, state.resume_stage
            )
            return state.model_copy(
                update={
                    **_record(state, record),
                    "corrections": corrections,
                    "entitlement": tuple(event.schedule),
                    "stage": stage,
                    "resume_stage": None,
                }
            )
        case FraudSanctioned():
            record = _decided(
                state,
                event.decision_no,
                event.type,
                event.at,
                event.from_month,
                event.by,
                appeal_until=event.appeal_until,
            )
            return state.model_copy(
                update={
                    **_record(state, record),
                    "entitlement": tuple(event.schedule),
                    "stage": Stage.STOPPED,
                }
            )
        case BackPaymentOrdered() | RecoveryOrdered():
            settled = SettlementRecord(
                decision_no=event.decision_no, reason=event.reason.value, total_fen=event.total_fen
            )
            return state.model_copy(update={"settlements": (*state.settlements, settled)})
        case FineImposed():
            return state.model_copy(update={"fines_fen": state.fines_fen + event.amount_fen})
        case CaseClosed():
            return state.model_copy(update={"stage": Stage.CLOSED, "closed": True})
        case ClockExtended():
            name = event.clock.name
            extended = {**state.extended, name: state.extended.get(name, 0) + event.by}
            return evolve_clock_event(state, event).model_copy(update={"extended": extended})
        case ClockStopped():
            extended = {k: v for k, v in state.extended.items() if k != event.clock}
            return evolve_clock_event(state, event).model_copy(update={"extended": extended})
        case ClockStarted() | ClockEscalated() | ClockPaused() | ClockResumed() | ClockRecomputed():
            return evolve_clock_event(state, event)
        case _:
            assert_never(event)


def _programme(state: ReliefState) -> Programme:
    assert state.programme is not None
    return state.programme
