"""Checks every rescue decision shares: stage, role, the system actor, and clock helpers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from domain.actors import SYSTEM, Actor, Role
from domain.case import ClockStarted, ClockStopped
from domain.clocks import ClockSpec, start_clock
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.rescue.state import RescueState, Stage

FRONT_LINE = (Role.OPERATOR, Role.CASEWORKER, Role.SUPERVISOR)
CASEWORK = (Role.CASEWORKER, Role.SUPERVISOR)
DECIDERS = (Role.APPROVER, Role.SUPERVISOR)
STATION_STAFF = (Role.OPERATOR, Role.CASEWORKER, Role.APPROVER, Role.SUPERVISOR)


def require_stage(state: RescueState, allowed: Iterable[Stage], doing: str) -> None:
    allowed = tuple(allowed)
    if state.stage not in allowed:
        wanted = " or ".join(s.value for s in allowed)
        raise DomainError(
            "wrong_stage", f"{doing} is allowed when the case is {wanted}; it is {state.stage}"
        )


def require_system(actor: Actor, doing: str) -> None:
    if actor != SYSTEM:
        raise DomainError("role_not_allowed", f"only the system records {doing}")


def stop_clocks(state: RescueState, names: Iterable[str], reason: str) -> list[Event]:
    """Stop those of the named clocks that run (or are paused) on the case, in name order."""
    return [ClockStopped(clock=n, reason=reason) for n in sorted(set(names)) if n in state.clocks]


def stop_all_clocks(state: RescueState, reason: str) -> list[Event]:
    return stop_clocks(state, state.clocks, reason)


def start(spec: ClockSpec, ctx: DecisionContext, at: datetime | None = None) -> ClockStarted:
    """Start a clock now, or counted from an earlier moment (e.g. the person's entry)."""
    return ClockStarted(clock=start_clock(spec, at or ctx.now, ctx.calendar, ctx.clock_rules))
