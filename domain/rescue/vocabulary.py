"""The words of the rescue lifecycle: enumerations and small value objects (DOMAIN.md §1)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


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


class HousingArea(StrEnum):
    """Where a person sleeps in the station; women are housed apart (办法 Art 8)."""

    MEN = "men"
    WOMEN = "women"
    BOYS = "boys"  # minors' area, male
    GIRLS = "girls"  # minors' area, female
    SINGLE_ROOM = "single_room"  # sex or age not known yet, or care needs it


class WeatherKind(StrEnum):
    COLD_WAVE = "cold_wave"  # 寒潮
    HEAT_WAVE = "heat_wave"  # 高温


class IdentityMethod(StrEnum):
    """How an unidentified person's identity was finally established (寻亲)."""

    POLICE_CHECK = "police_check"  # police population system
    FAMILY_SEARCH = "family_search"  # family answered the search notice
    DNA_MATCH = "dna_match"
    SELF_REPORTED = "self_reported"  # the person remembered or began to talk
    OTHER = "other"


class NeedType(StrEnum):
    """The seed's 3A model of needs."""

    ASSISTANCE = "assistance"  # 援助型
    ACCOMPANY = "accompany"  # 陪伴型
    ADVANCEMENT = "advancement"  # 成长型


class ServiceKind(StrEnum):
    MEDICAL = "medical"
    PSYCHOLOGICAL_COUNSELLING = "psychological_counselling"
    FAMILY_TRACING = "family_tracing"
    SKILLS_EMPLOYMENT = "skills_employment"
    RETURN_TRAVEL = "return_travel"
    OTHER = "other"


class Placement(StrEnum):
    OFF_SITE_CARE = "off_site_care"  # 站外托养: the station still cares; the case stays open
    WELFARE_INSTITUTION = "welfare_institution"  # 福利机构
    LONG_TERM = "long_term"  # 长期滞留人员安置, after 户籍 registration


class DischargeOutcome(StrEnum):
    RETURNED_TO_STATION = "returned_to_station"
    DISCHARGED = "discharged"  # the hospital released the person elsewhere


class ExitRoute(StrEnum):
    """How a person left the station's care (DOMAIN.md §1.7)."""

    FAMILY_COLLECTED = "family_collected"  # 家属接回
    ESCORTED_RETURN = "escorted_return"  # 护送返乡
    SELF_EXIT = "self_exit"  # 自行离站
    UNAUTHORISED_DEPARTURE = "unauthorised_departure"  # 擅自离站
    PLACEMENT = "placement"  # 安置
    MEDICAL_TRANSFER = "medical_transfer"  # 转介医疗, after the discharge notice
    TERMINATION = "termination"  # 终止救助
    DEATH = "death"  # 死亡


class PersonDetails(Frozen):
    """Personal data: kept in the ledger only, never in search attributes or logs."""

    name: str | None = Field(default=None, max_length=100)
    sex: Sex = Sex.UNKNOWN
    age: int | None = Field(default=None, ge=0, le=130)
    age_estimated: bool = False
    id_number: str | None = Field(default=None, max_length=18, pattern=r"^[0-9]{17}[0-9Xx]$")
    hukou: str | None = Field(default=None, max_length=200)  # 户籍
    cause: str | None = Field(default=None, max_length=500)  # cause of vagrancy
    relatives: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=20
    )
    belongings: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=50
    )


class Screening(Frozen):
    """Intake screening: who else must take the person first."""

    infectious_critical_or_injured: bool = False  # → hospital
    danger_drugs_or_fugitive: bool = False  # → police


class NeedsAssessment(Frozen):
    """A caseworker's findings along the 3A model, and which kind of need leads the plan."""

    assistance: str = Field(default="", max_length=1000)  # 援助型: material, medical, return
    accompany: str = Field(default="", max_length=1000)  # 陪伴型: emotional, company, care
    advancement: str = Field(default="", max_length=1000)  # 成长型: skills, work, self-reliance
    primary: NeedType

    @model_validator(mode="after")
    def _primary_has_findings(self) -> NeedsAssessment:
        if not getattr(self, self.primary.value).strip():
            raise ValueError(f"the primary need ({self.primary.value}) needs findings")
        return self


class PlannedService(Frozen):
    """One service of an individual plan: what, who owns it, and by when."""

    service_id: str = Field(
        max_length=20, pattern=r"^[A-Za-z0-9_-]{1,20}$", description="e.g. S1; unique"
    )
    kind: ServiceKind
    description: str = Field(min_length=1, max_length=500)
    owner: str = Field(min_length=1, max_length=64, description="User id of the owner")
    due: date


class Collector(Frozen):
    """A family member collecting the person; the ID is checked before the handover."""

    name: str = Field(min_length=1, max_length=100)
    relation: str = Field(min_length=1, max_length=50)
    id_number: str = Field(max_length=18, pattern=r"^[0-9]{17}[0-9Xx]$")


class PoliceReportChannel(StrEnum):
    """How the police were told of a missing person."""

    PHONE_110 = "phone_110"  # by telephone to the 110 command centre
    IN_PERSON = "in_person"  # at the police station
    WRITTEN = "written"  # a written report delivered
    SYSTEM = "system"  # the bureau's notification to the police's duty desk (outbox webhook)
