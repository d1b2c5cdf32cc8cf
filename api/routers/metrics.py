"""GET /metrics for Prometheus: the API's own counters and the domain's figures."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import ServicesDep
from api.metrics import METRICS
from api.routers.health import _postgresql, _temporal
from store.metrics_queries import domain_figures

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=Response)
async def metrics(services: ServicesDep) -> Response:
    """Prometheus text exposition (unauthenticated, like /healthz; no personal data in it)."""
    pg, tp = await asyncio.gather(_postgresql(services), _temporal(services))
    METRICS.domain.dependencies = {"postgresql": pg.ok, "temporal": tp.ok}
    if pg.ok:
        try:
            METRICS.domain.figures = await domain_figures(services.engine)
        except Exception:  # the database went away between the check and the read
            METRICS.domain.dependencies["postgresql"] = False
    return Response(generate_latest(METRICS.registry), media_type=CONTENT_TYPE_LATEST)
