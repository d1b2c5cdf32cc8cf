"""What happened to a social organisation, in the past tense."""

from __future__ import annotations

from datetime import date, datetime
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
from domain.socialorg.commands import (
    Document,
    ExitKind,
    Grade,
    InspectionResult,
    OrgType,
    PenaltyKind,
    Recipient,
)
from domain.socialorg.state import OrgList

# --- registration ------------------------------------------------------------------------------


class RegistrationApplied(Event):
    type: Literal["RegistrationApplied"] = "RegistrationApplied"
    org_type: OrgType
    org_name: str
    unit: str
    sponsor_unit: str | None
    documents: list[Document]
    received_by: str  # who took the application: may not also decide it (four eyes)
    at: datetime


class DocumentsMissing(Event):
    """The one-time notice listing everything still missing (一次性告知)."""

    type: Literal["DocumentsMissing"] = "DocumentsMissing"
    missing: list[Document]
    at: datetime


class DocumentsSubmitted(Event):
    type: Literal["DocumentsSubmitted"] = "DocumentsSubmitted"
    documents: list[Document]
    at: datetime


class DocumentsCompleted(Event):
    """Every required document is in: the 60-day decision clock starts."""

    type: Literal["DocumentsCompleted"] = "DocumentsCompleted"
    at: datetime


class OrganisationRegistered(Event):
    type: Literal["OrganisationRegistered"] = "OrganisationRegistered"
    certificate_number: str
    credit_code: str
    registered_on: date
    at: datetime


class RegistrationRefused(Event):
    type: Literal["RegistrationRefused"] = "RegistrationRefused"
    reasons: list[str]
    at: datetime


class OrgActivityRecorded(Event):
    type: Literal["OrgActivityRecorded"] = "OrgActivityRecorded"
    description: str
    held_on: date
    at: datetime


# --- the yearly cycle --------------------------------------------------------------------------


class AnnualCycleOpened(Event):
    """1 January: the inspection of the year just ended opens (or is skipped)."""

    type: Literal["AnnualCycleOpened"] = "AnnualCycleOpened"
    year: int
    sponsor_due_on: date | None  # none: foundations and directly registered organisations
    authority_due_on: date | None  # none: the year is skipped
    skipped: bool = False
    at: datetime


class ReportReminderSent(Event):
    type: Literal["ReportReminderSent"] = "ReportReminderSent"
    year: int
    recipient: Recipient
    due_on: date
    days_before: int
    at: datetime


class AnnualReportFiled(Event):
    type: Literal["AnnualReportFiled"] = "AnnualReportFiled"
    year: int
    recipient: Recipient
    late: bool
    at: datetime


class AnnualReportMissed(Event):
    """The due date passed without the report."""

    type: Literal["AnnualReportMissed"] = "AnnualReportMissed"
    year: int
    recipient: Recipient
    due_on: date
    at: datetime


class InspectionConcluded(Event):
    type: Literal["InspectionConcluded"] = "InspectionConcluded"
    year: int
    result: InspectionResult
    findings: str
    at: datetime


class RectificationAccepted(Event):
    type: Literal["RectificationAccepted"] = "RectificationAccepted"
    year: int
    note: str
    at: datetime


class RectificationFailed(Event):
    type: Literal["RectificationFailed"] = "RectificationFailed"
    year: int
    note: str
    at: datetime


class WarningIssued(Event):
    """Warning and order to correct (警告, 责令改正)."""

    type: Literal["WarningIssued"] = "WarningIssued"
    reason: str
    at: datetime


class OrgListed(Event):
    """Put on the abnormal-activity (活动异常名录) or serious-dishonesty list (严重违法失信名单)."""

    type: Literal["OrgListed"] = "OrgListed"
    listing: OrgList
    reason: str
    at: datetime


class OrgDelisted(Event):
    type: Literal["OrgDelisted"] = "OrgDelisted"
    listing: OrgList
    reason: str
    at: datetime


class ZombieFlagged(Event):
    """Marked a zombie organisation (僵尸型社会组织, 民发〔2021〕63号)."""

    type: Literal["ZombieFlagged"] = "ZombieFlagged"
    grounds: str
    at: datetime


# --- grade evaluation ------------------------------------------------------------------------


class GradeEvaluationApplied(Event):
    type: Literal["GradeEvaluationApplied"] = "GradeEvaluationApplied"
    at: datetime


class GradeProposed(Event):
    type: Literal["GradeProposed"] = "GradeProposed"
    grade: Grade
    proposed_by: str
    notice_ends_at: datetime
    at: datetime


class GradeObjectionFiled(Event):
    type: Literal["GradeObjectionFiled"] = "GradeObjectionFiled"
    reason: str
    at: datetime


class GradeAwarded(Event):
    type: Literal["GradeAwarded"] = "GradeAwarded"
    grade: Grade
    valid_until: date
    at: datetime


class GradeEvaluationClosed(Event):
    """The evaluation ended without a grade."""

    type: Literal["GradeEvaluationClosed"] = "GradeEvaluationClosed"
    reason: str
    at: datetime


class GradeDowngraded(Event):
    type: Literal["GradeDowngraded"] = "GradeDowngraded"
    from_grade: Grade
    to_grade: Grade | None
    reason: str
    at: datetime


class GradeExpired(Event):
    type: Literal["GradeExpired"] = "GradeExpired"
    grade: Grade
    at: datetime


class OrgPenaltyRecorded(Event):
    type: Literal["OrgPenaltyRecorded"] = "OrgPenaltyRecorded"
    kind: PenaltyKind
    reason: str
    fine_fen: int
    at: datetime


# --- change registration, deregistration, forced exit -----------------------------------------


class ChangeApprovedBySponsor(Event):
    type: Literal["ChangeApprovedBySponsor"] = "ChangeApprovedBySponsor"
    matters: list[str]
    approved_on: date
    at: datetime


class OrgChangeRegistered(Event):
    type: Literal["OrgChangeRegistered"] = "OrgChangeRegistered"
    matters: list[str]
    late: bool
    at: datetime


class DeregistrationApprovedBySponsor(Event):
    type: Literal["DeregistrationApprovedBySponsor"] = "DeregistrationApprovedBySponsor"
    approved_on: date
    at: datetime


class LiquidationStarted(Event):
    type: Literal["LiquidationStarted"] = "LiquidationStarted"
    at: datetime


class LiquidationFinished(Event):
    type: Literal["LiquidationFinished"] = "LiquidationFinished"
    at: datetime


class DeregistrationApplied(Event):
    type: Literal["DeregistrationApplied"] = "DeregistrationApplied"
    late: bool
    at: datetime


class CertificateReturned(Event):
    type: Literal["CertificateReturned"] = "CertificateReturned"
    certificate: bool
    seals: bool
    at: datetime


class OrganisationDeregistered(Event):
    """Deregistered and the notice published (注销公告): the case closes."""

    type: Literal["OrganisationDeregistered"] = "OrganisationDeregistered"
    notice_reference: str
    at: datetime


class RevocationProposed(Event):
    type: Literal["RevocationProposed"] = "RevocationProposed"
    kind: ExitKind
    grounds: list[str]
    proposed_by: str
    at: datetime


class RevocationRejected(Event):
    type: Literal["RevocationRejected"] = "RevocationRejected"
    reason: str
    at: datetime


class RegistrationRevoked(Event):
    """Forced exit (撤销登记 / 吊销登记证书): the case closes."""

    type: Literal["RegistrationRevoked"] = "RegistrationRevoked"
    kind: ExitKind
    grounds: list[str]
    reason: str
    at: datetime


SocialOrgEvent = Annotated[
    RegistrationApplied
    | DocumentsMissing
    | DocumentsSubmitted
    | DocumentsCompleted
    | OrganisationRegistered
    | RegistrationRefused
    | OrgActivityRecorded
    | AnnualCycleOpened
    | ReportReminderSent
    | AnnualReportFiled
    | AnnualReportMissed
    | InspectionConcluded
    | RectificationAccepted
    | RectificationFailed
    | WarningIssued
    | OrgListed
    | OrgDelisted
    | ZombieFlagged
    | GradeEvaluationApplied
    | GradeProposed
    | GradeObjectionFiled
    | GradeAwarded
    | GradeEvaluationClosed
    | GradeDowngraded
    | GradeExpired
    | OrgPenaltyRecorded
    | ChangeApprovedBySponsor
    | OrgChangeRegistered
    | DeregistrationApprovedBySponsor
    | LiquidationStarted
    | LiquidationFinished
    | DeregistrationApplied
    | CertificateReturned
    | OrganisationDeregistered
    | RevocationProposed
    | RevocationRejected
    | RegistrationRevoked
    | ClockStarted
    | ClockEscalated
    | ClockExtended
    | ClockPaused
    | ClockResumed
    | ClockStopped
    | ClockRecomputed,
    Field(discriminator="type"),
]
