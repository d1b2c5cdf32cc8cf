"""Money is exact: integer fen, months as YYYY-MM, settlements month by month."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.relief.money import (
    Segment,
    add_months,
    add_months_to_date,
    amount_in,
    dibao_gap,
    fine,
    months_between,
    normalise,
    paid_between,
    settle,
    total,
    with_amount_from,
    with_one_off,
    yuan,
)

MONTHS = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(2024, 2027), st.integers(1, 12))
FEN = st.integers(min_value=0, max_value=10_000_000)
SEGMENTS = st.lists(st.builds(Segment, from_month=MONTHS, monthly_fen=FEN), max_size=6)
SCHEDULES = SEGMENTS.map(normalise)


# --- months ------------------------------------------------------------------------------------


def test_months_roll_over_the_year() -> None:
    assert add_months("2026-11", 2) == "2027-01"
    assert add_months("2026-01", -1) == "2025-12"
    assert months_between("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert months_between("2026-03", "2026-02") == []


def test_a_month_later_keeps_the_day_or_takes_the_last_one() -> None:
    assert add_months_to_date(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months_to_date(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months_to_date(date(2026, 3, 15), 6) == date(2026, 9, 15)


@given(month=MONTHS, a=st.integers(-40, 40), b=st.integers(-40, 40))
def test_adding_months_composes(month: str, a: int, b: int) -> None:
    assert add_months(add_months(month, a), b) == add_months(month, a + b)


# --- schedules ---------------------------------------------------------------------------------


def test_a_schedule_pays_from_each_segment_until_the_next() -> None:
    schedule = normalise(
        [
            Segment(from_month="2026-04", monthly_fen=90_000),
            Segment(from_month="2026-07", monthly_fen=0),
        ]
    )
    assert [amount_in(schedule, m) for m in ("2026-03", "2026-04", "2026-06", "2026-07")] == [
        0,
        90_000,
        90_000,
        0,
    ]


def test_a_one_off_pays_one_month_only() -> None:
    schedule = with_one_off((), "2026-05", 200_000)
    assert [amount_in(schedule, m) for m in ("2026-04", "2026-05", "2026-06")] == [0, 200_000, 0]


@given(schedule=SCHEDULES, month=MONTHS, amount=FEN, probe=MONTHS)
def test_with_amount_from_changes_only_the_months_from_then_on(
    schedule: tuple[Segment, ...], month: str, amount: int, probe: str
) -> None:
    changed = with_amount_from(schedule, month, amount)
    expected = amount if probe >= month else amount_in(schedule, probe)
    assert amount_in(changed, probe) == expected
    assert all(s.monthly_fen >= 0 for s in changed)


@given(schedule=SCHEDULES, month=MONTHS, amount=FEN, probe=MONTHS)
def test_a_one_off_changes_exactly_one_month(
    schedule: tuple[Segment, ...], month: str, amount: int, probe: str
) -> None:
    changed = with_one_off(schedule, month, amount)
    expected = amount if probe == month else amount_in(schedule, probe)
    assert amount_in(changed, probe) == expected


@given(segments=SEGMENTS)
def test_normalising_keeps_what_every_month_pays(segments: list[Segment]) -> None:
    schedule = normalise(segments)
    by_month = {s.from_month: s.monthly_fen for s in segments}  # the last one given wins
    for probe in months_between("2023-12", "2028-01"):
        given_amount = 0
        for month in sorted(by_month):
            if month <= probe:
                given_amount = by_month[month]
        assert amount_in(schedule, probe) == given_amount
    assert normalise(schedule) == schedule


# --- settlements -------------------------------------------------------------------------------


@settings(max_examples=300)
@given(paid=SCHEDULES, due=SCHEDULES, first=MONTHS, through=MONTHS)
def test_a_settlement_makes_what_was_paid_what_was_due(
    paid: tuple[Segment, ...], due: tuple[Segment, ...], first: str, through: str
) -> None:
    lines = settle(paid, due, first, through)
    # every amount paid or due is never negative; only a difference can be (a recovery)
    assert all(line.paid_fen >= 0 and line.due_fen >= 0 for line in lines)
    assert all(line.difference_fen == line.due_fen - line.paid_fen != 0 for line in lines)
    assert [line.month for line in lines] == sorted({line.month for line in lines})
    assert all(first <= line.month <= through for line in lines)
    # what was paid plus the settlement is exactly what was due, to the fen
    assert paid_between(paid, first, through) + total(lines) == paid_between(due, first, through)


@given(paid=SCHEDULES, due=SCHEDULES, first=MONTHS, split=MONTHS, through=MONTHS)
def test_settling_in_two_parts_settles_the_same(
    paid: tuple[Segment, ...], due: tuple[Segment, ...], first: str, split: str, through: str
) -> None:
    whole = total(settle(paid, due, first, through))
    if not first <= split <= through:
        return
    parts = total(settle(paid, due, first, split)) + total(
        settle(paid, due, add_months(split, 1), through)
    )
    assert parts == whole


@given(paid=SCHEDULES, due=SCHEDULES, first=MONTHS, through=MONTHS)
def test_a_back_payment_one_way_is_a_recovery_the_other(
    paid: tuple[Segment, ...], due: tuple[Segment, ...], first: str, through: str
) -> None:
    assert total(settle(paid, due, first, through)) == -total(settle(due, paid, first, through))
    assert settle(paid, paid, first, through) == ()


def test_a_lower_corrected_amount_recovers_the_difference_for_every_paid_month() -> None:
    paid = with_amount_from((), "2026-04", 100_000)
    due = with_amount_from((), "2026-04", 80_000)
    lines = settle(paid, due, "2026-04", "2026-08")
    assert [line.month for line in lines] == ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08"]
    assert {line.difference_fen for line in lines} == {-20_000}
    assert total(lines) == -100_000


def test_the_dibao_gap_is_the_line_times_members_less_income() -> None:
    assert dibao_gap(151_000, 3, 250_000) == 203_000
    assert dibao_gap(151_000, 1, 200_000) == 0


@given(obtained=st.integers(0, 10**9), percent=st.integers(100, 300))
def test_a_fine_is_between_one_and_three_times_rounded_to_the_fen(
    obtained: int, percent: int
) -> None:
    amount = fine(obtained, percent)
    assert obtained <= amount <= 3 * obtained
    assert abs(amount * 100 - obtained * percent) <= 50


def test_yuan_reads_fen_for_people() -> None:
    assert yuan(123_456) == "1234.56"
    assert yuan(-5) == "-0.05"
