"""What registration staff, sponsors' liaisons and the bureau ask of an organisation's case."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from domain.case import EscalateClock, GrantExtension, RecomputeClocks
from domain.messages import Command
from domain.socialorg import rules


class OrgType(StrEnum):
    SOCIAL_GROUP = "social_group"  # 社会团体
    SOCIAL_SERVICE_AGENCY = "social_service_agency"  # 社会服务机构 (民办非企业单位)
    FOUNDATION = "foundation"  # 基金会


class Document(StrEnum):
    """Registration documents (社团条例 Art 11, 民非条例 Art 9, 基金会条例 Art 9)."""

    APPLICATION_FORM = "application_form"  # 登记申请书
    ARTICLES = "articles"  # 章程草案
    CAPITAL_PROOF = "capital_proof"  # 验资报告 / 原始基金证明
    PREMISES_PROOF = "premises_proof"  # 住所使用权证明
    LEADERS_INFO = "leaders_info"  # 拟任负责人基本情况 (kept by the authority, not here)
    SPONSOR_APPROVAL = "sponsor_approval"  # 业务主管单位批准文件, where a sponsor is required


class Recipient(StrEnum):
    SPONSOR = "sponsor"  # 业务主管单位
    AUTHORITY = "authority"  # 登记管理机关


class InspectionResult(StrEnum):
    PASS = "pass"  # 合格
    BASIC_PASS = "basic_pass"  # 基本合格
    FAIL = "fail"  # 不合格


class Grade(StrEnum):
    A1 = "1A"
    A2 = "2A"
    A3 = "3A"
    A4 = "4A"
    A5 = "5A"


class PenaltyKind(StrEnum):
    WARNING = "warning"  # 警告
    FINE = "fine"  # 罚款
    CONFISCATION = "confiscation"  # 没收违法所得
    SUSPENSION = "suspension"  # 限期停止活动


class ExitKind(StrEnum):
    REVOCATION = "revocation"  # 撤销登记
    CERTIFICATE_REVOCATION = "certificate_revocation"  # 吊销登记证书


Reason = Annotated[str, Field(min_length=2, max_length=500)]


# --- registration ------------------------------------------------------------------------------


class ApplyForOrgRegistration(Command):
    """An organisation applies for registration (登记申请); opens the case."""

    type: Literal["ApplyForOrgRegistration"] = "ApplyForOrgRegistration"
    org_type: OrgType
    org_name: str = Field(min_length=2, max_length=200)
    unit: str = Field(min_length=1, max_length=64, description="The registration authority's unit")
    sponsor_unit: str | None = Field(
        default=None, max_length=100, description="业务主管单位; none for direct registration"
    )
    documents: list[Document] = Field(default_factory=list, max_length=len(Document))


class SubmitRegistrationDocuments(Command):
    """Missing documents arrive after the one-time notice (一次性告知)."""

    type: Literal["SubmitRegistrationDocuments"] = "SubmitRegistrationDocuments"
    documents: list[Document] = Field(min_length=1, max_length=len(Document))


class RegisterOrganisation(Command):
    """The authority registers the organisation: certificate and unified social credit code."""

    type: Literal["RegisterOrganisation"] = "RegisterOrganisation"
    certificate_number: str = Field(min_length=4, max_length=40)
    credit_code: str = Field(max_length=18, pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")


class RefuseOrgRegistration(Command):
    """Not registered: a written refusal with reasons (不予登记) closes the case."""

    type: Literal["RefuseOrgRegistration"] = "RefuseOrgRegistration"
    reasons: list[Reason] = Field(min_length=1, max_length=10)


class RecordOrgActivity(Command):
    """The organisation held an activity (meeting, service, event): it is alive."""

    type: Literal["RecordOrgActivity"] = "RecordOrgActivity"
    description: str = Field(min_length=2, max_length=500)
    held_on: date


# --- the yearly inspection -----------------------------------------------------------------------


class FileAnnualReport(Command):
    """The annual work report reached the sponsor (after its review) or the authority."""

    type: Literal["FileAnnualReport"] = "FileAnnualReport"
    year: int = Field(ge=1990, le=2200, description="The year the report covers")
    recipient: Recipient


class RecordInspectionResult(Command):
    """The authority's inspection result: 合格 / 基本合格 / 不合格 (with rectification)."""

    type: Literal["RecordInspectionResult"] = "RecordInspectionResult"
    year: int = Field(ge=1990, le=2200)
    result: InspectionResult
    findings: str = Field(default="", max_length=1000)
    rectification_days: int = Field(
        default=rules.DEFAULT_RECTIFICATION_DAYS, ge=1, le=rules.MAX_RECTIFICATION_DAYS
    )


class RecordRectification(Command):
    """The rectification after a failed inspection was checked: accepted or failed."""

    type: Literal["RecordRectification"] = "RecordRectification"
    year: int = Field(ge=1990, le=2200)
    accepted: bool
    note: str = Field(default="", max_length=1000)


class RemoveFromAbnormalList(Command):
    """The organisation corrected what put it on the abnormal-activity list (移出名录)."""

    type: Literal["RemoveFromAbnormalList"] = "RemoveFromAbnormalList"
    reason: Reason


# --- grade evaluation ------------------------------------------------------------------------


class ApplyForGradeEvaluation(Command):
    """The organisation applies for a grade evaluation (等级评估)."""

    type: Literal["ApplyForGradeEvaluation"] = "ApplyForGradeEvaluation"


class ProposeGrade(Command):
    """The evaluation committee proposes a grade; the public notice (公示) starts."""

    type: Literal["ProposeGrade"] = "ProposeGrade"
    grade: Grade


class FileGradeObjection(Command):
    """An objection to the proposed grade during the notice (异议)."""

    type: Literal["FileGradeObjection"] = "FileGradeObjection"
    reason: Reason


class DecideGradeObjection(Command):
    """The review of an objection: the final grade (or none), by someone not involved."""

    type: Literal["DecideGradeObjection"] = "DecideGradeObjection"
    grade: Grade | None = Field(description="The final grade; none: no grade is awarded")
    reason: Reason


class RecordOrgPenalty(Command):
    """An administrative penalty on the organisation (行政处罚); fines in integer fen."""

    type: Literal["RecordOrgPenalty"] = "RecordOrgPenalty"
    kind: PenaltyKind
    reason: Reason
    fine_fen: int = Field(default=0, ge=0, le=10**12)


# --- change registration, deregistration, forced exit -----------------------------------------


class RecordChangeApproval(Command):
    """The sponsor approved a change (name, domicile, legal representative, articles …)."""

    type: Literal["RecordChangeApproval"] = "RecordChangeApproval"
    matters: list[Annotated[str, Field(min_length=2, max_length=100)]] = Field(
        min_length=1, max_length=10
    )
    approved_on: date


class RegisterOrgChange(Command):
    """The authority registers the approved change (变更登记)."""

    type: Literal["RegisterOrgChange"] = "RegisterOrgChange"


class RecordDeregistrationApproval(Command):
    """The sponsor approved the organisation's voluntary deregistration (注销)."""

    type: Literal["RecordDeregistrationApproval"] = "RecordDeregistrationApproval"
    approved_on: date


class StartLiquidation(Command):
    """A liquidation group starts (清算); the organisation may do nothing else meanwhile."""

    type: Literal["StartLiquidation"] = "StartLiquidation"


class FinishLiquidation(Command):
    """Liquidation ended; deregistration must be applied for within 15 days."""

    type: Literal["FinishLiquidation"] = "FinishLiquidation"


class ApplyForDeregistration(Command):
    """The organisation applies for deregistration (注销登记申请)."""

    type: Literal["ApplyForDeregistration"] = "ApplyForDeregistration"


class RecordCertificateReturned(Command):
    """The certificate and the seals were handed back (缴回登记证书和印章)."""

    type: Literal["RecordCertificateReturned"] = "RecordCertificateReturned"
    certificate: bool
    seals: bool


class CompleteDeregistration(Command):
    """The authority deregisters the organisation and publishes the notice (公告); closes."""

    type: Literal["CompleteDeregistration"] = "CompleteDeregistration"
    notice_reference: str = Field(min_length=2, max_length=100)


class ProposeRevocation(Command):
    """Draft a forced exit: revocation (撤销登记) or certificate revocation (吊销)."""

    type: Literal["ProposeRevocation"] = "ProposeRevocation"
    kind: ExitKind = ExitKind.REVOCATION
    grounds: list[Reason] = Field(min_length=1, max_length=10)


class DecideRevocation(Command):
    """An approver who did not draft the proposal decides it (four eyes)."""

    type: Literal["DecideRevocation"] = "DecideRevocation"
    approve: bool
    reason: Reason


SocialOrgCommand = Annotated[
    ApplyForOrgRegistration
    | SubmitRegistrationDocuments
    | RegisterOrganisation
    | RefuseOrgRegistration
    | RecordOrgActivity
    | FileAnnualReport
    | RecordInspectionResult
    | RecordRectification
    | RemoveFromAbnormalList
    | ApplyForGradeEvaluation
    | ProposeGrade
    | FileGradeObjection
    | DecideGradeObjection
    | RecordOrgPenalty
    | RecordChangeApproval
    | RegisterOrgChange
    | RecordDeregistrationApproval
    | StartLiquidation
    | FinishLiquidation
    | ApplyForDeregistration
    | RecordCertificateReturned
    | CompleteDeregistration
    | ProposeRevocation
    | DecideRevocation
    | EscalateClock
    | GrantExtension
    | RecomputeClocks,
    Field(discriminator="type"),
]
