"""Where a period counted in days, months or years ends (期间的计算).

民事诉讼法 Art 85 (applied to administrative review by 行政复议法 (2023) Art 88, to lawsuits by
行政诉讼法 Art 101, and to administrative deadlines generally) [law]:
- the day the period starts is not counted;
- a period in months or years ends on the corresponding day of its last month, or on that
  month's last day when it has none (民法典 Art 202) [law];
- the period ends at 24:00 of its last day (民法典 Art 203) [law];
- when the last day is a statutory rest day (法定休假日: public holidays and weekends, but not
  make-up working days 调休) the period ends on the first working day after it (Art 85 ¶3).
Hours are counted from the instant, as exact instants (Art 85: the starting hour is not
counted, so N hours later is the end).
"""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, timedelta

from domain.calendar import WorkingDayCalendar


def add_months(day: date, months: int) -> date:
    """The corresponding day `months` later, or that month's last day (民法典 Art 202)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = month_calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def roll_past_rest_days(day: date, calendar: WorkingDayCalendar) -> date:
    """The day itself when it is a working day, else the first working day after it."""
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def last_day(
    start: date, days: int = 0, months: int = 0, *, calendar: WorkingDayCalendar, rollover: bool
) -> date:
    """The last day of a period starting on `start` (not counted) of `months` then `days`."""
    end = add_months(start, months) + timedelta(days=days)
    return roll_past_rest_days(end, calendar) if rollover else end
