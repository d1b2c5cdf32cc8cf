"""The organisation's upcoming annual inspections, as the officer reads them at registration:
each year's report due dates (sponsor unit and registration authority), and whether a year is
skipped and why (DOMAIN.md §3.2)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.socialorg import rules
from domain.socialorg.commands import Recipient
from domain.socialorg.cycle import report_specs, skips_year
from domain.socialorg.dates import fixed_date, months_before
from domain.socialorg.state import CLOSED_STAGES, SocialOrgState

UPCOMING_YEARS = 2  # policy: how many inspection years ahead the schedule shows


class ScheduledInspection(BaseModel):
    """One inspection year that has not opened yet (it opens on 1 January after it)."""

    model_config = ConfigDict(frozen=True)

    year: int  # the year inspected
    opens_on: date
    sponsor_due_on: date | None  # None: no sponsor unit, or a foundation
    authority_due_on: date | None
    skipped: bool
    reason: str | None = None  # why the year is skipped
    reason_zh: str | None = None


def inspection_schedule(state: SocialOrgState) -> list[ScheduledInspection]:
    """The inspection years ahead (skipped ones too) up to `UPCOMING_YEARS` with reports due."""
    registered = state.registered_on
    if registered is None or state.stage in CLOSED_STAGES:
        return []
    year = state.cycle_year + 1 if state.cycle_year is not None else registered.year
    specs = report_specs(state)
    schedule: list[ScheduledInspection] = []
    while sum(not s.skipped for s in schedule) < UPCOMING_YEARS:
        opens_on = date(year + 1, 1, 1)
        if skips_year(registered, year):
            schedule.append(_skipped(registered, year, opens_on))
        else:
            due = {r: fixed_date(year + 1, spec.amount) for r, spec in specs.items()}
            schedule.append(
                ScheduledInspection(
                    year=year,
                    opens_on=opens_on,
                    sponsor_due_on=due.get(Recipient.SPONSOR),
                    authority_due_on=due.get(Recipient.AUTHORITY),
                    skipped=False,
                )
            )
        year += 1
    return schedule


def _skipped(registered: date, year: int, opens_on: date) -> ScheduledInspection:
    months = rules.NEW_ORGANISATION_GRACE_MONTHS
    cutoff = months_before(date(year, 12, 31), months)
    return ScheduledInspection(
        year=year,
        opens_on=opens_on,
        sponsor_due_on=None,
        authority_due_on=None,
        skipped=True,
        reason=f"registered on {registered}, after {cutoff}: less than {months} months before "
        f"31 December {year} [local]; the first reports cover {year + 1}",
        reason_zh=f"{registered}登记,距{year}年12月31日不足{months}个月,"
        f"{year}年度免于年检,首次年检为{year + 1}年度",
    )
