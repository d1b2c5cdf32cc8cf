"""Supervisors read what happened, who did it and when, and prove nothing was altered."""

from __future__ import annotations

from fastapi import APIRouter

from api import availability
from api.deps import ReaderDep, ServicesDep
from api.gateway import CaseNotFound
from api.schemas import HistoryEntry
from api.scope import readable_case
from store.models import ChainVerification

router = APIRouter(prefix="/cases", tags=["audit"])


@router.get("/{case_id}/history", response_model=list[HistoryEntry], responses={404: {}})
async def history(case_id: str, services: ServicesDep, reader: ReaderDep) -> list[HistoryEntry]:
    """Every event of the case in order, with its actor, time and place in the hash chain."""
    async with availability.postgresql():
        await readable_case(services, reader, case_id)
        stored = await services.ledger.read_stream(case_id)
    if not stored:
        raise CaseNotFound(case_id)
    return [
        HistoryEntry(
            position=e.position,
            version=e.version,
            event_id=str(e.event_id),
            type=e.type,
            schema_version=e.schema_version,
            actor=e.actor.user_id,
            actor_role=e.actor.role.value,
            actor_unit=e.actor.unit,
            occurred_at=e.occurred_at,
            recorded_at=e.recorded_at,
            payload=e.payload,
            prev_hash=e.prev_hash,
            hash=e.hash,
            workflow_id=e.workflow_id,
            run_id=e.run_id,
            trace_id=e.trace_id,
        )
        for e in stored
    ]


@router.get("/{case_id}/verify", response_model=ChainVerification, responses={404: {}})
async def verify(case_id: str, services: ServicesDep, reader: ReaderDep) -> ChainVerification:
    """Recompute the case's hash chain; `valid` is false and the first bad version named if altered."""
    async with availability.postgresql():
        await readable_case(services, reader, case_id)
        result = await services.ledger.verify(case_id)
    if result.events == 0:
        raise CaseNotFound(case_id)
    return result
