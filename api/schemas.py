"""Request and response bodies of the HTTP API (never the table classes themselves)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Union

from pydantic import BaseModel, Field

from domain.actors import Role
from domain.clocks import Clock
from domain.registry import LIFECYCLES
from domain.summaries import basis_label

MAX_OFFSET = 1_000_000  # paging deeper than this is a query, not browsing
MAX_VERSION = 2**31 - 1  # the ledger's version column is a PostgreSQL integer


def _union_of(types: list[type[BaseModel]]) -> Any:
    return Annotated[Union[tuple(types)], Field(discriminator="type")]  # noqa: UP007


_all_commands: dict[str, type[BaseModel]] = {}
_opening: dict[str, type[BaseModel]] = {}
for _lc in LIFECYCLES.values():
    for _cls in _lc.command_types:
        name = _cls.model_fields["type"].default
        _all_commands.setdefault(name, _cls)
        if name in _lc.opening_commands:
            _opening[name] = _cls

AnyCommand: Any = _union_of(list(_all_commands.values()))
OpeningCommand: Any = _union_of(list(_opening.values()))


class CaseListItem(BaseModel):
    case_id: str
    kind: str
    stage: str
    stage_label: str = Field(description="The stage's Chinese name for staff")
    unit: str
    assignee: str | None
    escalation_level: int
    next_due_at: datetime | None
    next_due_on: date | None = Field(
        default=None, description="The last day the next deadline covers (Asia/Shanghai)"
    )
    overdue: bool
    closed: bool
    clock_basis: str | None = Field(
        default=None, description="fallback | calendar | null (no deadline runs)"
    )
    version: int
    opened_at: datetime | None
    updated_at: datetime


class ClockBasis(StrEnum):
    FALLBACK = "fallback"
    CALENDAR = "calendar"


class ClockView(BaseModel):
    """A clock as staff read it: its due instant and the last day it covers (Asia/Shanghai)."""

    name: str
    label_zh: str
    rule: str
    starts: str = Field(description="The statute's start event the clock counts from")
    started_at: datetime
    due_at: datetime
    due_on: date = Field(description="The last day the deadline covers, Asia/Shanghai")
    basis: str = Field(description="The calendar the dates were counted on")
    basis_zh: str = Field(description="The same, for staff")
    fallback: bool = Field(description="Counted on the Monday-Friday fallback for some year")
    running: bool
    reached: int = Field(description="-1 none, 0 reminder, 1 due, 2 overdue, 3 leadership")
    extensions: int


def clock_view(clock: Clock) -> ClockView:
    return ClockView(
        name=clock.name,
        label_zh=clock.spec.label_zh,
        rule=clock.spec.rule,
        starts=clock.spec.starts,
        started_at=clock.started_at,
        due_at=clock.due_at,
        due_on=clock.due_on,
        basis=clock.basis,
        basis_zh=basis_label(clock.basis),
        fallback=clock.on_fallback,
        running=clock.running,
        reached=int(clock.reached),
        extensions=clock.extensions,
    )


class CaseDetail(BaseModel):
    case_id: str
    kind: str
    version: int
    stage: str
    stage_label: str
    as_of: datetime | None = None
    state: dict[str, Any]
    clocks: list[ClockView] = Field(default_factory=list)
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="Lifecycle views, e.g. a social organisation's inspection_schedule",
    )


class HistoryEntry(BaseModel):
    """One ledger event as auditors read it."""

    position: int
    version: int
    event_id: str
    type: str
    type_label: str = Field(description="The event's Chinese name, from GET /vocabulary")
    summary: str = Field(description="One line for staff, in Chinese, without personal data")
    schema_version: int
    actor: str = Field(description="The user id, or 'system' for timers")
    actor_role: str
    actor_role_label: str = Field(description="The actor's role in Chinese")
    actor_unit: str
    occurred_at: datetime
    recorded_at: datetime
    payload: dict[str, Any]
    prev_hash: str
    hash: str
    hash_version: int = Field(
        default=1, description="Which fields the hash covers (2: also recorded_at and the run ids)"
    )
    workflow_id: str | None
    run_id: str | None
    trace_id: str | None


class TokenRequest(BaseModel):
    user_id: str = Field(min_length=1, max_length=64, examples=["op-zhang"])
    role: Role = Field(examples=["operator"])
    unit: str = Field(default="", max_length=64, examples=["浦东新区救助管理站"])


class LoginRequest(BaseModel):
    user_id: str = Field(min_length=1, max_length=64, examples=["sup-wang"])
    password: str = Field(min_length=1, max_length=200)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    user_id: str
    role: Role
    unit: str
