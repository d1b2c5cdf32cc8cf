"""Reads of the `cases` read model for lists and boards."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.tables import cases


class CaseSort(StrEnum):
    URGENCY = "urgency"  # earliest due first, then highest escalation
    ESCALATION = "escalation"  # highest escalation first, then earliest due
    OPENED = "opened"  # newest first
    UPDATED = "updated"  # most recently changed first
    CASE_ID = "case_id"


_ORDER = {
    CaseSort.URGENCY: (cases.c.next_due_at.asc().nulls_last(), cases.c.escalation_level.desc()),
    CaseSort.ESCALATION: (cases.c.escalation_level.desc(), cases.c.next_due_at.asc().nulls_last()),
    CaseSort.OPENED: (cases.c.opened_at.desc().nulls_last(),),
    CaseSort.UPDATED: (cases.c.updated_at.desc(),),
    CaseSort.CASE_ID: (),
}


class CaseFilter(BaseModel):
    kind: str | None = None
    stage: str | None = None
    unit: str | None = None
    assignee: str | None = None
    escalation_level: int | None = None
    overdue: bool | None = None
    due_before: datetime | None = None
    include_closed: bool = True
    min_escalation_level: int | None = None
    clock_basis: str | None = None  # fallback | calendar
    sort: CaseSort = CaseSort.URGENCY
    limit: int = 50
    offset: int = 0


def is_overdue(row: CaseRow, now: datetime) -> bool:
    """The same rule as the `overdue` filter, for one row."""
    due_passed = row.next_due_at is not None and row.next_due_at < now
    return not row.closed and (row.escalation_level >= 1 or due_passed)


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
    clock_basis: str | None = None


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
    if f.min_escalation_level is not None:
        query = query.where(cases.c.escalation_level >= f.min_escalation_level)
    if f.due_before is not None:
        query = query.where(cases.c.next_due_at < f.due_before)
    if f.clock_basis is not None:
        query = query.where(cases.c.clock_basis == f.clock_basis)
    # Overdue: a clock's L1 rung has fired (the case's own timer said so), or its due has passed.
    due_passed = cases.c.next_due_at.is_not(None) & (cases.c.next_due_at < now)  # no NULL logic
    overdue = ~cases.c.closed & ((cases.c.escalation_level >= 1) | due_passed)
    if f.overdue is True:
        query = query.where(overdue)
    elif f.overdue is False:
        query = query.where(~overdue)
    if not f.include_closed:
        query = query.where(~cases.c.closed)
    return query


async def list_cases(
    engine: AsyncEngine, f: CaseFilter, now: datetime
) -> tuple[list[CaseRow], int]:
    """One page of cases in the asked order (most urgent first by default), and the total."""
    page = (
        _filtered(select(cases), f, now)
        .order_by(*_ORDER[f.sort], cases.c.case_id)
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
