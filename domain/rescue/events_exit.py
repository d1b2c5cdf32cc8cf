"""How the person left the station's care, the follow-up and the close."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from domain.messages import Event
from domain.rescue.vocabulary import (
    Collector,
    DischargeOutcome,
    ExitRoute,
    Placement,
    PoliceReportChannel,
)


class HandedOverToFamily(Event):
    type: Literal["HandedOverToFamily"] = "HandedOverToFamily"
    collector: Collector
    id_checked_by: str
    at: datetime


class EscortedReturnStarted(Event):
    type: Literal["EscortedReturnStarted"] = "EscortedReturnStarted"
    destination: str
    receiving_bureau: str
    cross_region: bool
    escorts: list[str]
    at_risk: bool
    at: datetime


class HandoverAcknowledged(Event):
    type: Literal["HandoverAcknowledged"] = "HandoverAcknowledged"
    receiving_bureau: str
    receipt_ref: str
    at: datetime


class SelfExitDeclared(Event):
    """A signed declaration; persons lacking capacity leave only with the station's consent."""

    type: Literal["SelfExitDeclared"] = "SelfExitDeclared"
    station_consent_by: str | None
    at: datetime


class UnauthorisedDepartureRecorded(Event):
    type: Literal["UnauthorisedDepartureRecorded"] = "UnauthorisedDepartureRecorded"
    last_seen: str
    at: datetime


class MissingPersonReportedToPolice(Event):
    """A minor (or a person lacking capacity) left without notice: the police at once.

    Who was told and how were added later; older reports read as not recorded ("").
    """

    type: Literal["MissingPersonReportedToPolice"] = "MissingPersonReportedToPolice"
    reason: str
    reported_to: str = ""
    channel: PoliceReportChannel | None = None
    reported_by: str = ""
    at: datetime


class PoliceReportAcknowledged(Event):
    """The police's case reference (警情编号) for the report came back."""

    type: Literal["PoliceReportAcknowledged"] = "PoliceReportAcknowledged"
    police_ref: str
    recorded_by: str
    at: datetime


class OffSiteCareArranged(Event):
    type: Literal["OffSiteCareArranged"] = "OffSiteCareArranged"
    facility: str
    at: datetime


class PersonPlaced(Event):
    type: Literal["PersonPlaced"] = "PersonPlaced"
    placement: Placement
    facility: str
    hukou_registered: bool
    at: datetime


class TransferredToHospital(Event):
    type: Literal["TransferredToHospital"] = "TransferredToHospital"
    hospital: str
    reason: str
    at: datetime


class HospitalDischargeNoticeReceived(Event):
    type: Literal["HospitalDischargeNoticeReceived"] = "HospitalDischargeNoticeReceived"
    hospital: str
    outcome: DischargeOutcome
    notice_ref: str
    discharged_to: str
    at: datetime


class AssistanceTerminated(Event):
    """The written reasons for ending the assistance (终止救助)."""

    type: Literal["AssistanceTerminated"] = "AssistanceTerminated"
    reasons: list[str]
    at: datetime


class PersonDied(Event):
    type: Literal["PersonDied"] = "PersonDied"
    cause: str
    at: datetime


class PoliceNotifiedOfDeath(Event):
    type: Literal["PoliceNotifiedOfDeath"] = "PoliceNotifiedOfDeath"
    notice_ref: str
    at: datetime


class FamilyNotifiedOfDeath(Event):
    type: Literal["FamilyNotifiedOfDeath"] = "FamilyNotifiedOfDeath"
    at: datetime


class FamilyNotReachedAfterDeath(Event):
    type: Literal["FamilyNotReachedAfterDeath"] = "FamilyNotReachedAfterDeath"
    reason: str
    at: datetime


class StationExited(Event):
    """The person left the station's care by one of the exit routes (离站)."""

    type: Literal["StationExited"] = "StationExited"
    route: ExitRoute
    at: datetime


class FollowUpScheduled(Event):
    type: Literal["FollowUpScheduled"] = "FollowUpScheduled"
    at: datetime


class FollowUpVisited(Event):
    type: Literal["FollowUpVisited"] = "FollowUpVisited"
    visited_by: str
    outcome: str
    at: datetime
