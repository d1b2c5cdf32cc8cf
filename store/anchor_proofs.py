"""Inclusion proofs: a case's head in a published anchor, checkable offline with the public key."""

from __future__ import annotations

import bisect
from collections.abc import Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict

from store.anchors import Anchor
from store.merkle import Head, inclusion_proof, root_from_proof
from store.publisher import AnchorPublisher
from store.signing import signature_valid


class AnchorProof(BaseModel):
    """The signed anchor, the stream's leaf in it, and the audit path from leaf to root."""

    model_config = ConfigDict(frozen=True)

    anchor: Anchor
    leaf: Head
    leaf_index: int
    path: list[str]  # hex sibling hashes, leaf level first


async def proof_for(publisher: AnchorPublisher, stream_id: str) -> AnchorProof | None:
    """The proof of the stream's head in the latest anchor that holds the stream, if any."""
    for anchor_id in reversed(await publisher.anchor_ids()):
        heads = await publisher.heads(anchor_id)
        if heads is None:
            continue
        anchor = await publisher.anchor(anchor_id)
        keys = [h.stream_id.encode() for h in heads]
        index = bisect.bisect_left(keys, stream_id.encode())
        if index < len(heads) and heads[index].stream_id == stream_id:
            return AnchorProof(
                anchor=anchor,
                leaf=heads[index],
                leaf_index=index,
                path=[p.hex() for p in inclusion_proof(heads, index)],
            )
        return None  # a stream absent from the newest anchor is in no older one either
    return None


def proof_problem(
    proof: AnchorProof, stream_id: str, public_keys: Mapping[str, Ed25519PublicKey]
) -> str | None:
    """Why the proof does not show `stream_id`'s leaf under a validly signed root, or None."""
    anchor = proof.anchor
    if proof.leaf.stream_id != stream_id:
        return f"the anchored leaf is stream {proof.leaf.stream_id}, not {stream_id}"
    key = public_keys.get(anchor.key_id)
    if key is None:
        return f"the anchor is signed with key {anchor.key_id}, which is not among the given keys"
    try:
        signature = bytes.fromhex(anchor.signature)
        path = [bytes.fromhex(p) for p in proof.path]
    except ValueError:
        return "the anchor's signature or proof is not hex"
    if not signature_valid(key, signature, anchor.signed_bytes()):
        return "the anchor's signature does not match its statement"
    reached = root_from_proof(proof.leaf, proof.leaf_index, anchor.streams, path)
    if reached is None or reached.hex() != anchor.root:
        return "the inclusion proof does not lead to the anchor's signed root"
    return None
