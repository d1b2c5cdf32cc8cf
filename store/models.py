"""Shapes that cross the ledger's door: what is appended, what is read, what a case looks like.

Plain pydantic with no I/O, so workflows can import them inside Temporal's sandbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.actors import Actor
from domain.summary import CaseSummary, summarize

__all__ = [
    "AppendResult",
    "CaseSummary",  # lives in domain/summary.py: workflows compute it without climbing to store
    "ChainVerification",
    "NewEvent",
    "StoredEvent",
    "summarize",
]


class NewEvent(BaseModel):
    """An event the runtime wants recorded; its id is fixed before the first attempt."""

    model_config = ConfigDict(frozen=True)

    event_id: UUID
    type: str
    schema_version: int = 1
    payload: dict[str, Any]
    actor: Actor
    occurred_at: datetime


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
