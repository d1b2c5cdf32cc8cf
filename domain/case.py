"""What every case has, whatever its lifecycle: stage, unit, clocks and the clock commands."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from domain.actors import SYSTEM, Role, require_role
from domain.clocks import (
    CURRENT_RULES,
    TIMER_BASIS,
    Clock,
    ClockRules,
    Rung,
    extend_clock,
    pause_clock,
    recompute_clock,
    resume_clock,
    start_clock,
)
from domain.errors import DomainError
from domain.messages import Command, DecisionContext, Event


class CaseState(BaseModel):
    """The part of every lifecycle's state that the runtime, read models and clocks rely on."""

    model_config = ConfigDict(frozen=True)

    case_id: str = ""
    stage: str = "new"
    unit: str = ""
    assignee: str | None = None
    opened_at: datetime | None = None
    closed: bool = False
    clocks: dict[str, Clock] = Field(default_factory=dict)
    # How this case's new clocks are counted. Each workflow run fixes it when it starts
    # (workflows/clock_rules.py): histories recorded before statutory period ends replay with
    # EXACT_INSTANTS; every live run counts by the current rules.
    clock_rules: ClockRules = CURRENT_RULES

    @property
    def escalation_level(self) -> int:
        """0 when nothing is overdue, else the highest rung (L1-L3) any running clock reached."""
        return max(
            (int(c.reached) for c in self.clocks.values() if c.reached >= Rung.L1_DUE), default=0
        )

    @property
    def next_due_at(self) -> datetime | None:
        """The earliest due instant of the clocks that are running."""
        return min((c.due_at for c in self.clocks.values() if c.running), default=None)

    @property
    def clock_basis(self) -> str | None:
        """ "fallback" when a deadline was counted on the Monday-Friday fallback, "calendar"
        when every deadline rests on a known calendar, None when no deadline runs."""
        deadlines = [c for c in self.clocks.values() if c.basis != TIMER_BASIS]
        if not deadlines:
            return None
        return "fallback" if any(c.on_fallback for c in deadlines) else "calendar"

    def next_alarm(self) -> datetime | None:
        """The earliest instant at which some clock's next rung fires."""
        times = [nr[1] for c in self.clocks.values() if (nr := c.next_rung()) is not None]
        return min(times, default=None)

    def with_clock(self, clock: Clock) -> Self:
        return self.model_copy(update={"clocks": {**self.clocks, clock.name: clock}})

    def without_clock(self, name: str) -> Self:
        return self.model_copy(
            update={"clocks": {k: v for k, v in self.clocks.items() if k != name}}
        )


S = TypeVar("S", bound=CaseState)


# --- clock commands, shared by every lifecycle ------------------------------------------------


class EscalateClock(Command):
    """The system's timer found a rung of a clock's ladder due (actor: system)."""

    type: Literal["EscalateClock"] = "EscalateClock"
    clock: str = Field(max_length=100)


class GrantExtension(Command):
    """A supervisor moves a clock's due date later, with a reason (延期)."""

    type: Literal["GrantExtension"] = "GrantExtension"
    clock: str = Field(max_length=100)
    by: int = Field(gt=0, le=366, description="In the clock's own unit (days, working days, hours)")
    reason: str = Field(min_length=2, max_length=500)


class RecomputeClocks(Command):
    """A supervisor counts the case's running clocks again with the calendar known now (e.g.
    after the bureau loaded a year's holiday notice); every clock that changes is recorded."""

    type: Literal["RecomputeClocks"] = "RecomputeClocks"
    reason: str = Field(
        default="holiday notice loaded (节假日安排已更新)", min_length=2, max_length=500
    )


# --- clock events ------------------------------------------------------------------------------


class ClockStarted(Event):
    type: Literal["ClockStarted"] = "ClockStarted"
    clock: Clock


class ClockEscalated(Event):
    type: Literal["ClockEscalated"] = "ClockEscalated"
    clock: str = Field(max_length=100)
    rung: Rung
    due_at: datetime
    at: datetime


class ClockExtended(Event):
    type: Literal["ClockExtended"] = "ClockExtended"
    clock: Clock  # the clock as it runs after the extension
    by: int
    reason: str


class ClockRecomputed(Event):
    """A running clock counted again with a newer calendar: never a silent change of a date."""

    type: Literal["ClockRecomputed"] = "ClockRecomputed"
    clock: Clock  # the clock as it runs after the recomputation
    old_due_at: datetime
    new_due_at: datetime
    old_due_on: date
    new_due_on: date
    old_basis: str
    new_basis: str
    reason: str


class ClockPaused(Event):
    type: Literal["ClockPaused"] = "ClockPaused"
    clock: Clock
    reason: str


class ClockResumed(Event):
    type: Literal["ClockResumed"] = "ClockResumed"
    clock: Clock


class ClockStopped(Event):
    type: Literal["ClockStopped"] = "ClockStopped"
    clock: str = Field(max_length=100)
    reason: str


class AttemptRefused(Event):
    """An attempt refused because of who made it (four eyes, role, unit), kept for audit.

    Recorded in the case's history but folded into no state: the command itself changed
    nothing (DOMAIN.md, four eyes: "a refused attempt is itself recorded").
    """

    type: Literal["AttemptRefused"] = "AttemptRefused"
    command: str
    code: str
    reason: str


class PaperFileEntered(Event):
    """Who entered a paper file's history, when, and from which file: the steps that follow in
    the same append carry their real dates and actors (recorded_at says when they were typed).

    Folded into no state: it describes the entry, not the case."""

    type: Literal["PaperFileEntered"] = "PaperFileEntered"
    steps: int
    reference: str | None = None  # the paper file's number in the bureau's archive (档案号)


# Events every lifecycle's stream may hold that no lifecycle folds.
AUDIT_ONLY_EVENTS: dict[str, type[Event]] = {
    "AttemptRefused": AttemptRefused,
    "PaperFileEntered": PaperFileEntered,
}
# Refusal codes that concern who acts (answered 403, and recorded as AttemptRefused).
WHO_MAY_ACT_CODES = frozenset({"role_not_allowed", "four_eyes", "unit_not_allowed"})

ClockEvent = (
    ClockStarted
    | ClockEscalated
    | ClockExtended
    | ClockPaused
    | ClockResumed
    | ClockStopped
    | ClockRecomputed
)
ClockCommand = EscalateClock | GrantExtension


def recompute_clocks(
    state: CaseState, command: RecomputeClocks, ctx: DecisionContext
) -> list[Event]:
    """Count every running clock again with the context's calendar (a supervisor's command).

    A clock whose due instant, ladder or basis changes gets a `ClockRecomputed` event with the
    old and new due and basis; the others are left as they are. Nothing changes → refused.
    """
    require_role(ctx.actor, [Role.SUPERVISOR], "recomputing clocks")
    events: list[Event] = []
    for _name, clock in sorted(state.clocks.items()):
        counted = recompute_clock(clock, ctx.calendar)
        if counted is None or (counted.rungs, counted.basis) == (clock.rungs, clock.basis):
            continue
        events.append(
            ClockRecomputed(
                clock=counted,
                old_due_at=clock.due_at,
                new_due_at=counted.due_at,
                old_due_on=clock.due_on,
                new_due_on=counted.due_on,
                old_basis=clock.basis,
                new_basis=counted.basis,
                reason=command.reason,
            )
        )
    if not events:
        raise DomainError(
            "clocks_current", "every running clock already rests on the calendar known now"
        )
    return events


def decide_clock_command(
    state: CaseState, command: ClockCommand, ctx: DecisionContext
) -> list[Event]:
    """Escalation by the system and extensions by a supervisor, for any lifecycle."""
    clock = state.clocks.get(command.clock)
    if clock is None:
        raise DomainError("no_such_clock", f"no clock named {command.clock!r} runs on this case")
    match command:
        case EscalateClock():
            if ctx.actor != SYSTEM:
                raise DomainError("role_not_allowed", "only the system's timer escalates a clock")
            due = clock.rungs_due(ctx.now)
            if not due:
                raise DomainError("not_due", f"no rung of {clock.name} is due yet")
            return [
                ClockEscalated(clock=clock.name, rung=r, due_at=clock.due_at, at=ctx.now)
                for r in due
            ]
        case GrantExtension():
            require_role(ctx.actor, [Role.SUPERVISOR], "granting an extension")
            extended = extend_clock(clock, command.by, ctx.now, ctx.calendar)
            return [ClockExtended(clock=extended, by=command.by, reason=command.reason)]


def evolve_clock_event(state: S, event: ClockEvent) -> S:
    """Fold a clock event into any lifecycle's state."""
    match event:
        case (
            ClockStarted(clock=clock)
            | ClockExtended(clock=clock)
            | ClockPaused(clock=clock)
            | ClockResumed(clock=clock)
            | ClockRecomputed(clock=clock)
        ):
            return state.with_clock(clock)
        case ClockEscalated(clock=name, rung=rung):
            clock = state.clocks[name]
            return state.with_clock(clock.model_copy(update={"reached": max(clock.reached, rung)}))
        case ClockStopped(clock=name):
            return state.without_clock(name)


__all__ = [
    "CaseState",
    "ClockCommand",
    "ClockEscalated",
    "ClockEvent",
    "ClockExtended",
    "ClockPaused",
    "ClockRecomputed",
    "ClockResumed",
    "ClockStarted",
    "ClockStopped",
    "EscalateClock",
    "GrantExtension",
    "PaperFileEntered",
    "RecomputeClocks",
    "decide_clock_command",
    "evolve_clock_event",
    "pause_clock",
    "recompute_clocks",
    "resume_clock",
    "start_clock",
]
