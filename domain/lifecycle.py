"""A lifecycle is a decider: initial state, decide, evolve, plus how its messages are parsed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, get_args

from pydantic import TypeAdapter

from domain.case import AUDIT_ONLY_EVENTS, CaseState
from domain.catalogue import KINDS, STAGES
from domain.messages import Command, DecisionContext, Event

S = TypeVar("S", bound=CaseState)

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


def _under_case_rules(
    decide: Callable[[S, Any, DecisionContext], list[Event]],
) -> Callable[[S, Any, DecisionContext], list[Event]]:
    """Decide with the clock rules the case runs under (its workflow run fixes them)."""
    if getattr(decide, "under_case_rules", False):
        return decide

    def decide_under_case_rules(state: S, command: Any, ctx: DecisionContext) -> list[Event]:
        return decide(state, command, ctx.under(state.clock_rules))

    decide_under_case_rules.under_case_rules = True  # type: ignore[attr-defined]
    return decide_under_case_rules


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    """Everything the runtime, the ledger and the API need to know about one kind of case."""

    kind: str  # rescue | relief | social_org
    id_prefix: str  # RSC, REL, ORG: case ids read RSC-2026-000123
    state_type: type[S]
    command_union: Any  # the discriminated union of the lifecycle's commands
    event_union: Any  # the discriminated union of its events
    decide: Callable[[S, Any, DecisionContext], list[Event]]
    evolve: Callable[[S, Any], S]
    opening_commands: frozenset[str]  # command types that may open a new case
    # (event type, stored schema version) -> function lifting the payload one version up
    upcasters: Mapping[tuple[str, int], Upcaster] = field(default_factory=dict)
    # Lifecycle-specific read-model fields for lists and boards; never personal data.
    attributes: Callable[[S], dict[str, Any]] = field(default=lambda _state: {})
    # What a case view shows besides the state (e.g. an organisation's inspection schedule).
    details: Callable[[S], dict[str, Any]] = field(default=lambda _state: {})

    def __post_init__(self) -> None:
        object.__setattr__(self, "commands", TypeAdapter(self.command_union))
        object.__setattr__(self, "events", TypeAdapter(self.event_union))
        object.__setattr__(self, "decide", _under_case_rules(self.decide))

    commands: TypeAdapter[Any] = field(init=False, repr=False)
    events: TypeAdapter[Any] = field(init=False, repr=False)

    @property
    def label_zh(self) -> str:
        """The lifecycle's Chinese name, from the catalogue."""
        return KINDS.get(self.kind, self.kind)

    @property
    def stage_labels_zh(self) -> Mapping[str, str]:
        """The lifecycle's stages in Chinese, from the catalogue."""
        return STAGES.get(self.kind, {})

    @property
    def command_types(self) -> tuple[type[Command], ...]:
        """The command classes of the union, e.g. for an API schema."""
        return tuple(get_args(get_args(self.command_union)[0]))

    def initial(self, case_id: str) -> S:
        return self.state_type(case_id=case_id)

    def parse_command(self, raw: Mapping[str, Any]) -> Command:
        command: Command = self.commands.validate_python(raw)
        return command

    def parse_event(self, type_: str, schema_version: int, payload: Mapping[str, Any]) -> Event:
        """Rebuild a stored event, upcasting old schema versions on read (never on disk)."""
        audit_only = AUDIT_ONLY_EVENTS.get(type_)
        if audit_only is not None:
            return audit_only.model_validate(
                {**payload, "type": type_, "schema_version": schema_version}
            )
        body = dict(payload)
        version = schema_version
        while (upcast := self.upcasters.get((type_, version))) is not None:
            body = upcast(body)
            version += 1
        event: Event = self.events.validate_python(
            {**body, "type": type_, "schema_version": version}
        )
        return event

    def fold(self, events: Iterable[Event], state: S) -> S:
        for event in events:
            if event.type not in AUDIT_ONLY_EVENTS:
                state = self.evolve(state, event)
        return state
