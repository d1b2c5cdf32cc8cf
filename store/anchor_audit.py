"""`casework audit verify`: the live ledger checked against every published anchor.

Two checks, which together say that each anchored head is reproducible from the rows stored
now: every stream's chain is recomputed from its rows (content ↔ hash), and for each anchor
the heads below its transaction-id bound are read again, hashed into a Merkle root and
compared with the signed one. A chain rewritten consistently by a superuser passes the first
check and fails the second, naming the anchor and the stream.
"""

from __future__ import annotations

from collections.abc import Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.anchors import Anchor, heads_as_of
from store.hashing import GENESIS
from store.ledger import check_row
from store.merkle import Head, root
from store.publisher import AnchorPublisher
from store.signing import signature_valid
from store.tables import events


class Finding(BaseModel):
    """One thing that does not hold: which anchor (if any), which stream (if known), what."""

    anchor_id: str | None = None
    stream_id: str | None = None
    version: int | None = None
    problem: str


class LedgerAudit(BaseModel):
    anchors: int
    streams: int
    events: int
    latest_anchor: str | None = None
    findings: list[Finding]

    @property
    def valid(self) -> bool:
        return self.anchors > 0 and not self.findings


async def audit_ledger(
    engine: AsyncEngine,
    publisher: AnchorPublisher,
    public_keys: Mapping[str, Ed25519PublicKey],
    latest: int | None = None,
) -> LedgerAudit:
    """Check every stream's chain and every published anchor (or the `latest` few) against
    the live rows. Each anchor costs one pass over the events below its bound."""
    findings, streams, count = await _chains(engine)
    ids = await publisher.anchor_ids()
    checked = ids[-latest:] if latest else ids
    for anchor_id in checked:
        anchor = await publisher.anchor(anchor_id)
        findings += await _anchor_findings(engine, publisher, public_keys, anchor)
    return LedgerAudit(
        anchors=len(checked),
        streams=streams,
        events=count,
        latest_anchor=ids[-1] if ids else None,
        findings=findings,
    )


async def _chains(engine: AsyncEngine) -> tuple[list[Finding], int, int]:
    findings: list[Finding] = []
    streams = count = 0
    current, prev, expected, broken = None, GENESIS, 1, False
    async with engine.connect() as conn:
        rows = await conn.stream(select(events).order_by(events.c.stream_id, events.c.version))
        async for row in rows:
            count += 1
            if row.stream_id != current:
                current, prev, expected, broken = row.stream_id, GENESIS, 1, False
                streams += 1
            if broken:
                continue
            problem = check_row(row, prev, expected)
            if problem is not None:
                findings.append(Finding(stream_id=current, version=row.version, problem=problem))
                broken = True  # the first break names the stream; the rest follows from it
                continue
            prev, expected = bytes(row.hash), expected + 1
    return findings, streams, count


async def _anchor_findings(
    engine: AsyncEngine,
    publisher: AnchorPublisher,
    public_keys: Mapping[str, Ed25519PublicKey],
    anchor: Anchor,
) -> list[Finding]:
    def finding(problem: str, stream_id: str | None = None, version: int | None = None) -> Finding:
        return Finding(
            anchor_id=anchor.anchor_id, stream_id=stream_id, version=version, problem=problem
        )

    if not anchor.signature and not anchor.root:
        return [finding("the published statement is damaged or unreadable")]
    key = public_keys.get(anchor.key_id)
    if key is None:
        return [
            finding(f"signed with key {anchor.key_id or '?'}, which is not among the given keys")
        ]
    try:
        signature = bytes.fromhex(anchor.signature)
    except ValueError:
        signature = b""
    if not signature_valid(key, signature, anchor.signed_bytes()):
        return [finding("the signature does not match the anchor statement")]
    published = await publisher.heads(anchor.anchor_id)
    found: list[Finding] = []
    if published is not None and (
        len(published) != anchor.streams or root(published).hex() != anchor.root
    ):
        found.append(finding("the published leaves do not hash to the signed root"))
        published = None
    live = await heads_as_of(engine, anchor.xid_bound)
    if len(live) == anchor.streams and root(live).hex() == anchor.root:
        return found
    if published is None:
        return [*found, finding("the ledger's heads as of this anchor do not hash to its root")]
    return [*found, *(finding(p, s, v) for s, v, p in _differences(published, live))]


def _differences(anchored: list[Head], live: list[Head]) -> list[tuple[str, int | None, str]]:
    """Which streams' heads differ between the anchor's leaves and the live ledger."""
    now = {h.stream_id: h for h in live}
    then = {h.stream_id: h for h in anchored}
    out: list[tuple[str, int | None, str]] = []
    for stream_id, head in then.items():
        current = now.get(stream_id)
        if current is None:
            out.append((stream_id, head.version, "the stream's events are gone from the ledger"))
        elif current.version != head.version:
            out.append(
                (
                    stream_id,
                    head.version,
                    f"the anchored head was version {head.version}; the ledger has "
                    f"{current.version} below the anchor's bound",
                )
            )
        elif current.hash != head.hash:
            out.append(
                (
                    stream_id,
                    head.version,
                    "the head's hash differs from the anchored one: the chain was rewritten",
                )
            )
    for stream_id, head in now.items():
        if stream_id not in then:
            out.append((stream_id, head.version, "a stream the anchor does not know"))
    return out
