"""Hash versions: version 2 covers recorded_at and the run ids; version-1 events written before
the change still verify, and a stream's chain runs on across the change."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.evidence import build_export, verify_export
from store.hashing import GENESIS, canonical, chain
from store.ledger import Ledger
from tests.store.factories import OPERATOR, T0, new_events

_V1_INSERT = text(
    "INSERT INTO events (stream_id, version, event_id, type, schema_version, payload, actor_id,"
    " actor_role, actor_unit, occurred_at, recorded_at, prev_hash, hash, hash_version)"
    " VALUES (:s, :v, :id, 'NoteRecorded', 1, CAST(:p AS jsonb), :a, :r, :u, :o, :rec, :prev,"
    " :h, 1)"
)


async def _write_version_1_events(ledger: Ledger, stream_id: str, count: int) -> None:
    """Events as the ledger wrote them before hash version 2 (recorded_at outside the hash)."""
    prev = GENESIS
    async with ledger.engine.begin() as conn:
        for version in range(1, count + 1):
            event_id, payload = uuid.uuid4(), {"n": version, "text": "旧记录"}
            occurred = T0 + timedelta(minutes=version)
            digest = chain(
                prev,
                canonical(
                    stream_id=stream_id,
                    version=version,
                    event_id=event_id,
                    type_="NoteRecorded",
                    schema_version=1,
                    payload=payload,
                    actor=OPERATOR,
                    occurred_at=occurred,
                ),
            )
            await conn.execute(
                _V1_INSERT,
                {
                    "s": stream_id,
                    "v": version,
                    "id": event_id,
                    "p": json.dumps(payload, ensure_ascii=False),
                    "a": OPERATOR.user_id,
                    "r": OPERATOR.role.value,
                    "u": OPERATOR.unit,
                    "o": occurred,
                    "rec": datetime(2026, 11, 20, tzinfo=UTC),
                    "prev": prev,
                    "h": digest,
                },
            )
            prev = digest


async def test_old_version_1_events_verify_and_the_chain_continues_in_version_2(
    ledger: Ledger, stream_id: str
) -> None:
    await _write_version_1_events(ledger, stream_id, 3)
    await ledger.append(stream_id, 3, new_events(2))

    stored = await ledger.read_stream(stream_id)
    assert [e.hash_version for e in stored] == [1, 1, 1, 2, 2]
    assert stored[3].prev_hash == stored[2].hash
    result = await ledger.verify(stream_id)
    assert result.valid and result.events == 5 and result.head_hash == stored[-1].hash
    export = build_export(stream_id, "rescue", stored, "aud-chen", datetime.now(UTC))
    offline = verify_export(export)
    assert offline.valid and offline.head_hash == stored[-1].hash


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("recorded_at", "recorded_at + interval '1 hour'"),
        ("occurred_at", "occurred_at - interval '1 day'"),
        ("run_id", "'another-run'"),
        ("workflow_id", "'another-workflow'"),
        ("trace_id", "'0af7651916cd43dd8448eb211c80319c'"),
        ("event_id", "gen_random_uuid()"),
        ("type", "'NoteForged'"),
        ("schema_version", "2"),
        ("payload", '\'{"n": 1, "text": "改过"}\''),
        ("actor_id", "'op-2'"),
        ("actor_role", "'supervisor'"),
        ("actor_unit", "'张江镇'"),
        ("hash_version", "1"),  # claiming the old form, which leaves recorded_at unhashed
    ],
)
async def test_every_stored_field_a_supervisor_reads_is_covered_by_the_hash(
    ledger: Ledger, owner_engine: AsyncEngine, stream_id: str, column: str, value: str
) -> None:
    await ledger.append(stream_id, 0, new_events(3), run_id="run-1", workflow_id=stream_id)
    assert (await ledger.verify(stream_id)).valid

    async with owner_engine.begin() as conn:  # as the table's owner, triggers disabled
        await conn.execute(text("ALTER TABLE events DISABLE TRIGGER events_no_update_delete"))
        await conn.execute(
            text(f"UPDATE events SET {column} = {value} WHERE stream_id = :s AND version = 2"),
            {"s": stream_id},
        )
        await conn.execute(text("ALTER TABLE events ENABLE TRIGGER events_no_update_delete"))

    result = await ledger.verify(stream_id)
    assert (result.valid, result.first_bad_version) == (False, 2)
    assert result.problem == "content does not match its hash"


async def test_recorded_at_is_the_moment_the_writer_hashed(ledger: Ledger, stream_id: str) -> None:
    before = datetime.now(UTC)
    await ledger.append(stream_id, 0, new_events(2))
    stored = await ledger.read_stream(stream_id)
    assert stored[0].recorded_at == stored[1].recorded_at  # one append, one moment
    assert before <= stored[0].recorded_at <= datetime.now(UTC)
