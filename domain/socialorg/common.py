"""Guards and small helpers every part of the social-organisation decider shares."""

from __future__ import annotations

from collections.abc import Iterable

from domain.actors import Role
from domain.case import ClockStopped
from domain.errors import DomainError
from domain.messages import Event
from domain.socialorg.state import SocialOrgState, Stage

FRONT_LINE = (Role.OPERATOR, Role.CASEWORKER, Role.SUPERVISOR)  # intake and filing
REVIEWERS = (Role.CASEWORKER, Role.APPROVER, Role.SUPERVISOR)  # inspection and evaluation
DECIDERS = (Role.APPROVER, Role.SUPERVISOR)  # decisions of the registration authority


def require_stage(state: SocialOrgState, allowed: Iterable[Stage], doing: str) -> None:
    stages = tuple(allowed)
    if state.stage not in stages:
        wanted = " or ".join(s.value for s in stages)
        raise DomainError(
            "wrong_stage",
            f"{doing} is allowed when the organisation is {wanted}; it is {state.stage}",
        )


def stop(state: SocialOrgState, names: Iterable[str], reason: str) -> list[Event]:
    """Stop those of `names` that run on the case, in name order."""
    return [ClockStopped(clock=n, reason=reason) for n in sorted(set(names)) if n in state.clocks]


def stop_all(state: SocialOrgState, reason: str) -> list[Event]:
    return stop(state, state.clocks, reason)
