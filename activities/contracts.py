"""Inputs and outputs of activities: one model each, so fields can be added without breaking
histories. Importable from workflows (no I/O here)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from store.models import AppendResult, CaseSummary, NewEvent

APPEND_EVENTS = "ledger.append"
LOAD_HOLIDAY_NOTICES = "calendar.holiday_notices"


class AppendRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    stream_id: str
    expected_version: int
    events: list[NewEvent]
    summary: CaseSummary
    # The head's hash when the case knows it (one round trip instead of two).
    expected_hash: str | None = None


class HolidayNoticesRequest(BaseModel):
    """Empty for now; a model so that fields (a year range, say) can be added later."""


__all__ = [
    "APPEND_EVENTS",
    "LOAD_HOLIDAY_NOTICES",
    "AppendRequest",
    "AppendResult",
    "CaseSummary",
    "HolidayNoticesRequest",
    "NewEvent",
]
