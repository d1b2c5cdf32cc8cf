"""What staff, the verification centre and the case's own effects ask of a relief case."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from domain.case import EscalateClock, GrantExtension, RecomputeClocks
from domain.messages import Command
from domain.relief import rules
from domain.relief.household import Frozen, Household, Paper, Programme
from domain.relief.money import Month

Reasons = Annotated[
    list[Annotated[str, Field(min_length=2, max_length=500)]], Field(min_length=1, max_length=10)
]
Text = Annotated[str, Field(min_length=2, max_length=2000)]
Fen = Annotated[int, Field(ge=0, le=10**11)]
# 行政复议法 Art 20: the appeal window counts from the day the applicant learned of the decision.
NotifiedOn = Annotated[
    date | None,
    Field(
        default=None,
        description="The day the decision notice reached the applicant (default: today); "
        "the appeal window counts from it",
    ),
]


class Recommendation(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"


class ObjectionRoute(StrEnum):
    INVESTIGATION = "investigation"  # back to home investigation
    COMMUNITY_REVIEW = "community_review"  # 民主评议


class ReviewOutcome(StrEnum):
    CONTINUE = "continue"
    ADJUST = "adjust"
    STOP = "stop"


class AppealOutcome(StrEnum):
    UPHELD = "upheld"  # 维持
    OVERTURNED = "overturned"  # 撤销, re-decided
    VARIED = "varied"  # 变更


class ToleranceCriteria(Frozen):
    """中办发〔2020〕18号: an error is tolerated only when every one of these holds."""

    good_faith: bool
    duties_done: bool
    objective_cause: bool
    corrected_in_time: bool
    no_serious_harm: bool

    @property
    def tolerated(self) -> bool:
        return all(
            (
                self.good_faith,
                self.duties_done,
                self.objective_cause,
                self.corrected_in_time,
                self.no_serious_harm,
            )
        )


# --- application and proactive discovery -------------------------------------------------------


class ApplyForAssistance(Command):
    """An application (申请) with household, declared income and consent to verification."""

    type: Literal["ApplyForAssistance"] = "ApplyForAssistance"
    programme: Programme
    unit: str = Field(min_length=1, max_length=64, description="Street office (街镇) in charge")
    household: Household
    consent_to_verification: bool = Field(description="授权核对: required")
    papers: list[Paper] = Field(default_factory=list, max_length=len(Paper))
    emergency: bool = Field(default=False, description="急难 fast-track: temporary assistance only")
    reason: str = Field(default="", max_length=1000)


class OpenDiscoveryLead(Command):
    """A low-income monitoring alert opens a lead to verify door to door (政策找人)."""

    type: Literal["OpenDiscoveryLead"] = "OpenDiscoveryLead"
    unit: str = Field(min_length=1, max_length=64)
    household_ref: str = Field(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="Monitoring id"
    )
    per_capita_income_fen: Fen
    line_fen: int = Field(default=rules.DIBAO_LINE_FEN, gt=0)
    source: str = Field(default="低收入人口动态监测", max_length=100)


class CloseDiscoveryLead(Command):
    type: Literal["CloseDiscoveryLead"] = "CloseDiscoveryLead"
    reasons: Reasons


class ApplyOnBehalf(Command):
    """Staff verified the lead and apply on the household's behalf (with its consent)."""

    type: Literal["ApplyOnBehalf"] = "ApplyOnBehalf"
    programme: Programme
    household: Household
    consent_to_verification: bool
    papers: list[Paper] = Field(default_factory=list, max_length=len(Paper))
    reason: str = Field(default="", max_length=1000)


class AcceptAssistanceApplication(Command):
    """受理: starts the whole-process clock; missing papers get one notice listing them all."""

    type: Literal["AcceptAssistanceApplication"] = "AcceptAssistanceApplication"


class SubmitMissingPapers(Command):
    type: Literal["SubmitMissingPapers"] = "SubmitMissingPapers"
    papers: list[Paper] = Field(min_length=1, max_length=len(Paper))


class WithdrawAssistanceApplication(Command):
    type: Literal["WithdrawAssistanceApplication"] = "WithdrawAssistanceApplication"
    reason: Text


# --- economic verification (家庭经济状况核对) ---------------------------------------------------


class AcknowledgeVerificationRequest(Command):
    """The centre took the request (the case's own effect reports it; actor: system)."""

    type: Literal["AcknowledgeVerificationRequest"] = "AcknowledgeVerificationRequest"
    request_key: str = Field(min_length=1, max_length=100)
    centre_ref: str = Field(min_length=1, max_length=100)


class RecordVerificationFailure(Command):
    """The centre refused the request for good (actor: system)."""

    type: Literal["RecordVerificationFailure"] = "RecordVerificationFailure"
    request_key: str = Field(min_length=1, max_length=100)
    error: str = Field(min_length=1, max_length=1000)


class RecordVerificationReply(Command):
    """The centre's reply (bank, tax, vehicles, housing), delivered through the API."""

    type: Literal["RecordVerificationReply"] = "RecordVerificationReply"
    request_key: str = Field(min_length=1, max_length=100)
    reply_id: str = Field(min_length=1, max_length=100)
    verified_income_fen: Fen
    verified_assets_fen: Fen = 0
    findings: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list, max_length=50
    )


class ResendVerificationRequest(Command):
    """A supervisor sends a new request (new idempotency key) when the centre lost one."""

    type: Literal["ResendVerificationRequest"] = "ResendVerificationRequest"
    reason: Text


# --- investigation, notice, decision -------------------------------------------------------------


class RecordHomeInvestigation(Command):
    type: Literal["RecordHomeInvestigation"] = "RecordHomeInvestigation"
    findings: Text
    recommendation: Recommendation


class PublishAssistanceNotice(Command):
    """公示 for 7 days (特困 cases of minors are never publicised)."""

    type: Literal["PublishAssistanceNotice"] = "PublishAssistanceNotice"


class RecordNoticeObjection(Command):
    """An objection (异议) during the notice: back to investigation or to community review."""

    type: Literal["RecordNoticeObjection"] = "RecordNoticeObjection"
    summary: Text
    route: ObjectionRoute


class RecordCommunityReview(Command):
    """民主评议 after an objection; a new notice follows."""

    type: Literal["RecordCommunityReview"] = "RecordCommunityReview"
    findings: Text


class ApproveAssistance(Command):
    """Approve: a monthly amount and start month (低保, 特困) or a one-off amount (临时救助).

    A 低保 amount left out is computed as the gap between the line and the verified income.
    """

    type: Literal["ApproveAssistance"] = "ApproveAssistance"
    monthly_amount_fen: Fen | None = None
    one_off_amount_fen: Fen | None = None
    start_month: Month | None = Field(default=None, description="Default: the next month")
    notified_on: NotifiedOn = None


class RefuseAssistance(Command):
    type: Literal["RefuseAssistance"] = "RefuseAssistance"
    reasons: Reasons


class ServiceMethod(StrEnum):
    """How a written notice is served (送达方式; 民事诉讼法 Ch 7, applied to administrative
    notices)."""

    DIRECT = "direct"  # 直接送达: handed over, signed for on the spot
    POST = "post"  # 邮寄送达: registered post, the return receipt is the proof
    ELECTRONIC = "electronic"  # 电子送达: with the applicant's consent
    LEFT_AT_RESIDENCE = "left_at_residence"  # 留置送达: refused, left with witnesses
    PUBLIC_NOTICE = "public_notice"  # 公告送达: whereabouts unknown


class SendRefusalNotice(Command):
    """The written refusal went out by a method whose service must then be proven."""

    type: Literal["SendRefusalNotice"] = "SendRefusalNotice"
    method: ServiceMethod
    states_appeal_right: bool = Field(
        default=True, description="Whether it tells the applicant of the right to review"
    )


class DeliverRefusalNotice(Command):
    """The written refusal with reasons reached the applicant (不予救助通知书)."""

    type: Literal["DeliverRefusalNotice"] = "DeliverRefusalNotice"
    states_appeal_right: bool = Field(
        default=True, description="Whether it told the applicant of the right to review"
    )
    delivered_on: NotifiedOn = None
    method: ServiceMethod | None = Field(
        default=None, description="How it was served (default: as it was sent, or direct)"
    )
    proof_ref: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="送达回证 number or postal receipt; needed after SendRefusalNotice",
    )


class GrantEmergencyAssistance(Command):
    """急难: help first, papers and verification after."""

    type: Literal["GrantEmergencyAssistance"] = "GrantEmergencyAssistance"
    one_off_amount_fen: int = Field(gt=0, le=10**11)
    reason: Text


class CompleteEmergencyFollowUp(Command):
    type: Literal["CompleteEmergencyFollowUp"] = "CompleteEmergencyFollowUp"
    note: str = Field(default="", max_length=1000)


class CompletePeriodicReview(Command):
    """动态管理: continue, adjust the amount from next month, or stop with written reasons."""

    type: Literal["CompletePeriodicReview"] = "CompletePeriodicReview"
    outcome: ReviewOutcome
    monthly_amount_fen: Fen | None = None
    reasons: list[Annotated[str, Field(min_length=2, max_length=500)]] = Field(
        default_factory=list, max_length=10
    )
    notified_on: NotifiedOn = None


# --- remedies: appeal, correction, fraud ----------------------------------------------------------


class FileAssistanceAppeal(Command):
    """The applicant seeks administrative review (行政复议) of a decision."""

    type: Literal["FileAssistanceAppeal"] = "FileAssistanceAppeal"
    decision_no: int = Field(ge=1)
    grounds: Text


class DecideAssistanceAppeal(Command):
    type: Literal["DecideAssistanceAppeal"] = "DecideAssistanceAppeal"
    outcome: AppealOutcome
    reasons: Reasons
    monthly_amount_fen: Fen | None = None
    one_off_amount_fen: Fen | None = None


class ReopenForCorrection(Command):
    """容错纠错: reopen a decided case because an error was found in a decision."""

    type: Literal["ReopenForCorrection"] = "ReopenForCorrection"
    decision_no: int = Field(ge=1)
    error: Text
    error_by: str = Field(
        min_length=1, max_length=64, description="Who made it: a user id, applicant, centre"
    )


class DecideCorrection(Command):
    """Record tolerated or culpable, recompute, and settle the difference month by month."""

    type: Literal["DecideCorrection"] = "DecideCorrection"
    criteria: ToleranceCriteria
    corrected_amount_fen: Fen | None = Field(
        default=None, description="Monthly (低保, 特困) or the one-off amount (临时救助)"
    )
    corrected_household_income_fen: Fen | None = Field(
        default=None, description="低保 only: the amount is recomputed from this income"
    )
    from_month: Month | None = Field(default=None, description="Default: the decision's start")
    note: str = Field(default="", max_length=1000)


class RecordFraud(Command):
    """社会救助暂行办法 Art 68: stop, recover what was obtained, fine 1-3 times it."""

    type: Literal["RecordFraud"] = "RecordFraud"
    from_month: Month
    fine_percent: int = Field(
        ge=rules.FRAUD_FINE_MIN_PERCENT, le=rules.FRAUD_FINE_MAX_PERCENT, description="100-300"
    )
    findings: Text


ReliefCommand = Annotated[
    ApplyForAssistance
    | OpenDiscoveryLead
    | CloseDiscoveryLead
    | ApplyOnBehalf
    | AcceptAssistanceApplication
    | SubmitMissingPapers
    | WithdrawAssistanceApplication
    | AcknowledgeVerificationRequest
    | RecordVerificationFailure
    | RecordVerificationReply
    | ResendVerificationRequest
    | RecordHomeInvestigation
    | PublishAssistanceNotice
    | RecordNoticeObjection
    | RecordCommunityReview
    | ApproveAssistance
    | RefuseAssistance
    | SendRefusalNotice
    | DeliverRefusalNotice
    | GrantEmergencyAssistance
    | CompleteEmergencyFollowUp
    | CompletePeriodicReview
    | FileAssistanceAppeal
    | DecideAssistanceAppeal
    | ReopenForCorrection
    | DecideCorrection
    | RecordFraud
    | EscalateClock
    | GrantExtension
    | RecomputeClocks,
    Field(discriminator="type"),
]
