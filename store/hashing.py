"""The per-stream hash chain: hash = sha256(prev_hash ‖ canonical(event)).

The canonical form is versioned (`hash_version`, stored on every row), so events written
before a change of what the hash covers still verify with the algorithm they were written
with, and the chain continues across the change (a version-2 event's prev_hash is the hash of
a version-1 event like any other):

- version 1: stream_id, version, event_id, type, schema_version, payload, actor, occurred_at.
- version 2: everything of version 1, plus recorded_at, the hash version itself, and the
  workflow, run and trace ids — every stored field a supervisor reads except the global
  position and the transaction id (both assigned by PostgreSQL at insert, after hashing;
  the order they give is covered by each stream's chain and by the anchors).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from domain.actors import Actor

GENESIS = bytes(32)  # the prev_hash of a stream's first event
HASH_VERSION = 2  # what new events are written with
HASH_VERSIONS = (1, 2)  # what verification still knows


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
    hash_version: int = 1,
    recorded_at: datetime | None = None,
    workflow_id: str | None = None,
    run_id: str | None = None,
    trace_id: str | None = None,
) -> bytes:
    """The bytes an event's hash covers: sorted-key compact JSON (UTF-8) of its fields.

    Which fields depends on `hash_version` (see the module's docstring); version 2 needs
    `recorded_at`, fixed by the writer before hashing.
    """
    body: dict[str, Any] = {
        "stream_id": stream_id,
        "version": version,
        "event_id": str(event_id),
        "type": type_,
        "schema_version": schema_version,
        "payload": payload,
        "actor": {"user_id": actor.user_id, "role": actor.role.value, "unit": actor.unit},
        "occurred_at": canonical_time(occurred_at),
    }
    if hash_version == 2:
        if recorded_at is None:
            raise ValueError("hash version 2 covers recorded_at: it must be set before hashing")
        body |= {
            "hash_version": 2,
            "recorded_at": canonical_time(recorded_at),
            "workflow_id": workflow_id,
            "run_id": run_id,
            "trace_id": trace_id,
        }
    elif hash_version != 1:
        raise ValueError(f"unknown hash version {hash_version}")
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain(prev_hash: bytes, canonical_bytes: bytes) -> bytes:
    return hashlib.sha256(prev_hash + canonical_bytes).digest()
