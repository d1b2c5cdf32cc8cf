"""Rescue of homeless and vagrant persons, one person one plan (DOMAIN.md §1)."""

from __future__ import annotations

from typing import Any

from domain.lifecycle import Lifecycle
from domain.rescue.commands import RescueCommand
from domain.rescue.decide import decide, evolve
from domain.rescue.events import UPCASTERS, RescueEvent
from domain.rescue.state import RescueState


def _attributes(state: RescueState) -> dict[str, Any]:
    """Board fields for lists; never personal data (no categories, names or health)."""
    plan = state.plan_in_force
    return {
        "identified": state.identified,
        "exit_route": state.exit_route.value if state.exit_route else None,
        "plan_version": plan.version if plan else None,
        "open_services": len(state.open_services),
    }


RESCUE: Lifecycle[RescueState] = Lifecycle(
    kind="rescue",
    id_prefix="RSC",
    state_type=RescueState,
    command_union=RescueCommand,
    event_union=RescueEvent,
    decide=decide,
    evolve=evolve,
    opening_commands=frozenset({"ReportPerson"}),
    upcasters=UPCASTERS,
    attributes=_attributes,
)
