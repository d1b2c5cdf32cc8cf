"""Supervisors read what happened, who did it and when, and prove nothing was altered."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from api import availability
from api.deps import ReaderDep, ServicesDep
from api.gateway import CaseNotFound, lifecycle_of
from api.routers.anchors import publisher_of
from api.schemas import MAX_VERSION, HistoryEntry, history_entry_json
from api.scope import readable_case, require_case_access, require_staff
from domain.errors import DomainError
from store.anchor_proofs import proof_for
from store.diff import Change, json_diff
from store.evidence import build_export
from store.models import ChainVerification
from store.replay import fold

router = APIRouter(prefix="/cases", tags=["audit"])


@router.get("/{case_id}/history", response_model=list[HistoryEntry], responses={404: {}})
async def history(case_id: str, services: ServicesDep, reader: ReaderDep) -> Response:
    """Every event of the case in order, with its actor, time and place in the hash chain."""
    async with availability.postgresql():
        found = await services.ledger.case_events(case_id)
    if found is None or not found.events:
        raise CaseNotFound(case_id)
    require_staff(reader)
    require_case_access(reader, case_id, found.unit)
    # Plain rows to JSON: the same body `HistoryEntry` describes, without a model per event.
    body = json.dumps(
        [history_entry_json(e) for e in found.events], ensure_ascii=False, separators=(",", ":")
    )
    return Response(content=body, media_type="application/json")


@router.get("/{case_id}/verify", response_model=ChainVerification, responses={404: {}})
async def verify(case_id: str, services: ServicesDep, reader: ReaderDep) -> ChainVerification:
    """Recompute the case's hash chain; `valid` is false and the first bad version named if altered."""
    async with availability.postgresql():
        found = await services.ledger.case_events(case_id)
    if found is None or not found.events:
        raise CaseNotFound(case_id)
    require_staff(reader)
    require_case_access(reader, case_id, found.unit)
    return found.verification()


class StateDiff(BaseModel):
    case_id: str
    from_version: int
    to_version: int
    events: list[str] = Field(description="Types of the events between the two versions")
    changes: list[Change]


class CaseRun(BaseModel):
    """One Temporal run that carried the case (a case continues as new over the years)."""

    workflow_id: str
    run_id: str
    status: str
    started_at: datetime | None
    closed_at: datetime | None
    first_version: int | None
    last_version: int | None
    temporal_ui: str


@router.get("/{case_id}/diff", response_model=StateDiff, responses={404: {}})
async def diff(
    case_id: str,
    services: ServicesDep,
    reader: ReaderDep,
    from_version: Annotated[int, Query(ge=0, le=MAX_VERSION)],
    to_version: Annotated[int, Query(ge=1, le=MAX_VERSION)],
) -> StateDiff:
    """What changed in the case's state between two versions, and the events that did it."""
    lifecycle = lifecycle_of(case_id)
    if from_version >= to_version:
        raise DomainError("bad_range", "from_version must be below to_version")
    async with availability.postgresql():
        await readable_case(services, reader, case_id)
        stored = await services.ledger.read_stream(case_id, up_to_version=to_version)
    if not stored or stored[-1].version < to_version:
        raise DomainError("bad_range", f"{case_id} has no version {to_version}")
    before = fold(lifecycle, case_id, stored[:from_version])
    after = fold(lifecycle, case_id, stored)
    return StateDiff(
        case_id=case_id,
        from_version=from_version,
        to_version=to_version,
        events=[e.type for e in stored[from_version:]],
        changes=json_diff(before.model_dump(mode="json"), after.model_dump(mode="json")),
    )


@router.get("/{case_id}/runs", response_model=list[CaseRun], responses={404: {}})
async def runs(case_id: str, services: ServicesDep, reader: ReaderDep) -> list[CaseRun]:
    """The Temporal runs that carried the case, oldest first, with the ledger versions each wrote."""
    async with availability.postgresql():
        await readable_case(services, reader, case_id)
        stored = await services.ledger.read_stream(case_id)
    versions: dict[str, list[int]] = {}
    for event in stored:
        versions.setdefault(event.run_id or "", []).append(event.version)
    found: list[CaseRun] = []
    ui = services.settings.temporal_ui_url.rstrip("/")
    async with availability.temporal():
        async for execution in services.gateway.client.list_workflows(f"WorkflowId = '{case_id}'"):
            written = versions.get(execution.run_id, [])
            found.append(
                CaseRun(
                    workflow_id=execution.id,
                    run_id=execution.run_id,
                    status=execution.status.name if execution.status else "UNKNOWN",
                    started_at=execution.start_time,
                    closed_at=execution.close_time,
                    first_version=min(written) if written else None,
                    last_version=max(written) if written else None,
                    temporal_ui=f"{ui}/namespaces/{services.settings.temporal_namespace}/workflows/{execution.id}/{execution.run_id}/history",
                )
            )
    return sorted(found, key=lambda r: r.started_at or datetime.min.replace(tzinfo=UTC))


@router.get(
    "/{case_id}/export",
    response_class=Response,
    responses={
        200: {"content": {"application/json": {}}, "description": "The evidence file"},
        404: {},
    },
)
async def export(case_id: str, services: ServicesDep, reader: ReaderDep) -> Response:
    """Evidence export: the case's events, chain, digest and the inclusion proof of its head in
    the latest signed anchor holding the case; verifiable offline with the public key."""
    lifecycle = lifecycle_of(case_id)
    async with availability.postgresql():
        await readable_case(services, reader, case_id)
        stored = await services.ledger.read_stream(case_id)
    publisher = publisher_of(services)
    proof = await proof_for(publisher, case_id) if publisher and stored else None
    body = build_export(
        case_id,
        lifecycle.kind,
        stored,
        reader.user_id if reader else "anonymous",
        datetime.now(UTC),
        proof,
    )
    return Response(
        content=body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{case_id}-evidence.json"'},
    )
