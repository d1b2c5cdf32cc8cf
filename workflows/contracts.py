"""What goes in and out of a case workflow: its input, commands, results and views."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.actors import Actor
from domain.calendar import HolidayNotice

COMMAND_UPDATE = "command"
PAPER_FILE_UPDATE = "paper_file"
RECORD_REFUSAL_UPDATE = "record_refusal"
REFRESH_CALENDAR_SIGNAL = "refresh_calendar"
STATE_QUERY = "state"
# How many answered command ids a case remembers (carried across continue-as-new), so a retry
# that reaches a new run still gets the first answer; the API keeps keys for longer.
ANSWERED_MEMORY = 200


class CommandResult(BaseModel):
    case_id: str
    version: int
    stage: str
    events: list[str]


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
    # The answers to the newest commands with an id, carried over (see ANSWERED_MEMORY).
    answered: dict[str, CommandResult] = Field(default_factory=dict)


class CommandRequest(BaseModel):
    """An operator's command: who sends it and the lifecycle command as JSON."""

    model_config = ConfigDict(frozen=True)

    actor: Actor
    command: dict[str, Any] = Field(description="A lifecycle command; `type` names it")
    # When it happened, for entering a paper file's past steps (paper-file migration); the
    # gateway lets it through only where settings allow. None: now.
    effective_at: datetime | None = None
    # The command's identity, made from the client's Idempotency-Key (or by the gateway): it is
    # the Temporal update id, and the ids of the events the command records derive from it, so
    # a retry after any lost answer records nothing twice. None: ids from workflow.uuid4().
    command_id: str | None = Field(default=None, max_length=300)
    # The holiday notices the sender knows (the bureau's files): a case adopts them before it
    # decides, so a notice loaded while the case is open applies to the next clock it computes.
    # None: the case keeps the calendar it has.
    holiday_notices: list[HolidayNotice] | None = Field(default=None, max_length=50)


# Event ids of a keyed command are uuid5 names under this namespace (never change it: the ids of
# recorded events depend on it).
COMMAND_EVENT_NAMESPACE = uuid.UUID("6f1d7c52-4b7e-4d7a-9c1e-2f3a8b5d9e01")


def event_id_for(case_id: str, command_id: str, index: int) -> uuid.UUID:
    """The id of the `index`-th event (0-based) that command `command_id` records in a case."""
    return uuid.uuid5(COMMAND_EVENT_NAMESPACE, f"{case_id}/{command_id}/{index}")


class PaperFileStep(BaseModel):
    """One step of a paper file: the command, who did it and when it really happened."""

    model_config = ConfigDict(frozen=True)

    actor: Actor
    command: dict[str, Any] = Field(description="A lifecycle command; `type` names it")
    at: datetime = Field(description="When the step really happened (timezone-aware)")


class PaperFileRequest(BaseModel):
    """A paper file's whole known history, decided in order as of each step's date."""

    model_config = ConfigDict(frozen=True)

    entered_by: Actor = Field(description="Who types the file in (recorded beside the steps)")
    reference: str | None = Field(default=None, max_length=100, description="档案号")
    steps: list[PaperFileStep] = Field(min_length=1, max_length=500)
    command_id: str | None = Field(default=None, max_length=300)
    holiday_notices: list[HolidayNotice] | None = Field(default=None, max_length=50)


class RefusalRecord(BaseModel):
    """An attempt refused for who made it, to be kept in the case's history."""

    model_config = ConfigDict(frozen=True)

    actor: Actor
    command_type: str = Field(max_length=100)
    code: str
    reason: str = Field(max_length=1000)


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
