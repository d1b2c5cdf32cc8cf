"""A calendar that learns a year: RecomputeClocks counts running clocks again and records each
change (old due, new due, old basis, new basis); never a silent change."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import SHANGHAI, HolidayNotice, WorkingDayCalendar
from domain.case import ClockRecomputed, RecomputeClocks
from domain.clocks import (
    ClockRules,
    ClockSpec,
    ClockUnit,
    extend_clock,
    recompute_clock,
    start_clock,
)
from domain.errors import DomainError
from domain.messages import DecisionContext
from domain.relief import RELIEF
from tests.domain.relief_support import OPERATOR, SUPERVISOR, Story, accepted

# A made-up 2027 notice (chinese-calendar 1.11.0 does not know 2027): Friday 1 and Monday
# 4 January off, Spring Festival 6-12 February.
NOTICE_2027 = HolidayNotice(
    year=2027,
    source="国办发明电〔2026〕99号 (test)",
    holidays=(date(2027, 1, 1), date(2027, 1, 4), *(date(2027, 2, d) for d in range(6, 13))),
)
LEARNED = WorkingDayCalendar([NOTICE_2027])


def accepted_in_december() -> Story:
    """A 低保 application accepted on 21 December 2026: its 30 working days reach 2027."""
    return accepted(Story(now=datetime(2026, 12, 21, 10, tzinfo=SHANGHAI)))


def recompute(story: Story, calendar: WorkingDayCalendar = LEARNED) -> list[ClockRecomputed]:
    ctx = DecisionContext(story.now, SUPERVISOR, calendar)
    events = RELIEF.decide(story.state, RecomputeClocks(), ctx)
    story.state = RELIEF.fold(events, story.state)
    assert all(isinstance(e, ClockRecomputed) for e in events)
    return [e for e in events if isinstance(e, ClockRecomputed)]


def test_a_clock_on_the_fallback_is_recomputed_with_the_notice_and_recorded() -> None:
    # given a case whose whole-process clock was counted on the Monday-Friday fallback for 2027
    story = accepted_in_december()
    before = story.state.clocks["whole_process"]
    assert before.on_fallback and story.state.clock_basis == "fallback"
    # when a supervisor recomputes after the bureau loaded the 2027 notice
    events = recompute(story)
    # then the clock moves past the notice's holidays, and the event says from what to what
    changed = {e.clock.name: e for e in events}
    whole = changed["whole_process"]
    assert (whole.old_due_at, whole.old_basis) == (before.due_at, before.basis)
    assert before.due_on == date(2027, 2, 1)  # 30 working days, weekends only in 2027
    assert whole.clock.due_on == date(2027, 2, 3)  # two days later: 1 and 4 January are off
    assert whole.new_due_at == whole.clock.due_at
    assert whole.old_due_on == before.due_on and whole.new_due_on == whole.clock.due_on
    assert "国办发明电〔2026〕99号" in whole.new_basis and not whole.clock.on_fallback
    assert story.state.clocks["whole_process"] == whole.clock
    assert story.state.clock_basis == "calendar"


def test_recomputing_with_the_same_calendar_changes_nothing_and_is_refused() -> None:
    story = accepted_in_december()
    ctx = DecisionContext(story.now, SUPERVISOR, WorkingDayCalendar())
    with pytest.raises(DomainError) as refused:
        RELIEF.decide(story.state, RecomputeClocks(), ctx)
    assert refused.value.code == "clocks_current"


def test_a_recomputed_clock_is_not_recomputed_twice() -> None:
    story = accepted_in_december()
    recompute(story)
    ctx = DecisionContext(story.now, SUPERVISOR, LEARNED)
    with pytest.raises(DomainError) as refused:
        RELIEF.decide(story.state, RecomputeClocks(), ctx)
    assert refused.value.code == "clocks_current"


def test_only_a_supervisor_recomputes_clocks() -> None:
    story = accepted_in_december()
    ctx = DecisionContext(story.now, OPERATOR, LEARNED)
    with pytest.raises(DomainError) as refused:
        RELIEF.decide(story.state, RecomputeClocks(), ctx)
    assert refused.value.code == "role_not_allowed"


UNITS = st.sampled_from([ClockUnit.WORKING_DAYS, ClockUnit.CALENDAR_DAYS, ClockUnit.MONTHS])


@settings(max_examples=150, deadline=None)
@given(
    unit=UNITS,
    amount=st.integers(min_value=1, max_value=40),
    started=st.datetimes(min_value=datetime(2026, 6, 1), max_value=datetime(2027, 6, 1)),
)
def test_a_recomputed_clock_is_the_clock_started_with_the_newer_calendar(
    unit: ClockUnit, amount: int, started: datetime
) -> None:
    spec = ClockSpec(name="c", label_zh="期限", unit=unit, amount=amount, rule="t", starts="t")
    start = started.replace(tzinfo=SHANGHAI)
    guessed = start_clock(spec, start, WorkingDayCalendar())
    # with the calendar it was counted on, nothing changes
    same = recompute_clock(guessed, WorkingDayCalendar())
    assert same is not None and (same.rungs, same.basis) == (guessed.rungs, guessed.basis)
    # with the newer calendar: exactly what starting it then would have given, and stable
    counted = recompute_clock(guessed, LEARNED)
    fresh = start_clock(spec, start, LEARNED)
    assert counted is not None
    assert (counted.due_at, counted.rungs, counted.basis) == (
        fresh.due_at,
        fresh.rungs,
        fresh.basis,
    )
    again = recompute_clock(counted, LEARNED)
    assert again is not None and again.rungs == counted.rungs
    assert counted.reached == guessed.reached  # what happened stays happened


def _thirty_working_days() -> ClockSpec:
    return ClockSpec(name="c", label_zh="期限", unit=ClockUnit.WORKING_DAYS, amount=30, rule="t")


DECEMBER = datetime(2026, 12, 21, 10, tzinfo=SHANGHAI)


def test_an_extended_clock_is_counted_again_with_its_extensions() -> None:
    guessed = extend_clock(
        start_clock(_thirty_working_days(), DECEMBER, WorkingDayCalendar()),
        5,
        DECEMBER,
        WorkingDayCalendar(),
    )
    counted = recompute_clock(guessed, LEARNED)
    expected = extend_clock(
        start_clock(_thirty_working_days(), DECEMBER, LEARNED), 5, DECEMBER, LEARNED
    )
    assert counted is not None and counted.due_at == expected.due_at
    # 3 February + 5 working days, across the notice's Spring Festival (6-12 February)
    assert counted.due_on == date(2027, 2, 17)


def test_a_clock_stored_before_its_count_was_kept_is_counted_from_its_start() -> None:
    stored = start_clock(_thirty_working_days(), DECEMBER, WorkingDayCalendar())
    old = stored.model_copy(update={"counted": None, "rules": ClockRules.EXACT_INSTANTS})
    counted = recompute_clock(old, LEARNED)
    assert counted is not None and counted.due_on == date(2027, 2, 3)


def test_a_stored_clock_whose_due_did_not_come_from_its_start_keeps_its_due() -> None:
    # paused and resumed before counts were kept: its due is not 30 days from its start
    stored = start_clock(_thirty_working_days(), DECEMBER, WorkingDayCalendar())
    resumed = stored.model_copy(
        update={"counted": None, "due_at": stored.due_at + timedelta(days=7)}
    )
    counted = recompute_clock(resumed, LEARNED)
    assert counted is not None and counted.due_at == resumed.due_at  # never guessed
    assert counted.basis != resumed.basis  # its ladder is counted on the notice now
