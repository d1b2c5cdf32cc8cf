"""What a database superuser can do behind the application's back, for tamper tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.actors import Actor, Role
from store.hashing import canonical, chain
from tests.conftest import _with_database


def superuser_url(server_url: str, engine: AsyncEngine) -> str:
    """The server's superuser, connected to the engine's database."""
    assert engine.url.database
    return _with_database(server_url, engine.url.database)


async def rewrite_consistently(
    url: str, stream_id: str, version: int, change: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    """Change one event's payload and recompute the stream's chain from there on, as a
    superuser who disables the append-only trigger for the while: every row still matches its
    hash, and `/verify` has nothing to find."""
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            await conn.execute("ALTER TABLE events DISABLE TRIGGER events_no_update_delete")
            rows = await conn.fetch(
                "SELECT * FROM events WHERE stream_id = $1 ORDER BY version", stream_id
            )
            prev = bytes(rows[version - 2]["hash"]) if version > 1 else bytes(32)
            for row in rows[version - 1 :]:
                payload = json.loads(row["payload"])
                if row["version"] == version:
                    payload = change(payload)
                digest = chain(
                    prev,
                    canonical(
                        stream_id=stream_id,
                        version=row["version"],
                        event_id=row["event_id"],
                        type_=row["type"],
                        schema_version=row["schema_version"],
                        payload=payload,
                        actor=Actor(
                            user_id=row["actor_id"],
                            role=Role(row["actor_role"]),
                            unit=row["actor_unit"],
                        ),
                        occurred_at=row["occurred_at"],
                        hash_version=row["hash_version"],
                        recorded_at=row["recorded_at"],
                        workflow_id=row["workflow_id"],
                        run_id=row["run_id"],
                        trace_id=row["trace_id"],
                    ),
                )
                await conn.execute(
                    "UPDATE events SET payload = $1::jsonb, prev_hash = $2, hash = $3 "
                    "WHERE stream_id = $4 AND version = $5",
                    json.dumps(payload, ensure_ascii=False),
                    prev,
                    digest,
                    stream_id,
                    row["version"],
                )
                prev = digest
            await conn.execute("ALTER TABLE events ENABLE TRIGGER events_no_update_delete")
    finally:
        await conn.close()
