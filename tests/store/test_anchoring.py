"""Anchors against a real PostgreSQL: a consistent superuser rewrite passes `verify` but not the
anchors; signatures, published leaves and in-flight transactions."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.anchor_audit import audit_ledger
from store.anchors import make_anchor
from store.db import make_engine
from store.ledger import Ledger
from store.publisher import DirectoryPublisher
from store.signing import Signer
from tests.store.factories import new_events
from tests.store.tampering import rewrite_consistently, superuser_url


@pytest.fixture
async def own_ledger(own_engine: AsyncEngine) -> AsyncIterator[Ledger]:
    ledger = Ledger(own_engine)
    yield ledger
    await ledger.close()


@pytest.fixture
def signer(tmp_path: Path) -> Signer:
    return Signer.generate(tmp_path / "keys" / "anchor.pem")


async def _anchor(ledger: Ledger, signer: Signer, publisher: DirectoryPublisher) -> str:
    anchor, heads = await make_anchor(ledger.engine, signer, datetime.now(UTC))
    await publisher.publish(anchor, heads)
    return anchor.anchor_id


async def test_a_consistent_rewrite_passes_verify_but_not_the_anchor(
    own_ledger: Ledger, signer: Signer, tmp_path: Path, server_url: str
) -> None:
    publisher = DirectoryPublisher(tmp_path / "anchors")
    streams = [f"S-{uuid.uuid4().hex[:6]}-{i}" for i in range(5)]
    for stream in streams:
        await own_ledger.append(stream, 0, new_events(4))
    first = await _anchor(own_ledger, signer, publisher)
    keys = {signer.key_id: signer.public_key}
    clean = await audit_ledger(own_ledger.engine, publisher, keys)
    assert clean.valid and (clean.anchors, clean.streams, clean.events) == (1, 5, 20)

    # Later events, and an untouched second anchor, are fine too.
    await own_ledger.append(streams[0], 4, new_events(2))
    second = await _anchor(own_ledger, signer, publisher)
    assert (await audit_ledger(own_ledger.engine, publisher, keys)).valid

    def forged(payload: dict[str, object]) -> dict[str, object]:
        return {**payload, "text": "改写的记录"}

    await rewrite_consistently(superuser_url(server_url, own_ledger.engine), streams[2], 2, forged)
    assert (await own_ledger.verify(streams[2])).valid  # the chain alone cannot tell

    audit = await audit_ledger(own_ledger.engine, publisher, keys)
    assert not audit.valid
    assert {(f.anchor_id, f.stream_id) for f in audit.findings} == {
        (first, streams[2]),
        (second, streams[2]),
    }
    assert all("rewritten" in f.problem for f in audit.findings)
    newest = await audit_ledger(own_ledger.engine, publisher, keys, latest=1)
    assert newest.anchors == 1 and [f.anchor_id for f in newest.findings] == [second]


async def test_an_inconsistent_change_is_named_by_the_chain_check(
    own_ledger: Ledger, signer: Signer, tmp_path: Path, server_url: str
) -> None:
    publisher = DirectoryPublisher(tmp_path / "anchors")
    await own_ledger.append("S-chain", 0, new_events(3))
    await _anchor(own_ledger, signer, publisher)
    # As a superuser: the application's own role may not touch the triggers.
    admin = make_engine(superuser_url(server_url, own_ledger.engine), pool_size=1)
    try:
        async with admin.begin() as conn:
            await conn.execute(text("ALTER TABLE events DISABLE TRIGGER events_no_update_delete"))
            await conn.execute(
                text(
                    "UPDATE events SET type = 'Forged' WHERE stream_id = 'S-chain' AND version = 3"
                )
            )
            await conn.execute(text("ALTER TABLE events ENABLE TRIGGER events_no_update_delete"))
    finally:
        await admin.dispose()
    audit = await audit_ledger(own_ledger.engine, publisher, {signer.key_id: signer.public_key})
    assert [(f.anchor_id, f.stream_id, f.version) for f in audit.findings] == [(None, "S-chain", 3)]


async def test_a_forged_or_unknown_signature_and_altered_leaves_are_findings(
    own_ledger: Ledger, signer: Signer, tmp_path: Path
) -> None:
    publisher = DirectoryPublisher(tmp_path / "anchors")
    await own_ledger.append("S-sig", 0, new_events(2))
    anchor_id = await _anchor(own_ledger, signer, publisher)
    other = Signer.generate(tmp_path / "other.pem")
    unknown = await audit_ledger(own_ledger.engine, publisher, {other.key_id: other.public_key})
    assert not unknown.valid and "not among the given keys" in unknown.findings[0].problem

    statement = tmp_path / "anchors" / f"{anchor_id}.anchor.json"
    original = statement.read_text()
    statement.write_text(original.replace('"max_position": ', '"max_position": 1'))
    keys = {signer.key_id: signer.public_key}
    forged = await audit_ledger(own_ledger.engine, publisher, keys)
    assert [f.problem for f in forged.findings] == [
        "the signature does not match the anchor statement"
    ]

    statement.write_text(original)
    leaves = tmp_path / "anchors" / f"{anchor_id}.heads.jsonl"
    leaves.write_text(leaves.read_text().replace('"version":2', '"version":1'))
    altered = await audit_ledger(own_ledger.engine, publisher, keys)
    assert [f.problem for f in altered.findings] == [
        "the published leaves do not hash to the signed root"
    ]

    statement.write_text("{not json")
    damaged = await audit_ledger(own_ledger.engine, publisher, keys)
    assert [(f.anchor_id, f.problem) for f in damaged.findings] == [
        (anchor_id, "the published statement is damaged or unreadable")
    ]


async def test_no_anchor_is_no_proof(own_ledger: Ledger, signer: Signer, tmp_path: Path) -> None:
    await own_ledger.append("S-none", 0, new_events(1))
    audit = await audit_ledger(
        own_ledger.engine,
        DirectoryPublisher(tmp_path / "empty"),
        {signer.key_id: signer.public_key},
    )
    assert audit.anchors == 0 and not audit.valid


async def test_an_anchor_covers_no_transaction_still_in_flight(
    own_ledger: Ledger, signer: Signer, tmp_path: Path
) -> None:
    publisher = DirectoryPublisher(tmp_path / "anchors")
    await own_ledger.append("S-done", 0, new_events(1))
    async with own_ledger.engine.connect() as slow:
        slow_tx = await slow.begin()
        await slow.execute(
            text(
                "INSERT INTO events (stream_id, version, event_id, type, schema_version, payload,"
                " actor_id, actor_role, actor_unit, occurred_at, recorded_at, prev_hash, hash,"
                " hash_version) VALUES ('S-slow', 1, gen_random_uuid(), 'Slow', 1, '{}', 'x',"
                " 'operator', '', now(), now(), :h, :h, 2)"
            ),
            {"h": bytes(32)},
        )
        await own_ledger.append("S-after", 0, new_events(1))  # commits after the slow one began
        anchor, heads = await make_anchor(own_ledger.engine, signer, datetime.now(UTC))
        await publisher.publish(anchor, heads)
        await slow_tx.commit()
    # Neither the open transaction nor anything that began after it is in the anchor...
    assert [h.stream_id for h in heads] == ["S-done"]
    # ...and the anchor still reproduces once both have committed.
    keys = {signer.key_id: signer.public_key}
    findings = (await audit_ledger(own_ledger.engine, publisher, keys)).findings
    assert [(f.anchor_id, f.stream_id) for f in findings] == [(None, "S-slow")]  # its fake hash
