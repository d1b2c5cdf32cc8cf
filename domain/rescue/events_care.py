"""What happened while the person was in care: housing, identity, plan and stay."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from domain.messages import Event
from domain.rescue.vocabulary import (
    HousingArea,
    IdentityMethod,
    NeedsAssessment,
    PlannedService,
    WeatherKind,
)


class HousingAssigned(Event):
    type: Literal["HousingAssigned"] = "HousingAssigned"
    area: HousingArea
    at: datetime


# --- identity and family tracing ---------------------------------------------------------------


class IdentityCheckRequested(Event):
    """A query to the police population system; the answer comes back as its own event."""

    type: Literal["IdentityCheckRequested"] = "IdentityCheckRequested"
    request_id: str
    id_number: str
    at: datetime


class PoliceIdentityConfirmed(Event):
    type: Literal["PoliceIdentityConfirmed"] = "PoliceIdentityConfirmed"
    request_id: str
    hukou: str | None
    at: datetime


class PoliceIdentityNotFound(Event):
    type: Literal["PoliceIdentityNotFound"] = "PoliceIdentityNotFound"
    request_id: str
    at: datetime


class FamilyTracingStarted(Event):
    """The person is unidentified: the tracing clocks count from entry."""

    type: Literal["FamilyTracingStarted"] = "FamilyTracingStarted"
    entered_at: datetime
    at: datetime


class FamilySearchNoticePublished(Event):
    type: Literal["FamilySearchNoticePublished"] = "FamilySearchNoticePublished"
    channels: list[str]
    at: datetime


class DnaCollectionRequested(Event):
    type: Literal["DnaCollectionRequested"] = "DnaCollectionRequested"
    police_unit: str
    at: datetime


class DnaCollected(Event):
    type: Literal["DnaCollected"] = "DnaCollected"
    at: datetime


class IdentityEstablished(Event):
    type: Literal["IdentityEstablished"] = "IdentityEstablished"
    method: IdentityMethod
    hukou: str | None
    at: datetime


class OffSiteCareDecisionPrompted(Event):
    """Unidentified after 10 days: decide on off-site care (站外托养) or an institution."""

    type: Literal["OffSiteCareDecisionPrompted"] = "OffSiteCareDecisionPrompted"
    at: datetime


class LongTermPlacementPrompted(Event):
    """Unidentified after 3 months: 户籍 registration and long-term placement."""

    type: Literal["LongTermPlacementPrompted"] = "LongTermPlacementPrompted"
    at: datetime


# --- the individual plan -----------------------------------------------------------------------


class IndividualPlanDrafted(Event):
    type: Literal["IndividualPlanDrafted"] = "IndividualPlanDrafted"
    version: int
    drafted_by: str
    assessment: NeedsAssessment
    goals: list[str]
    services: list[PlannedService]
    revises: int | None  # the approved version this one would replace
    at: datetime


class IndividualPlanApproved(Event):
    type: Literal["IndividualPlanApproved"] = "IndividualPlanApproved"
    version: int
    approved_by: str
    at: datetime


class IndividualPlanReturned(Event):
    type: Literal["IndividualPlanReturned"] = "IndividualPlanReturned"
    version: int
    returned_by: str
    reason: str
    at: datetime


class PlanServiceCompleted(Event):
    type: Literal["PlanServiceCompleted"] = "PlanServiceCompleted"
    service_id: str
    completed_by: str
    outcome: str
    at: datetime


class PlanServiceCancelled(Event):
    type: Literal["PlanServiceCancelled"] = "PlanServiceCancelled"
    service_id: str
    cancelled_by: str
    reason: str
    at: datetime


# --- the stay ----------------------------------------------------------------------------------


class WeeklyReviewRecorded(Event):
    type: Literal["WeeklyReviewRecorded"] = "WeeklyReviewRecorded"
    reviewed_by: str
    notes: str
    at: datetime


class StayExtensionRequested(Event):
    type: Literal["StayExtensionRequested"] = "StayExtensionRequested"
    days: int
    reason: str
    requested_by: str
    at: datetime


class StayExtensionApproved(Event):
    """Reported upward and approved; a ClockExtended event moves the stay clock."""

    type: Literal["StayExtensionApproved"] = "StayExtensionApproved"
    days: int
    approved_by: str
    at: datetime


class StayExtensionRefused(Event):
    type: Literal["StayExtensionRefused"] = "StayExtensionRefused"
    reason: str
    refused_by: str
    at: datetime


class DistrictWeatherNoted(Event):
    """The district's extreme-weather mode as this case knows it (None: mode off)."""

    type: Literal["DistrictWeatherNoted"] = "DistrictWeatherNoted"
    weather: WeatherKind | None
    episode: str | None
    at: datetime
