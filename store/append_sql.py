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
                                escalation_level, closed, attributes, clock_basis, version,
                                last_position, updated_at)
        SELECT $18, $19, $20, $21, $22, $23, $24, $25, $26, $28::jsonb, $29::text,
               max(ins.version), max(ins.position), $27
        FROM ins
        HAVING count(*) > 0
        ON CONFLICT (case_id) DO UPDATE SET
            kind = excluded.kind, stage = excluded.stage, unit = excluded.unit,
            assignee = excluded.assignee, opened_at = excluded.opened_at,
            next_due_at = excluded.next_due_at, escalation_level = excluded.escalation_level,
            closed = excluded.closed, attributes = excluded.attributes,
            clock_basis = excluded.clock_basis, version = excluded.version, last_position = excluded.last_position,
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
        summary.clock_basis,
    ]
    args.append(recorded_at)
    return _statement(single, True, len(args)), args


# --- the notification outbox, in the same statement (issue 14) --------------------------------
# A data-modifying CTE that joins the events just inserted with the notifications they call for
# (one jsonb parameter, whatever the number of events), resolving each recipient spec to the
# active users (by role / unit / user id) or the outside party's endpoints as they are at this
# moment. A spec nobody answers to is kept as a dead letter, so an administrator sees it.
_OUTBOX_CTE = """,
    outboxed AS (
        INSERT INTO notifications (delivery_key, event_id, case_id, event_version, rule, spec,
                                   recipient_kind, recipient, channel, address, message, status,
                                   last_error)
        SELECT md5(n.event_id::text || '/' || coalesce(r.recipient, n.spec::text) || '/'
                   || coalesce(r.channel, 'none'))::uuid,
               n.event_id, $1, ins.version, n.rule, n.spec,
               coalesce(r.kind, 'none'), coalesce(r.recipient, n.spec::text),
               coalesce(r.channel, 'none'), r.address, n.message,
               CASE WHEN r.recipient IS NULL THEN 'dead' ELSE 'pending' END,
               CASE WHEN r.recipient IS NULL THEN 'no active recipient matches' END
        FROM ins
        JOIN jsonb_to_recordset(${param}::jsonb) AS n(version int, event_id uuid, rule text,
                                                       spec jsonb, message jsonb)
          ON n.version = ins.version
        LEFT JOIN LATERAL (
            SELECT 'user' AS kind, u.user_id AS recipient, ch.channel, ch.address
            FROM users u
            CROSS JOIN LATERAL (VALUES ('inbox', NULL::text), ('email', u.email))
                 AS ch(channel, address)
            WHERE n.spec->>'party' IS NULL AND u.active
              AND (n.spec->>'user_id' IS NULL OR u.user_id = n.spec->>'user_id')
              AND (n.spec->>'role' IS NULL OR u.role = n.spec->>'role')
              AND (n.spec->>'unit' IS NULL OR u.unit = n.spec->>'unit')
              AND (ch.channel = 'inbox' OR ch.address IS NOT NULL)
            UNION ALL
            SELECT 'endpoint', e.endpoint_id, e.channel, e.address
            FROM notification_endpoints e
            WHERE e.active AND e.party = n.spec->>'party'
        ) AS r ON true
        ON CONFLICT DO NOTHING
    )
"""

_RESULT = "SELECT position FROM ins"


def with_outbox(
    sql: str, args: list[Any], notifications: list[dict[str, Any]]
) -> tuple[str, list[Any]]:
    """The append statement extended to write `notifications` (each with the `version` and
    `event_id` of its event, `rule`, `spec` and `message`) into the outbox, committed with the
    events or not at all. The parameter is numbered after the statement's own (recorded_at
    included), whatever their number."""
    if not notifications:
        return sql, args
    head, found, tail = sql.rpartition(_RESULT)
    if not found:
        raise ValueError("not an append statement")
    cte = _OUTBOX_CTE.replace("{param}", str(len(args) + 1))
    return f"{head.rstrip()}{cte}    {found}{tail}", [
        *args,
        json.dumps(notifications, ensure_ascii=False, default=str),
    ]
