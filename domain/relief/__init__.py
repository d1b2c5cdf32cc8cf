"""Social assistance: 低保, 特困 and 临时救助 from application to periodic review, with appeals,
error correction (容错纠错) and proactive discovery (政策找人) (DOMAIN.md §2)."""

from __future__ import annotations

from typing import Any

from domain.lifecycle import Lifecycle
from domain.relief.commands import ReliefCommand
from domain.relief.decide import decide, evolve
from domain.relief.events import ReliefEvent
from domain.relief.state import ReliefState


def attributes(state: ReliefState) -> dict[str, Any]:
    """List and board fields: the programme and where the case stands, never personal data."""
    return {
        "programme": state.programme.value if state.programme else None,
        "emergency": state.emergency,
        "on_behalf": state.on_behalf,
        "verified": state.verified,
        "open_appeal": state.open_appeal is not None,
        "open_correction": state.open_correction is not None,
    }


RELIEF: Lifecycle[ReliefState] = Lifecycle(
    kind="relief",
    id_prefix="REL",
    state_type=ReliefState,
    command_union=ReliefCommand,
    event_union=ReliefEvent,
    decide=decide,
    evolve=evolve,
    opening_commands=frozenset({"ApplyForAssistance", "OpenDiscoveryLead"}),
    attributes=attributes,
)
