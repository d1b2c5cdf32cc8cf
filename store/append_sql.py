"""The append as one SQL statement: guarded multi-row insert of the events and the read-model
upsert, together, in a single round trip (autocommit: one statement is one transaction).

`recorded_at` is fixed by the writer (the hash covers it) and passed as the statement's last
parameter (numbered after all others), one value for every event of the append;
`hash_version` is the writer's constant.

The guard makes the statement insert nothing unless the head it builds on (version and hash)
is really stored, so a head the caller knew in advance can never break the chain; the unique
(stream_id, version) still turns a lost race into a unique violation. Measured in
docs/benchmarks.md against raw asyncpg inserts.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime
from typing import Any

from store.hashing import HASH_VERSION
from store.models import CaseSummary

HEAD_SQL = "SELECT version, hash FROM events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1"

_INSERT_CTE = """
    INSERT INTO events (stream_id, version, event_id, type, schema_version, payload, actor_id,
                        actor_role, actor_unit, occurred_at, workflow_id, run_id, trace_id,
                        prev_hash, hash, recorded_at, hash_version)
    SELECT $1, u.version, u.event_id, u.type, u.schema_version, u.payload::jsonb, u.actor_id,
           u.actor_role, u.actor_unit, u.occurred_at, $2, $3, $4, u.prev_hash, u.hash,
           {recorded_at}::timestamptz, {hash_version}
    FROM unnest($7::int4[], $8::uuid[], $9::text[], $10::int2[], $11::text[], $12::text[],
                $13::text[], $14::text[], $15::timestamptz[], $16::bytea[], $17::bytea[])
         WITH ORDINALITY AS u(version, event_id, type, schema_version, payload, actor_id,
                              actor_role, actor_unit, occurred_at, prev_hash, hash, ord)
    WHERE $5::int4 = 0 OR EXISTS (
        SELECT FROM events h WHERE h.stream_id = $1 AND h.version = $5 AND h.hash = $6::bytea)
    ORDER BY u.ord
    RETURNING position, version
"""

# One event: the same statement with scalar parameters ($7-$17 in the same places), which
# spares both sides the arrays and the unnest for the most common append.
_INSERT_ONE_CTE = """
    INSERT INTO events (stream_id, version, event_id, type, schema_version, payload, actor_id,
                        actor_role, actor_unit, occurred_at, workflow_id, run_id, trace_id,
                        prev_hash, hash, recorded_at, hash_version)
    SELECT $1, $7::int4, $8::uuid, $9::text, $10::int2, $11::text::jsonb, $12::text, $13::text,
           $14::text, $15::timestamptz, $2, $3, $4, $16::bytea, $17::bytea,
           {recorded_at}::timestamptz, {hash_version}
    WHERE $5::int4 = 0 OR EXISTS (
        SELECT FROM events h WHERE h.stream_id = $1 AND h.version = $5 AND h.hash = $6::bytea)
    RETURNING position, version
"""


def _with_projection(insert_cte: str) -> str:
    return f"""
    WITH ins AS ({insert_cte}),
    projected AS (
        INSERT INTO cases AS c (case_id, kind, stage, unit, assignee, opened_at, next_due_at,
                                escalation_level, closed, attributes, version, last_position,
                                updated_at)
        SELECT $18, $19, $20, $21, $22, $23, $24, $25, $26, $28::jsonb, max(ins.version),
               max(ins.position), $27
        FROM ins
        HAVING count(*) > 0
        ON CONFLICT (case_id) DO UPDATE SET
            kind = excluded.kind, stage = excluded.stage, unit = excluded.unit,
            assignee = excluded.assignee, opened_at = excluded.opened_at,
            next_due_at = excluded.next_due_at, escalation_level = excluded.escalation_level,
            closed = excluded.closed, attributes = excluded.attributes,
            version = excluded.version, last_position = excluded.last_position,
            updated_at = excluded.updated_at
        WHERE c.version < excluded.version
    )
    SELECT position FROM ins ORDER BY version
"""


@functools.cache
def _statement(single: bool, project: bool, recorded_at_param: int) -> str:
    """The append statement, with `recorded_at` as parameter `recorded_at_param` (the last,
    whatever the number of the others)."""
    insert = (_INSERT_ONE_CTE if single else _INSERT_CTE).format(
        recorded_at=f"${recorded_at_param}", hash_version=f"{HASH_VERSION}::int2"
    )
    if project:
        return _with_projection(insert)
    return f"WITH ins AS ({insert}) SELECT position FROM ins" + (
        "" if single else " ORDER BY version"
    )


_COLUMNS = (
    "version",
    "event_id",
    "type",
    "schema_version",
    "payload",
    "actor_id",
    "actor_role",
    "actor_unit",
    "occurred_at",
    "prev_hash",
    "hash",
)


def append_arguments(
    stream_id: str,
    expected_version: int,
    prev_hash: bytes,
    rows: list[dict[str, Any]],
    recorded_at: datetime,
    summary: CaseSummary | None,
    workflow_id: str | None,
    run_id: str | None,
    trace_id: str | None,
) -> tuple[str, list[Any]]:
    """The statement for an append of `rows` (as `Ledger` builds them) and its arguments."""
    single = len(rows) == 1
    if single:
        values: list[Any] = [rows[0][column] for column in _COLUMNS]
        values[4] = json.dumps(values[4], ensure_ascii=False)
    else:
        values = [[row[column] for row in rows] for column in _COLUMNS]
        values[4] = [json.dumps(p, ensure_ascii=False) for p in values[4]]
    args: list[Any] = [
        stream_id,
        workflow_id,
        run_id,
        trace_id,
        expected_version,
        prev_hash,
        *values,
    ]
    if summary is None:
        args.append(recorded_at)
        return _statement(single, False, len(args)), args
    args += [
        summary.case_id,
        summary.kind,
        summary.stage,
        summary.unit,
        summary.assignee,
        summary.opened_at,
        summary.next_due_at,
        summary.escalation_level,
        summary.closed,
        datetime.now(UTC),
        json.dumps(summary.attributes, ensure_ascii=False),
    ]
    args.append(recorded_at)
    return _statement(single, True, len(args)), args
