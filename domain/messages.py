"""Base shapes of commands and events: small, frozen, named, versioned."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from domain.actors import Actor
from domain.calendar import WorkingDayCalendar
from domain.clocks import CURRENT_RULES, ClockRules


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class Command(BaseModel):
    """An imperative an actor asks of a case; `type` discriminates the lifecycle's union."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        # PostgreSQL stores no NUL character in text or jsonb: refuse it at the door rather
        # than accept a command that could never be recorded.
        if _has_nul(data):
            raise ValueError("text may not contain NUL (\\u0000) characters")
        return data


class Event(BaseModel):
    """A past-tense fact recorded in the ledger. `schema_version` lets old payloads be upcast."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
    schema_version: int = 1

    def payload(self) -> dict[str, Any]:
        """The JSON body stored in the ledger (everything but type and schema version)."""
        return self.model_dump(mode="json", exclude={"type", "schema_version"})


class DecisionContext:
    """What a decider may know besides state and command: the time, the actor, the calendar,
    and the rules its clocks are counted by (the case's own, see `CaseState.clock_rules`)."""

    __slots__ = ("actor", "calendar", "clock_rules", "now")

    def __init__(
        self,
        now: datetime,
        actor: Actor,
        calendar: WorkingDayCalendar,
        clock_rules: ClockRules = CURRENT_RULES,
    ) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.now = now
        self.actor = actor
        self.calendar = calendar
        self.clock_rules = clock_rules

    @property
    def statutory_periods(self) -> bool:
        """Whether periods end where the law ends them (民事诉讼法 Art 85) in this case."""
        return self.clock_rules >= ClockRules.STATUTORY_PERIODS

    def under(self, clock_rules: ClockRules) -> DecisionContext:
        """The same context for a case whose clocks are counted by `clock_rules`."""
        if clock_rules == self.clock_rules:
            return self
        return DecisionContext(self.now, self.actor, self.calendar, clock_rules)
