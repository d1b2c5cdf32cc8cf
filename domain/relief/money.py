"""Money and months: integer fen, months as "YYYY-MM", entitlement schedules, and the settlement
month by month behind every back-payment (补发) and recovery (追回). Never a float."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
Month = Annotated[str, Field(max_length=7, pattern=MONTH_PATTERN, examples=["2026-04"])]


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def add_months(month: str, count: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included; empty when `last` is before `first`."""
    months: list[str] = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def add_months_to_date(day: date, count: int) -> date:
    """The same day `count` months later, or the month's last day when it is shorter."""
    month = add_months(month_of(day), count)
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, min(day.day, calendar.monthrange(year, number)[1]))


class Segment(BaseModel):
    """From this month on, until the next segment, the household is due this much a month."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    from_month: Month
    monthly_fen: int = Field(ge=0)


Schedule = tuple[Segment, ...]


def normalise(segments: Iterable[Segment]) -> Schedule:
    """Sorted, one segment per month (the last given wins), no repeats, no leading zeros."""
    by_month = {s.from_month: s for s in segments}
    result: list[Segment] = []
    for month in sorted(by_month):
        segment = by_month[month]
        previous = result[-1].monthly_fen if result else 0
        if segment.monthly_fen != previous:
            result.append(segment)
    return tuple(result)


def amount_in(schedule: Schedule, month: str) -> int:
    """What the schedule pays for one month."""
    amount = 0
    for segment in schedule:
        if segment.from_month > month:
            break
        amount = segment.monthly_fen
    return amount


def with_amount_from(schedule: Schedule, month: str, monthly_fen: int) -> Schedule:
    """The schedule paying `monthly_fen` from `month` on, whatever it said for those months."""
    kept = [s for s in schedule if s.from_month < month]
    return normalise([*kept, Segment(from_month=month, monthly_fen=monthly_fen)])


def with_one_off(schedule: Schedule, month: str, amount_fen: int) -> Schedule:
    """The schedule paying `amount_fen` in `month` only (临时救助), unchanged elsewhere."""
    following = add_months(month, 1)
    return normalise(
        [
            *(s for s in schedule if s.from_month < month),
            Segment(from_month=month, monthly_fen=amount_fen),
            Segment(from_month=following, monthly_fen=amount_in(schedule, following)),
            *(s for s in schedule if s.from_month > following),
        ]
    )


def first_paid_month(schedule: Schedule) -> str | None:
    return next((s.from_month for s in schedule if s.monthly_fen > 0), None)


class MonthLine(BaseModel):
    """One month of a settlement: what was paid, what was due, and the difference to settle."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    month: Month
    paid_fen: int = Field(ge=0)
    due_fen: int = Field(ge=0)
    difference_fen: int  # due - paid: above zero is back-paid, below zero is recovered


def settle(paid: Schedule, due: Schedule, first: str, through: str) -> tuple[MonthLine, ...]:
    """Month by month from `first` to `through`, the months where paid and due differ."""
    lines: list[MonthLine] = []
    for month in months_between(first, through):
        was, should = amount_in(paid, month), amount_in(due, month)
        if was != should:
            lines.append(
                MonthLine(month=month, paid_fen=was, due_fen=should, difference_fen=should - was)
            )
    return tuple(lines)


def total(lines: Iterable[MonthLine]) -> int:
    return sum(line.difference_fen for line in lines)


def paid_between(schedule: Schedule, first: str, through: str) -> int:
    return sum(amount_in(schedule, m) for m in months_between(first, through))


def dibao_gap(line_fen: int, members: int, household_income_fen: int) -> int:
    """低保 pays the gap between the household's line and its monthly income (差额救助)."""
    return max(0, line_fen * members - household_income_fen)


def fine(obtained_fen: int, percent: int) -> int:
    """A fine of `percent`% of the amount obtained, rounded half up to the fen."""
    if obtained_fen < 0 or percent < 0:
        raise ValueError("a fine is computed on a non-negative amount")
    return (obtained_fen * percent + 50) // 100


def yuan(fen: int) -> str:
    """For people: 123456 fen reads 1234.56 (a recovery keeps its minus sign)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"
