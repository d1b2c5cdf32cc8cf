"""Working days in Asia/Shanghai: the library's years, loaded notices and the Mon–Fri fallback."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import SHANGHAI, HolidayNotice, WorkingDayCalendar, end_of_day
from domain.clocks import ClockSpec, ClockUnit, start_clock

# A year that neither chinese-calendar 1.11 nor any loaded notice knows.
UNKNOWN_YEAR = 2027

# INVENTED TEST DATA, not the real State Council notice for 2027 (it was not published when this
# test was written): a plausible Spring Festival around 6 Feb 2027, with two make-up Sundays /
# Saturdays on either side.
INVENTED_2027_NOTICE = HolidayNotice(
    year=2027,
    source="TEST DATA: invented 2027 Spring Festival, not a real notice",
    holidays=tuple(date(2027, 2, 6) + timedelta(days=i) for i in range(8)),  # 6–13 Feb
    makeup_workdays=(date(2027, 1, 31), date(2027, 2, 20)),  # Sun 31 Jan, Sat 20 Feb
)


def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


needs_unknown_year = pytest.mark.skipif(
    _library_knows(UNKNOWN_YEAR),
    reason=f"the installed chinese-calendar now knows {UNKNOWN_YEAR}; move UNKNOWN_YEAR on",
)


@pytest.fixture
def calendar() -> WorkingDayCalendar:
    return WorkingDayCalendar()


# --- 2026 National Day (国庆节): 1–7 Oct off, Sun 20 Sep and Sat 10 Oct worked -----------------


@pytest.mark.parametrize("day", [date(2026, 10, d) for d in range(1, 8)])
def test_national_day_2026_holidays_are_not_working_days(
    calendar: WorkingDayCalendar, day: date
) -> None:
    assert not calendar.is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 9, 20), date(2026, 10, 10)])
def test_national_day_2026_makeup_weekend_days_are_working_days(
    calendar: WorkingDayCalendar, day: date
) -> None:
    assert day.weekday() >= 5  # a Sunday and a Saturday
    assert calendar.is_working_day(day)


def test_ordinary_weekend_around_national_day_2026_is_not_worked(
    calendar: WorkingDayCalendar,
) -> None:
    assert not calendar.is_working_day(date(2026, 10, 11))  # Sunday after the make-up Saturday
    assert calendar.is_working_day(date(2026, 10, 8))  # Thursday after the holiday


def test_thirty_working_day_clock_from_25_september_2026_is_due_at_end_of_12_november(
    calendar: WorkingDayCalendar,
) -> None:
    # given a 30-working-day clock (e.g. the 低保 whole-process clock)
    spec = ClockSpec(
        name="whole_process",
        label_zh="全流程",
        unit=ClockUnit.WORKING_DAYS,
        amount=30,
        rule="test: 30 working days",
    )
    # when it starts on Friday 25 September 2026
    clock = start_clock(spec, datetime(2026, 9, 25, 10, 30, tzinfo=SHANGHAI), calendar)
    # then National Day and its make-up Saturday are counted: the last day is 12 November
    assert clock.due_at == end_of_day(date(2026, 11, 12))
    assert clock.due_at == datetime(2026, 11, 13, 0, 0, tzinfo=SHANGHAI)
    assert "chinese-calendar" in clock.basis


def test_library_years_name_the_library_as_basis(calendar: WorkingDayCalendar) -> None:
    assert "chinese-calendar" in calendar.basis(2026)


# --- a year nobody knows: Mon–Fri, and the basis says so -------------------------------------


@needs_unknown_year
def test_unknown_year_falls_back_to_monday_to_friday(calendar: WorkingDayCalendar) -> None:
    week = [date(2027, 2, 1) + timedelta(days=i) for i in range(7)]  # Mon 1 Feb – Sun 7 Feb
    assert [calendar.is_working_day(d) for d in week] == [True] * 5 + [False] * 2
    assert calendar.is_working_day(date(2027, 2, 8))  # would be Spring Festival in reality


@needs_unknown_year
def test_unknown_year_basis_says_fallback(calendar: WorkingDayCalendar) -> None:
    assert "fallback" in calendar.basis(UNKNOWN_YEAR)
    assert str(UNKNOWN_YEAR) in calendar.basis(UNKNOWN_YEAR)


@needs_unknown_year
def test_loaded_notice_decides_holidays_and_makeup_days_of_its_year() -> None:
    # given the (invented) 2027 notice is loaded
    calendar = WorkingDayCalendar([INVENTED_2027_NOTICE])
    # then its holidays are off, its make-up weekend days are worked, other days are Mon–Fri
    assert not calendar.is_working_day(date(2027, 2, 8))  # Monday in the holiday
    assert not calendar.is_working_day(date(2027, 2, 12))  # Friday in the holiday
    assert calendar.is_working_day(date(2027, 1, 31))  # make-up Sunday
    assert calendar.is_working_day(date(2027, 2, 20))  # make-up Saturday
    assert not calendar.is_working_day(date(2027, 2, 21))  # an ordinary Sunday
    assert calendar.is_working_day(date(2027, 2, 15))  # an ordinary Monday


@needs_unknown_year
def test_loaded_notice_becomes_the_basis_of_its_year() -> None:
    calendar = WorkingDayCalendar([INVENTED_2027_NOTICE])
    assert calendar.basis(2027) == f"notice {INVENTED_2027_NOTICE.source}"
    assert "fallback" not in calendar.basis(2027)
    assert calendar.notices == (INVENTED_2027_NOTICE,)


@needs_unknown_year
def test_notice_changes_the_count_of_working_days_across_spring_festival() -> None:
    # given the same span counted without and with the (invented) 2027 notice
    first, last = date(2027, 1, 29), date(2027, 2, 26)
    without = WorkingDayCalendar().working_days_after(first, last)
    with_notice = WorkingDayCalendar([INVENTED_2027_NOTICE]).working_days_after(first, last)
    # then 5 weekdays off (8–12 Feb) and 2 make-up weekend days give 3 fewer working days
    assert without - with_notice == 3


@needs_unknown_year
def test_basis_between_names_every_year_a_span_touches(calendar: WorkingDayCalendar) -> None:
    basis = calendar.basis_between(date(2026, 12, 20), date(2027, 1, 15))
    assert "2026: chinese-calendar" in basis
    assert "2027: weekdays-only fallback" in basis
    # the order of the ends does not matter
    assert calendar.basis_between(date(2027, 1, 15), date(2026, 12, 20)) == basis


@needs_unknown_year
def test_clock_running_into_an_unknown_year_records_the_fallback_basis(
    calendar: WorkingDayCalendar,
) -> None:
    spec = ClockSpec(
        name="decision",
        label_zh="审核确认",
        unit=ClockUnit.WORKING_DAYS,
        amount=30,
        rule="test",
    )
    clock = start_clock(spec, datetime(2026, 12, 1, 9, tzinfo=SHANGHAI), calendar)
    assert "2026: chinese-calendar" in clock.basis
    assert "2027: weekdays-only fallback" in clock.basis


def test_negative_working_day_count_is_refused(calendar: WorkingDayCalendar) -> None:
    with pytest.raises(ValueError):
        calendar.add_working_days(date(2026, 3, 2), -1)


def test_no_working_days_lie_in_an_empty_or_backward_span(calendar: WorkingDayCalendar) -> None:
    assert calendar.working_days_after(date(2026, 3, 5), date(2026, 3, 5)) == 0
    assert calendar.working_days_after(date(2026, 3, 5), date(2026, 3, 2)) == 0


# --- properties ------------------------------------------------------------------------------

SHARED_CALENDAR = WorkingDayCalendar()
DATES_2024_2026 = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


@settings(max_examples=150, deadline=None)
@given(start=DATES_2024_2026, count=st.integers(min_value=0, max_value=60))
def test_working_days_after_undoes_add_working_days(start: date, count: int) -> None:
    end = SHARED_CALENDAR.add_working_days(start, count)
    assert SHARED_CALENDAR.working_days_after(start, end) == count
    # and the day landed on is a working day, or the start itself when nothing is added
    if count == 0:
        assert end == start
    else:
        assert SHARED_CALENDAR.is_working_day(end)


@settings(max_examples=150, deadline=None)
@given(start=DATES_2024_2026, span=st.integers(min_value=0, max_value=90))
def test_add_working_days_undoes_working_days_after_for_a_working_day(
    start: date, span: int
) -> None:
    end = start + timedelta(days=span)
    while not SHARED_CALENDAR.is_working_day(end):
        end += timedelta(days=1)
    count = SHARED_CALENDAR.working_days_after(start, end)
    assert SHARED_CALENDAR.add_working_days(start, count) == end
