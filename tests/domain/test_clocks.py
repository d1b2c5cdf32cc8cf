"""Statutory clocks: due instants, the escalation ladder, pause / resume and extensions (延期)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.calendar import SHANGHAI, WorkingDayCalendar, end_of_day, local_date
from domain.clocks import (
    Clock,
    ClockRules,
    ClockSpec,
    ClockUnit,
    LadderPolicy,
    Rung,
    extend_clock,
    pause_clock,
    resume_clock,
    start_clock,
)

CALENDAR = WorkingDayCalendar()
EXACT = ClockRules.EXACT_INSTANTS
LADDER = (Rung.REMINDER, Rung.L1_DUE, Rung.L2_OVERDUE, Rung.L3_LEADERSHIP)
MONDAY_2_MARCH_2026 = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)  # no holidays in March 2026


def spec(unit: ClockUnit, amount: int, ladder: LadderPolicy | None = None) -> ClockSpec:
    return ClockSpec(
        name=f"{unit.value}_{amount}",
        label_zh="测试时钟",
        unit=unit,
        amount=amount,
        rule="test clock",
        ladder=ladder or LadderPolicy(),
    )


def ten_working_days() -> Clock:
    """A 10-working-day clock started Monday 2 March 2026: due at the end of Monday 16 March."""
    return start_clock(spec(ClockUnit.WORKING_DAYS, 10), MONDAY_2_MARCH_2026, CALENDAR)


# --- strategies ------------------------------------------------------------------------------

AMOUNTS: dict[ClockUnit, st.SearchStrategy[int]] = {
    ClockUnit.HOURS: st.integers(min_value=1, max_value=24 * 60),
    ClockUnit.CALENDAR_DAYS: st.integers(min_value=1, max_value=120),
    ClockUnit.WORKING_DAYS: st.integers(min_value=1, max_value=60),
    ClockUnit.MONTHS: st.integers(min_value=1, max_value=24),
    ClockUnit.YEARS: st.integers(min_value=1, max_value=3),
    # month * 100 + day; days up to 28 exist in every month of every year
    ClockUnit.FIXED_DATE: st.builds(
        lambda month, day: month * 100 + day,
        st.integers(min_value=1, max_value=12),
        st.integers(min_value=1, max_value=28),
    ),
}
INSTANTS = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2026, 12, 31),
    timezones=st.sampled_from([SHANGHAI, UTC]),
)


def specs_of(unit: ClockUnit) -> st.SearchStrategy[ClockSpec]:
    return AMOUNTS[unit].map(lambda amount: spec(unit, amount))


# --- the ladder ------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", list(ClockUnit))
@settings(max_examples=60, deadline=None)
@given(data=st.data(), started_at=INSTANTS)
def test_ladder_rungs_fire_in_order_reminder_due_overdue_leadership(
    unit: ClockUnit, data: st.DataObject, started_at: datetime
) -> None:
    clock = start_clock(data.draw(specs_of(unit)), started_at, CALENDAR)
    assert sorted(clock.rungs) == list(LADDER)
    assert (
        clock.started_at
        < clock.rungs[Rung.REMINDER]
        < clock.rungs[Rung.L1_DUE]
        < clock.rungs[Rung.L2_OVERDUE]
        < clock.rungs[Rung.L3_LEADERSHIP]
    )
    assert clock.rungs[Rung.L1_DUE] == clock.due_at
    assert clock.next_rung() == (Rung.REMINDER, clock.rungs[Rung.REMINDER])


@pytest.mark.parametrize(
    ("unit", "amount", "reminder_after"),
    [
        (ClockUnit.HOURS, 24, timedelta(hours=16)),
        (ClockUnit.CALENDAR_DAYS, 30, timedelta(days=20)),
        (ClockUnit.CALENDAR_DAYS, 10, timedelta(days=6, hours=16)),
    ],
)
def test_reminder_fires_at_two_thirds_of_the_duration(
    unit: ClockUnit, amount: int, reminder_after: timedelta
) -> None:
    # exact instants (clocks of cases from before statutory period ends): N x 24 h
    clock = start_clock(spec(unit, amount), MONDAY_2_MARCH_2026, CALENDAR, EXACT)
    assert clock.rungs[Rung.REMINDER] == MONDAY_2_MARCH_2026 + reminder_after


def test_reminder_of_a_working_day_clock_is_two_thirds_of_its_calendar_span() -> None:
    clock = ten_working_days()
    span = clock.due_at - clock.started_at
    assert clock.rungs[Rung.REMINDER] == clock.started_at + span * 2 / 3


def test_overdue_rungs_count_working_days_after_a_weekend() -> None:
    # given a 1-working-day clock started Thursday 5 March 2026: due at the end of Friday
    clock = start_clock(
        spec(ClockUnit.WORKING_DAYS, 1), datetime(2026, 3, 5, 9, tzinfo=SHANGHAI), CALENDAR
    )
    assert clock.due_at == end_of_day(date(2026, 3, 6))
    # then L2 is the end of Monday (the weekend is skipped) and L3 the end of the next Friday
    assert clock.rungs[Rung.L2_OVERDUE] == end_of_day(date(2026, 3, 9))
    assert clock.rungs[Rung.L3_LEADERSHIP] == end_of_day(date(2026, 3, 13))


def test_overdue_rungs_skip_national_day_and_count_its_makeup_saturday() -> None:
    # given a 2-working-day clock started Monday 28 September 2026: due at the end of 30 Sep
    clock = start_clock(
        spec(ClockUnit.WORKING_DAYS, 2), datetime(2026, 9, 28, 9, tzinfo=SHANGHAI), CALENDAR
    )
    assert clock.due_at == datetime(2026, 10, 1, tzinfo=SHANGHAI)
    # then L2 waits out 1–7 October: the end of Thursday 8 October
    assert clock.rungs[Rung.L2_OVERDUE] == end_of_day(date(2026, 10, 8))
    # and L3 counts 8, 9, Sat 10 (make-up), 12 and 13 October
    assert clock.rungs[Rung.L3_LEADERSHIP] == end_of_day(date(2026, 10, 13))


def test_overdue_rungs_of_an_hour_clock_count_from_the_day_it_falls_due() -> None:
    # given a 24-hour clock started 10:00 on Friday 6 March 2026: due 10:00 Saturday
    clock = start_clock(
        spec(ClockUnit.HOURS, 24), datetime(2026, 3, 6, 10, tzinfo=SHANGHAI), CALENDAR
    )
    assert clock.due_at == datetime(2026, 3, 7, 10, tzinfo=SHANGHAI)
    # then L2 is one working day after Saturday (end of Monday), L3 five (end of Friday)
    assert clock.rungs[Rung.L2_OVERDUE] == end_of_day(date(2026, 3, 9))
    assert clock.rungs[Rung.L3_LEADERSHIP] == end_of_day(date(2026, 3, 13))


def test_rungs_due_lists_every_unreached_rung_whose_instant_has_come() -> None:
    clock = ten_working_days()
    assert clock.rungs_due(clock.started_at) == []
    assert clock.rungs_due(clock.rungs[Rung.REMINDER]) == [Rung.REMINDER]
    just_after_l2 = clock.rungs[Rung.L2_OVERDUE] + timedelta(seconds=1)
    assert clock.rungs_due(just_after_l2) == [Rung.REMINDER, Rung.L1_DUE, Rung.L2_OVERDUE]
    # once L1 is reached only the higher rungs remain
    reached_l1 = clock.model_copy(update={"reached": Rung.L1_DUE})
    assert reached_l1.rungs_due(just_after_l2) == [Rung.L2_OVERDUE]


def test_next_rung_is_the_first_rung_not_yet_reached() -> None:
    clock = ten_working_days()
    assert clock.next_rung() == (Rung.REMINDER, clock.rungs[Rung.REMINDER])
    reached_l1 = clock.model_copy(update={"reached": Rung.L1_DUE})
    assert reached_l1.next_rung() == (Rung.L2_OVERDUE, clock.rungs[Rung.L2_OVERDUE])
    at_the_top = clock.model_copy(update={"reached": Rung.L3_LEADERSHIP})
    assert at_the_top.next_rung() is None
    assert at_the_top.rungs_due(clock.rungs[Rung.L3_LEADERSHIP] + timedelta(days=30)) == []


# --- pause and resume ------------------------------------------------------------------------


def test_pause_then_resume_keeps_the_remaining_working_days() -> None:
    # given a 10-working-day clock paused 3 working days in (Thursday 5 March)
    paused = pause_clock(ten_working_days(), datetime(2026, 3, 5, 17, tzinfo=SHANGHAI), CALENDAR)
    assert paused.remaining == 7
    # when it resumes a week later
    resumed_at = datetime(2026, 3, 12, 9, tzinfo=SHANGHAI)
    resumed = resume_clock(paused, resumed_at, CALENDAR)
    # then it is due 7 working days after the resume date: the end of Monday 23 March
    assert resumed.due_at == end_of_day(CALENDAR.add_working_days(date(2026, 3, 12), 7))
    assert resumed.due_at == end_of_day(date(2026, 3, 23))
    assert resumed.running
    assert resumed.remaining is None
    assert resumed.rungs[Rung.L1_DUE] == resumed.due_at


def test_pause_then_resume_keeps_the_remaining_hours() -> None:
    clock = start_clock(spec(ClockUnit.HOURS, 24), MONDAY_2_MARCH_2026, CALENDAR)
    paused = pause_clock(clock, MONDAY_2_MARCH_2026 + timedelta(hours=10), CALENDAR)
    resumed_at = MONDAY_2_MARCH_2026 + timedelta(days=3)
    resumed = resume_clock(paused, resumed_at, CALENDAR)
    assert resumed.due_at == resumed_at + timedelta(hours=14)


def test_paused_clock_has_no_next_rung_and_nothing_due() -> None:
    clock = ten_working_days()
    paused = pause_clock(clock, clock.started_at + timedelta(hours=1), CALENDAR)
    assert not paused.running
    assert paused.next_rung() is None
    assert paused.rungs_due(clock.rungs[Rung.L3_LEADERSHIP] + timedelta(days=1)) == []


def test_resuming_a_running_clock_changes_nothing() -> None:
    clock = ten_working_days()
    assert resume_clock(clock, clock.started_at + timedelta(days=1), CALENDAR) == clock


def test_pausing_a_paused_clock_keeps_its_remaining_time() -> None:
    # given a clock paused 3 working days into 10 (7 remain)
    paused = pause_clock(ten_working_days(), datetime(2026, 3, 5, 17, tzinfo=SHANGHAI), CALENDAR)
    # when a second pause arrives a week later (e.g. a second missing-papers notice)
    paused_again = pause_clock(paused, datetime(2026, 3, 12, 9, tzinfo=SHANGHAI), CALENDAR)
    # then the clock still has 7 working days left (actual: 2)
    assert paused_again.remaining == 7


# --- extensions (延期) -----------------------------------------------------------------------


def test_extension_moves_the_due_day_by_n_working_days() -> None:
    clock = ten_working_days()  # due at the end of Monday 16 March
    extended = extend_clock(clock, 5, datetime(2026, 3, 10, 9, tzinfo=SHANGHAI), CALENDAR)
    assert extended.due_at == end_of_day(date(2026, 3, 23))
    assert extended.rungs[Rung.L1_DUE] == extended.due_at
    assert extended.extensions == 1
    assert extended.reached is Rung.NONE


@pytest.mark.parametrize(
    ("unit", "by", "moved"),
    [
        (ClockUnit.HOURS, 12, timedelta(hours=12)),
        (ClockUnit.CALENDAR_DAYS, 7, timedelta(days=7)),
        (ClockUnit.FIXED_DATE, 30, timedelta(days=30)),  # a fixed date moves by calendar days
    ],
)
def test_extension_moves_the_due_instant_by_n_units_of_its_kind(
    unit: ClockUnit, by: int, moved: timedelta
) -> None:
    amount = 531 if unit is ClockUnit.FIXED_DATE else 24
    clock = start_clock(spec(unit, amount), MONDAY_2_MARCH_2026, CALENDAR)
    extended = extend_clock(clock, by, MONDAY_2_MARCH_2026, CALENDAR)
    assert extended.due_at == clock.due_at + moved


def test_extension_marks_rungs_already_past_as_reached_and_rearms_later_ones() -> None:
    # given a clock that went overdue (L2 reached) and an extension granted at noon on 18 March
    clock = ten_working_days().model_copy(update={"reached": Rung.L2_OVERDUE})
    granted_at = datetime(2026, 3, 18, 12, tzinfo=SHANGHAI)
    # when the due day moves 1 working day (to 17 March, already past)
    extended = extend_clock(clock, 1, granted_at, CALENDAR)
    # then the reminder and L1 are in the past and count as reached; L2 moves to the new
    # ladder's instant and will fire (again) there
    assert extended.due_at == end_of_day(date(2026, 3, 17))
    assert extended.reached is Rung.L1_DUE
    assert extended.rungs_due(granted_at) == []
    assert extended.next_rung() == (Rung.L2_OVERDUE, end_of_day(date(2026, 3, 18)))


@pytest.mark.parametrize("unit", list(ClockUnit))
@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    started_at=INSTANTS,
    granted_after=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=120)),
    by=st.integers(min_value=1, max_value=60),
)
def test_extension_never_fires_a_rung_whose_instant_is_already_past(
    unit: ClockUnit,
    data: st.DataObject,
    started_at: datetime,
    granted_after: timedelta,
    by: int,
) -> None:
    clock = start_clock(data.draw(specs_of(unit)), started_at, CALENDAR)
    granted_at = started_at + granted_after
    extended = extend_clock(clock, by, granted_at, CALENDAR)
    assert extended.due_at > clock.due_at
    assert extended.rungs_due(granted_at) == []
    assert all(extended.rungs[r] <= granted_at for r in LADDER if r <= extended.reached)
    if unit is ClockUnit.WORKING_DAYS:
        old_day = local_date(clock.due_at - timedelta(microseconds=1))
        assert extended.due_at == end_of_day(CALENDAR.add_working_days(old_day, by))


def test_extension_granted_while_paused_survives_resume() -> None:
    # given a 10-working-day clock paused 3 working days in (7 remain)
    paused = pause_clock(ten_working_days(), datetime(2026, 3, 5, 17, tzinfo=SHANGHAI), CALENDAR)
    # when a supervisor extends it by 5 working days while paused, and it resumes on 12 March
    extended = extend_clock(paused, 5, datetime(2026, 3, 6, 9, tzinfo=SHANGHAI), CALENDAR)
    resumed = resume_clock(extended, datetime(2026, 3, 12, 9, tzinfo=SHANGHAI), CALENDAR)
    # then 7 + 5 working days remain from 12 March: the end of 30 March (actual: 23 March)
    assert resumed.due_at == end_of_day(CALENDAR.add_working_days(date(2026, 3, 12), 12))


# --- fixed dates -----------------------------------------------------------------------------


def test_fixed_date_31_march_started_in_november_is_due_next_year() -> None:
    clock = start_clock(
        spec(ClockUnit.FIXED_DATE, 331), datetime(2026, 11, 29, 10, tzinfo=SHANGHAI), CALENDAR
    )
    assert clock.due_at == end_of_day(date(2027, 3, 31))
    assert clock.due_at == datetime(2027, 4, 1, tzinfo=SHANGHAI)


def test_fixed_date_later_in_the_same_year_is_due_that_year() -> None:
    clock = start_clock(spec(ClockUnit.FIXED_DATE, 531), MONDAY_2_MARCH_2026, CALENDAR)
    assert clock.due_at == end_of_day(date(2026, 5, 31))


def test_fixed_date_started_on_that_very_day_is_due_at_its_end() -> None:
    clock = start_clock(
        spec(ClockUnit.FIXED_DATE, 331), datetime(2026, 3, 31, 8, tzinfo=SHANGHAI), CALENDAR
    )
    assert clock.due_at == end_of_day(date(2026, 3, 31))


@pytest.mark.parametrize("amount", [1332, 431, 100])  # month 13, 31 April, day 0
def test_impossible_fixed_date_is_refused_when_the_spec_is_made(amount: int) -> None:
    with pytest.raises(ValidationError):
        spec(ClockUnit.FIXED_DATE, amount)


@pytest.mark.parametrize(
    "policy",
    [
        {"reminder_numerator": 3, "reminder_denominator": 2},
        {"reminder_numerator": 3, "reminder_denominator": 3},
        {"l2_after_working_days": 5, "l3_after_working_days": 1},
    ],
)
def test_ladder_policy_either_is_refused_or_keeps_its_rungs_in_order(
    policy: dict[str, int],
) -> None:
    try:
        ladder = LadderPolicy.model_validate(policy)
    except ValidationError:
        return
    clock = start_clock(spec(ClockUnit.WORKING_DAYS, 10, ladder), MONDAY_2_MARCH_2026, CALENDAR)
    instants = [clock.rungs[r] for r in LADDER]
    assert instants == sorted(instants)
    assert len(set(instants)) == len(instants)


# --- serialisation ---------------------------------------------------------------------------


def _clocks_in_every_condition() -> list[Clock]:
    clock = ten_working_days()
    return [
        clock,
        pause_clock(clock, datetime(2026, 3, 5, 17, tzinfo=SHANGHAI), CALENDAR),
        extend_clock(clock, 5, datetime(2026, 3, 18, 12, tzinfo=SHANGHAI), CALENDAR),
        clock.model_copy(update={"reached": Rung.L2_OVERDUE}),
        start_clock(spec(ClockUnit.FIXED_DATE, 331), MONDAY_2_MARCH_2026, CALENDAR),
    ]


@pytest.mark.parametrize("clock", _clocks_in_every_condition())
def test_clock_round_trips_through_json(clock: Clock) -> None:
    assert Clock.model_validate_json(clock.model_dump_json()) == clock


@pytest.mark.parametrize("unit", list(ClockUnit))
@settings(max_examples=30, deadline=None)
@given(data=st.data(), started_at=INSTANTS)
def test_any_started_clock_round_trips_through_json(
    unit: ClockUnit, data: st.DataObject, started_at: datetime
) -> None:
    clock = start_clock(data.draw(specs_of(unit)), started_at, CALENDAR)
    restored = Clock.model_validate_json(clock.model_dump_json())
    assert restored == clock
    assert restored.next_rung() == clock.next_rung()
