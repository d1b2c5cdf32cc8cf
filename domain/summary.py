"""A case's read-model row (the `cases` table), computed purely from its state.

The runtime computes it with every append and the store when it rebuilds read models; it lives
here so that workflows need nothing from `store/`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.case import CaseState
from domain.lifecycle import Lifecycle


class CaseSummary(BaseModel):
    """The `cases` read model row, computed from the state after the appended events."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    kind: str
    stage: str
    unit: str = ""
    assignee: str | None = None
    opened_at: datetime | None = None
    next_due_at: datetime | None = None
    escalation_level: int = 0
    closed: bool = False
    # Lifecycle-specific fields for lists and boards (never personal data), e.g.
    # {"lists": ["abnormal_activity"], "inspection_year": 2027}.
    attributes: dict[str, Any] = Field(default_factory=dict)
    # "fallback" when a clock of the case was counted on the Monday-Friday fallback for some
    # year, "calendar" when every clock rests on a known calendar, None without clocks.
    clock_basis: str | None = None


def summarize(lifecycle: Lifecycle[Any], case_id: str, state: CaseState) -> CaseSummary:
    """The read-model row of a case in the given state (used live and when rebuilding)."""
    return CaseSummary(
        case_id=case_id,
        kind=lifecycle.kind,
        stage=state.stage,
        unit=state.unit,
        assignee=state.assignee,
        opened_at=state.opened_at,
        next_due_at=state.next_due_at,
        escalation_level=state.escalation_level,
        closed=state.closed,
        attributes=lifecycle.attributes(state),
        clock_basis=state.clock_basis,
    )
