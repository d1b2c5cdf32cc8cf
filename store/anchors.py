"""Anchors: signed digests of every stream's head, published outside the database.

An anchor states: at `anchored_at`, the events whose transaction id is below `xid_bound`
(every one of them committed, none still in flight) form `streams` streams whose heads
(stream_id, version, hash) hash to the Merkle `root` (store/merkle.py); the statement is
signed with the Ed25519 key `key_id`. Because the bound is a transaction id, the same heads
can be recomputed from the live rows at any later time: a rewrite of anything an anchor
covered — even one that recomputes the chain — changes a head, and the root no longer matches.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.hashing import canonical_time
from store.merkle import Head, root, sort_heads
from store.signing import Signer

FORMAT = "casework-anchor/1"
TREE = "rfc9162-sha256; leaf = sorted-key compact UTF-8 JSON of hash, stream_id, version"

# The oldest transaction still running: everything below it has committed (or never will).
_BOUND_SQL = text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS bound")
_HEADS_SQL = text(
    "SELECT DISTINCT ON (stream_id) stream_id, version, hash FROM events "
    "WHERE txid < CAST(CAST(:bound AS text) AS xid8) ORDER BY stream_id, version DESC"
)
_MAX_POSITION_SQL = text(
    "SELECT coalesce(max(position), 0) FROM events WHERE txid < CAST(CAST(:bound AS text) AS xid8)"
)


class Anchor(BaseModel):
    """One published, signed anchor statement."""

    model_config = ConfigDict(frozen=True)

    format: str = FORMAT
    anchor_id: str
    anchored_at: str  # canonical UTC time, as signed
    xid_bound: str  # covers the events with txid < xid_bound
    max_position: int  # the highest ledger position covered
    streams: int  # leaves of the tree
    root: str  # hex
    tree: str = TREE
    key_id: str
    signature: str = ""  # hex Ed25519 signature of `signed_bytes()`

    def signed_bytes(self) -> bytes:
        """What the signature covers: sorted-key compact UTF-8 JSON of every other field."""
        body = self.model_dump(exclude={"signature"})
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


async def heads_as_of(engine: AsyncEngine, xid_bound: str) -> list[Head]:
    """Every stream's head among the events below a transaction-id bound, in leaf order."""
    async with engine.connect() as conn:
        rows = (await conn.execute(_HEADS_SQL, {"bound": xid_bound})).all()
    return sort_heads(
        [Head(stream_id=r.stream_id, version=r.version, hash=bytes(r.hash).hex()) for r in rows]
    )


async def make_anchor(
    engine: AsyncEngine, signer: Signer, now: datetime
) -> tuple[Anchor, list[Head]]:
    """Compute and sign an anchor over the ledger as it stands (every committed event)."""
    async with engine.connect() as conn:
        bound = str((await conn.execute(_BOUND_SQL)).scalar_one())
        max_position = int((await conn.execute(_MAX_POSITION_SQL, {"bound": bound})).scalar_one())
    heads = await heads_as_of(engine, bound)
    digest = root(heads).hex()
    anchored_at = canonical_time(now)
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    unsigned = Anchor(
        anchor_id=f"{stamp}-{digest[:12]}",
        anchored_at=anchored_at,
        xid_bound=bound,
        max_position=max_position,
        streams=len(heads),
        root=digest,
        key_id=signer.key_id,
    )
    signed = unsigned.model_copy(update={"signature": signer.sign(unsigned.signed_bytes()).hex()})
    return signed, heads
