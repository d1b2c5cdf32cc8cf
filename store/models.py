"""Shapes that cross the ledger's door: what is appended, what is read, what a case looks like.

Plain pydantic with no I/O, so workflows can import them inside Temporal's sandbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.actors import Actor
from domain.case import CaseState
from domain.lifecycle import Lifecycle


class NewEvent(BaseModel):
    """An event the runtime wants recorded; its id is fixed before the first attempt."""

    model_config = ConfigDict(frozen=True)

    event_id: UUID
    type: str
    schema_version: int = 1
    payload: dict[str, Any]
    actor: Actor
    occurred_at: datetime


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


class AppendResult(BaseModel):
    """Where the appended events landed; a replayed append returns the same result."""

    model_config = ConfigDict(frozen=True)

    stream_id: str
    first_version: int
    last_version: int
    last_hash: str
    positions: list[int] = Field(default_factory=list)


class StoredEvent(BaseModel):
    """One row of the ledger as supervisors read it."""

    model_config = ConfigDict(frozen=True)

    position: int
    stream_id: str
    version: int
    event_id: UUID
    type: str
    schema_version: int
    payload: dict[str, Any]
    actor: Actor
    occurred_at: datetime
    recorded_at: datetime
    hash_version: int = 1  # which canonical form the hash covers (store/hashing.py)
    workflow_id: str | None = None
    run_id: str | None = None
    trace_id: str | None = None
    prev_hash: str
    hash: str


class ChainVerification(BaseModel):
    """The result of recomputing a stream's hash chain."""

    stream_id: str
    valid: bool
    events: int
    head_hash: str | None = None
    first_bad_version: int | None = None
    problem: str | None = None
