"""Social organisations from registration to deregistration, one yearly cycle after another
(DOMAIN.md §3): social groups, social service agencies and foundations."""

from __future__ import annotations

from typing import Any

from domain.lifecycle import Lifecycle
from domain.socialorg.commands import SocialOrgCommand
from domain.socialorg.decide import decide
from domain.socialorg.events import SocialOrgEvent
from domain.socialorg.evolve import evolve
from domain.socialorg.schedule import inspection_schedule
from domain.socialorg.state import SocialOrgState


def attributes(state: SocialOrgState) -> dict[str, Any]:
    """Read-model fields for the bureau's yearly batch view; never names or personal data."""
    current = state.current_inspection
    upcoming = inspection_schedule(state)
    inspections = {str(y): i.status for y, i in sorted(state.inspections.items())}
    # Years not open yet are in the batch view too: skipped ones, and the next one scheduled.
    for item in upcoming:
        inspections.setdefault(str(item.year), "skipped" if item.skipped else "scheduled")
    return {
        "org_type": state.org_type.value if state.org_type else None,
        "registered_on": state.registered_on.isoformat() if state.registered_on else None,
        "inspection_year": state.cycle_year,
        "inspection_status": current.status if current else ("scheduled" if upcoming else None),
        "inspections": inspections,
        "schedule": [item.model_dump(mode="json") for item in upcoming],
        "lists": sorted(v.value for v in state.lists),
        "grade": state.grade.value if state.grade else None,
        "grade_valid_until": state.grade_valid_until.isoformat()
        if state.grade_valid_until
        else None,
        "zombie": state.zombie,
        "revocation_pending": state.revocation is not None,
        "warnings": len(state.warnings),
    }


SOCIAL_ORG: Lifecycle[SocialOrgState] = Lifecycle(
    kind="social_org",
    id_prefix="ORG",
    state_type=SocialOrgState,
    command_union=SocialOrgCommand,
    event_union=SocialOrgEvent,
    decide=decide,
    evolve=evolve,
    opening_commands=frozenset({"ApplyForOrgRegistration"}),
    attributes=attributes,
    details=lambda state: {
        "inspection_schedule": [i.model_dump(mode="json") for i in inspection_schedule(state)]
    },
)
