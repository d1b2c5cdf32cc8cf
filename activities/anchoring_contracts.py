"""The anchoring activity's input and output (no I/O here: workflows import it)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

ANCHOR_LEDGER = "ledger.anchor"


class AnchorRequest(BaseModel):
    """Why an anchor is made: on the schedule, or asked for by someone (their user id)."""

    model_config = ConfigDict(frozen=True)

    requested_by: str | None = None  # None: the periodic schedule


class AnchorSummary(BaseModel):
    """What was signed and published (the statement without its signature bytes)."""

    model_config = ConfigDict(frozen=True)

    anchor_id: str
    anchored_at: str
    xid_bound: str
    max_position: int
    streams: int
    root: str
    key_id: str
