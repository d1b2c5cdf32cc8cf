"""Date arithmetic of the yearly cycle: years and months on the Shanghai calendar."""

from __future__ import annotations

import calendar
from datetime import date


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier, clamped to that month's last day."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def fixed_date(year: int, month_day: int) -> date:
    """`month_day` as ClockUnit.FIXED_DATE writes it (531 = 31 May) in the given year."""
    month, day = divmod(month_day, 100)
    return date(year, month, day)
