"""The baseline case: a bare Temporal workflow doing what a command needs at the least.

Each command is one update whose handler runs one activity that inserts one row into
`bare_events` (the shape of `events`), then answers; the workflow waits forever, as an open
case does. Nothing else: no decider, no hash chain, no clocks, no search attributes. Started
with update-with-start, as casework opens a case.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    import asyncpg
    from pydantic import BaseModel

BARE_UPDATE = "command"
CREATE_BARE = "CREATE TABLE IF NOT EXISTS bare_events (LIKE events INCLUDING ALL)"
INSERT_BARE = """
    INSERT INTO bare_events (stream_id, version, event_id, type, schema_version, payload,
                             actor_id, actor_role, actor_unit, occurred_at, prev_hash, hash,
                             recorded_at, hash_version)
    VALUES ($1, $2, $3, $4, 1, $5::text::jsonb, $6, 'operator', '', $7, $8, $9, $7, 2)
"""


class BareRow(BaseModel):
    case_id: str
    version: int
    event_id: str
    command: dict[str, Any]
    actor: str


class BareActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @activity.defn(name="bare_insert")
    async def insert(self, row: BareRow) -> int:
        body = json.dumps(row.command, ensure_ascii=False)
        # A digest of the row, so the CHECK on `hash` holds; no chain (nothing is read back).
        await self._pool.execute(
            INSERT_BARE,
            row.case_id,
            row.version,
            uuid.UUID(row.event_id),
            str(row.command.get("type", "?")),
            body,
            row.actor,
            datetime.now(UTC),
            bytes(32),
            hashlib.sha256(body.encode()).digest(),
        )
        return row.version


@workflow.defn(name="BareCase")
class BareCase:
    def __init__(self) -> None:
        self._version = 0

    @workflow.run
    async def run(self, case_id: str) -> None:
        self._case_id = case_id
        await workflow.wait_condition(lambda: False)

    @workflow.update(name=BARE_UPDATE)
    async def command(self, actor: str, command: dict[str, Any]) -> int:
        self._version += 1
        return await workflow.execute_activity_method(
            BareActivities.insert,
            BareRow(
                case_id=workflow.info().workflow_id,
                version=self._version,
                event_id=str(workflow.uuid4()),
                command=command,
                actor=actor,
            ),
            start_to_close_timeout=timedelta(seconds=30),
        )
