"""How the person leaves the station's care, the follow-up and the close (DOMAIN.md §1.7-1.8)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from domain.messages import Command
from domain.rescue.vocabulary import Collector, DischargeOutcome, Placement, PoliceReportChannel


class HandOverToFamily(Command):
    """Family collects the person (家属接回); the collector's ID is checked first."""

    type: Literal["HandOverToFamily"] = "HandOverToFamily"
    collector: Collector
    collector_id_checked: bool
    at_risk: bool = Field(default=False, description="Schedules the 30-day follow-up visit")


class StartEscortedReturn(Command):
    """Staff escort the person home (护送返乡); across regions the receiving bureau must
    acknowledge the handover."""

    type: Literal["StartEscortedReturn"] = "StartEscortedReturn"
    destination: str = Field(min_length=1, max_length=200)
    receiving_bureau: str = Field(min_length=1, max_length=100)
    cross_region: bool = False
    escorts: list[Annotated[str, Field(max_length=64)]] = Field(
        min_length=1, max_length=5, description="Escorting staff ids"
    )
    at_risk: bool = False


class AcknowledgeHandover(Command):
    """The receiving bureau's acknowledgement of the handover arrived."""

    type: Literal["AcknowledgeHandover"] = "AcknowledgeHandover"
    receipt_ref: str = Field(min_length=1, max_length=100)


class RecordSelfExit(Command):
    """The person leaves on their own with a signed declaration (adults only)."""

    type: Literal["RecordSelfExit"] = "RecordSelfExit"
    declaration_signed: bool


class RecordUnauthorisedDeparture(Command):
    """The person left without telling the station; a minor's departure goes to the police."""

    type: Literal["RecordUnauthorisedDeparture"] = "RecordUnauthorisedDeparture"
    last_seen: str = Field(min_length=1, max_length=300)
    police_station: str = Field(
        default="110指挥中心",
        min_length=1,
        max_length=200,
        description="Which police were told (a minor's or incapable person's departure)",
    )
    report_channel: PoliceReportChannel = Field(
        default=PoliceReportChannel.SYSTEM, description="How the police were told"
    )


class RecordPoliceAcknowledgement(Command):
    """The police's case reference for a missing-person report came back."""

    type: Literal["RecordPoliceAcknowledgement"] = "RecordPoliceAcknowledgement"
    police_ref: str = Field(min_length=1, max_length=100, description="警情编号")


class PlacePerson(Command):
    """Off-site care (站外托养), a welfare institution, or long-term placement."""

    type: Literal["PlacePerson"] = "PlacePerson"
    placement: Placement
    facility: str = Field(min_length=1, max_length=200)
    hukou_registered: bool = Field(default=False, description="户籍 registered (long-term)")


class TransferToHospital(Command):
    """Medical transfer: the case stays open until the hospital's discharge notice."""

    type: Literal["TransferToHospital"] = "TransferToHospital"
    hospital: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=2, max_length=500)


class RecordHospitalDischarge(Command):
    """The hospital's discharge notice arrived."""

    type: Literal["RecordHospitalDischarge"] = "RecordHospitalDischarge"
    outcome: DischargeOutcome
    notice_ref: str = Field(min_length=1, max_length=100)
    discharged_to: str = Field(default="", max_length=200)


class TerminateAssistance(Command):
    """End the assistance with written reasons (终止救助)."""

    type: Literal["TerminateAssistance"] = "TerminateAssistance"
    reasons: list[Annotated[str, Field(max_length=500)]] = Field(min_length=1, max_length=10)


class RecordDeath(Command):
    """The person died; the police and the family are notified."""

    type: Literal["RecordDeath"] = "RecordDeath"
    cause: str = Field(min_length=2, max_length=500)
    police_notice_ref: str = Field(min_length=1, max_length=100)
    family_notified: bool
    family_not_reached_reason: str | None = Field(default=None, min_length=2, max_length=500)


class RecordFollowUpVisit(Command):
    """The follow-up visit (回访) after return."""

    type: Literal["RecordFollowUpVisit"] = "RecordFollowUpVisit"
    outcome: str = Field(min_length=2, max_length=1000)


class CloseRescueCase(Command):
    """Close the case once the person has left and nothing is left open."""

    type: Literal["CloseRescueCase"] = "CloseRescueCase"
    summary: str = Field(min_length=2, max_length=1000)
