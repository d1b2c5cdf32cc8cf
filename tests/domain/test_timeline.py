"""Time of a fact: rungs and cycles take effect at their due instants, whenever noticed; paper
files are decided step by step as of each step's own date."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given as hypothesis_given
from hypothesis import settings
from hypothesis import strategies as st

from domain.actors import SYSTEM
from domain.calendar import SHANGHAI, WorkingDayCalendar
from domain.case import CaseState, ClockEscalated
from domain.lifecycle import Lifecycle
from domain.relief import RELIEF
from domain.rescue import RESCUE
from domain.socialorg import SOCIAL_ORG
from domain.timeline import (
    PaperFileRefused,
    PaperStep,
    Step,
    escalations_until,
    next_escalation,
    replay_paper_file,
)
from tests.domain import relief_support, rescue_story, socialorg_support

CALENDAR = WorkingDayCalendar()


def _rescue() -> CaseState:
    return rescue_story.in_stay(unidentified_person=True).state


def _relief() -> CaseState:
    return relief_support.accepted().state


def _socialorg() -> CaseState:
    # Registered in 2026 and never heard of again: years of missed reports, listings, a zombie.
    return socialorg_support.registered(active=False).state


START: dict[str, tuple[Lifecycle[Any], Any, datetime]] = {
    "rescue": (RESCUE, _rescue, rescue_story.NOW),
    "relief": (RELIEF, _relief, relief_support.NOW),
    "social_org": (SOCIAL_ORG, _socialorg, socialorg_support.DEFAULT_REGISTRATION),
}
HORIZON = {"rescue": 200, "relief": 120, "social_org": 365 * 5}


def on_time(lifecycle: Lifecycle[Any], state: CaseState, until: datetime) -> list[Step]:
    """A worker that never stops: it wakes exactly at each alarm."""
    steps: list[Step] = []
    while (alarm := state.next_alarm()) is not None and alarm <= until:
        step = next_escalation(lifecycle, state, alarm, CALENDAR)
        assert step is not None
        steps.append(step)
        state = step.state
    return steps


def delayed(
    lifecycle: Lifecycle[Any], state: CaseState, wakes: list[datetime], until: datetime
) -> list[Step]:
    """A worker that is down most of the time and catches up whenever it wakes."""
    steps: list[Step] = []
    for wake in [*sorted(wakes), until]:
        caught_up = escalations_until(lifecycle, state, min(wake, until), CALENDAR)
        steps += caught_up
        if caught_up:
            state = caught_up[-1].state
    return steps


def _shape(steps: list[Step]) -> list[tuple[datetime, list[dict[str, Any]]]]:
    return [(s.at, [e.model_dump(mode="json") for e in s.events]) for s in steps]


@pytest.mark.parametrize("kind", sorted(START))
@settings(max_examples=25, deadline=None)
@hypothesis_given(offsets=st.lists(st.integers(min_value=0, max_value=365 * 24 * 5), max_size=8))
def test_any_delay_of_the_worker_gives_the_same_dates_and_decisions(
    kind: str, offsets: list[int]
) -> None:
    lifecycle, make, start = START[kind]
    state = make()
    until = start + timedelta(days=HORIZON[kind])
    wakes = [start + timedelta(hours=h) for h in offsets]
    expected = on_time(lifecycle, state, until)
    assert expected, "the scenario must run some clock out"
    assert _shape(delayed(lifecycle, state, wakes, until)) == _shape(expected)


def test_a_rung_noticed_late_is_dated_and_computed_from_its_due_instant() -> None:
    state = _rescue()
    first_due = state.next_alarm()
    assert first_due is not None
    week_later = first_due + timedelta(days=7)
    steps = escalations_until(RESCUE, state, week_later, CALENDAR)
    assert steps[0].at == first_due
    for step in steps:
        assert step.actor == SYSTEM and step.at <= week_later
        for event in step.events:
            if isinstance(event, ClockEscalated):
                assert event.at == step.at  # the instant it was due, not when it was noticed
    assert [s.at for s in steps] == sorted(s.at for s in steps)


def test_an_organisation_entered_years_late_gets_every_missed_cycle_with_its_own_dates() -> None:
    state = _socialorg()
    five_years = socialorg_support.DEFAULT_REGISTRATION + timedelta(days=365 * 5)
    steps = escalations_until(SOCIAL_ORG, state, five_years, CALENDAR)
    opened = [(s.at, e) for s in steps for e in s.events if e.type == "AnnualCycleOpened"]
    assert [e.year for _, e in opened] == [2026, 2027, 2028, 2029, 2030]
    for at, event in opened:
        # each year's inspection opens on 1 January after it, whenever the worker noticed
        assert at == datetime(event.year + 1, 1, 1, tzinfo=SHANGHAI)
    missed = [e for s in steps for e in s.events if e.type == "AnnualReportMissed"]
    assert len(missed) >= 6
    assert any(e.type == "ZombieFlagged" for s in steps for e in s.events)


# --- paper files ---------------------------------------------------------------------------


def _day(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def _rescue_paper_file() -> list[PaperStep]:
    report = rescue_story.report().model_dump(mode="json")
    intake = rescue_story.intake().model_dump(mode="json")
    return [
        PaperStep(command=report, actor=rescue_story.OPERATOR, at=_day(2025, 3, 3, 9)),
        PaperStep(command=intake, actor=rescue_story.OPERATOR, at=_day(2025, 3, 3, 11)),
    ]


def test_a_paper_file_escalates_only_what_was_really_overdue() -> None:
    now = _day(2026, 11, 30)
    steps = replay_paper_file(
        RESCUE, RESCUE.initial("RSC-2025-000001"), _rescue_paper_file(), now, CALENDAR
    )
    paper = [s for s in steps if s.paper_index is not None]
    assert [s.at for s in paper] == [_day(2025, 3, 3, 9), _day(2025, 3, 3, 11)]
    between = [s for s in steps if s.paper_index is None and s.at < paper[-1].at]
    assert between == [], "nothing was overdue between report and intake, two hours apart"
    after = [s for s in steps if s.at > paper[-1].at]
    assert after and all(s.actor == SYSTEM and s.at <= now for s in after)


def test_a_refused_step_refuses_the_whole_file_naming_it() -> None:
    steps = _rescue_paper_file()
    steps.append(steps[1])  # taking the same person in twice
    with pytest.raises(PaperFileRefused) as refused:
        replay_paper_file(
            RESCUE, RESCUE.initial("RSC-2025-000001"), steps, _day(2026, 11, 30), CALENDAR
        )
    assert refused.value.index == 2


@pytest.mark.parametrize(
    ("at", "why"),
    [
        (_day(1999, 12, 31), "2000"),
        (_day(2030, 1, 1), "future"),
        (_day(2025, 3, 3, 8), "previous step"),
    ],
)
def test_paper_dates_out_of_order_in_the_future_or_before_2000_are_refused(
    at: datetime, why: str
) -> None:
    steps = _rescue_paper_file()
    steps[1] = PaperStep(command=steps[1].command, actor=steps[1].actor, at=at)
    with pytest.raises(PaperFileRefused) as refused:
        replay_paper_file(
            RESCUE, RESCUE.initial("RSC-2025-000001"), steps, _day(2026, 11, 30), CALENDAR
        )
    assert refused.value.step_code == "bad_effective_time" and refused.value.index == 1
    assert why in refused.value.message
