"""Time of a fact: what a case's clocks did between two moments, decided as of when each was due.

A rung, a window's end or a yearly cycle takes effect at the instant it was *due*, never at the
moment a worker noticed it (DOMAIN.md, "Time of a fact"). `next_escalation` finds the earliest
rung due by a moment and decides it as of its own instant, so everything it derives (the next
cycle's dates, a listing's 2-year timer, the next rung) counts from that instant. Called again
on the state it produced, it catches up missed periods one by one, in order.

`replay_paper_file` decides a paper file's whole known history the same way: each step as of its
own date, with only the rungs that were really due before each step escalating in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from domain.actors import SYSTEM, Actor
from domain.calendar import WorkingDayCalendar
from domain.case import CaseState, EscalateClock
from domain.errors import DomainError
from domain.lifecycle import Lifecycle
from domain.messages import Command, DecisionContext, Event

# No paper file of the bureau goes back further; an earlier date is a typing error.
EARLIEST_PAPER_DATE = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Step:
    """Events decided together: who caused them, when they happened, the state they lead to."""

    at: datetime
    actor: Actor
    events: list[Event]
    state: CaseState
    paper_index: int | None = None  # the step of a paper file that caused them, if any


def next_escalation(
    lifecycle: Lifecycle[Any],
    state: CaseState,
    until: datetime,
    calendar: WorkingDayCalendar,
    *,
    before: bool = False,
) -> Step | None:
    """The earliest rung due by `until` (strictly before it when `before`), decided as of its
    own due instant; None when no rung is due. Clocks due at the same instant go in name order,
    each decided on the state the previous one left."""
    alarm = state.next_alarm()
    if alarm is None or alarm > until or (before and alarm == until):
        return None
    ctx = DecisionContext(now=alarm, actor=SYSTEM, calendar=calendar)
    events: list[Event] = []
    for name in sorted(state.clocks):
        clock = state.clocks.get(name)
        rung = clock.next_rung() if clock is not None else None
        if rung is None or rung[1] != alarm:
            continue  # not due at this instant, or stopped by a clock decided just before
        command = lifecycle.parse_command(EscalateClock(clock=name).model_dump())
        decided = lifecycle.decide(state, command, ctx)
        state = lifecycle.fold(decided, state)
        events += decided
    if not events:
        return None
    return Step(at=alarm, actor=SYSTEM, events=events, state=state)


def escalations_until(
    lifecycle: Lifecycle[Any],
    state: CaseState,
    until: datetime,
    calendar: WorkingDayCalendar,
    *,
    before: bool = False,
) -> list[Step]:
    """Every rung due by `until`, one instant after another, in order."""
    steps: list[Step] = []
    while (step := next_escalation(lifecycle, state, until, calendar, before=before)) is not None:
        if step.state == state:
            break  # a decider that changes nothing would loop forever
        steps.append(step)
        state = step.state
    return steps


@dataclass(frozen=True)
class PaperStep:
    """One step of a paper file: the command, who did it and the day it really happened."""

    command: dict[str, Any]
    actor: Actor
    at: datetime


class PaperFileRefused(DomainError):
    """A step of a paper file the rules refuse: the whole file is refused and nothing written."""

    def __init__(self, index: int, code: str, message: str) -> None:
        super().__init__(code, f"step {index + 1}: {message}")
        self.index = index
        self.step_code = code


def check_paper_time(at: datetime, now: datetime, last_step_at: datetime | None) -> None:
    """A paper step's date: timezone-aware, not ahead of now, not before 2000, and not before
    the case's previous step by a person (a file is told in order)."""
    if at.tzinfo is None:
        raise DomainError("bad_effective_time", "a paper step's time must carry its time zone")
    if at > now:
        raise DomainError("bad_effective_time", "a paper step cannot lie in the future")
    if at < EARLIEST_PAPER_DATE:
        raise DomainError("bad_effective_time", "a paper step cannot lie before the year 2000")
    if last_step_at is not None and at < last_step_at:
        raise DomainError(
            "bad_effective_time",
            f"a paper step cannot lie before the case's previous step ({last_step_at.isoformat()})",
        )


def replay_paper_file(
    lifecycle: Lifecycle[Any],
    state: CaseState,
    steps: list[PaperStep],
    now: datetime,
    calendar: WorkingDayCalendar,
    last_step_at: datetime | None = None,
    *,
    catch_up: bool = True,
) -> list[Step]:
    """Decide a paper file's steps in order, each as of its own date, against the state and the
    clocks as of that date. Between steps, only rungs due before the next step's date escalate;
    after the last step (with `catch_up`), every rung due by `now`: the runtime leaves those to
    its own catch-up, one instant at a time. Raises `PaperFileRefused` naming the step."""
    if not steps:
        raise PaperFileRefused(0, "empty_paper_file", "a paper file needs at least one step")
    decided: list[Step] = []
    for index, step in enumerate(steps):
        try:
            check_paper_time(step.at, now, last_step_at)
            before_step = escalations_until(lifecycle, state, step.at, calendar, before=True)
            decided += before_step
            if before_step:
                state = before_step[-1].state
            command: Command = lifecycle.parse_command(step.command)
            ctx = DecisionContext(now=step.at, actor=step.actor, calendar=calendar)
            events = lifecycle.decide(state, command, ctx)
        except DomainError as error:
            raise PaperFileRefused(index, error.code, error.message) from None
        except ValidationError as invalid:
            detail = "; ".join(str(e["msg"]) for e in invalid.errors(include_url=False))
            raise PaperFileRefused(index, "malformed_command", detail) from None
        if not events:
            raise PaperFileRefused(index, "no_change", "the step changes nothing")
        state = lifecycle.fold(events, state)
        decided.append(
            Step(at=step.at, actor=step.actor, events=events, state=state, paper_index=index)
        )
        last_step_at = step.at
    if catch_up:
        decided += escalations_until(lifecycle, state, now, calendar)
    return decided
