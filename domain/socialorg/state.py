"""The state of a social organisation's case, folded from its events."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.case import CaseState
from domain.socialorg.commands import (
    Document,
    ExitKind,
    Grade,
    InspectionResult,
    OrgType,
    PenaltyKind,
)
from domain.socialorg.timers import TIMERS


class Stage(StrEnum):
    NEW = "new"
    APPLYING = "applying"  # 申请中: documents incomplete
    UNDER_REVIEW = "under_review"  # 审查中: complete, the 60-day decision clock runs
    REFUSED = "refused"  # 不予登记
    REGISTERED = "registered"  # 已登记: the yearly cycle runs
    LIQUIDATING = "liquidating"  # 清算中: no other activity
    DEREGISTERING = "deregistering"  # 注销申请中
    DEREGISTERED = "deregistered"  # 已注销
    REVOKED = "revoked"  # 已撤销登记 / 已吊销登记证书


CLOSED_STAGES = frozenset({Stage.REFUSED, Stage.DEREGISTERED, Stage.REVOKED})
# Once liquidation starts the organisation does nothing but wind up (清算期间不得开展清算以外的活动).
WINDING_UP = frozenset({Stage.LIQUIDATING, Stage.DEREGISTERING})


class OrgList(StrEnum):
    ABNORMAL_ACTIVITY = "abnormal_activity"  # 活动异常名录
    SERIOUS_DISHONESTY = "serious_dishonesty"  # 严重违法失信名单


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Rectification = Literal["pending", "accepted", "failed"]


class Inspection(Frozen):
    """One year's annual inspection (年检): the reports, misses, result and rectification."""

    year: int
    skipped: bool = False
    sponsor_due_on: date | None = None
    authority_due_on: date | None = None
    sponsor_filed: bool = False
    authority_filed: bool = False
    sponsor_missed: bool = False
    authority_missed: bool = False
    result: InspectionResult | None = None
    rectification: Rectification | None = None

    @property
    def status(self) -> str:
        """For the bureau's batch view: skipped | pass | basic_pass | fail | filed | late | due."""
        if self.skipped:
            return "skipped"
        if self.result is not None:
            return self.result.value
        if self.authority_filed:
            return "filed"
        if self.authority_missed:
            return "late"
        return "due"

    @property
    def without_inspection(self) -> bool:
        """The year passed with no report to the authority and no inspection."""
        return self.authority_missed and not self.authority_filed and self.result is None


class Grading(Frozen):
    """A grade evaluation in progress."""

    applied_at: datetime
    proposed: Grade | None = None
    proposed_by: str | None = None
    objection: str | None = None


class Penalty(Frozen):
    kind: PenaltyKind
    on: date


class PendingChange(Frozen):
    matters: tuple[str, ...]
    approved_on: date


class RevocationDraft(Frozen):
    kind: ExitKind
    grounds: tuple[str, ...]
    proposed_by: str


class SocialOrgState(CaseState):
    org_type: OrgType | None = None
    org_name: str | None = None  # public register data, kept out of lists and attributes
    sponsor_unit: str | None = None
    documents: tuple[Document, ...] = ()
    application_received_by: str | None = None
    certificate_number: str | None = None
    credit_code: str | None = None
    registered_on: date | None = None
    activity_seen: bool = False
    cycle_year: int | None = None  # the inspection year opened last
    inspections: dict[int, Inspection] = Field(default_factory=dict)
    missed_in_a_row: int = 0
    lists: dict[OrgList, date] = Field(default_factory=dict)  # list → on it since
    warnings: tuple[str, ...] = ()
    zombie: bool = False
    revocation: RevocationDraft | None = None
    grade: Grade | None = None
    grade_valid_until: date | None = None
    grading: Grading | None = None
    penalties: tuple[Penalty, ...] = ()
    change: PendingChange | None = None
    deregistration_approved_on: date | None = None
    liquidation_finished: bool = False
    certificate_returned: bool = False
    seals_returned: bool = False
    closed_reason: str | None = None

    @property
    def next_due_at(self) -> datetime | None:
        """The earliest due instant of running deadlines (timers are moments, not deadlines)."""
        return min(
            (c.due_at for c in self.clocks.values() if c.running and c.name not in TIMERS),
            default=None,
        )

    @property
    def current_inspection(self) -> Inspection | None:
        return self.inspections.get(self.cycle_year) if self.cycle_year is not None else None

    def with_inspection(self, inspection: Inspection) -> SocialOrgState:
        return self.model_copy(
            update={"inspections": {**self.inspections, inspection.year: inspection}}
        )
