"""The bureau's yearly batch view of social organisations, read from the `cases` read model.

Each organisation's row carries non-personal attributes (see `domain.socialorg.attributes`):
its type, the inspection year open now, every year's inspection status, its lists and grade.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, func, literal, select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.tables import cases

KIND = "social_org"
STATUSES = ("scheduled", "due", "late", "filed", "pass", "basic_pass", "fail", "skipped")
LISTS = ("abnormal_activity", "serious_dishonesty")


class InspectionFilter(BaseModel):
    year: int | None = None  # None: each organisation's inspection year open now
    status: str | None = None
    listing: str | None = None
    org_type: str | None = None
    unit: str | None = None
    include_closed: bool = False
    limit: int = 100
    offset: int = 0


class OrgInspectionRow(BaseModel):
    case_id: str
    unit: str
    stage: str
    closed: bool
    org_type: str | None
    inspection_year: int | None
    status: str | None
    lists: list[str]
    grade: str | None
    zombie: bool
    revocation_pending: bool
    warnings: int
    next_due_at: datetime | None
    escalation_level: int
    # The inspection years not open yet, with their due dates and why a year is skipped.
    schedule: list[dict[str, Any]] = []


def _status(year: int | None) -> ColumnElement[Any]:
    """The inspection status of `year` (or of the year open now) from the row's attributes."""
    attributes = cases.c.attributes
    status: ColumnElement[Any] = (
        attributes["inspection_status"].astext
        if year is None
        else attributes["inspections"][str(year)].astext
    )
    return status


def _year(year: int | None) -> ColumnElement[Any]:
    inspection_year: ColumnElement[Any] = (
        cases.c.attributes["inspection_year"].as_integer() if year is None else literal(year)
    )
    return inspection_year


def _where(query: Select[Any], f: InspectionFilter, *, with_status: bool = True) -> Select[Any]:
    query = query.where(cases.c.kind == KIND, _status(f.year).is_not(None))
    if with_status and f.status is not None:
        query = query.where(_status(f.year) == f.status)
    if f.listing is not None:
        query = query.where(cases.c.attributes["lists"].contains([f.listing]))
    if f.org_type is not None:
        query = query.where(cases.c.attributes["org_type"].astext == f.org_type)
    if f.unit is not None:
        query = query.where(cases.c.unit == f.unit)
    if not f.include_closed:
        query = query.where(~cases.c.closed)
    return query


async def inspection_batch(
    engine: AsyncEngine, f: InspectionFilter
) -> tuple[list[OrgInspectionRow], int]:
    """One page of organisations with an inspection in the year asked, soonest due first."""
    page = (
        _where(
            select(
                cases.c.case_id,
                cases.c.unit,
                cases.c.stage,
                cases.c.closed,
                cases.c.next_due_at,
                cases.c.escalation_level,
                cases.c.attributes,
                _status(f.year).label("status"),
                _year(f.year).label("inspection_year"),
            ),
            f,
        )
        .order_by(cases.c.next_due_at.asc().nulls_last(), cases.c.case_id)
        .limit(f.limit)
        .offset(f.offset)
    )
    total = _where(select(func.count()).select_from(cases), f)
    async with engine.connect() as conn:
        rows = (await conn.execute(page)).mappings().all()
        count = (await conn.execute(total)).scalar_one()
    return [_row(dict(r)) for r in rows], int(count)


def _row(row: dict[str, Any]) -> OrgInspectionRow:
    attributes: dict[str, Any] = row.pop("attributes") or {}
    return OrgInspectionRow(
        **row,
        org_type=attributes.get("org_type"),
        lists=attributes.get("lists", []),
        grade=attributes.get("grade"),
        zombie=bool(attributes.get("zombie", False)),
        revocation_pending=bool(attributes.get("revocation_pending", False)),
        warnings=int(attributes.get("warnings", 0)),
        schedule=attributes.get("schedule", []),
    )


class InspectionSummary(BaseModel):
    year: int | None
    total: int
    by_status: dict[str, int]
    by_list: dict[str, int]


async def inspection_summary(engine: AsyncEngine, f: InspectionFilter) -> InspectionSummary:
    """How many organisations are due, late, filed, passed… and on each list, for a year."""
    status = _status(f.year).label("status")
    by_status = _where(select(status, func.count()), f, with_status=False).group_by(status)
    async with engine.connect() as conn:
        counts = {s: int(n) for s, n in (await conn.execute(by_status)).all()}
        by_list: dict[str, int] = {}
        for listing in LISTS:
            query = _where(select(func.count()).select_from(cases), f, with_status=False)
            query = query.where(cases.c.attributes["lists"].contains([listing]))
            by_list[listing] = int((await conn.execute(query)).scalar_one())
    return InspectionSummary(
        year=f.year,
        total=sum(counts.values()),
        by_status={s: counts.get(s, 0) for s in STATUSES},
        by_list=by_list,
    )
