"""What happened in a rescue case, in the past tense."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

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
from domain.rescue.events_care import (
    DistrictWeatherNoted,
    DnaCollected,
    DnaCollectionRequested,
    FamilySearchNoticePublished,
    FamilyTracingStarted,
    HousingAssigned,
    IdentityCheckRequested,
    IdentityEstablished,
    IndividualPlanApproved,
    IndividualPlanDrafted,
    IndividualPlanReturned,
    LongTermPlacementPrompted,
    OffSiteCareDecisionPrompted,
    PlanServiceCancelled,
    PlanServiceCompleted,
    PoliceIdentityConfirmed,
    PoliceIdentityNotFound,
    StayExtensionApproved,
    StayExtensionRefused,
    StayExtensionRequested,
    WeeklyReviewRecorded,
)
from domain.rescue.events_exit import (
    AssistanceTerminated,
    EscortedReturnStarted,
    FamilyNotifiedOfDeath,
    FamilyNotReachedAfterDeath,
    FollowUpScheduled,
    FollowUpVisited,
    HandedOverToFamily,
    HandoverAcknowledged,
    HospitalDischargeNoticeReceived,
    MissingPersonReportedToPolice,
    OffSiteCareArranged,
    PersonDied,
    PersonPlaced,
    PoliceNotifiedOfDeath,
    PoliceReportAcknowledged,
    SelfExitDeclared,
    StationExited,
    TransferredToHospital,
    UnauthorisedDepartureRecorded,
)
from domain.rescue.rules import PROOF_PATH_RULESET, RULESET
from domain.rescue.vocabulary import (
    Category,
    HousingArea,
    InformationGiven,
    PersonDetails,
    ReportSource,
    Screening,
    Vulnerability,
    WeatherKind,
)


class PersonReported(Event):
    """The case opens. Version 2 names the rules the case runs under (see `upcasters`)."""

    type: Literal["PersonReported"] = "PersonReported"
    schema_version: int = 2
    ruleset: int = RULESET
    source: ReportSource
    unit: str
    location: str
    observed: list[Vulnerability]
    escorted_to_station: bool
    note: str
    at: datetime


class EmergencyServiceCalled(Event):
    """Acute illness: the emergency service (120) first, the station informed (沪条例 Art 30)."""

    type: Literal["EmergencyServiceCalled"] = "EmergencyServiceCalled"
    at: datetime


class HelpRefused(Event):
    type: Literal["HelpRefused"] = "HelpRefused"
    extreme_weather: bool
    supplies_given: list[str]
    at: datetime
    district_weather: WeatherKind | None = None  # the district's extreme-weather mode, if on


class IntakeRegistered(Event):
    type: Literal["IntakeRegistered"] = "IntakeRegistered"
    person: PersonDetails
    information: InformationGiven
    screening: Screening
    identified: bool
    at: datetime


class ProvisionalAssistanceGranted(Event):
    """Cannot give information because of age or disability: help first, verify later (先行救助)."""

    type: Literal["ProvisionalAssistanceGranted"] = "ProvisionalAssistanceGranted"
    at: datetime


class ReferredToHospital(Event):
    type: Literal["ReferredToHospital"] = "ReferredToHospital"
    reason: str
    at: datetime


class ReferredToPolice(Event):
    type: Literal["ReferredToPolice"] = "ReferredToPolice"
    reason: str
    at: datetime


class AssistanceDenied(Event):
    """The written refusal with reasons (不予救助通知书, 办法 Art 6)."""

    type: Literal["AssistanceDenied"] = "AssistanceDenied"
    reasons: list[str]
    at: datetime


class PersonClassified(Event):
    type: Literal["PersonClassified"] = "PersonClassified"
    categories: list[Category]
    housed_with_women: bool  # women are housed apart (办法 Art 8)
    stay_limit_applies: bool
    at: datetime
    housing: HousingArea | None = None  # where the person sleeps first; None: not decided


class TemporaryGuardianshipAssumed(Event):
    """民政 takes temporary guardianship of a minor (未成年人保护法 Art 92)."""

    type: Literal["TemporaryGuardianshipAssumed"] = "TemporaryGuardianshipAssumed"
    at: datetime


class CaseClosed(Event):
    type: Literal["CaseClosed"] = "CaseClosed"
    reason: str
    at: datetime


RescueEvent = Annotated[
    PersonReported
    | EmergencyServiceCalled
    | HelpRefused
    | IntakeRegistered
    | ProvisionalAssistanceGranted
    | ReferredToHospital
    | ReferredToPolice
    | AssistanceDenied
    | PersonClassified
    | TemporaryGuardianshipAssumed
    | CaseClosed
    | HousingAssigned
    | IdentityCheckRequested
    | PoliceIdentityConfirmed
    | PoliceIdentityNotFound
    | FamilyTracingStarted
    | FamilySearchNoticePublished
    | DnaCollectionRequested
    | DnaCollected
    | IdentityEstablished
    | OffSiteCareDecisionPrompted
    | LongTermPlacementPrompted
    | IndividualPlanDrafted
    | IndividualPlanApproved
    | IndividualPlanReturned
    | PlanServiceCompleted
    | PlanServiceCancelled
    | WeeklyReviewRecorded
    | StayExtensionRequested
    | StayExtensionApproved
    | StayExtensionRefused
    | DistrictWeatherNoted
    | HandedOverToFamily
    | EscortedReturnStarted
    | HandoverAcknowledged
    | PoliceReportAcknowledged
    | SelfExitDeclared
    | UnauthorisedDepartureRecorded
    | MissingPersonReportedToPolice
    | OffSiteCareArranged
    | PersonPlaced
    | TransferredToHospital
    | HospitalDischargeNoticeReceived
    | AssistanceTerminated
    | PersonDied
    | PoliceNotifiedOfDeath
    | FamilyNotifiedOfDeath
    | FamilyNotReachedAfterDeath
    | StationExited
    | FollowUpScheduled
    | FollowUpVisited
    | ClockStarted
    | ClockEscalated
    | ClockExtended
    | ClockPaused
    | ClockResumed
    | ClockStopped
    | ClockRecomputed,
    Field(discriminator="type"),
]


def _person_reported_v1_to_v2(body: dict[str, Any]) -> dict[str, Any]:
    """A case reported before the full lifecycle runs under the proof path's rules."""
    return {**body, "ruleset": PROOF_PATH_RULESET}


UPCASTERS = {("PersonReported", 1): _person_reported_v1_to_v2}
