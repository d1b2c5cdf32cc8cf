"""Reads of the `cases` read model for lists and boards."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import asyncpg
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.tables import cases


class CaseSort(StrEnum):
    URGENCY = "urgency"  # earliest due first, then highest escalation
    ESCALATION = "escalation"  # highest escalation first, then earliest due
    OPENED = "opened"  # newest first
    UPDATED = "updated"  # most recently changed first
    CASE_ID = "case_id"


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


def is_overdue(row: Mapping[str, Any], now: datetime) -> bool:
    """The same rule as the `overdue` filter, for one row (a `CaseRow`'s fields)."""
    due = row["next_due_at"]
    return not row["closed"] and (row["escalation_level"] >= 1 or (due is not None and due < now))


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


# The total a list reports is exact up to this many matches past the page's offset; beyond,
# it is that lower bound and `CasePage.exact` is false. An exact count of a large match
# would scan every match (35 ms for 100 k cases against 1 ms for the page; docs/benchmarks.md).
# The capped count walks the page's own index in the page's order (an index-only scan of at
# most this many entries; without the ORDER BY the planner picks a bitmap scan, 3x slower).
COUNT_CAP = 500

# A list item's columns: a `CaseRow` without the lifecycle attributes (lists do not show them).
_COLUMNS = (
    "case_id, kind, stage, unit, assignee, opened_at, next_due_at, escalation_level, closed, "
    "version, updated_at, clock_basis"
)

_ORDER_SQL = {
    CaseSort.URGENCY: "next_due_at ASC NULLS LAST, escalation_level DESC, case_id",
    CaseSort.ESCALATION: "escalation_level DESC, next_due_at ASC NULLS LAST, case_id",
    CaseSort.OPENED: "opened_at DESC NULLS LAST, case_id",
    CaseSort.UPDATED: "updated_at DESC, case_id",
    CaseSort.CASE_ID: "case_id",
}


@dataclass(frozen=True)
class CasePage:
    # Read-only mappings (asyncpg records) of a `CaseRow`'s fields but `attributes`, plus the
    # `total`: no model and no copy per row.
    rows: Sequence[Mapping[str, Any]]
    total: int  # exact when `exact`, else a lower bound (COUNT_CAP)
    exact: bool


def _where(f: CaseFilter, now: datetime) -> tuple[str, list[Any]]:
    """The filter as SQL over `cases`, with its positional arguments. Every filter has an
    index (migrations/versions/perf_indexes.py)."""
    conditions: list[str] = []
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    for column in ("kind", "stage", "unit", "assignee"):
        value = getattr(f, column)
        if value is not None:
            conditions.append(f"{column} = {arg(value)}")
    if f.escalation_level is not None:
        conditions.append(f"escalation_level = {arg(f.escalation_level)}")
    if f.min_escalation_level is not None:
        conditions.append(f"escalation_level >= {arg(f.min_escalation_level)}")
    if f.due_before is not None:
        conditions.append(f"next_due_at < {arg(f.due_before)}")
    if f.clock_basis is not None:
        conditions.append(f"clock_basis = {arg(f.clock_basis)}")
    if f.overdue is not None:
        # Overdue: a clock's L1 rung has fired (the case's own timer said so), or its due has
        # passed; `NOT closed` first, so the partial indexes of open cases apply.
        due_passed = f"(next_due_at IS NOT NULL AND next_due_at < {arg(now)})"
        overdue = f"NOT closed AND (escalation_level >= 1 OR {due_passed})"
        conditions.append(overdue if f.overdue else f"NOT ({overdue})")
    if not f.include_closed:
        conditions.append("NOT closed")
    return " AND ".join(conditions) or "true", args


def list_statement(f: CaseFilter, now: datetime) -> tuple[str, list[Any]]:
    """The list's one statement (page and capped total) and its arguments."""
    where, args = _where(f, now)
    n = len(args)
    order = _ORDER_SQL[f.sort]
    sql = f"""
        WITH page AS (
            SELECT {_COLUMNS} FROM cases WHERE {where}
            ORDER BY {order} LIMIT ${n + 1} OFFSET ${n + 2}),
        total AS (
            SELECT count(*) AS total
            FROM (SELECT FROM cases WHERE {where} ORDER BY {order} LIMIT ${n + 3}) m)
        SELECT total.total, page.* FROM total LEFT JOIN page ON true ORDER BY {order}
    """
    return sql, [*args, f.limit, f.offset, f.offset + COUNT_CAP]


async def list_cases(pool: asyncpg.Pool, f: CaseFilter, now: datetime) -> CasePage:
    """One page of cases in the asked order (most urgent first by default) and the total,
    in one round trip."""
    sql, args = list_statement(f, now)
    cap = args[-1]
    records = await pool.fetch(sql, *args)
    total = int(records[0]["total"])
    # The LEFT JOIN gives one row of NULLs for an empty page.
    rows = records if records[0]["case_id"] is not None else []
    return CasePage(rows, total, total < cap)


async def get_case(engine: AsyncEngine, case_id: str) -> CaseRow | None:
    async with engine.connect() as conn:
        row = (
            (await conn.execute(select(cases).where(cases.c.case_id == case_id))).mappings().first()
        )
    return CaseRow.model_validate(dict(row)) if row else None
