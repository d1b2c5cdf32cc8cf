"""The one vocabulary staff read: Chinese labels beside every English code casework uses.

The tables live in this package's modules as plain data; this module assembles them and
answers the few lookups that are not a plain key (clocks named per instance, rungs by number).
Codes, API fields and logs stay English; everything a person reads is looked up here.
"""

from __future__ import annotations

from typing import Any

from domain.catalogue.clocks import CLOCK_FAMILIES, CLOCK_UNITS, CLOCKS, LEVELS, RUNGS
from domain.catalogue.commands import COMMANDS
from domain.catalogue.errors import ERRORS, VALIDATION
from domain.catalogue.events import EVENTS
from domain.catalogue.fields import FIELDS, FIELDS_IN
from domain.catalogue.stages import KINDS, STAGES
from domain.catalogue.values import ENUMS, ROLES

__all__ = [
    "CLOCKS",
    "CLOCK_FAMILIES",
    "CLOCK_UNITS",
    "COMMANDS",
    "ENUMS",
    "ERRORS",
    "EVENTS",
    "FIELDS",
    "FIELDS_IN",
    "KINDS",
    "LEVELS",
    "ROLES",
    "RUNGS",
    "STAGES",
    "VALIDATION",
    "catalogue",
    "clock_label",
    "command_label",
    "enum_label",
    "error_label",
    "event_label",
    "field_label",
    "level_label",
    "role_label",
    "rung_label",
    "stage_label",
]


def catalogue() -> dict[str, Any]:
    """Every table, as `GET /vocabulary` serves it."""
    return {
        "kinds": KINDS,
        "commands": COMMANDS,
        "events": EVENTS,
        "stages": STAGES,
        "clocks": CLOCKS,
        "clock_families": CLOCK_FAMILIES,
        "rungs": RUNGS,
        "levels": LEVELS,
        "clock_units": CLOCK_UNITS,
        "roles": ROLES,
        "errors": ERRORS,
        "validation": VALIDATION,
        "fields": FIELDS,
        "fields_in": FIELDS_IN,
        "enums": ENUMS,
    }


def command_label(type_: str) -> str:
    return COMMANDS.get(type_, type_)


def event_label(type_: str) -> str:
    return EVENTS.get(type_, type_)


def stage_label(kind: str, stage: str) -> str:
    return STAGES.get(kind, {}).get(stage, stage)


def clock_label(name: str) -> str:
    """A clock's name for staff; per-instance clocks (a plan's service S1) fill a template."""
    label = CLOCKS.get(name)
    if label is not None:
        return label
    for prefix, template in CLOCK_FAMILIES.items():
        if name.startswith(prefix):
            return template.format(name[len(prefix) :])
    return name


def rung_label(rung: int) -> str:
    return RUNGS.get(str(rung), str(rung))


def level_label(level: int) -> str:
    return LEVELS.get(str(level), str(level))


def role_label(role: str) -> str:
    return ROLES.get(role, role)


def error_label(code: str) -> str | None:
    """The Chinese reason of a refusal code; None when the catalogue has none."""
    return ERRORS.get(code)


def field_label(name: str, model: str | None = None) -> str:
    """A field's label; `model` picks a meaning a command gives the name (GrantExtension.by)."""
    if model is not None and f"{model}.{name}" in FIELDS_IN:
        return FIELDS_IN[f"{model}.{name}"]
    return FIELDS.get(name, name)


def enum_label(enum: str, value: object) -> str:
    return ENUMS.get(enum, {}).get(str(value), str(value))
