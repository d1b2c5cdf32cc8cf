"""A case's state from its ledger stream, now or as of any moment: folding with `evolve`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from domain.case import CaseState
from domain.lifecycle import Lifecycle
from store.audit_reads import fold_rows
from store.ledger import Ledger
from store.models import StoredEvent


def fold(lifecycle: Lifecycle[Any], case_id: str, stored: list[StoredEvent]) -> CaseState:
    """Upcast each stored event to its current schema and fold from the initial state."""
    return fold_plain(lifecycle, case_id, ((e.type, e.schema_version, e.payload) for e in stored))


def fold_plain(
    lifecycle: Lifecycle[Any],
    case_id: str,
    rows: Iterable[tuple[str, int, Mapping[str, Any]]],
) -> CaseState:
    """The same fold from plain (type, schema_version, payload) rows."""
    events = (lifecycle.parse_event(t, v, payload) for t, v, payload in rows)
    state: CaseState = lifecycle.fold(events, lifecycle.initial(case_id))
    return state


async def case_as_of(
    ledger: Ledger,
    lifecycle: Lifecycle[Any],
    case_id: str,
    *,
    as_of: datetime | None = None,
    version: int | None = None,
) -> tuple[str, CaseState, int] | None:
    """The case's unit, its state after every event that occurred by `as_of` (or up to
    `version`) and that event's version; None for an unknown case. One round trip."""
    rows = await fold_rows(await ledger.pool(), case_id, as_of=as_of, version=version)
    if rows is None:
        return None
    return rows.unit, fold_plain(lifecycle, case_id, rows.events), rows.version


async def state_as_of(
    ledger: Ledger,
    lifecycle: Lifecycle[Any],
    case_id: str,
    *,
    as_of: datetime | None = None,
    version: int | None = None,
) -> tuple[CaseState, int]:
    """The state after every event that occurred by `as_of` (or up to `version`)."""
    stored = await ledger.read_stream(case_id, as_of=as_of, up_to_version=version)
    return fold(lifecycle, case_id, stored), (stored[-1].version if stored else 0)
