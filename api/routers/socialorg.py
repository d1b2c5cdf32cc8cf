"""The bureau's yearly batch view of social organisations: who is due, late, on which list.

Commands to an organisation's case go through `POST /cases` (ApplyForOrgRegistration opens
one) and `POST /cases/{case_id}/commands` like every other lifecycle.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from api import availability
from api.deps import ReaderDep, ServicesDep
from api.scope import unit_filter
from domain.catalogue import ENUMS
from domain.socialorg.commands import OrgType
from domain.socialorg.state import OrgList
from store.socialorg_queries import (
    InspectionFilter,
    InspectionSummary,
    inspection_batch,
    inspection_summary,
)

router = APIRouter(prefix="/social-orgs", tags=["social organisations"])

STATUS_ZH = ENUMS["InspectionStatus"]


class InspectionStatus(StrEnum):
    SCHEDULED = "scheduled"
    DUE = "due"
    LATE = "late"
    FILED = "filed"
    PASS = "pass"
    BASIC_PASS = "basic_pass"
    FAIL = "fail"
    SKIPPED = "skipped"


class ScheduledInspection(BaseModel):
    """An inspection year not open yet: its report due dates, or why it is skipped."""

    year: int
    opens_on: date
    sponsor_due_on: date | None = Field(description="31 March; none without a sponsor unit")
    authority_due_on: date | None = Field(description="31 May (foundations: 31 March)")
    skipped: bool
    reason: str | None = None
    reason_zh: str | None = None


class InspectionItem(BaseModel):
    """One organisation in the yearly batch view; never names or personal data."""

    case_id: str
    unit: str
    stage: str
    closed: bool
    org_type: str | None
    inspection_year: int | None
    status: str | None = Field(
        description="scheduled | due | late | filed | pass | basic_pass | fail | skipped"
    )
    status_label: str | None
    lists: list[str] = Field(description="abnormal_activity and/or serious_dishonesty")
    grade: str | None
    zombie: bool
    revocation_pending: bool
    warnings: int
    next_due_at: datetime | None
    overdue: bool
    escalation_level: int
    schedule: list[ScheduledInspection] = Field(
        description="The inspection years ahead (Asia/Shanghai dates), skipped ones with why"
    )


YearQuery = Annotated[
    int | None,
    Query(ge=1990, le=2200, description="The year inspected; default: each one's open year"),
]


def _filter(
    reader_unit: str | None,
    year: int | None,
    status: InspectionStatus | None,
    listing: OrgList | None,
    org_type: OrgType | None,
    include_closed: bool,
    limit: int = 100,
    offset: int = 0,
) -> InspectionFilter:
    return InspectionFilter(
        year=year,
        status=status.value if status else None,
        listing=listing.value if listing else None,
        org_type=org_type.value if org_type else None,
        unit=reader_unit,
        include_closed=include_closed,
        limit=limit,
        offset=offset,
    )


@router.get("/inspections", response_model=list[InspectionItem])
async def inspections(
    services: ServicesDep,
    reader: ReaderDep,
    response: Response,
    year: YearQuery = None,
    status: InspectionStatus | None = None,
    listing: Annotated[OrgList | None, Query(alias="list")] = None,
    org_type: OrgType | None = None,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    include_closed: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[InspectionItem]:
    """The yearly batch view: organisations due, late or inspected, and on which list."""
    f = _filter(
        unit_filter(reader, unit), year, status, listing, org_type, include_closed, limit, offset
    )
    async with availability.postgresql():
        rows, total = await inspection_batch(services.engine, f)
    response.headers["X-Total-Count"] = str(total)
    now = datetime.now(UTC)
    return [
        InspectionItem(
            **row.model_dump(),
            status_label=STATUS_ZH.get(row.status or "", row.status),
            overdue=not row.closed and row.next_due_at is not None and row.next_due_at < now,
        )
        for row in rows
    ]


@router.get("/inspections/summary", response_model=InspectionSummary)
async def summary(
    services: ServicesDep,
    reader: ReaderDep,
    year: YearQuery = None,
    listing: Annotated[OrgList | None, Query(alias="list")] = None,
    org_type: OrgType | None = None,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    include_closed: bool = False,
) -> InspectionSummary:
    """Counts for the year: due, late, filed, each result, and each list."""
    f = _filter(unit_filter(reader, unit), year, None, listing, org_type, include_closed)
    async with availability.postgresql():
        return await inspection_summary(services.engine, f)
