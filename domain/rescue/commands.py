"""What rescue staff ask of a case (DOMAIN.md §1): the street and intake commands, and the
union of every rescue command."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from domain.case import EscalateClock, GrantExtension, RecomputeClocks
from domain.messages import Command
from domain.rescue.commands_care import (
    ApproveIndividualPlan,
    ApproveStayExtension,
    AssignHousing,
    CancelPlanService,
    CompletePlanService,
    DraftIndividualPlan,
    NoteDistrictWeather,
    PublishFamilySearchNotice,
    RecordDnaCollected,
    RecordIdentityEstablished,
    RecordPoliceIdentityAnswer,
    RecordWeeklyReview,
    RefuseStayExtension,
    RequestDnaCollection,
    RequestIdentityCheck,
    RequestStayExtension,
    ReturnIndividualPlan,
)
from domain.rescue.commands_exit import (
    AcknowledgeHandover,
    CloseRescueCase,
    HandOverToFamily,
    PlacePerson,
    RecordDeath,
    RecordFollowUpVisit,
    RecordHospitalDischarge,
    RecordPoliceAcknowledgement,
    RecordSelfExit,
    RecordUnauthorisedDeparture,
    StartEscortedReturn,
    TerminateAssistance,
    TransferToHospital,
)
from domain.rescue.vocabulary import (
    Category,
    Frozen,
    InformationGiven,
    PersonDetails,
    ReportSource,
    Screening,
    Sex,
    Vulnerability,
)


class ReportPerson(Command):
    """Someone was found in need on the street (发现)."""

    type: Literal["ReportPerson"] = "ReportPerson"
    source: ReportSource
    unit: str = Field(min_length=1, max_length=64, description="Street office or station in charge")
    location: str = Field(min_length=1, max_length=200)
    observed: list[Vulnerability] = Field(default_factory=list, max_length=len(Vulnerability))
    escorted_to_station: bool = False
    acute_illness: bool = False
    note: str = Field(default="", max_length=1000)


class RecordHelpRefused(Command):
    """The person declined help; in extreme weather supplies are handed out and a revisit set."""

    type: Literal["RecordHelpRefused"] = "RecordHelpRefused"
    extreme_weather: bool = False
    supplies_given: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, max_length=20
    )


class RegisterIntake(Command):
    """Intake registration at the station (入站登记) with screening."""

    type: Literal["RegisterIntake"] = "RegisterIntake"
    person: PersonDetails
    information: InformationGiven
    screening: Screening = Screening()


class DenyAssistance(Command):
    """Not eligible: a written refusal with reasons closes the case (不予救助通知书)."""

    type: Literal["DenyAssistance"] = "DenyAssistance"
    reasons: list[Annotated[str, Field(max_length=500)]] = Field(min_length=1, max_length=10)


class ClassifyPerson(Command):
    """Classify the person; categories from age and sex are derived, others observed."""

    type: Literal["ClassifyPerson"] = "ClassifyPerson"
    observed: list[Category] = Field(default_factory=list, max_length=len(Category))


class CloseReport(Command):
    """Close a report before intake (person not found, false report), with the reason."""

    type: Literal["CloseReport"] = "CloseReport"
    reason: str = Field(min_length=2, max_length=500)


# Commands of the street and intake stages: reported → (refused help) → intake → classified.
StreetAndIntakeCommand = (
    ReportPerson
    | RecordHelpRefused
    | RegisterIntake
    | DenyAssistance
    | ClassifyPerson
    | CloseReport
)

RescueCommand = Annotated[
    ReportPerson
    | RecordHelpRefused
    | RegisterIntake
    | DenyAssistance
    | ClassifyPerson
    | CloseReport
    | AssignHousing
    | RequestIdentityCheck
    | RecordPoliceIdentityAnswer
    | PublishFamilySearchNotice
    | RequestDnaCollection
    | RecordDnaCollected
    | RecordIdentityEstablished
    | DraftIndividualPlan
    | ApproveIndividualPlan
    | ReturnIndividualPlan
    | CompletePlanService
    | CancelPlanService
    | RecordWeeklyReview
    | RequestStayExtension
    | ApproveStayExtension
    | RefuseStayExtension
    | NoteDistrictWeather
    | HandOverToFamily
    | StartEscortedReturn
    | AcknowledgeHandover
    | RecordSelfExit
    | RecordUnauthorisedDeparture
    | RecordPoliceAcknowledgement
    | PlacePerson
    | TransferToHospital
    | RecordHospitalDischarge
    | TerminateAssistance
    | RecordDeath
    | RecordFollowUpVisit
    | CloseRescueCase
    | EscalateClock
    | GrantExtension
    | RecomputeClocks,
    Field(discriminator="type"),
]

__all__ = [
    "Category",
    "Frozen",
    "InformationGiven",
    "PersonDetails",
    "ReportSource",
    "RescueCommand",
    "Screening",
    "Sex",
    "StreetAndIntakeCommand",
    "Vulnerability",
]
