"""The state of a relief case, folded from its events."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from domain.case import CaseState
from domain.relief.commands import ServiceMethod
from domain.relief.household import Frozen, Household, Paper, Programme
from domain.relief.money import Segment


class Stage(StrEnum):
    NEW = "new"
    LEAD = "lead"  # 政策找人: verifying a monitoring alert
    APPLIED = "applied"  # 申请
    AWAITING_PAPERS = "awaiting_papers"  # 补正材料 (clock paused)
    EMERGENCY = "emergency"  # 急难: accepted, help first
    VERIFICATION = "verification"  # 家庭经济状况核对
    INVESTIGATION = "investigation"  # 入户调查
    COMMUNITY_REVIEW = "community_review"  # 民主评议
    INVESTIGATED = "investigated"  # ready for the notice
    NOTICE = "notice"  # 公示
    DECIDING = "deciding"  # 审核确认
    REFUSAL_NOTICE = "refusal_notice"  # refused; the written notice is due
    REFUSED = "refused"  # 不予救助
    IN_PAYMENT = "in_payment"  # 享受救助, periodic review
    FOLLOW_UP = "follow_up"  # 急难 papers and verification after the help
    PAID = "paid"  # one-off assistance paid
    STOPPED = "stopped"  # 停止救助
    APPEAL = "appeal"  # 行政复议
    CORRECTION = "correction"  # 容错纠错
    CLOSED = "closed"


class RequestStatus(StrEnum):
    REQUESTED = "requested"  # to be sent (or being sent) by the case's effect
    ACKNOWLEDGED = "acknowledged"  # the centre has it
    FAILED = "failed"  # the centre refused it for good
    SUPERSEDED = "superseded"  # a newer request replaced it (a late reply is still taken)
    REPLIED = "replied"


class VerificationRequest(Frozen):
    key: str
    attempt: int
    status: RequestStatus = RequestStatus.REQUESTED
    centre_ref: str | None = None


class VerificationResult(Frozen):
    request_key: str
    reply_id: str
    verified_income_fen: int
    verified_assets_fen: int
    late: bool


class LeadInfo(Frozen):
    household_ref: str
    per_capita_income_fen: int
    line_fen: int


class DecisionRecord(Frozen):
    """A decision as appeals and corrections find it: its number and ledger version."""

    no: int
    version: int  # the ledger version of the decision event
    event_type: str
    at: datetime
    effective_month: str  # the first month it governs (or would have governed)
    made_by: str
    participants: tuple[str, ...]  # who took part: none of them may review it on appeal
    appeal_until: datetime | None = None
    appealed: bool = False
    appealable: bool = True


class AppealRecord(Frozen):
    no: int
    decision_no: int
    decision_version: int
    filed_by: str
    filed_at: datetime
    outcome: str | None = None


class CorrectionRecord(Frozen):
    no: int
    decision_no: int
    decision_version: int
    opened_by: str
    error: str
    error_by: str
    tolerated: bool | None = None


class SettlementRecord(Frozen):
    decision_no: int
    reason: str
    total_fen: int  # above zero a back-payment, below zero a recovery


class ReliefState(CaseState):
    programme: Programme | None = None
    emergency: bool = False
    on_behalf: bool = False
    lead: LeadInfo | None = None
    household: Household | None = None
    papers_received: tuple[Paper, ...] = ()
    papers_missing: tuple[Paper, ...] = ()
    missing_notified: bool = False
    accepted_at: datetime | None = None
    requests: dict[str, VerificationRequest] = Field(default_factory=dict)
    verification: VerificationResult | None = None
    investigated_by: str | None = None
    notices: int = 0
    notice_done: bool = False
    refusal_notice_sent: ServiceMethod | None = None  # sent; its service still to be proven
    notice_exempt: bool = False
    participants: tuple[str, ...] = ()
    decisions: tuple[DecisionRecord, ...] = ()
    entitlement: tuple[Segment, ...] = ()
    appeals: tuple[AppealRecord, ...] = ()
    corrections: tuple[CorrectionRecord, ...] = ()
    settlements: tuple[SettlementRecord, ...] = ()
    fines_fen: int = 0
    resume_stage: str | None = None
    extended: dict[str, int] = Field(default_factory=dict)  # clock -> units granted so far
    event_count: int = 0  # events folded so far = the ledger version of the last one

    def decision(self, no: int) -> DecisionRecord | None:
        return next((d for d in self.decisions if d.no == no), None)

    @property
    def verified(self) -> bool:
        return self.verification is not None

    @property
    def papers_complete(self) -> bool:
        return not self.papers_missing

    @property
    def open_appeal(self) -> AppealRecord | None:
        return next((a for a in self.appeals if a.outcome is None), None)

    @property
    def open_correction(self) -> CorrectionRecord | None:
        return next((c for c in self.corrections if c.tolerated is None), None)

    def requests_to_send(self) -> list[str]:
        """Requests recorded but not yet taken by the centre: the effect (re)sends these."""
        return sorted(k for k, r in self.requests.items() if r.status is RequestStatus.REQUESTED)
