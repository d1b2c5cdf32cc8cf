"""Admitting decisions and recording them in the ledger, in the order they were made.

Every decision is made once, when it is admitted, against `_decided`: the recorded state plus
every decision admitted before it. Decisions are recorded in admission order (a FIFO lock), and
`_recorded` follows the ledger.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.contracts import (
        APPEND_EVENTS,
        AppendRequest,
        AppendResult,
        NewEvent,
    )
    from domain.actors import Actor, Role
    from domain.calendar import WorkingDayCalendar
    from domain.case import AttemptRefused, CaseState
    from domain.errors import DomainError
    from domain.lifecycle import Lifecycle
    from domain.messages import DecisionContext, Event
    from domain.summary import summarize
    from domain.timeline import (
        Step,
        check_paper_time,
    )
    from workflows import search_attributes
    from workflows.contracts import (
        ANSWERED_MEMORY,
        CommandResult,
        event_id_for,
    )

# A database outage must never lose a command: retry with back-off, without a deadline.
LEDGER_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    non_retryable_error_types=["ConcurrencyConflict", "IdempotencyMismatch", "InvalidEventData"],
)
# An append is one SQL statement: a worker killed mid-append is noticed, and the append retried
# on another worker, within seconds (the retry writes nothing twice: event ids are fixed).
LEDGER_ATTEMPT_TIMEOUT = timedelta(seconds=5)
# Histories recorded before this patch replay with the runtime they were recorded with: one
# escalation batch at the moment the worker noticed, a timer re-armed after every command.
DECIDE_ONCE_PATCH = "runtime-decide-once-at-due-instants"


@dataclass
class Decision:
    """Events decided and admitted, waiting for their turn to be recorded."""

    entries: list[tuple[Event, Actor, datetime]]
    command_id: str | None = None
    ids: list[UUID | None] = field(default_factory=list)  # None: an id from workflow.uuid4()


class CaseRecord:
    """The part of the case runtime that admits decisions and records them."""

    lifecycle: ClassVar[Lifecycle[Any]]
    _lock: asyncio.Lock
    _case_id: str
    _recorded: CaseState
    _decided: CaseState
    _pending: list[Decision]
    _version: int
    _last_step_at: datetime | None
    _last_hash: str | None
    _answered: dict[str, CommandResult]
    _calendar: WorkingDayCalendar
    _calendar_loaded: bool
    _calendar_checked_at: datetime | None
    _calendar_refresh: bool
    _wake: bool
    _armed_alarm: datetime | None
    _search_values: tuple[Any, ...] | None
    _decide_once: bool | None

    @property
    def _is_decide_once(self) -> bool:
        """Whether this run records with today's runtime (see DECIDE_ONCE_PATCH)."""
        if self._decide_once is None:
            self._decide_once = workflow.patched(DECIDE_ONCE_PATCH)
        return self._decide_once

    def _wake_if_alarm_moved(self) -> None:
        """Re-arm the timer only when the next alarm moved (or the case may have ended)."""
        if not self._is_decide_once:
            self._wake = True
            return
        state = self._current
        if state.next_alarm() != self._armed_alarm or state.closed:
            self._wake = True

    def _remember(self, command_id: str | None, result: CommandResult) -> None:
        if command_id is None or not self._is_decide_once:
            return
        self._answered[command_id] = result
        while len(self._answered) > ANSWERED_MEMORY:
            del self._answered[next(iter(self._answered))]

    def start_effects(self, events: list[Event]) -> None:
        """Override to start background work (e.g. an external check) that `events` call for.

        Use `spawn`; report results back with `run_internal`. Never block here.
        """

    def _step_time(self, effective_at: datetime | None) -> datetime:
        """Now, or a past moment for a paper file's step: never ahead of the clock, never before
        2000, never before the case's newest step by a person (a file is told in order)."""
        now = workflow.now()
        if effective_at is None:
            return now
        try:
            check_paper_time(effective_at, now, self._last_step_at)
        except DomainError as error:
            raise ApplicationError(error.message, type=error.code, non_retryable=True) from None
        return effective_at

    def _admit(
        self, events: list[Event], actor: Actor, at: datetime, command_id: str | None = None
    ) -> Decision:
        """Take a decision's place in line: later decisions are made on the state it leads to."""
        decision = Decision(
            entries=[(e, actor, at) for e in events],
            command_id=command_id,
            ids=self._ids_for(command_id, len(events)),
        )
        self._pending.append(decision)
        self._decided = self.lifecycle.fold(events, self._decided)
        if _is_step_by_a_person(actor, events):
            self._last_step_at = at if self._last_step_at is None else max(at, self._last_step_at)
        return decision

    def _admit_steps(self, steps: list[Step], command_id: str | None = None) -> Decision:
        entries = [(e, s.actor, s.at) for s in steps for e in s.events]
        decision = Decision(
            entries=entries, command_id=command_id, ids=self._ids_for(command_id, len(entries))
        )
        self._pending.append(decision)
        self._decided = steps[-1].state
        for step in steps:
            if step.paper_index is not None:
                self._last_step_at = step.at
        return decision

    def _ids_for(self, command_id: str | None, count: int) -> list[UUID | None]:
        if command_id is None or not self._is_decide_once:
            return [None] * count
        return [event_id_for(self._case_id, command_id, i) for i in range(count)]

    def _refold(self) -> None:
        state = self._recorded
        for decision in self._pending:
            state = self.lifecycle.fold([e for e, _, _ in decision.entries], state)
        self._decided = state

    async def _record(self, decision: Decision, *, locked: bool = False) -> None:
        """Record an admitted decision in its turn (decisions are recorded in admission order)."""
        if not locked:
            async with self._lock:
                await self._record(decision, locked=True)
            return
        events = [e for e, _, _ in decision.entries]
        new_state = self.lifecycle.fold(events, self._recorded)
        stored = [
            NewEvent(
                event_id=event_id or workflow.uuid4(),
                type=e.type,
                schema_version=e.schema_version,
                payload=e.payload(),
                actor=actor,
                occurred_at=at,
            )
            for (e, actor, at), event_id in zip(decision.entries, decision.ids, strict=True)
        ]
        try:
            result: AppendResult = await workflow.execute_activity(
                APPEND_EVENTS,
                AppendRequest(
                    stream_id=self._case_id,
                    expected_version=self._version,
                    events=stored,
                    summary=summarize(self.lifecycle, self._case_id, new_state),
                    expected_hash=self._last_hash,
                ),
                result_type=AppendResult,
                start_to_close_timeout=LEDGER_ATTEMPT_TIMEOUT,
                retry_policy=LEDGER_RETRY,
            )
        except ActivityError as failed:
            if not self._is_decide_once:
                raise
            # The ledger refused for good (another writer on the stream, or data it cannot
            # store): the case stops taking work until an operator looks, instead of forgetting
            # a decision later ones were made on. The workflow task fails and retries visibly.
            raise RuntimeError(f"the ledger refused events of {self._case_id}: {failed}") from None
        self._recorded, self._version = new_state, result.last_version
        self._last_hash = result.last_hash
        self._pending.remove(decision)
        if not self._pending:
            self._decided = self._recorded
        self._upsert_search_attributes(new_state)

    def _upsert_search_attributes(self, state: CaseState) -> None:
        values = search_attributes.values(state)
        if self._is_decide_once and values == self._search_values:
            return
        self._search_values = values
        workflow.upsert_search_attributes(search_attributes.updates(state))

    def _context(self, actor: Actor, now: datetime | None = None) -> DecisionContext:
        return DecisionContext(now=now or workflow.now(), actor=actor, calendar=self._calendar)

    @property
    def _current(self) -> CaseState:
        """The state decisions are made on: recorded, plus every decision admitted after it."""
        return self._decided

    def _replace_state(self, state: CaseState) -> None:
        """Set the case's state before anything was decided (e.g. the rules it opens under)."""
        self._recorded = self._decided = state


def _is_step_by_a_person(actor: Actor, events: list[Event]) -> bool:
    """A step that holds later paper steps back: not the system's, not an outside system's
    reply, not a refused attempt (those carry their own time)."""
    if actor.role in (Role.SYSTEM, Role.INTEGRATION):
        return False
    return not all(isinstance(e, AttemptRefused) for e in events)
