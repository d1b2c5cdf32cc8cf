"""Audit reads in one round trip each: a case's events with its unit (for the reader's scope),
verified as they are read, and the events a state as of a moment is folded from.

Plain asyncpg on the ledger's own pool and plain dicts, no ORM rows or per-row models: at a
million events these reads cost about what the raw SQL costs (docs/benchmarks.md, "Audit
reads"). The `cases` row's unit comes in the same statement, so the reader's scope needs no
second query; a case without a `cases` row reads as unknown, as everywhere else in the API.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from domain.actors import Actor, Role
from store.hashing import GENESIS, canonical, chain
from store.models import ChainVerification

_EVENT_COLUMNS = (
    "e.position, e.stream_id, e.version, e.event_id, e.type, e.schema_version, "
    "e.payload::text AS payload, e.actor_id, e.actor_role, e.actor_unit, e.occurred_at, "
    "e.recorded_at, e.hash_version, e.workflow_id, e.run_id, e.trace_id, e.prev_hash, e.hash"
)

# The case's unit rides along every event row (an InitPlan, evaluated once): no rows when the
# stream is empty, a NULL unit when the case has no `cases` row; either is an unknown case.
CASE_EVENTS_SQL = f"""
    SELECT (SELECT unit FROM cases WHERE case_id = $1) AS case_unit, {_EVENT_COLUMNS}
    FROM events e
    WHERE e.stream_id = $1
    ORDER BY e.version
"""

# One stream, whether or not it has a `cases` row (the ledger's own verification).
CASE_STREAM_SQL = f"SELECT {_EVENT_COLUMNS} FROM events e WHERE e.stream_id = $1 ORDER BY e.version"

CASE_FOLD_SQL = """
    SELECT c.unit AS case_unit, e.version, e.type, e.schema_version, e.payload::text AS payload
    FROM cases c LEFT JOIN events e
      ON e.stream_id = c.case_id
     AND ($2::timestamptz IS NULL OR e.occurred_at <= $2)
     AND ($3::int4 IS NULL OR e.version <= $3)
    WHERE c.case_id = $1
    ORDER BY e.version
"""


@dataclass(frozen=True)
class CaseEvents:
    """A case's unit and its events as plain dicts (payload decoded, hashes as bytes)."""

    case_id: str
    unit: str
    events: list[dict[str, Any]]

    def verification(self) -> ChainVerification:
        """The chain verification of exactly these events (what `Ledger.verify` computes)."""
        return verify_events(self.case_id, self.events)


@dataclass(frozen=True)
class FoldRows:
    """What a state as of a moment is folded from: (type, schema_version, payload) in order."""

    unit: str
    events: list[tuple[str, int, dict[str, Any]]]
    version: int  # of the last event read; 0 when none


async def case_events(pool: asyncpg.Pool, case_id: str) -> CaseEvents | None:
    """The case's unit and every event of its stream, in one round trip; None if the case is
    unknown or has no events."""
    records = await pool.fetch(CASE_EVENTS_SQL, case_id)
    if not records or records[0]["case_unit"] is None:
        return None
    events = []
    for record in records:
        row = dict(record)
        del row["case_unit"]
        row["payload"] = json.loads(row["payload"])
        events.append(row)
    return CaseEvents(case_id, records[0]["case_unit"], events)


async def fold_rows(
    pool: asyncpg.Pool, case_id: str, *, as_of: datetime | None, version: int | None
) -> FoldRows | None:
    """The case's unit and its events up to `as_of` / `version`, in one round trip."""
    records = await pool.fetch(CASE_FOLD_SQL, case_id, as_of, version)
    if not records:
        return None
    events = [
        (r["type"], r["schema_version"], json.loads(r["payload"]))
        for r in records
        if r["version"] is not None
    ]
    last = records[-1]["version"]
    return FoldRows(records[0]["case_unit"], events, last or 0)


def check_event(row: dict[str, Any], prev: bytes, expected_version: int) -> str | None:
    """Why a stored event does not continue its chain after `prev`, or None when it does."""
    if row["version"] != expected_version:
        return f"version {expected_version} is missing"
    if bytes(row["prev_hash"]) != prev:
        return "prev_hash does not match the previous event's hash"
    try:
        content = canonical(
            stream_id=row["stream_id"],
            version=row["version"],
            event_id=row["event_id"],
            type_=row["type"],
            schema_version=row["schema_version"],
            payload=row["payload"],
            actor=Actor.model_construct(
                user_id=row["actor_id"], role=Role(row["actor_role"]), unit=row["actor_unit"]
            ),
            occurred_at=row["occurred_at"],
            hash_version=row["hash_version"],
            recorded_at=row["recorded_at"],
            workflow_id=row["workflow_id"],
            run_id=row["run_id"],
            trace_id=row["trace_id"],
        )
    except ValueError as unknown:
        return str(unknown)
    if chain(prev, content) != bytes(row["hash"]):
        return "content does not match its hash"
    return None


def verify_events(stream_id: str, rows: list[dict[str, Any]]) -> ChainVerification:
    """Recompute the hash chain over a stream's rows, in version order."""
    prev = GENESIS
    for count, row in enumerate(rows, start=1):
        problem = check_event(row, prev, count)
        if problem is not None:
            return ChainVerification(
                stream_id=stream_id,
                valid=False,
                events=count,
                first_bad_version=row["version"],
                problem=problem,
            )
        prev = bytes(row["hash"])
    return ChainVerification.model_construct(  # from trusted values: no validation per read
        stream_id=stream_id,
        valid=bool(rows),
        events=len(rows),
        head_hash=prev.hex() if rows else None,
        first_bad_version=None,
        problem=None if rows else "no events in this stream",
    )
