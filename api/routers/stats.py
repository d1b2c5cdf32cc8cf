"""The supervisor's statistics: each chart's numbers as JSON for the page, or as CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api import availability
from api.deps import ReaderDep, ServicesDep
from api.scope import unit_filter
from store.stats import Chart, Table, chart_table

router = APIRouter(prefix="/stats", tags=["statistics"])


def _csv(table: Table) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    # A byte-order mark so that spreadsheet programs read the Chinese unit names as UTF-8.
    body = "\ufeff" + buffer.getvalue()
    return Response(
        content=body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{table.chart.value}.csv"'},
    )


@router.get("/{chart}", response_model=Table, responses={200: {"content": {"text/csv": {}}}})
async def chart(
    chart: Chart,
    services: ServicesDep,
    reader: ReaderDep,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    format: Literal["json", "csv"] = "json",
) -> Table | Response:
    """One chart's numbers, counted in SQL over the ledger; a unit sees only its own cases."""
    async with availability.postgresql():
        table = await chart_table(
            services.engine, chart, datetime.now(UTC), unit_filter(reader, unit)
        )
    return _csv(table) if format == "csv" else table
