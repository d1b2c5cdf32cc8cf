"""Reads of the `cases` read model for lists and boards."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.tables import cases


class CaseFilter(BaseModel):
    kind: str | None = None
    stage: str | None = None
    unit: str | None = None
    assignee: str | None = None
    escalation_level: int | None = None
    overdue: bool | None = None
    due_before: datetime | None = None
    include_closed: bool = True
    limit: int = 50
    offset: int = 0


class CaseRow(BaseModel):
    case_id: str
    kind: str
    stage: str
    unit: str
    assignee: str | None
    opened_at: datetime | None
    next_due_at: datetime | None
    escalation_level: int
    closed: bool
    version: int
    updated_at: datetime
    attributes: dict[str, Any] = {}


Q = TypeVar("Q", bound=Select[Any])


def _filtered(query: Q, f: CaseFilter, now: datetime) -> Q:
    if f.kind is not None:
        query = query.where(cases.c.kind == f.kind)
    if f.stage is not None:
        query = query.where(cases.c.stage == f.stage)
    if f.unit is not None:
        query = query.where(cases.c.unit == f.unit)
    if f.assignee is not None:
        query = query.where(cases.c.assignee == f.assignee)
    if f.escalation_level is not None:
        query = query.where(cases.c.escalation_level == f.escalation_level)
    if f.due_before is not None:
        query = query.where(cases.c.next_due_at < f.due_before)
    if f.overdue is True:
        query = query.where(~cases.c.closed, cases.c.next_due_at < now)
    elif f.overdue is False:
        query = query.where((cases.c.next_due_at >= now) | cases.c.next_due_at.is_(None))
    if not f.include_closed:
        query = query.where(~cases.c.closed)
    return query


async def list_cases(
    engine: AsyncEngine, f: CaseFilter, now: datetime
) -> tuple[list[CaseRow], int]:
    """One page of cases, most urgent first (earliest due, highest escalation), and the total."""
    page = (
        _filtered(select(cases), f, now)
        .order_by(
            cases.c.next_due_at.asc().nulls_last(), cases.c.escalation_level.desc(), cases.c.case_id
        )
        .limit(f.limit)
        .offset(f.offset)
    )
    total = _filtered(select(func.count()).select_from(cases), f, now)
    async with engine.connect() as conn:
        rows = (await conn.execute(page)).mappings().all()
        count = (await conn.execute(total)).scalar_one()
    return [CaseRow.model_validate(dict(r)) for r in rows], int(count)


async def get_case(engine: AsyncEngine, case_id: str) -> CaseRow | None:
    async with engine.connect() as conn:
        row = (
            (await conn.execute(select(cases).where(cases.c.case_id == case_id))).mappings().first()
        )
    return CaseRow.model_validate(dict(row)) if row else None
