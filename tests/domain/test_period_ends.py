"""Periods end where the law ends them (民事诉讼法 Art 85, 民法典 Arts 202-203): the start day
is not counted, a period ends at 24:00 of its last day, a last day on a rest day moves to the
next working day; hours stay exact instants; clocks counted before keep their exact instants."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import SHANGHAI, WorkingDayCalendar, end_of_day, local_date
from domain.clocks import (
    Clock,
    ClockRules,
    ClockSpec,
    ClockUnit,
    pause_clock,
    resume_clock,
    start_clock,
)
from domain.periods import add_months, last_day

CALENDAR = WorkingDayCalendar()


def spec(unit: ClockUnit, amount: int, rollover: bool = True) -> ClockSpec:
    return ClockSpec(
        name="period",
        label_zh="期间",
        unit=unit,
        amount=amount,
        rule="test",
        starts="test",
        holiday_rollover=rollover,
    )


def at(year: int, month: int, day: int, hour: int = 14) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def test_a_day_period_ends_at_24_00_of_its_last_day_the_start_day_not_counted() -> None:
    # given a 10-day period started on Monday 2 March 2026 at 14:00
    clock = start_clock(spec(ClockUnit.CALENDAR_DAYS, 10), at(2026, 3, 2), CALENDAR)
    # then its last day is Thursday 12 March, and it runs until that day's 24:00
    assert clock.due_on == date(2026, 3, 12)
    assert clock.due_at == end_of_day(date(2026, 3, 12))


def test_a_last_day_in_the_national_day_holiday_moves_to_the_next_working_day() -> None:
    # given a 30-day period from 1 September 2026: its 30th day is 1 October (holiday 1-7 Oct)
    clock = start_clock(spec(ClockUnit.CALENDAR_DAYS, 30), at(2026, 9, 1), CALENDAR)
    # then it ends on Thursday 8 October, the first working day after the holiday
    assert clock.due_on == date(2026, 10, 8)


def test_a_last_day_on_a_make_up_working_day_does_not_move() -> None:
    # Sunday 20 September 2026 is a make-up working day (调休) before National Day
    clock = start_clock(spec(ClockUnit.CALENDAR_DAYS, 10), at(2026, 9, 10), CALENDAR)
    assert clock.due_on == date(2026, 9, 20)


def test_a_weekend_last_day_moves_to_monday_unless_the_spec_says_it_is_a_duration() -> None:
    # 7 days from Sunday 8 March 2026 end on Sunday 15 March
    rolled = start_clock(spec(ClockUnit.CALENDAR_DAYS, 7), at(2026, 3, 8), CALENDAR)
    kept = start_clock(spec(ClockUnit.CALENDAR_DAYS, 7, rollover=False), at(2026, 3, 8), CALENDAR)
    assert rolled.due_on == date(2026, 3, 16)
    assert kept.due_on == date(2026, 3, 15)


def test_a_month_period_ends_on_the_corresponding_day_or_the_months_last_day() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 3, 10), 6) == date(2026, 9, 10)
    no_roll = start_clock(spec(ClockUnit.MONTHS, 2, rollover=False), at(2025, 3, 31), CALENDAR)
    assert no_roll.due_on == date(2025, 5, 31)
    # 31 May 2025 is the first day of the Dragon Boat holiday (31 May - 2 June): 3 June
    rolled = start_clock(spec(ClockUnit.MONTHS, 2), at(2025, 3, 31), CALENDAR)
    assert rolled.due_on == date(2025, 6, 3)
    # Saturday 28 February 2026 is a make-up working day: a month from 31 January ends then
    assert start_clock(spec(ClockUnit.MONTHS, 1), at(2026, 1, 31), CALENDAR).due_on == date(
        2026, 2, 28
    )


def test_a_year_from_29_february_ends_on_28_february() -> None:
    clock = start_clock(spec(ClockUnit.YEARS, 1), at(2024, 2, 29), CALENDAR)
    assert clock.due_on == date(2025, 2, 28)  # a Friday
    assert clock.due_at == end_of_day(date(2025, 2, 28))


def test_hours_stay_exact_instants() -> None:
    clock = start_clock(spec(ClockUnit.HOURS, 24), at(2026, 3, 2), CALENDAR)
    assert clock.due_at == at(2026, 3, 3)
    assert clock.due_on == date(2026, 3, 3)


def test_clocks_counted_with_exact_instants_keep_n_times_24_hours() -> None:
    exact = ClockRules.EXACT_INSTANTS
    clock = start_clock(spec(ClockUnit.CALENDAR_DAYS, 30), at(2026, 9, 1), CALENDAR, exact)
    assert clock.due_at == at(2026, 10, 1)
    months = start_clock(spec(ClockUnit.MONTHS, 3), at(2026, 3, 2), CALENDAR, exact)
    assert months.due_at == at(2026, 6, 2)
    assert months.rules is exact


def test_a_clock_stored_before_due_on_and_rules_existed_still_loads() -> None:
    stored = {
        "spec": {
            "name": "stay_limit",
            "label_zh": "在站期限",
            "unit": "calendar_days",
            "amount": 10,
            "rule": "实施细则",
        },
        "started_at": "2026-03-02T10:00:00+08:00",
        "due_at": "2026-03-12T10:00:00+08:00",
        "basis": "2026: chinese-calendar 1.11.0",
        "rungs": {"1": "2026-03-12T10:00:00+08:00"},
    }
    clock = Clock.model_validate(stored)
    assert clock.rules is ClockRules.EXACT_INSTANTS and clock.counted is None
    assert clock.spec.starts == "" and clock.spec.holiday_rollover
    assert clock.due_on == date(2026, 3, 12)
    assert Clock.model_validate(clock.model_dump(mode="json")) == clock


def test_a_paused_day_period_keeps_its_days_and_ends_at_24_00_after_resuming() -> None:
    clock = start_clock(spec(ClockUnit.CALENDAR_DAYS, 10), at(2026, 3, 2), CALENDAR)
    paused = pause_clock(clock, at(2026, 3, 5), CALENDAR)
    assert paused.remaining == 7  # 6 to 12 March
    resumed = resume_clock(paused, at(2026, 3, 9, 9), CALENDAR)
    assert resumed.due_on == date(2026, 3, 16)
    assert resumed.due_at == end_of_day(date(2026, 3, 16))


@settings(max_examples=200, deadline=None)
@given(
    started=st.datetimes(min_value=datetime(2005, 1, 1), max_value=datetime(2026, 10, 1)),
    days=st.integers(min_value=1, max_value=400),
)
def test_any_day_period_ends_at_24_00_of_a_working_day_on_or_after_its_nominal_last_day(
    started: datetime, days: int
) -> None:
    start = started.replace(tzinfo=SHANGHAI)
    clock = start_clock(spec(ClockUnit.CALENDAR_DAYS, days), start, CALENDAR)
    nominal = local_date(start) + timedelta(days=days)
    assert clock.due_at == end_of_day(clock.due_on)
    assert CALENDAR.is_working_day(clock.due_on)
    assert nominal <= clock.due_on < nominal + timedelta(days=12)  # the longest holiday is 8
    # every day between the nominal last day and the due day is a rest day
    day = nominal
    while day < clock.due_on:
        assert not CALENDAR.is_working_day(day)
        day += timedelta(days=1)
    assert clock.due_on == last_day(local_date(start), days, calendar=CALENDAR, rollover=True)
