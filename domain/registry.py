"""Every lifecycle casework runs, by kind."""

from __future__ import annotations

from typing import Any

from domain.errors import DomainError
from domain.lifecycle import Lifecycle
from domain.relief import RELIEF
from domain.rescue import RESCUE
from domain.rescue.weather import WEATHER
from domain.socialorg import SOCIAL_ORG

LIFECYCLES: dict[str, Lifecycle[Any]] = {
    lc.kind: lc for lc in (RESCUE, RELIEF, WEATHER, SOCIAL_ORG)
}


def lifecycle_for(kind: str) -> Lifecycle[Any]:
    try:
        return LIFECYCLES[kind]
    except KeyError:
        raise DomainError(
            "unknown_kind", f"no lifecycle named {kind!r}; known: {', '.join(LIFECYCLES)}"
        ) from None


def kind_of_case(case_id: str) -> Lifecycle[Any]:
    """The lifecycle a case id belongs to, from its prefix (RSC-2026-000123 → rescue)."""
    prefix = case_id.split("-", 1)[0]
    for lc in LIFECYCLES.values():
        if lc.id_prefix == prefix:
            return lc
    raise DomainError("unknown_case", f"{case_id!r} is not a casework case id")
