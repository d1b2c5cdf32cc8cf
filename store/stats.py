"""The supervisor's statistics, counted in SQL over the ledger (events) and the `cases` table.

Every figure is dated by when its fact happened (`occurred_at`, Asia/Shanghai months and
years), never by when it was recorded: a paper file entered late counts in its own month.
Each query answers a table (`columns`, `rows`) that the page draws and offers as CSV.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

# The events that close a case, by lifecycle (each evolve sets `closed` on exactly these).
CLOSING_EVENTS = (
    "CaseClosed",  # rescue and relief
    "RegistrationRefused",  # social organisations: 不予登记
    "OrganisationDeregistered",  # 注销
    "RegistrationRevoked",  # 撤销登记 / 吊销
)
STAFF_KINDS = ("rescue", "relief", "social_org")
TZ = "Asia/Shanghai"


class Chart(StrEnum):
    CASES_BY_MONTH = "cases-by-month"
    OVERDUE_BY_MONTH = "overdue-by-month"
    ESCALATIONS_BY_MONTH = "escalations-by-month"
    RESCUE_STAY = "rescue-stay"
    APPEAL_OUTCOMES = "appeal-outcomes"
    INSPECTIONS = "inspections"


class Table(BaseModel):
    chart: Chart
    columns: list[str]
    rows: list[list[Any]]


# Rows of the cases in scope: staff lifecycles, one unit when asked.
_SCOPE = "c.kind = ANY(:kinds) AND (CAST(:unit AS text) IS NULL OR c.unit = CAST(:unit AS text))"

_SQL: dict[Chart, str] = {
    # Opened: a stream's first event; closed: its closing event.
    Chart.CASES_BY_MONTH: f"""
        SELECT to_char(e.occurred_at AT TIME ZONE '{TZ}', 'YYYY-MM') AS month, c.kind, c.unit,
               count(*) FILTER (WHERE e.version = 1) AS opened,
               count(*) FILTER (WHERE e.type = ANY(:closing)) AS closed
        FROM events e JOIN cases c ON c.case_id = e.stream_id
        WHERE (e.version = 1 OR e.type = ANY(:closing)) AND {_SCOPE}
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
    # Of the cases open at some time in a month, those on which a clock reached its due rung
    # (L1) or higher during that month.
    Chart.OVERDUE_BY_MONTH: f"""
        WITH spans AS (
            SELECT c.case_id, c.kind,
                   min(e.occurred_at) FILTER (WHERE e.version = 1) AS opened,
                   min(e.occurred_at) FILTER (WHERE e.type = ANY(:closing)) AS closed
            FROM cases c JOIN events e ON e.stream_id = c.case_id
            WHERE {_SCOPE}
            GROUP BY 1, 2
        ), months AS (
            SELECT generate_series(
                date_trunc('month', min(opened AT TIME ZONE '{TZ}')),
                date_trunc('month', CAST(:now AS timestamptz) AT TIME ZONE '{TZ}'),
                interval '1 month') AS m
            FROM spans
        ), late AS (
            SELECT DISTINCT e.stream_id, date_trunc('month', e.occurred_at AT TIME ZONE '{TZ}') AS m
            FROM events e
            WHERE e.type = 'ClockEscalated' AND (e.payload->>'rung')::int >= 1
        )
        SELECT to_char(months.m, 'YYYY-MM') AS month, s.kind,
               count(*) AS open_cases, count(late.stream_id) AS overdue_cases,
               round(count(late.stream_id)::numeric / count(*), 3)::float AS overdue_share
        FROM months
        JOIN spans s ON s.opened AT TIME ZONE '{TZ}' < months.m + interval '1 month'
                    AND (s.closed IS NULL OR s.closed AT TIME ZONE '{TZ}' >= months.m)
        LEFT JOIN late ON late.stream_id = s.case_id AND late.m = months.m
        GROUP BY 1, 2 ORDER BY 1, 2""",
    # Every rung L1-L3 that fired, in the month it was due.
    Chart.ESCALATIONS_BY_MONTH: f"""
        SELECT to_char(e.occurred_at AT TIME ZONE '{TZ}', 'YYYY-MM') AS month, c.kind,
               count(*) FILTER (WHERE (e.payload->>'rung')::int = 1) AS level_1,
               count(*) FILTER (WHERE (e.payload->>'rung')::int = 2) AS level_2,
               count(*) FILTER (WHERE (e.payload->>'rung')::int = 3) AS level_3
        FROM events e JOIN cases c ON c.case_id = e.stream_id
        WHERE e.type = 'ClockEscalated' AND (e.payload->>'rung')::int >= 1 AND {_SCOPE}
        GROUP BY 1, 2 ORDER BY 1, 2""",
    # Intake registration to leaving the station, in days, by the month of leaving.
    Chart.RESCUE_STAY: f"""
        WITH stays AS (
            SELECT e.stream_id,
                   min(e.occurred_at) FILTER (WHERE e.type = 'IntakeRegistered') AS entered,
                   min(e.occurred_at) FILTER (WHERE e.type = 'StationExited') AS exited
            FROM events e JOIN cases c ON c.case_id = e.stream_id
            WHERE e.type IN ('IntakeRegistered', 'StationExited') AND c.kind = 'rescue'
              AND {_SCOPE}
            GROUP BY 1
        )
        SELECT to_char(exited AT TIME ZONE '{TZ}', 'YYYY-MM') AS month, count(*) AS exits,
               round(percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY extract(epoch FROM exited - entered) / 86400)::numeric, 1)::float
                   AS median_stay_days
        FROM stays WHERE entered IS NOT NULL AND exited IS NOT NULL
        GROUP BY 1 ORDER BY 1""",
    Chart.APPEAL_OUTCOMES: f"""
        SELECT to_char(e.occurred_at AT TIME ZONE '{TZ}', 'YYYY') AS year,
               count(*) FILTER (WHERE e.payload->>'outcome' = 'upheld') AS upheld,
               count(*) FILTER (WHERE e.payload->>'outcome' = 'overturned') AS overturned,
               count(*) FILTER (WHERE e.payload->>'outcome' = 'varied') AS varied
        FROM events e JOIN cases c ON c.case_id = e.stream_id
        WHERE e.type = 'AppealDecided' AND {_SCOPE}
        GROUP BY 1 ORDER BY 1""",
    # Per inspection year: organisations due to report to the registration authority, reports
    # filed (of which late), and due dates that passed without the report.
    Chart.INSPECTIONS: f"""
        SELECT (e.payload->>'year')::int AS year,
               count(*) FILTER (WHERE e.type = 'AnnualCycleOpened'
                                AND NOT (e.payload->>'skipped')::boolean) AS due,
               count(*) FILTER (WHERE e.type = 'AnnualReportFiled'
                                AND e.payload->>'recipient' = 'authority') AS filed,
               count(*) FILTER (WHERE e.type = 'AnnualReportFiled'
                                AND e.payload->>'recipient' = 'authority'
                                AND (e.payload->>'late')::boolean) AS filed_late,
               count(*) FILTER (WHERE e.type = 'AnnualReportMissed'
                                AND e.payload->>'recipient' = 'authority') AS missed
        FROM events e JOIN cases c ON c.case_id = e.stream_id
        WHERE e.type IN ('AnnualCycleOpened', 'AnnualReportFiled', 'AnnualReportMissed')
          AND {_SCOPE}
        GROUP BY 1 ORDER BY 1""",
}


async def chart_table(
    engine: AsyncEngine, chart: Chart, now: datetime, unit: str | None = None
) -> Table:
    """One chart's numbers for every case in scope (one unit's, or all when `unit` is None)."""
    sql = _SQL[chart]
    values: dict[str, Any] = {
        "kinds": list(STAFF_KINDS),
        "closing": list(CLOSING_EVENTS),
        "unit": unit,
        "now": now,
    }
    query = text(sql).bindparams(
        *(bindparam(name, value=value) for name, value in values.items() if f":{name}" in sql)
    )
    async with engine.connect() as conn:
        result = await conn.execute(query)
        columns = list(result.keys())
        rows = [list(r) for r in result.all()]
    return Table(chart=chart, columns=columns, rows=rows)
