"""What goes in and out of a case workflow: its input, commands, results and views."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.actors import Actor

COMMAND_UPDATE = "command"
RECORD_REFUSAL_UPDATE = "record_refusal"
STATE_QUERY = "state"


class CaseInput(BaseModel):
    """Starts a case, or carries it over into a new run (continue-as-new)."""

    case_id: str
    kind: str
    state: dict[str, Any] | None = None  # the folded state, when carried over
    version: int = 0  # the stream's version the carried state reflects
    last_occurred_at: datetime | None = None  # of the newest event, when carried over
    last_hash: str | None = None  # the stream head's hash, when carried over
    # Continue as new once a run's history has this many events (None: when Temporal suggests).
    history_limit: int | None = Field(default=None, ge=50)


class CommandRequest(BaseModel):
    """An operator's command: who sends it and the lifecycle command as JSON."""

    model_config = ConfigDict(frozen=True)

    actor: Actor
    command: dict[str, Any] = Field(description="A lifecycle command; `type` names it")
    # When it happened, for entering a paper file's past steps (paper-file migration); the
    # gateway lets it through only where settings allow. None: now.
    effective_at: datetime | None = None


class RefusalRecord(BaseModel):
    """An attempt refused for who made it, to be kept in the case's history."""

    model_config = ConfigDict(frozen=True)

    actor: Actor
    command_type: str = Field(max_length=100)
    code: str
    reason: str = Field(max_length=1000)


class CommandResult(BaseModel):
    case_id: str
    version: int
    stage: str
    events: list[str]


class CaseView(BaseModel):
    """The workflow's own view of its case (the `state` query)."""

    case_id: str
    kind: str
    version: int
    stage: str
    state: dict[str, Any]


class CaseOutcome(BaseModel):
    case_id: str
    version: int
    stage: str
