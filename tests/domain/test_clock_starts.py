"""Clocks start at the statute's start event (DOMAIN.md): every clock names it, the 10-day stay
counts from entry, the appeal window from the day the applicant learned of the decision."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain.calendar import SHANGHAI, end_of_day, local_date
from domain.case import RecomputeClocks
from domain.clocks import ClockRules, ClockSpec
from domain.messages import DecisionContext
from domain.relief import rules as relief_rules
from domain.relief.commands import DeliverRefusalNotice, RefuseAssistance
from domain.rescue import RESCUE
from domain.rescue import rules as rescue_rules
from domain.rescue.commands import ClassifyPerson
from domain.socialorg import rules as org_rules
from domain.socialorg import timers
from tests.domain.relief_support import deciding
from tests.domain.rescue_story import (
    CALENDAR,
    CASEWORKER,
    NOW,
    given,
    intake,
    later,
    report,
    started,
)


def specs_of(module: object) -> list[ClockSpec]:
    return [v for v in vars(module).values() if isinstance(v, ClockSpec)]


SPECS = [
    *specs_of(rescue_rules),
    *specs_of(relief_rules),
    *specs_of(org_rules),
    relief_rules.appeal_window(date(2026, 3, 2), True),
    relief_rules.appeal_window(date(2026, 3, 2), False),
    relief_rules.periodic_review(date(2026, 3, 2), True),
    org_rules.report_deadline("authority_report", 531, "社团条例 Art 28"),
    org_rules.rectification(90, "rectification_", 2026),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_clock_names_the_event_it_counts_from_and_its_source(spec: ClockSpec) -> None:
    assert spec.starts, f"{spec.name} does not say when it starts"
    assert spec.rule


@pytest.mark.parametrize("name", sorted(timers.TIMERS))
def test_every_timer_names_the_event_it_counts_from(name: str) -> None:
    at = datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)
    assert timers.timer(name, "rule", at, at + timedelta(days=1)).spec.starts


def test_the_ten_day_stay_counts_from_entry_not_from_classification() -> None:
    # given a person taken in on Monday 2 March and classified three days later
    case = given(report(), intake(age=30))
    events = case.when(ClassifyPerson(), at=later(days=3))
    # then the stay limit runs from entry: its 10 days end at 24:00 of 12 March
    stay = started(events)["stay_limit"].clock
    assert stay.started_at == NOW
    assert stay.due_at == end_of_day(date(2026, 3, 12))
    assert stay.spec.starts.startswith("entry")


def test_cases_counted_before_keep_the_stay_from_classification() -> None:
    state = given(report(), intake(age=30)).state
    state = state.model_copy(update={"clock_rules": ClockRules.EXACT_INSTANTS})
    ctx = DecisionContext(later(days=3), CASEWORKER, CALENDAR)
    stay = started(RESCUE.decide(state, ClassifyPerson(), ctx))["stay_limit"].clock
    assert stay.started_at == later(days=3) and stay.due_at == later(days=13)


def test_the_appeal_window_counts_from_the_day_the_notice_reached_the_applicant() -> None:
    # given a refusal decided on 10 March and its notice recorded on 20 March
    story = deciding()
    decided_on = local_date(story.now)
    story.do(RefuseAssistance(reasons=["家庭人均收入高于低保标准"]))
    story.wait(days=10)
    # when staff record that the notice was delivered on 12 March
    delivered_on = decided_on + timedelta(days=2)
    story.do(DeliverRefusalNotice(delivered_on=delivered_on))
    # then the 60 days count from 12 March (not counted): until 24:00 of Monday 11 May
    window = story.state.clocks["appeal_window"]
    assert delivered_on == date(2026, 3, 12)
    assert window.started_at.astimezone(SHANGHAI).date() == delivered_on
    assert window.due_on == date(2026, 5, 11)
    assert story.state.decisions[-1].appeal_until == window.due_at


def test_a_delivery_date_in_the_future_or_before_the_decision_is_refused() -> None:
    story = deciding()
    today = local_date(story.now)
    story.do(RefuseAssistance(reasons=["家庭人均收入高于低保标准"]))
    story.refuses(DeliverRefusalNotice(delivered_on=today + timedelta(days=1)), "future_date")
    story.refuses(
        DeliverRefusalNotice(delivered_on=today - timedelta(days=1)), "notified_before_decision"
    )


def test_recomputing_needs_a_supervisor() -> None:
    case = given(report(), intake(age=30))
    case.refuses(RecomputeClocks(), code="role_not_allowed")
