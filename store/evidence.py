"""Evidence export: one self-contained file with a case's events, its hash chain, a digest and
the inclusion proof of its head in a signed anchor, which anyone can verify offline
(`casework audit verify-export FILE --public-key KEY`).

The file is written in one canonical form (sorted keys, fixed indentation, UTF-8), so every
byte is significant: a changed byte either breaks the chain at a named event, breaks the
canonical form at a named byte offset, or breaks the digest. The anchor proof ties the chain
to a root signed outside the database: an export of a chain rewritten after it was anchored
no longer reaches the signed root. Files of format 1 (before anchors) still verify.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ValidationError

from domain.actors import Actor, Role
from store.anchor_proofs import AnchorProof, proof_problem
from store.hashing import GENESIS, canonical, canonical_time, chain
from store.models import StoredEvent

FORMAT = "casework-evidence/2"
FORMATS = ("casework-evidence/1", FORMAT)
HASH_RULE = (
    "sha256(prev_hash || canonical(event)); canonical = sorted-key compact UTF-8 JSON of "
    "stream_id, version, event_id, type, schema_version, payload, actor, occurred_at, and for "
    "hash_version 2 also hash_version, recorded_at, workflow_id, run_id, trace_id"
)


class ExportVerification(BaseModel):
    valid: bool
    case_id: str | None = None
    events: int = 0
    head_hash: str | None = None
    problem: str | None = None
    version: int | None = None  # the first event that fails, when one does
    byte_offset: int | None = None  # where the file departs from its canonical form
    anchor_id: str | None = None  # the anchor whose proof the file carries
    anchored_version: int | None = None  # the stream's head in that anchor
    anchor_checked: bool = False  # the proof and signature were checked with a public key


def _dump(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode()


def _digest(document: dict[str, Any]) -> str:
    body = {k: v for k, v in document.items() if k != "digest"}
    return hashlib.sha256(_dump(body)).hexdigest()


def build_export(
    case_id: str,
    kind: str,
    events: list[StoredEvent],
    exported_by: str,
    exported_at: datetime,
    anchor: AnchorProof | None = None,
) -> bytes:
    document: dict[str, Any] = {
        "format": FORMAT,
        "case_id": case_id,
        "kind": kind,
        "exported_at": canonical_time(exported_at),
        "exported_by": exported_by,
        "hash": HASH_RULE,
        "events": [
            {
                "stream_id": e.stream_id,
                "version": e.version,
                "event_id": str(e.event_id),
                "type": e.type,
                "schema_version": e.schema_version,
                "payload": e.payload,
                "actor": {
                    "user_id": e.actor.user_id,
                    "role": e.actor.role.value,
                    "unit": e.actor.unit,
                },
                "occurred_at": canonical_time(e.occurred_at),
                "recorded_at": canonical_time(e.recorded_at),
                "hash_version": e.hash_version,
                "position": e.position,
                "workflow_id": e.workflow_id,
                "run_id": e.run_id,
                "trace_id": e.trace_id,
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            }
            for e in events
        ],
        "head_hash": events[-1].hash if events else None,
        "anchor": anchor.model_dump(mode="json") if anchor is not None else None,
    }
    document["digest"] = _digest(document)
    return _dump(document)


def verify_export(
    data: bytes, public_keys: Mapping[str, Ed25519PublicKey] | None = None
) -> ExportVerification:
    """Check an export without any server: chain, canonical form, digest, and — given the
    anchor public keys — the inclusion proof of its head in a signed anchor."""
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        return ExportVerification(valid=False, problem="not UTF-8", byte_offset=error.start)
    except json.JSONDecodeError as error:
        offset = len(data.decode("utf-8")[: error.pos].encode())
        return ExportVerification(
            valid=False, problem=f"not valid JSON: {error.msg}", byte_offset=offset
        )
    if not isinstance(document, dict) or document.get("format") not in FORMATS:
        return ExportVerification(valid=False, problem=f"not a {FORMAT} file")
    result = _verify_chain(document)
    if not result.valid:
        return result
    expected = _dump(document)
    if expected != data:
        offset = next(
            (i for i, (a, b) in enumerate(zip(expected, data, strict=False)) if a != b),
            min(len(expected), len(data)),
        )
        return result.model_copy(
            update={
                "valid": False,
                "problem": "the file is not in its canonical form",
                "byte_offset": offset,
            }
        )
    if document.get("digest") != _digest(document):
        return result.model_copy(
            update={
                "valid": False,
                "problem": "the digest does not match (a field outside the events was altered)",
            }
        )
    return _verify_anchor(document, result, public_keys)


def _verify_anchor(
    document: dict[str, Any],
    result: ExportVerification,
    public_keys: Mapping[str, Ed25519PublicKey] | None,
) -> ExportVerification:
    raw = document.get("anchor")
    if raw is None:
        if public_keys is None:
            return result
        return result.model_copy(
            update={
                "valid": False,
                "problem": "the file carries no anchor proof (not anchored yet)",
            }
        )
    try:
        proof = AnchorProof.model_validate(raw)
    except ValidationError:
        return result.model_copy(
            update={"valid": False, "problem": "the anchor proof is malformed"}
        )
    found = result.model_copy(
        update={"anchor_id": proof.anchor.anchor_id, "anchored_version": proof.leaf.version}
    )
    if public_keys is None:
        return found
    problem = proof_problem(proof, str(document["case_id"]), public_keys)
    events = document["events"]
    if problem is None and not (
        1 <= proof.leaf.version <= len(events)
        and events[proof.leaf.version - 1]["hash"] == proof.leaf.hash
    ):
        problem = (
            f"the anchored head (version {proof.leaf.version}) is not the hash of this file's "
            f"event {proof.leaf.version}: the chain differs from what was anchored"
        )
    if problem is not None:
        return found.model_copy(update={"valid": False, "problem": problem})
    return found.model_copy(update={"anchor_checked": True})


def _verify_chain(document: dict[str, Any]) -> ExportVerification:
    case_id = document.get("case_id")
    events = document.get("events") or []
    prev, head = GENESIS, None
    for index, event in enumerate(events, start=1):
        version = event.get("version") if isinstance(event, dict) else None
        failed = ExportVerification(
            valid=False, case_id=case_id, events=len(events), version=version
        )
        try:
            if event["version"] != index or event["stream_id"] != case_id:
                return failed.model_copy(update={"problem": f"event {index} is out of place"})
            if event["prev_hash"] != prev.hex():
                return failed.model_copy(
                    update={
                        "problem": f"version {version}: prev_hash does not link to the event before"
                    }
                )
            actor = event["actor"]
            digest = chain(
                prev,
                canonical(
                    stream_id=event["stream_id"],
                    version=event["version"],
                    event_id=UUID(event["event_id"]),
                    type_=event["type"],
                    schema_version=event["schema_version"],
                    payload=event["payload"],
                    actor=Actor(
                        user_id=actor["user_id"], role=Role(actor["role"]), unit=actor["unit"]
                    ),
                    occurred_at=datetime.fromisoformat(event["occurred_at"]),
                    hash_version=event.get("hash_version", 1),
                    recorded_at=datetime.fromisoformat(event["recorded_at"]),
                    workflow_id=event.get("workflow_id"),
                    run_id=event.get("run_id"),
                    trace_id=event.get("trace_id"),
                ),
            )
        except (KeyError, TypeError, ValueError) as error:
            return failed.model_copy(
                update={"problem": f"version {version}: malformed event ({error})"}
            )
        if digest.hex() != event["hash"]:
            return failed.model_copy(
                update={"problem": f"version {version}: content does not match its hash"}
            )
        prev, head = digest, event["hash"]
    if document.get("head_hash") != head:
        return ExportVerification(
            valid=False,
            case_id=case_id,
            events=len(events),
            problem="head_hash is not the last event's hash",
        )
    if not events:
        return ExportVerification(
            valid=False, case_id=case_id, problem="the export holds no events"
        )
    return ExportVerification(valid=True, case_id=case_id, events=len(events), head_hash=head)
