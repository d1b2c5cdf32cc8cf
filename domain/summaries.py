"""One-line Chinese summaries of events for staff, built from the catalogue; no personal data.

A summary names the event's clock and rung, or a few non-personal fields (reason, stage, source,
outcome …) with their labels and their values' labels. Names, ID numbers and health details
never appear: only the fields listed in SUMMARY_FIELDS are ever shown.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel

from domain.calendar import SHANGHAI
from domain.catalogue import (
    ENUMS,
    clock_label,
    enum_label,
    field_label,
    rung_label,
)

# The fields a summary may show, most telling first; none of them carries personal data.
SUMMARY_FIELDS = (
    "reason",
    "reasons",
    "grounds",
    "route",
    "outcome",
    "result",
    "recommendation",
    "information",
    "programme",
    "source",
    "categories",
    "observed",
    "area",
    "method",
    "placement",
    "weather",
    "grade",
    "org_type",
    "recipient",
    "listing",
    "reference",
    "year",
    "version",
    "service_id",
    "days",
)
MAX_SHOWN = 2


def local_time(value: str | datetime | None) -> str:
    """An instant as staff read it: Asia/Shanghai, to the minute."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def basis_label(basis: str) -> str:
    """A clock's calendar basis in Chinese: per year, the library, a notice, or the guess."""
    if basis.startswith("fixed instant"):
        return "固定时刻"
    parts: list[str] = []
    for part in basis.split("; "):
        year, _, source = part.partition(": ")
        if "weekdays-only fallback" in source:
            parts.append(f"{year}年：无节假日通知，按周一至周五推定")
        elif source.startswith("notice "):
            parts.append(f"{year}年：节假日通知 {source.removeprefix('notice ')}")
        elif source.startswith("chinese-calendar"):
            parts.append(f"{year}年：法定节假日日历")
        else:
            parts.append(part)
    return "；".join(parts)


def deadline_time(value: str | datetime | None) -> str:
    """A deadline as the law states it (民事诉讼法 Art 85): at Shanghai midnight it reads as
    24:00 of the day before, its last day, never as 00:00 of the next."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(SHANGHAI)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return f"{(local - timedelta(days=1)).date().isoformat()} 24:00"
    return local.strftime("%Y-%m-%d %H:%M")


@cache
def _enum_of_field() -> dict[str, str]:
    """Field name -> the enumeration its values come from, over every event and command."""
    from domain.case import AUDIT_ONLY_EVENTS
    from domain.registry import LIFECYCLES

    found: dict[str, str] = {}
    seen: set[type[BaseModel]] = set()

    def enum_in(annotation: Any) -> str | None:
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            return annotation.__name__
        for inner in get_args(annotation):
            name = enum_in(inner)
            if name is not None:
                return name
        return None

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            enum_name = enum_in(info.annotation)
            if enum_name is not None and enum_name in ENUMS:
                found.setdefault(name, enum_name)
            for inner in (info.annotation, *get_args(info.annotation)):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    walk(inner)

    for lifecycle in LIFECYCLES.values():
        for cls in get_args(get_args(lifecycle.event_union)[0]):
            walk(cls)
        for cls in lifecycle.command_types:
            walk(cls)
    for cls in AUDIT_ONLY_EVENTS.values():
        walk(cls)
    return found


def value_label(field: str, value: Any) -> str:
    """A field's value for staff: enumerations by their labels, lists joined, flags as 是/否."""
    if isinstance(value, list):
        return "、".join(value_label(field, v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if field == "command" and isinstance(value, str):
        from domain.catalogue import command_label

        return command_label(value)
    if field == "code" and isinstance(value, str):
        from domain.catalogue import error_label

        return error_label(value) or value
    enum_name = _enum_of_field().get(field)
    if enum_name is not None:
        return enum_label(enum_name, value)
    return str(value)


def summary(type_: str, payload: dict[str, Any]) -> str:
    """A one-line summary of an event for the history and timeline, in Chinese."""
    clock = payload.get("clock")
    if type_.startswith("Clock") and clock is not None:
        running = isinstance(clock, dict)
        name = clock_label(clock["spec"]["name"] if running else str(clock))
        if type_ == "ClockStarted" and running:
            return f"{name} 到期 {deadline_time(clock.get('due_at'))}"
        if type_ == "ClockExtended" and running:
            return f"{name} 延期至 {deadline_time(clock.get('due_at'))}"
        if type_ == "ClockRecomputed" and running:
            old, new = payload.get("old_due_on"), payload.get("new_due_on")
            return f"{name} 重新计算：截止日 {old} → {new}（{payload.get('new_basis', '')}）"
        if type_ == "ClockEscalated":
            return f"{name}：{rung_label(int(payload['rung']))}"
        word = {"ClockStopped": "停止", "ClockPaused": "暂停", "ClockResumed": "恢复计时"}
        return f"{name} {word.get(type_, '')}".strip()
    if type_ == "AttemptRefused":  # its reason is the English detail: show the rule instead
        refused = value_label("command", payload.get("command", ""))
        return f"{refused}：{value_label('code', payload.get('code', ''))}"
    shown = [
        f"{field_label(key)}：{value_label(key, payload[key])}"
        for key in SUMMARY_FIELDS
        if payload.get(key) not in (None, "", [])
    ]
    return "；".join(shown[:MAX_SHOWN])
