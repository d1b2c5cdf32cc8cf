"""Who applies and for what: programmes, papers, the household and its members."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Programme(StrEnum):
    DIBAO = "dibao"  # 最低生活保障: monthly
    TEKUN = "tekun"  # 特困人员供养: monthly
    TEMPORARY = "temporary"  # 临时救助: one-off; emergency fast-track 急难

    @property
    def monthly(self) -> bool:
        return self is not Programme.TEMPORARY


class Paper(StrEnum):
    ID_DOCUMENT = "id_document"  # 身份证明
    HOUSEHOLD_REGISTER = "household_register"  # 户口簿
    INCOME_PROOF = "income_proof"  # 收入证明
    ASSET_DECLARATION = "asset_declaration"  # 财产申报
    INCAPACITY_PROOF = "incapacity_proof"  # 丧失劳动能力 / 残疾证明
    HARDSHIP_PROOF = "hardship_proof"  # 事故、疾病等困难证明


class Member(Frozen):
    """One household member. Personal data: in the ledger only, never in lists or logs."""

    name: str | None = Field(default=None, max_length=100)
    id_number: str | None = Field(default=None, max_length=18, pattern=r"^[0-9]{17}[0-9Xx]$")
    relation: str = Field(default="本人", max_length=20)
    age: int = Field(ge=0, le=130)
    able_to_work: bool = False


class Household(Frozen):
    members: list[Member] = Field(min_length=1, max_length=20)
    declared_income_fen: int = Field(ge=0, description="Monthly household income, in fen")
    declared_assets_fen: int = Field(default=0, ge=0)
    income_stable: bool = True
    address: str = Field(default="", max_length=200)

    @property
    def unstable(self) -> bool:
        """Reviewed every 6 months: unstable income and someone able to work."""
        return not self.income_stable and any(m.able_to_work for m in self.members)
