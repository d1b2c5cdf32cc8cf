"""Liveness of the product: 200 only when Temporal and PostgreSQL both answer."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest

from api.deps import ServicesDep

router = APIRouter(tags=["health"])

CHECK_TIMEOUT = 3.0


class Dependency(BaseModel):
    ok: bool
    error: str | None = None


class Health(BaseModel):
    status: str
    postgresql: Dependency
    temporal: Dependency


async def _postgresql(services: ServicesDep) -> Dependency:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT), services.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as error:  # any failure means "not answering"
        return Dependency(ok=False, error=type(error).__name__)
    return Dependency(ok=True)


async def _temporal(services: ServicesDep) -> Dependency:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await services.gateway.client.workflow_service.get_system_info(
                GetSystemInfoRequest(), timeout=timedelta(seconds=CHECK_TIMEOUT)
            )
    except Exception as error:  # any failure means "not answering"
        return Dependency(ok=False, error=type(error).__name__)
    return Dependency(ok=True)


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}})
async def healthz(services: ServicesDep) -> JSONResponse:
    """200 when Temporal and PostgreSQL both answer; 503 naming the one that does not."""
    pg, tp = await asyncio.gather(_postgresql(services), _temporal(services))
    health = Health(status="ok" if pg.ok and tp.ok else "unavailable", postgresql=pg, temporal=tp)
    return JSONResponse(
        status_code=200 if health.status == "ok" else 503, content=health.model_dump()
    )
