"""Chinese working days (工作日) in Asia/Shanghai time, with a stated basis for every answer.

The `chinese-calendar` package knows the years whose State Council holiday notice it has seen
(1.11.0: 2004-2026). The bureau can add a later year's notice as data (`HolidayNotice`); a year
known to neither falls back to Monday-Friday, and the basis says so, so a clock computed on a
guess can be recomputed when the notice is published.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone

import chinese_calendar
from pydantic import BaseModel, ConfigDict, Field, model_validator

# China has kept UTC+8 without daylight saving since 1991; a fixed offset keeps the domain free
# of time-zone database reads (and deterministic inside Temporal's workflow sandbox).
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

LIBRARY_BASIS = f"chinese-calendar {getattr(chinese_calendar, '__version__', '?')}"
FALLBACK_BASIS = "weekdays-only fallback (no holiday notice for {year})"
FALLBACK_MARK = "weekdays-only fallback"


def on_fallback(basis: str) -> bool:
    """Whether a recorded basis counted some year on the Monday-Friday fallback."""
    return FALLBACK_MARK in basis


class HolidayNotice(BaseModel):
    """One year's State Council holiday notice: days off and make-up working days (调休).

    A notice that cannot be right is refused when it is read: a date outside its year, a day
    both off and worked, a make-up working day that is a weekday anyway.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int = Field(ge=2000, le=2200)
    source: str = Field(min_length=2, max_length=200)  # e.g. 国办发明电〔2026〕N号
    holidays: tuple[date, ...]
    makeup_workdays: tuple[date, ...] = ()

    @model_validator(mode="after")
    def _dates_fit_the_year(self) -> HolidayNotice:
        outside = sorted(d for d in (*self.holidays, *self.makeup_workdays) if d.year != self.year)
        if outside:
            raise ValueError(f"dates outside {self.year}: {', '.join(map(str, outside))}")
        both = sorted(set(self.holidays) & set(self.makeup_workdays))
        if both:
            raise ValueError(f"days both off and worked: {', '.join(map(str, both))}")
        weekdays = sorted(d for d in self.makeup_workdays if d.weekday() < 5)
        if weekdays:
            raise ValueError(
                f"make-up working days must fall on a weekend: {', '.join(map(str, weekdays))}"
            )
        return self


def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkingDayCalendar:
    """Decides whether a Shanghai calendar date is a working day, and counts working days."""

    def __init__(self, notices: Iterable[HolidayNotice] = ()) -> None:
        self._notices = {n.year: n for n in notices}
        self._library_years: dict[int, bool] = {}

    @property
    def notices(self) -> tuple[HolidayNotice, ...]:
        return tuple(self._notices[y] for y in sorted(self._notices))

    def basis(self, year: int) -> str:
        """Which source decides the given year: a loaded notice, the library, or the fallback."""
        if year in self._notices:
            return f"notice {self._notices[year].source}"
        if self._knows_from_library(year):
            return LIBRARY_BASIS
        return FALLBACK_BASIS.format(year=year)

    def basis_between(self, first: date, last: date) -> str:
        """The bases of every year a span of dates touches, joined for the record."""
        lo, hi = min(first, last), max(first, last)
        return "; ".join(f"{y}: {self.basis(y)}" for y in range(lo.year, hi.year + 1))

    def is_working_day(self, day: date) -> bool:
        notice = self._notices.get(day.year)
        if notice is not None:
            if day in notice.makeup_workdays:
                return True
            if day in notice.holidays:
                return False
            return day.weekday() < 5
        if self._knows_from_library(day.year):
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (the start day itself is not counted)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        while count > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days_after(self, start: date, end: date) -> int:
        """How many working days lie in (start, end]; zero when end is not after start."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def _knows_from_library(self, year: int) -> bool:
        known = self._library_years.get(year)
        if known is None:
            known = self._library_years[year] = _library_knows(year)
        return known


def local_date(moment: datetime) -> date:
    """The Shanghai calendar date of an aware moment."""
    return moment.astimezone(SHANGHAI).date()


def end_of_day(day: date) -> datetime:
    """The instant a Shanghai day ends: a deadline 'on day D' runs until the next midnight."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=SHANGHAI)
