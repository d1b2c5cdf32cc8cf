"""The per-stream hash chain: hash = sha256(prev_hash ‖ canonical(event))."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from domain.actors import Actor

GENESIS = bytes(32)  # the prev_hash of a stream's first event


def canonical_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(
    *,
    stream_id: str,
    version: int,
    event_id: UUID,
    type_: str,
    schema_version: int,
    payload: dict[str, Any],
    actor: Actor,
    occurred_at: datetime,
) -> bytes:
    """The bytes an event's hash covers: sorted-key compact JSON of its meaning (UTF-8).

    Storage details (position, recorded_at, workflow and trace ids) stay outside the hash.
    """
    body = {
        "stream_id": stream_id,
        "version": version,
        "event_id": str(event_id),
        "type": type_,
        "schema_version": schema_version,
        "payload": payload,
        "actor": {"user_id": actor.user_id, "role": actor.role.value, "unit": actor.unit},
        "occurred_at": canonical_time(occurred_at),
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain(prev_hash: bytes, canonical_bytes: bytes) -> bytes:
    return hashlib.sha256(prev_hash + canonical_bytes).digest()
