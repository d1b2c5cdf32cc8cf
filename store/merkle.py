"""A Merkle tree over the ledger's stream heads, in the shape of RFC 9162 §2.1 (Certificate
Transparency): leaf hash = sha256(0x00 ‖ leaf), node hash = sha256(0x01 ‖ left ‖ right), the
split at the largest power of two below the size. Inclusion proofs follow §2.1.3, so anyone
can check one with a few lines of code and the signed root.

A leaf is the sorted-key compact UTF-8 JSON of {"hash", "stream_id", "version"} (the head's
hash in lowercase hex); leaves are ordered by the UTF-8 bytes of the stream id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict


class Head(BaseModel):
    """A stream's last event at some moment: the leaf an anchor signs for that stream."""

    model_config = ConfigDict(frozen=True)

    stream_id: str
    version: int
    hash: str  # hex


def leaf_bytes(head: Head) -> bytes:
    body = {"hash": head.hash, "stream_id": head.stream_id, "version": head.version}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sort_heads(heads: Sequence[Head]) -> list[Head]:
    return sorted(heads, key=lambda h: h.stream_id.encode())


def leaf_hash(head: Head) -> bytes:
    return hashlib.sha256(b"\x00" + leaf_bytes(head)).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than `size` (size > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def _root(hashes: Sequence[bytes]) -> bytes:
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = _split(len(hashes))
    return _node(_root(hashes[:k]), _root(hashes[k:]))


def root(heads: Sequence[Head]) -> bytes:
    """The tree hash of heads already in leaf order (`sort_heads`)."""
    return _root([leaf_hash(h) for h in heads])


def inclusion_proof(heads: Sequence[Head], index: int) -> list[bytes]:
    """The audit path of leaf `index`, from the leaf's sibling up to the root's child."""
    if not 0 <= index < len(heads):
        raise IndexError(f"leaf {index} is not in a tree of {len(heads)}")
    return _path(index, [leaf_hash(h) for h in heads])


def _path(index: int, hashes: Sequence[bytes]) -> list[bytes]:
    if len(hashes) <= 1:
        return []
    k = _split(len(hashes))
    if index < k:
        return [*_path(index, hashes[:k]), _root(hashes[k:])]
    return [*_path(index - k, hashes[k:]), _root(hashes[:k])]


def root_from_proof(head: Head, index: int, size: int, path: Sequence[bytes]) -> bytes | None:
    """The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or None if it cannot fit."""
    if not 0 <= index < size:
        return None
    fn, sn = index, size - 1
    digest = leaf_hash(head)
    for sibling in path:
        if sn == 0:
            return None  # a path longer than the tree is deep
        if fn & 1 or fn == sn:
            digest = _node(sibling, digest)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            digest = _node(digest, sibling)
        fn, sn = fn >> 1, sn >> 1
    return digest if sn == 0 else None
