"""The case runtime: command → decide → persist → evolve → re-arm clocks, for every lifecycle.

A lifecycle workflow subclasses `CaseWorkflow`, names its `lifecycle` and forwards its
`@workflow.run` to `run_case`. Everything else (the command update and its validator, the
state query, clocks, escalation, search attributes, continue-as-new) lives here.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from datetime import datetime, timedelta
from typing import Any, ClassVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from activities.contracts import (
        APPEND_EVENTS,
        LOAD_HOLIDAY_NOTICES,
        AppendRequest,
        AppendResult,
        HolidayNoticesRequest,
        NewEvent,
    )
    from domain.actors import SYSTEM, Actor
    from domain.calendar import HolidayNotice, WorkingDayCalendar
    from domain.case import WHO_MAY_ACT_CODES, AttemptRefused, CaseState
    from domain.errors import DomainError
    from domain.lifecycle import Lifecycle
    from domain.messages import Command, DecisionContext, Event
    from store.models import summarize
    from workflows import search_attributes
    from workflows.contracts import (
        COMMAND_UPDATE,
        RECORD_REFUSAL_UPDATE,
        STATE_QUERY,
        CaseInput,
        CaseOutcome,
        CaseView,
        CommandRequest,
        CommandResult,
        RefusalRecord,
    )

# A database outage must never lose a command: retry with back-off, without a deadline.
LEDGER_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=["ConcurrencyConflict", "IdempotencyMismatch", "InvalidEventData"],
)
LEDGER_ATTEMPT_TIMEOUT = timedelta(seconds=30)
# A case whose opening command never succeeded (its workflow started, the command was refused)
# ends by itself instead of waiting forever.
OPENING_GRACE = timedelta(hours=1)


def refusal(error: DomainError) -> ApplicationError:
    """A domain refusal as Temporal carries it to the caller: type = the domain's code."""
    return ApplicationError(
        error.message, {"code": error.code}, type=error.code, non_retryable=True
    )


class CaseWorkflow:
    lifecycle: ClassVar[Lifecycle[Any]]

    @workflow.init
    def __init__(self, case: CaseInput) -> None:
        # Runs before any handler, so the first command's validator already sees the case.
        self._lock = asyncio.Lock()
        self._case_id = case.case_id
        self._state: CaseState | None = None
        self._version = case.version
        self._last_occurred_at = case.last_occurred_at
        self._last_hash = case.last_hash
        self._history_limit = case.history_limit
        if case.state is not None:
            self._state = self.lifecycle.state_type.model_validate(case.state)
        else:
            self._state = self.lifecycle.initial(case.case_id)
        self._calendar = WorkingDayCalendar()
        self._clocks_changed = False
        self._calendar_loaded = False
        self._effects: set[asyncio.Task[None]] = set()

    # --- the run ---------------------------------------------------------------------------

    async def run_case(self) -> CaseOutcome:
        notices = await workflow.execute_local_activity(
            LOAD_HOLIDAY_NOTICES,
            HolidayNoticesRequest(),
            result_type=list[HolidayNotice],
            start_to_close_timeout=timedelta(seconds=10),
        )
        self._calendar = WorkingDayCalendar(notices)
        self._calendar_loaded = True
        self.resume_effects()
        if self._version == 0:
            try:
                await workflow.wait_condition(lambda: self._version > 0, timeout=OPENING_GRACE)
            except TimeoutError:
                return CaseOutcome(case_id=self._case_id, version=0, stage="abandoned")
        while True:
            await self._sleep_until_next_alarm()
            await self._escalate_due_clocks()
            state = self._current
            if state.closed and not state.clocks and not self._effects:
                await workflow.wait_condition(workflow.all_handlers_finished)
                return CaseOutcome(case_id=self._case_id, version=self._version, stage=state.stage)
            if self._history_is_long():
                # Effects still running are abandoned here; the new run's resume_effects()
                # restarts them from the carried-over state (their activities are idempotent).
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(self._carry_over())

    def _history_is_long(self) -> bool:
        if self.wants_new_run():
            return True
        info = workflow.info()
        if info.is_continue_as_new_suggested():
            return True
        return (
            self._history_limit is not None
            and info.get_current_history_length() >= self._history_limit
        )

    def _carry_over(self) -> CaseInput:
        return CaseInput(
            case_id=self._case_id,
            kind=self.lifecycle.kind,
            state=self._current.model_dump(mode="json"),
            version=self._version,
            last_occurred_at=self._last_occurred_at,
            last_hash=self._last_hash,
            history_limit=self._history_limit,
        )

    async def _sleep_until_next_alarm(self) -> None:
        alarm = self._current.next_alarm()
        timeout = None if alarm is None else max(alarm - workflow.now(), timedelta(0))
        self._clocks_changed = False
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: self._clocks_changed or self._history_is_long(),
                timeout=timeout,
            )

    async def _escalate_due_clocks(self) -> None:
        async with self._lock:
            now = workflow.now()
            for name, clock in sorted(self._current.clocks.items()):
                if not clock.rungs_due(now) or name not in self._current.clocks:
                    continue  # not due, or stopped by an escalation decided just before
                command = self.lifecycle.parse_command({"type": "EscalateClock", "clock": name})
                events = self.lifecycle.decide(self._current, command, self._context(SYSTEM))
                await self._persist(events, SYSTEM)
                self.start_effects(events)

    # --- commands ----------------------------------------------------------------------------

    @workflow.update(name=COMMAND_UPDATE)
    async def command(self, request: CommandRequest) -> CommandResult:
        """Decide an operator's command on the current state, record its events, fold them."""
        await workflow.wait_condition(lambda: self._calendar_loaded)
        await self.before_command(request)
        async with self._lock:
            # Decide again under the lock: an update that ran while this one waited may have
            # changed the state the validator saw.
            events = self._decide(request)
            await self._persist(events, request.actor, request.effective_at)
            self._clocks_changed = True
            result = CommandResult(
                case_id=self._case_id,
                version=self._version,
                stage=self._current.stage,
                events=[e.type for e in events],
            )
        self.start_effects(events)
        return result

    @command.validator
    def validate_command(self, request: CommandRequest) -> None:
        """A refused command is rejected here and never enters the workflow's history."""
        self._decide(request)

    def _decide(self, request: CommandRequest) -> list[Event]:
        try:
            command: Command = self.lifecycle.parse_command(request.command)
        except ValidationError as invalid:
            raise ApplicationError(
                f"malformed command: {invalid.errors(include_url=False)}",
                type="malformed_command",
                non_retryable=True,
            ) from None
        at = self._effective_time(request.effective_at)
        try:
            events = self.lifecycle.decide(self._current, command, self._context(request.actor, at))
        except DomainError as error:
            raise refusal(error) from None
        if not events:
            raise ApplicationError(
                "the command changes nothing", type="no_change", non_retryable=True
            )
        return events

    # --- effects: work a lifecycle starts once its events are recorded ----------------------

    def start_effects(self, events: list[Event]) -> None:
        """Override to start background work (e.g. an external check) that `events` call for.

        Use `spawn`; report results back with `run_internal`. Never block here.
        """

    async def before_command(self, request: CommandRequest) -> None:
        """Override to bring an outside fact into the case before a command is decided (e.g.
        the district's weather before an outreach timer starts): fetch it with an activity and
        record it with `run_internal`. Runs after the validator accepted the command and before
        the command takes the lock; the default does nothing (and adds nothing to history)."""

    def wants_new_run(self) -> bool:
        """Override to continue as new at a boundary of the lifecycle's own (e.g. each yearly
        cycle), so no run's history grows without bound; checked wherever the history length
        is. The default never asks (histories recorded before the hook replay unchanged)."""
        return False

    def resume_effects(self) -> None:
        """Override to restart work still pending in the state at a run's start
        (after continue-as-new, or when the case starts)."""

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` beside the case; the case does not complete while it runs."""
        task = asyncio.create_task(work)
        self._effects.add(task)
        task.add_done_callback(self._effects.discard)
        task.add_done_callback(lambda _: setattr(self, "_clocks_changed", True))

    async def run_internal(self, command: dict[str, Any], actor: Actor = SYSTEM) -> list[Event]:
        """Decide and record a command the case gives itself (an effect's outcome).

        A refusal is not an error here (a late duplicate reply, a case that moved on): it is
        logged and nothing is recorded.
        """
        async with self._lock:
            parsed = self.lifecycle.parse_command(command)
            try:
                events = self.lifecycle.decide(self._current, parsed, self._context(actor))
            except DomainError as error:
                workflow.logger.info(
                    "internal command refused",
                    extra={"case_id": self._case_id, "type": parsed.type, "code": error.code},
                )
                return []
            await self._persist(events, actor)
            self._clocks_changed = True
        self.start_effects(events)
        return events

    @workflow.update(name=RECORD_REFUSAL_UPDATE)
    async def record_refusal(self, record: RefusalRecord) -> int:
        """Keep an attempt refused for who made it (four eyes, role, unit) in the history."""
        await workflow.wait_condition(lambda: self._calendar_loaded)
        async with self._lock:
            event = AttemptRefused(
                command=record.command_type, code=record.code, reason=record.reason
            )
            await self._persist([event], record.actor)
            return self._version

    @record_refusal.validator
    def validate_refusal(self, record: RefusalRecord) -> None:
        if record.code not in WHO_MAY_ACT_CODES:
            raise ApplicationError("only who-may-act refusals are recorded", type="not_recordable")

    @workflow.query(name=STATE_QUERY)
    def view(self) -> CaseView:
        state = self._current
        return CaseView(
            case_id=self._case_id,
            kind=self.lifecycle.kind,
            version=self._version,
            stage=state.stage,
            state=state.model_dump(mode="json"),
        )

    # --- persistence -------------------------------------------------------------------------

    def _effective_time(self, effective_at: datetime | None) -> datetime:
        """Now, or a past moment for a paper file's steps: never ahead of the clock, never
        before the case's newest step by a person (a history is told in order)."""
        now = workflow.now()
        if effective_at is None:
            return now
        if effective_at.tzinfo is None or effective_at > now:
            raise ApplicationError(
                "effective time must be a timezone-aware moment in the past",
                type="bad_effective_time",
                non_retryable=True,
            )
        if self._last_occurred_at is not None and effective_at < self._last_occurred_at:
            raise ApplicationError(
                f"effective time is before the case's newest step ({self._last_occurred_at.isoformat()})",
                type="bad_effective_time",
                non_retryable=True,
            )
        return effective_at

    async def _persist(
        self, events: list[Event], actor: Actor, effective_at: datetime | None = None
    ) -> None:
        now = effective_at or workflow.now()
        new_state = self.lifecycle.fold(events, self._current)
        stored = [
            NewEvent(
                event_id=workflow.uuid4(),
                type=e.type,
                schema_version=e.schema_version,
                payload=e.payload(),
                actor=actor,
                occurred_at=now,
            )
            for e in events
        ]
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
        self._state, self._version = new_state, result.last_version
        self._last_hash = result.last_hash
        if actor != SYSTEM:
            # Paper steps are told in order among themselves; the system's own escalations
            # happen in real time between them and do not hold a later paper step back.
            self._last_occurred_at = now
        workflow.upsert_search_attributes(search_attributes.updates(new_state))

    def _context(self, actor: Actor, now: datetime | None = None) -> DecisionContext:
        return DecisionContext(now=now or workflow.now(), actor=actor, calendar=self._calendar)

    @property
    def _current(self) -> CaseState:
        assert self._state is not None, "the case has not started"
        return self._state
