"""The ledger against a real PostgreSQL: concurrency, idempotency, append-only, tamper evidence."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from store.errors import ConcurrencyConflict
from store.ledger import Ledger
from tests.store.factories import new_events, summary


async def test_append_chains_hashes_and_writes_the_read_model(
    ledger: Ledger, stream_id: str
) -> None:
    first = await ledger.append(stream_id, 0, new_events(2), summary(stream_id))
    second = await ledger.append(stream_id, 2, new_events(1), summary(stream_id, stage="intake"))

    history = await ledger.read_stream(stream_id)
    assert [e.version for e in history] == [1, 2, 3]
    assert history[0].prev_hash == "00" * 32
    assert [e.prev_hash for e in history[1:]] == [e.hash for e in history[:-1]]
    assert (first.last_version, second.last_version) == (2, 3)
    assert second.last_hash == history[-1].hash
    async with ledger.engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT stage, version FROM cases WHERE case_id = :c"), {"c": stream_id}
            )
        ).one()
    assert (row.stage, row.version) == ("intake", 3)


async def test_replayed_append_returns_the_original_result_and_writes_nothing(
    ledger: Ledger, stream_id: str
) -> None:
    batch = new_events(3)
    original = await ledger.append(stream_id, 0, batch, summary(stream_id))
    # An activity retried after its transaction committed sends the very same events again.
    replayed = await ledger.append(stream_id, 0, batch, summary(stream_id))

    assert replayed == original
    assert len(await ledger.read_stream(stream_id)) == 3


async def test_concurrent_replays_of_one_append_store_it_once(
    ledger: Ledger, stream_id: str
) -> None:
    batch = new_events(2)
    results = await asyncio.gather(*(ledger.append(stream_id, 0, batch) for _ in range(8)))
    assert len({r.model_dump_json() for r in results}) == 1
    assert len(await ledger.read_stream(stream_id)) == 2


async def test_two_appends_at_the_same_expected_version_exactly_one_wins(
    ledger: Ledger, stream_id: str
) -> None:
    await ledger.append(stream_id, 0, new_events(1))
    outcomes = await asyncio.gather(
        *(ledger.append(stream_id, 1, new_events(1)) for _ in range(6)), return_exceptions=True
    )
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    losers = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(o, ConcurrencyConflict) for o in losers)
    assert [e.version for e in await ledger.read_stream(stream_id)] == [1, 2]


async def test_stale_expected_version_is_a_named_conflict(ledger: Ledger, stream_id: str) -> None:
    await ledger.append(stream_id, 0, new_events(2))
    with pytest.raises(ConcurrencyConflict) as raised:
        await ledger.append(stream_id, 1, new_events(1))
    assert (raised.value.expected, raised.value.actual) == (1, 2)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET payload = '{}' WHERE stream_id = :s",
        "DELETE FROM events WHERE stream_id = :s",
        "TRUNCATE events",
    ],
)
async def test_triggers_reject_changes_to_stored_events(
    ledger: Ledger, owner_engine: AsyncEngine, stream_id: str, statement: str
) -> None:
    await ledger.append(stream_id, 0, new_events(1))
    # Even the table's owner, who holds every privilege, is stopped by the triggers.
    with pytest.raises(DBAPIError, match="append-only"):
        async with owner_engine.begin() as conn:
            await conn.execute(text(statement), {"s": stream_id})
    assert len(await ledger.read_stream(stream_id)) == 1


async def test_verification_names_the_version_altered_behind_the_triggers(
    ledger: Ledger, owner_engine: AsyncEngine, stream_id: str
) -> None:
    await ledger.append(stream_id, 0, new_events(5))
    assert (await ledger.verify(stream_id)).valid

    async with owner_engine.begin() as conn:  # as the table's owner, triggers disabled
        await conn.execute(text("ALTER TABLE events DISABLE TRIGGER events_no_update_delete"))
        await conn.execute(
            text(
                "UPDATE events SET payload = jsonb_set(payload, '{text}', '\"改过\"') "
                "WHERE stream_id = :s AND version = 3"
            ),
            {"s": stream_id},
        )
        await conn.execute(text("ALTER TABLE events ENABLE TRIGGER events_no_update_delete"))

    result = await ledger.verify(stream_id)
    assert not result.valid
    assert result.first_bad_version == 3
    assert result.problem == "content does not match its hash"


async def test_verification_notices_a_missing_event(
    ledger: Ledger, owner_engine: AsyncEngine, stream_id: str
) -> None:
    await ledger.append(stream_id, 0, new_events(4))
    async with owner_engine.begin() as conn:
        await conn.execute(text("SET LOCAL session_replication_role = replica"))  # skips triggers
        await conn.execute(
            text("DELETE FROM events WHERE stream_id = :s AND version = 2"), {"s": stream_id}
        )

    result = await ledger.verify(stream_id)
    assert (result.valid, result.first_bad_version) == (False, 3)


async def test_read_all_never_passes_a_transaction_still_open(
    ledger: Ledger, stream_id: str
) -> None:
    await ledger.append(stream_id, 0, new_events(1))
    before = (await ledger.read_all(0, limit=100_000))[-1].position

    async with ledger.engine.connect() as slow:
        # A writer takes a position and does not commit yet...
        slow_tx = await slow.begin()
        await slow.execute(
            text(
                "INSERT INTO events (stream_id, version, event_id, type, schema_version, payload, actor_id,"
                " actor_role, actor_unit, occurred_at, recorded_at, prev_hash, hash, hash_version)"
                " VALUES (:s, 1, gen_random_uuid(), 'Slow', 1, '{}', 'x', 'operator', '', now(),"
                " now(), :h, :h, 2)"
            ),
            {"s": stream_id + "-slow", "h": bytes(32)},
        )
        # ...while a later writer commits a higher position.
        await ledger.append(stream_id, 1, new_events(1))
        visible = [e.position for e in await ledger.read_all(before, limit=100_000)]
        assert visible == []  # the later event waits behind the open transaction
        await slow_tx.commit()

    after = [e.stream_id for e in await ledger.read_all(before, limit=100_000)]
    assert after == [stream_id + "-slow", stream_id]
