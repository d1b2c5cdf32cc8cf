"""What happened in a relief case, in the past tense. Decision events carry `decision_no`; the
ledger version they land at is what appeals and corrections point to."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from domain.case import (
    ClockEscalated,
    ClockExtended,
    ClockPaused,
    ClockRecomputed,
    ClockResumed,
    ClockStarted,
    ClockStopped,
)
from domain.messages import Event
from domain.relief.commands import (
    AppealOutcome,
    ObjectionRoute,
    Recommendation,
    ReviewOutcome,
    ServiceMethod,
    ToleranceCriteria,
)
from domain.relief.household import Household, Paper, Programme
from domain.relief.money import Month, MonthLine, Segment


class SettlementReason(StrEnum):
    APPEAL = "appeal"
    CORRECTION = "correction"
    FRAUD = "fraud"


# --- application and lead ------------------------------------------------------------------------


class ApplicationSubmitted(Event):
    type: Literal["ApplicationSubmitted"] = "ApplicationSubmitted"
    programme: Programme
    unit: str
    household: Household
    papers: list[Paper]
    emergency: bool
    on_behalf: bool
    reason: str
    by: str
    at: datetime


class LeadOpened(Event):
    type: Literal["LeadOpened"] = "LeadOpened"
    unit: str
    household_ref: str
    per_capita_income_fen: int
    line_fen: int
    source: str
    at: datetime


class LeadClosed(Event):
    type: Literal["LeadClosed"] = "LeadClosed"
    reasons: list[str]
    at: datetime


class LeadConverted(Event):
    """The lead became an application made on the household's behalf."""

    type: Literal["LeadConverted"] = "LeadConverted"
    at: datetime


class ApplicationAccepted(Event):
    type: Literal["ApplicationAccepted"] = "ApplicationAccepted"
    by: str
    at: datetime


class MissingPapersNotified(Event):
    """一次性告知: one notice listing everything missing."""

    type: Literal["MissingPapersNotified"] = "MissingPapersNotified"
    missing: list[Paper]
    at: datetime


class PapersReceived(Event):
    type: Literal["PapersReceived"] = "PapersReceived"
    papers: list[Paper]
    complete: bool
    at: datetime


class ApplicationWithdrawn(Event):
    type: Literal["ApplicationWithdrawn"] = "ApplicationWithdrawn"
    reason: str
    at: datetime


# --- verification ----------------------------------------------------------------------------------


class VerificationRequested(Event):
    """A request to the centre; its key is the idempotency key the adapter sends."""

    type: Literal["VerificationRequested"] = "VerificationRequested"
    request_key: str
    attempt: int
    supersedes: str | None = None
    at: datetime


class VerificationAcknowledged(Event):
    type: Literal["VerificationAcknowledged"] = "VerificationAcknowledged"
    request_key: str
    centre_ref: str
    at: datetime


class VerificationRequestFailed(Event):
    type: Literal["VerificationRequestFailed"] = "VerificationRequestFailed"
    request_key: str
    error: str
    at: datetime


class VerificationReplyRecorded(Event):
    type: Literal["VerificationReplyRecorded"] = "VerificationReplyRecorded"
    request_key: str
    reply_id: str
    verified_income_fen: int
    verified_assets_fen: int
    findings: list[str]
    late: bool  # arrived after the reply clock was due (an escalation had fired)
    at: datetime


# --- investigation and notice ---------------------------------------------------------------------


class HomeInvestigationRecorded(Event):
    type: Literal["HomeInvestigationRecorded"] = "HomeInvestigationRecorded"
    findings: str
    recommendation: Recommendation
    by: str
    at: datetime


class NoticePublished(Event):
    type: Literal["NoticePublished"] = "NoticePublished"
    notice_no: int
    by: str
    at: datetime


class NoticeWaived(Event):
    """特困 cases of minors are not publicised."""

    type: Literal["NoticeWaived"] = "NoticeWaived"
    reason: str
    at: datetime


class NoticeObjected(Event):
    type: Literal["NoticeObjected"] = "NoticeObjected"
    notice_no: int
    summary: str
    route: ObjectionRoute
    at: datetime


class CommunityReviewRecorded(Event):
    type: Literal["CommunityReviewRecorded"] = "CommunityReviewRecorded"
    findings: str
    by: str
    at: datetime


class NoticePeriodEnded(Event):
    type: Literal["NoticePeriodEnded"] = "NoticePeriodEnded"
    notice_no: int
    at: datetime


# --- decisions --------------------------------------------------------------------------------------


class AssistanceApproved(Event):
    type: Literal["AssistanceApproved"] = "AssistanceApproved"
    decision_no: int
    monthly_amount_fen: int | None
    one_off_amount_fen: int | None
    start_month: Month
    schedule: list[Segment]
    appeal_until: datetime
    by: str
    at: datetime


class AssistanceRefused(Event):
    type: Literal["AssistanceRefused"] = "AssistanceRefused"
    decision_no: int
    reasons: list[str]
    start_month: Month  # when payment would have started: the start of any back-pay
    by: str
    at: datetime


class RefusalNoticeSent(Event):
    type: Literal["RefusalNoticeSent"] = "RefusalNoticeSent"
    decision_no: int
    method: ServiceMethod
    states_appeal_right: bool
    sent_by: str
    at: datetime


class RefusalNoticeDelivered(Event):
    """Served; how and its proof were added later (older notices read as not recorded)."""

    type: Literal["RefusalNoticeDelivered"] = "RefusalNoticeDelivered"
    decision_no: int
    states_appeal_right: bool
    appeal_until: datetime
    lawsuit_until: datetime
    method: ServiceMethod | None = None
    proof_ref: str | None = None
    at: datetime


class EmergencyAssistanceGranted(Event):
    type: Literal["EmergencyAssistanceGranted"] = "EmergencyAssistanceGranted"
    decision_no: int
    one_off_amount_fen: int
    month: Month
    reason: str
    schedule: list[Segment]
    appeal_until: datetime
    by: str
    at: datetime


class EmergencyFollowUpCompleted(Event):
    type: Literal["EmergencyFollowUpCompleted"] = "EmergencyFollowUpCompleted"
    note: str
    at: datetime


class PeriodicReviewCompleted(Event):
    type: Literal["PeriodicReviewCompleted"] = "PeriodicReviewCompleted"
    decision_no: int
    outcome: ReviewOutcome
    monthly_amount_fen: int
    from_month: Month
    reasons: list[str]
    schedule: list[Segment]
    appeal_until: datetime
    by: str
    at: datetime


# --- remedies ------------------------------------------------------------------------------------------


class AppealFiled(Event):
    type: Literal["AppealFiled"] = "AppealFiled"
    appeal_no: int
    decision_no: int
    decision_version: int  # the ledger version of the decision event under review
    grounds: str
    by: str
    at: datetime


class AppealDecided(Event):
    type: Literal["AppealDecided"] = "AppealDecided"
    appeal_no: int
    decision_no: int
    decision_version: int
    outcome: AppealOutcome
    reasons: list[str]
    by: str
    at: datetime


class AssistanceRedecided(Event):
    """The re-decision an overturned or varied appeal makes (a decision of its own)."""

    type: Literal["AssistanceRedecided"] = "AssistanceRedecided"
    decision_no: int
    appeal_no: int
    reviews_decision_no: int
    reviews_version: int
    monthly_amount_fen: int | None
    one_off_amount_fen: int | None
    from_month: Month
    schedule: list[Segment]
    by: str
    at: datetime


class CorrectionOpened(Event):
    type: Literal["CorrectionOpened"] = "CorrectionOpened"
    correction_no: int
    decision_no: int
    decision_version: int  # the ledger version of the decision event it corrects
    error: str
    error_by: str
    by: str
    at: datetime


class CorrectionDecided(Event):
    type: Literal["CorrectionDecided"] = "CorrectionDecided"
    decision_no: int
    correction_no: int
    corrects_decision_no: int
    corrects_version: int
    error: str
    error_by: str
    criteria: ToleranceCriteria
    tolerated: bool  # otherwise culpable
    amount_fen: int
    from_month: Month
    schedule: list[Segment]
    note: str
    appeal_until: datetime
    by: str
    at: datetime


class FraudSanctioned(Event):
    type: Literal["FraudSanctioned"] = "FraudSanctioned"
    decision_no: int
    from_month: Month
    findings: str
    schedule: list[Segment]
    appeal_until: datetime
    by: str
    at: datetime


class BackPaymentOrdered(Event):
    """补发: what the household was due and not paid, month by month."""

    type: Literal["BackPaymentOrdered"] = "BackPaymentOrdered"
    decision_no: int
    reason: SettlementReason
    lines: list[MonthLine]
    total_fen: int = Field(gt=0)
    at: datetime


class RecoveryOrdered(Event):
    """追回: what was paid and not due, month by month; the total is negative."""

    type: Literal["RecoveryOrdered"] = "RecoveryOrdered"
    decision_no: int
    reason: SettlementReason
    lines: list[MonthLine]
    total_fen: int = Field(lt=0)
    at: datetime


class FineImposed(Event):
    type: Literal["FineImposed"] = "FineImposed"
    decision_no: int
    obtained_fen: int = Field(gt=0)
    percent: int
    amount_fen: int = Field(gt=0)
    at: datetime


class AppealWindowClosed(Event):
    type: Literal["AppealWindowClosed"] = "AppealWindowClosed"
    at: datetime


class CaseClosed(Event):
    type: Literal["CaseClosed"] = "CaseClosed"
    reason: str
    at: datetime


DECISION_EVENTS = frozenset(
    {
        "AssistanceApproved",
        "AssistanceRefused",
        "EmergencyAssistanceGranted",
        "PeriodicReviewCompleted",
        "AssistanceRedecided",
        "CorrectionDecided",
        "FraudSanctioned",
    }
)

ReliefEvent = Annotated[
    ApplicationSubmitted
    | LeadOpened
    | LeadClosed
    | LeadConverted
    | ApplicationAccepted
    | MissingPapersNotified
    | PapersReceived
    | ApplicationWithdrawn
    | VerificationRequested
    | VerificationAcknowledged
    | VerificationRequestFailed
    | VerificationReplyRecorded
    | HomeInvestigationRecorded
    | NoticePublished
    | NoticeWaived
    | NoticeObjected
    | CommunityReviewRecorded
    | NoticePeriodEnded
    | AssistanceApproved
    | AssistanceRefused
    | RefusalNoticeSent
    | RefusalNoticeDelivered
    | EmergencyAssistanceGranted
    | EmergencyFollowUpCompleted
    | PeriodicReviewCompleted
    | AppealFiled
    | AppealDecided
    | AssistanceRedecided
    | CorrectionOpened
    | CorrectionDecided
    | FraudSanctioned
    | BackPaymentOrdered
    | RecoveryOrdered
    | FineImposed
    | AppealWindowClosed
    | CaseClosed
    | ClockStarted
    | ClockEscalated
    | ClockExtended
    | ClockPaused
    | ClockResumed
    | ClockStopped
    | ClockRecomputed,
    Field(discriminator="type"),
]
