"""The HTTP baseline of the audit reads: a bare FastAPI app serving the same rows as JSON.

No auth, no scope, no case-row lookup, no error mapping: one query and a plain serializer.
Its history body is the one casework's `GET /cases/{id}/history` serves (the same keys and
values, Chinese labels and summary included); its state body is `CaseDetail`'s core (case
id, version, state).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import asyncpg
from fastapi import FastAPI, Response

from domain.catalogue import event_label, role_label
from domain.lifecycle import Lifecycle
from domain.summaries import summary

COLUMNS = (
    "position, stream_id, version, event_id, type, schema_version, payload::text AS payload, "
    "actor_id, actor_role, actor_unit, occurred_at, recorded_at, hash_version, workflow_id, "
    "run_id, trace_id, prev_hash, hash"
)
HISTORY_SQL = f"SELECT {COLUMNS} FROM events WHERE stream_id = $1 ORDER BY version"
FOLD_SQL = (
    "SELECT version, type, schema_version, payload::text AS payload FROM events "
    "WHERE stream_id = $1 AND occurred_at <= $2 ORDER BY version"
)


def _utc(moment: datetime) -> str:
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def plain_history(records: list[asyncpg.Record]) -> bytes:
    """The history body from raw records, as directly as Python allows."""
    return json.dumps(
        [
            {
                "position": r["position"],
                "version": r["version"],
                "event_id": str(r["event_id"]),
                "type": r["type"],
                "type_label": event_label(r["type"]),
                "summary": summary(r["type"], payload),
                "schema_version": r["schema_version"],
                "actor": r["actor_id"],
                "actor_role": r["actor_role"],
                "actor_role_label": role_label(r["actor_role"]),
                "actor_unit": r["actor_unit"],
                "occurred_at": _utc(r["occurred_at"]),
                "recorded_at": _utc(r["recorded_at"]),
                "payload": payload,
                "prev_hash": r["prev_hash"].hex(),
                "hash": r["hash"].hex(),
                "hash_version": r["hash_version"],
                "workflow_id": r["workflow_id"],
                "run_id": r["run_id"],
                "trace_id": r["trace_id"],
            }
            for r in records
            for payload in (json.loads(r["payload"]),)
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def fold_records(lifecycle: Lifecycle[Any], case_id: str, records: list[asyncpg.Record]) -> Any:
    state = lifecycle.initial(case_id)
    events = (
        lifecycle.parse_event(r["type"], r["schema_version"], json.loads(r["payload"]))
        for r in records
    )
    return lifecycle.fold(events, state)


def minimal_app(pool: asyncpg.Pool, lifecycle: Lifecycle[Any]) -> FastAPI:
    app = FastAPI()

    @app.get("/raw/{case_id}/history")
    async def history(case_id: str) -> Response:
        records = await pool.fetch(HISTORY_SQL, case_id)
        return Response(plain_history(records), media_type="application/json")

    @app.get("/raw/{case_id}/state")
    async def state(case_id: str, as_of: datetime) -> Response:
        records = await pool.fetch(FOLD_SQL, case_id, as_of)
        folded = fold_records(lifecycle, case_id, records)
        body = {
            "case_id": case_id,
            "version": records[-1]["version"] if records else 0,
            "state": folded.model_dump(mode="json"),
        }
        return Response(json.dumps(body, ensure_ascii=False), media_type="application/json")

    return app
