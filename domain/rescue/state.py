"""The state of a rescue case, folded from its events."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.case import CaseState
from domain.rescue.rules import RULESET
from domain.rescue.vocabulary import (
    Category,
    ExitRoute,
    HousingArea,
    InformationGiven,
    NeedsAssessment,
    PersonDetails,
    PlannedService,
    ReportSource,
    ServiceKind,
    WeatherKind,
)


class Stage(StrEnum):
    NEW = "new"
    REPORTED = "reported"  # 发现
    REFUSED_HELP = "refused_help"  # 拒绝救助
    INTAKE = "intake"  # 入站登记
    IN_STAY = "in_stay"  # 在站
    OFF_SITE_CARE = "off_site_care"  # 站外托养
    IN_HOSPITAL = "in_hospital"  # 转介医疗, waiting for the discharge notice
    RETURNING = "returning"  # 护送返乡, waiting for the receiving bureau
    EXITED = "exited"  # 已离站
    FOLLOW_UP = "follow_up"  # 回访
    CLOSED = "closed"


# Stages in which the station cares for the person (after classification, before the exit).
IN_CARE = (Stage.IN_STAY, Stage.OFF_SITE_CARE, Stage.IN_HOSPITAL)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class PlanStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"  # the plan in force
    SUPERSEDED = "superseded"  # an approved version a later approval replaced
    RETURNED = "returned"  # sent back to its author
    WITHDRAWN = "withdrawn"  # a draft a newer draft replaced before any decision


class PlanVersion(Frozen):
    """One version of the individual plan; every version stays in the state and the ledger."""

    version: int
    drafted_by: str
    drafted_at: datetime
    assessment: NeedsAssessment
    goals: tuple[str, ...]
    services: tuple[PlannedService, ...]
    status: PlanStatus = PlanStatus.DRAFT
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None


class ServiceStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ServiceRecord(Frozen):
    """A service of the plan in force, from the approval that activated it to its end."""

    service_id: str
    kind: ServiceKind
    description: str
    owner: str
    due: date
    plan_version: int
    status: ServiceStatus = ServiceStatus.ACTIVE
    ended_by: str | None = None
    note: str | None = None  # the outcome, or the reason for cancelling


class StayExtensionRequest(Frozen):
    days: int
    reason: str
    requested_by: str
    requested_at: datetime


class Handover(Frozen):
    """An escorted return waiting for (or with) the receiving bureau's acknowledgement."""

    receiving_bureau: str
    cross_region: bool
    at_risk: bool
    acknowledged: bool = False


class RescueState(CaseState):
    ruleset: int = RULESET
    source: ReportSource | None = None
    person: PersonDetails | None = None
    information: InformationGiven | None = None
    provisional: bool = False  # 先行救助
    categories: tuple[Category, ...] = ()
    housed_with_women: bool = False
    housing: HousingArea | None = None
    under_guardianship: bool = False
    referrals: tuple[str, ...] = ()
    denial_reasons: tuple[str, ...] = ()
    closed_reason: str | None = None
    # identity and family tracing
    entered_at: datetime | None = None
    identified: bool = False
    tracing: bool = False  # unidentified: family tracing runs
    identity_checks: int = 0
    pending_identity_check: str | None = None  # the request id of the check in flight
    pending_identity_number: str | None = None
    family_search_published: bool = False
    dna_requested: bool = False
    dna_collected: bool = False
    # the individual plan
    plans: tuple[PlanVersion, ...] = ()
    services: dict[str, ServiceRecord] = Field(default_factory=dict)
    # the stay
    stay_extension_request: StayExtensionRequest | None = None
    district_weather: WeatherKind | None = None
    weather_episode: str | None = None
    hospital: str | None = None
    # the exit and after
    exit_route: ExitRoute | None = None
    exited_at: datetime | None = None
    handover: Handover | None = None
    follow_up_pending: bool = False
    # a missing-person report waits for the police's case reference (警情编号)
    police_report_pending: bool = False
    police_ref: str | None = None

    @property
    def is_minor(self) -> bool:
        return Category.MINOR in self.categories

    @property
    def lacks_capacity(self) -> bool:
        """Suspected mental or intellectual disability: may not decide to leave alone."""
        return Category.MENTAL_OR_INTELLECTUAL in self.categories

    @property
    def draft_plan(self) -> PlanVersion | None:
        """The version waiting for a decision, if any (at most one at a time)."""
        return next((p for p in self.plans if p.status is PlanStatus.DRAFT), None)

    @property
    def plan_in_force(self) -> PlanVersion | None:
        return next((p for p in self.plans if p.status is PlanStatus.APPROVED), None)

    @property
    def open_services(self) -> list[str]:
        return sorted(
            s.service_id for s in self.services.values() if s.status is ServiceStatus.ACTIVE
        )
