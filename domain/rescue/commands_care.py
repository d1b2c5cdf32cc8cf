"""What staff ask while the person is in care: housing, identity and family tracing, the
individual plan (一人一策) and the stay (DOMAIN.md §1.3-1.6)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from domain.messages import Command
from domain.rescue.vocabulary import (
    HousingArea,
    IdentityMethod,
    NeedsAssessment,
    PlannedService,
    WeatherKind,
)

# --- housing -----------------------------------------------------------------------------------


class AssignHousing(Command):
    """Move the person to another area of the station; women are housed apart (办法 Art 8)."""

    type: Literal["AssignHousing"] = "AssignHousing"
    area: HousingArea


# --- identity and family tracing (寻亲) ---------------------------------------------------------


class RequestIdentityCheck(Command):
    """Ask the police population system about an ID number found after intake."""

    type: Literal["RequestIdentityCheck"] = "RequestIdentityCheck"
    id_number: str = Field(max_length=18, pattern=r"^[0-9]{17}[0-9Xx]$")


class RecordPoliceIdentityAnswer(Command):
    """The police population system answered an identity check (actor: system)."""

    type: Literal["RecordPoliceIdentityAnswer"] = "RecordPoliceIdentityAnswer"
    request_id: str = Field(min_length=1, max_length=64)
    found: bool
    hukou: str | None = Field(default=None, max_length=200)


class PublishFamilySearchNotice(Command):
    """The family-search notice is out (寻亲公告; within 24 h of entry)."""

    type: Literal["PublishFamilySearchNotice"] = "PublishFamilySearchNotice"
    channels: list[Annotated[str, Field(max_length=100)]] = Field(
        min_length=1, max_length=10, examples=[["全国救助寻亲网"]]
    )


class RequestDnaCollection(Command):
    """The station asks the police to collect the person's DNA (within 7 working days)."""

    type: Literal["RequestDnaCollection"] = "RequestDnaCollection"
    police_unit: str = Field(min_length=1, max_length=100)


class RecordDnaCollected(Command):
    """The police collected the DNA sample (within 1 month of the request)."""

    type: Literal["RecordDnaCollected"] = "RecordDnaCollected"


class RecordIdentityEstablished(Command):
    """The person's identity is known at last: family tracing ends."""

    type: Literal["RecordIdentityEstablished"] = "RecordIdentityEstablished"
    method: IdentityMethod
    hukou: str | None = Field(default=None, max_length=200)


# --- the individual plan (一人一策) --------------------------------------------------------------


class DraftIndividualPlan(Command):
    """Draft the plan, or a revision of it: a new version that needs its own approval."""

    type: Literal["DraftIndividualPlan"] = "DraftIndividualPlan"
    assessment: NeedsAssessment
    goals: list[Annotated[str, Field(max_length=500)]] = Field(min_length=1, max_length=20)
    services: list[PlannedService] = Field(default_factory=list, max_length=30)


class ApproveIndividualPlan(Command):
    """Approve a drafted plan version; its author may not (four eyes)."""

    type: Literal["ApproveIndividualPlan"] = "ApproveIndividualPlan"
    version: int = Field(ge=1)


class ReturnIndividualPlan(Command):
    """Send a drafted plan version back to its author with the reason."""

    type: Literal["ReturnIndividualPlan"] = "ReturnIndividualPlan"
    version: int = Field(ge=1)
    reason: str = Field(min_length=2, max_length=500)


class CompletePlanService(Command):
    """A service of the approved plan is done."""

    type: Literal["CompletePlanService"] = "CompletePlanService"
    service_id: str = Field(min_length=1, max_length=20)
    outcome: str = Field(min_length=2, max_length=500)


class CancelPlanService(Command):
    """A service of the approved plan is no longer needed; the reason is required."""

    type: Literal["CancelPlanService"] = "CancelPlanService"
    service_id: str = Field(min_length=1, max_length=20)
    reason: str = Field(min_length=2, max_length=500)


# --- the stay (在站) ----------------------------------------------------------------------------


class RecordWeeklyReview(Command):
    """The weekly review of a person outside the 10-day rule; the next one is due in a week."""

    type: Literal["RecordWeeklyReview"] = "RecordWeeklyReview"
    notes: str = Field(min_length=2, max_length=2000)


class RequestStayExtension(Command):
    """Ask to stay beyond 10 days; a supervisor decides (reported upward, four eyes)."""

    type: Literal["RequestStayExtension"] = "RequestStayExtension"
    days: int = Field(ge=1, le=60)
    reason: str = Field(min_length=2, max_length=500)


class ApproveStayExtension(Command):
    """A supervisor who did not ask for it approves the pending stay extension."""

    type: Literal["ApproveStayExtension"] = "ApproveStayExtension"


class RefuseStayExtension(Command):
    """A supervisor refuses the pending stay extension, with the reason."""

    type: Literal["RefuseStayExtension"] = "RefuseStayExtension"
    reason: str = Field(min_length=2, max_length=500)


# --- the district's weather, as the case learns it ---------------------------------------------


class NoteDistrictWeather(Command):
    """The case learns the district's extreme-weather mode (actor: system)."""

    type: Literal["NoteDistrictWeather"] = "NoteDistrictWeather"
    weather: WeatherKind | None = None
    episode: str | None = Field(default=None, max_length=40, description="The WX case id")
