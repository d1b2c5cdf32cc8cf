"""What rescue staff ask of a case (DOMAIN.md §1, steps 1-3)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.case import EscalateClock, GrantExtension
from domain.messages import Command


class ReportSource(StrEnum):
    POLICE = "police"  # 公安
    CITY_MANAGEMENT = "city_management"  # 城管
    GRID_PATROL = "grid_patrol"  # 网格
    HOTLINE_12345 = "hotline_12345"
    WALK_IN = "walk_in"


class Vulnerability(StrEnum):
    """What a finder can see on the street; the police and city management must escort these."""

    MINOR = "minor"
    ELDERLY = "elderly"
    DISABLED = "disabled"
    LIMITED_MOBILITY = "limited_mobility"


class Category(StrEnum):
    """Classification at intake (DOMAIN.md §1.3)."""

    ADULT = "adult"
    MINOR = "minor"
    ELDERLY = "elderly"
    DISABLED = "disabled"
    MENTAL_OR_INTELLECTUAL = "mental_or_intellectual"  # suspected
    ILL_OR_INJURED = "ill_or_injured"
    PREGNANT = "pregnant"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class InformationGiven(StrEnum):
    PROVIDED = "provided"
    UNABLE = "unable"  # cannot, because of age or disability: help first, verify later (先行救助)
    REFUSED = "refused"  # will not: no help (办法 Art 6)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PersonDetails(Frozen):
    """Personal data: kept in the ledger only, never in search attributes or logs."""

    name: str | None = Field(default=None, max_length=100)
    sex: Sex = Sex.UNKNOWN
    age: int | None = Field(default=None, ge=0, le=130)
    age_estimated: bool = False
    id_number: str | None = Field(default=None, pattern=r"^[0-9]{17}[0-9Xx]$")
    hukou: str | None = Field(default=None, max_length=200)  # 户籍
    cause: str | None = Field(default=None, max_length=500)  # cause of vagrancy
    relatives: list[str] = Field(default_factory=list, max_length=20)
    belongings: list[str] = Field(default_factory=list, max_length=50)


class Screening(Frozen):
    """Intake screening: who else must take the person first."""

    infectious_critical_or_injured: bool = False  # → hospital
    danger_drugs_or_fugitive: bool = False  # → police


class ReportPerson(Command):
    """Someone was found in need on the street (发现)."""

    type: Literal["ReportPerson"] = "ReportPerson"
    source: ReportSource
    unit: str = Field(min_length=1, max_length=64, description="Street office or station in charge")
    location: str = Field(min_length=1, max_length=200)
    observed: list[Vulnerability] = Field(default_factory=list)
    escorted_to_station: bool = False
    acute_illness: bool = False
    note: str = Field(default="", max_length=1000)


class RecordHelpRefused(Command):
    """The person declined help; in extreme weather supplies are handed out and a revisit set."""

    type: Literal["RecordHelpRefused"] = "RecordHelpRefused"
    extreme_weather: bool = False
    supplies_given: list[str] = Field(default_factory=list, max_length=20)


class RegisterIntake(Command):
    """Intake registration at the station (入站登记) with screening."""

    type: Literal["RegisterIntake"] = "RegisterIntake"
    person: PersonDetails
    information: InformationGiven
    screening: Screening = Screening()


class DenyAssistance(Command):
    """Not eligible: a written refusal with reasons closes the case (不予救助通知书)."""

    type: Literal["DenyAssistance"] = "DenyAssistance"
    reasons: list[str] = Field(min_length=1, max_length=10)


class ClassifyPerson(Command):
    """Classify the person; categories from age and sex are derived, others observed."""

    type: Literal["ClassifyPerson"] = "ClassifyPerson"
    observed: list[Category] = Field(default_factory=list)


class CloseReport(Command):
    """Close a report before intake (person not found, false report), with the reason."""

    type: Literal["CloseReport"] = "CloseReport"
    reason: str = Field(min_length=2, max_length=500)


RescueCommand = Annotated[
    ReportPerson
    | RecordHelpRefused
    | RegisterIntake
    | DenyAssistance
    | ClassifyPerson
    | CloseReport
    | EscalateClock
    | GrantExtension,
    Field(discriminator="type"),
]
