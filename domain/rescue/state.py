"""The state of a rescue case, folded from its events."""

from __future__ import annotations

from enum import StrEnum

from domain.case import CaseState
from domain.rescue.commands import Category, InformationGiven, PersonDetails, ReportSource


class Stage(StrEnum):
    NEW = "new"
    REPORTED = "reported"  # 发现
    REFUSED_HELP = "refused_help"  # 拒绝救助
    INTAKE = "intake"  # 入站登记
    IN_STAY = "in_stay"  # 在站
    CLOSED = "closed"


STAGE_LABELS_ZH = {
    Stage.NEW: "新建",
    Stage.REPORTED: "发现",
    Stage.REFUSED_HELP: "拒绝救助",
    Stage.INTAKE: "入站登记",
    Stage.IN_STAY: "在站",
    Stage.CLOSED: "已结案",
}


class RescueState(CaseState):
    source: ReportSource | None = None
    person: PersonDetails | None = None
    information: InformationGiven | None = None
    provisional: bool = False  # 先行救助
    categories: tuple[Category, ...] = ()
    housed_with_women: bool = False
    under_guardianship: bool = False
    referrals: tuple[str, ...] = ()
    denial_reasons: tuple[str, ...] = ()
    closed_reason: str | None = None
