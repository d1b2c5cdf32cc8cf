"""Rescue of homeless and vagrant persons, one person one plan (DOMAIN.md §1)."""

from __future__ import annotations

from domain.lifecycle import Lifecycle
from domain.rescue.commands import RescueCommand
from domain.rescue.decide import decide, evolve
from domain.rescue.events import RescueEvent
from domain.rescue.state import STAGE_LABELS_ZH, RescueState

RESCUE: Lifecycle[RescueState] = Lifecycle(
    kind="rescue",
    id_prefix="RSC",
    label_zh="流浪乞讨人员救助",
    state_type=RescueState,
    command_union=RescueCommand,
    event_union=RescueEvent,
    decide=decide,
    evolve=evolve,
    opening_commands=frozenset({"ReportPerson"}),
    stage_labels_zh={k.value: v for k, v in STAGE_LABELS_ZH.items()},
)
