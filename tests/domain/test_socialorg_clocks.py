"""The pieces the yearly cycle is built from: a reminder N days before due, one-shot timers,
the unified social credit code and date arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import SHANGHAI, WorkingDayCalendar, end_of_day
from domain.clocks import (
    ClockRules,
    ClockSpec,
    ClockUnit,
    LadderPolicy,
    Rung,
    extend_clock,
    start_clock,
)
from domain.socialorg import rules, timers
from domain.socialorg.commands import OrgType
from domain.socialorg.credit_code import ALPHABET, check_character, credit_code_problem
from domain.socialorg.dates import add_years, fixed_date, months_before
from tests.domain.socialorg_support import credit_code, shanghai

CALENDAR = WorkingDayCalendar()


def test_the_default_ladder_still_reminds_at_two_thirds() -> None:
    spec = ClockSpec(name="x", label_zh="x", unit=ClockUnit.CALENDAR_DAYS, amount=30, rule="policy")
    start = shanghai(2026, 3, 2)
    exact = ClockRules.EXACT_INSTANTS  # 30 x 24 h: the reminder at exactly 20 days
    assert start_clock(spec, start, CALENDAR, exact).rungs[Rung.REMINDER] == start + timedelta(
        days=20
    )
    # by the statute the 30 days end at 24:00 of 1 April: the reminder is 2/3 of that span
    clock = start_clock(spec, start, CALENDAR)
    assert clock.due_at == end_of_day(date(2026, 4, 1))
    assert clock.rungs[Rung.REMINDER] == start + (clock.due_at - start) * 2 / 3
    assert LadderPolicy().reminder_days_before is None


def test_a_reminder_days_before_fires_at_the_start_of_that_day() -> None:
    spec = rules.report_deadline("authority_report", 531, "test")
    clock = start_clock(spec, shanghai(2027, 1, 1, 0), CALENDAR)
    assert clock.due_at == end_of_day(date(2027, 5, 31))
    assert clock.rungs[Rung.REMINDER] == timers.start_of_day(date(2027, 5, 24))
    assert clock.rungs[Rung.L1_DUE] < clock.rungs[Rung.L2_OVERDUE] < clock.rungs[Rung.L3_LEADERSHIP]


def test_a_reminder_days_before_never_fires_before_the_clock_starts() -> None:
    spec = rules.report_deadline("authority_report", 531, "test")
    start = shanghai(2027, 5, 28)
    assert start_clock(spec, start, CALENDAR).rungs[Rung.REMINDER] == start


def test_an_extended_report_deadline_keeps_its_seven_day_reminder() -> None:
    spec = rules.report_deadline("authority_report", 531, "test")
    clock = start_clock(spec, shanghai(2027, 1, 1, 0), CALENDAR)
    extended = extend_clock(clock, 10, shanghai(2027, 2, 1), CALENDAR)
    assert extended.due_at == end_of_day(date(2027, 6, 10))
    assert extended.rungs[Rung.REMINDER] == timers.start_of_day(date(2027, 6, 3))


def test_a_timer_has_one_rung_and_no_due_date_for_the_case() -> None:
    start = shanghai(2026, 6, 1)
    fires = timers.start_of_day(date(2027, 1, 1))
    timer = timers.timer(timers.NEXT_CYCLE, "test", start, fires)
    assert timer.rungs == {Rung.L1_DUE: fires} and timer.next_rung() == (Rung.L1_DUE, fires)
    assert timer.rungs_due(fires - timedelta(seconds=1)) == []
    assert timers.timer(timers.NEXT_CYCLE, "test", start, start - timedelta(days=3)).due_at == start


def test_credit_codes() -> None:
    assert credit_code_problem(credit_code(OrgType.SOCIAL_GROUP), OrgType.SOCIAL_GROUP) is None
    assert credit_code_problem(credit_code(OrgType.FOUNDATION), OrgType.FOUNDATION) is None
    assert "starts with 52" in str(
        credit_code_problem(credit_code(OrgType.FOUNDATION), OrgType.SOCIAL_SERVICE_AGENCY)
    )
    assert credit_code_problem("51310115MJ012345I0", OrgType.SOCIAL_GROUP) is not None


@given(st.text(alphabet=ALPHABET, min_size=15, max_size=15), st.sampled_from(OrgType))
def test_changing_any_one_character_breaks_the_check(body: str, org_type: OrgType) -> None:
    code = credit_code(org_type, body)
    assert credit_code_problem(code, org_type) is None
    for i in range(2, 17):
        for replacement in ("0", "A"):
            if code[i] != replacement:
                broken = code[:i] + replacement + code[i + 1 :]
                assert check_character(broken[:17]) != broken[17]


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [(date(2024, 2, 29), 1, date(2025, 2, 28)), (date(2026, 3, 2), 5, date(2031, 3, 2))],
)
def test_add_years(day: date, years: int, expected: date) -> None:
    assert add_years(day, years) == expected


def test_months_before_clamps_to_the_month_end() -> None:
    assert months_before(date(2026, 12, 31), 6) == date(2026, 6, 30)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 2) == date(2025, 11, 15)
    assert fixed_date(2027, 331) == date(2027, 3, 31)
    assert timers.start_of_day(date(2027, 1, 1)).tzinfo is SHANGHAI
