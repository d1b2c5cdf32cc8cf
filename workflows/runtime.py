"""The case runtime: command → decide → persist → evolve → re-arm clocks, for every lifecycle.

A lifecycle workflow subclasses `CaseWorkflow`, names its `lifecycle` and forwards its
`@workflow.run` to `run_case`. Everything else (the command update and its validator, the
state query, clocks, escalation, search attributes, continue-as-new) lives here.

Every decision is made once, when its command is admitted, against the state that includes
every decision admitted before it (`_decided`); decisions are then recorded in the order they
were made (a FIFO lock), and `_recorded` follows the ledger. So the validator's answer is the
handler's answer, and a command the case accepted is recorded, never refused later.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

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
    from domain.actors import SYSTEM, Actor, Role
    from domain.calendar import HolidayNotice, WorkingDayCalendar
    from domain.case import WHO_MAY_ACT_CODES, AttemptRefused, CaseState
    from domain.errors import DomainError
    from domain.lifecycle import Lifecycle
    from domain.messages import Command, DecisionContext, Event
    from domain.timeline import (
        PaperFileRefused,
        PaperStep,
        Step,
        check_paper_time,
        next_escalation,
        replay_paper_file,
    )
    from store.models import summarize
    from workflows import search_attributes
    from workflows.contracts import (
        ANSWERED_MEMORY,
        COMMAND_UPDATE,
        PAPER_FILE_UPDATE,
        RECORD_REFUSAL_UPDATE,
        REFRESH_CALENDAR_SIGNAL,
        STATE_QUERY,
        CaseInput,
        CaseOutcome,
        CaseView,
        CommandRequest,
        CommandResult,
        PaperFileRequest,
        RefusalRecord,
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
# A case whose opening command never succeeded (its workflow started, the command was refused)
# ends by itself instead of waiting forever.
OPENING_GRACE = timedelta(hours=1)
OPENING_GRACE_NOW = timedelta(minutes=2)
# How often a waking case asks its worker whether the bureau loaded new holiday notices (commands
# bring the sender's notices with them; this covers cases that only wait for their clocks).
CALENDAR_RECHECK = timedelta(hours=6)
# Histories recorded before this patch replay with the runtime they were recorded with: one
# escalation batch at the moment the worker noticed, a timer re-armed after every command.
DECIDE_ONCE_PATCH = "runtime-decide-once-at-due-instants"


def refusal(error: DomainError) -> ApplicationError:
    """A domain refusal as Temporal carries it to the caller: type = the domain's code."""
    return ApplicationError(
        error.message, {"code": error.code}, type=error.code, non_retryable=True
    )


@dataclass
class _Decision:
    """Events decided and admitted, waiting for their turn to be recorded."""

    entries: list[tuple[Event, Actor, datetime]]
    command_id: str | None = None
    ids: list[UUID | None] = field(default_factory=list)  # None: an id from workflow.uuid4()


class CaseWorkflow:
    lifecycle: ClassVar[Lifecycle[Any]]

    @workflow.init
    def __init__(self, case: CaseInput) -> None:
        # Runs before any handler, so the first command's validator already sees the case.
        self._lock = asyncio.Lock()
        self._case_id = case.case_id
        state: CaseState = (
            self.lifecycle.state_type.model_validate(case.state)
            if case.state is not None
            else self.lifecycle.initial(case.case_id)
        )
        self._recorded = state  # what the ledger holds
        self._decided = state  # the recorded state and every decision admitted after it
        self._pending: list[_Decision] = []
        self._version = case.version
        # The newest step by a person (paper steps are told in order among themselves).
        self._last_step_at = case.last_occurred_at
        self._last_hash = case.last_hash
        self._history_limit = case.history_limit
        self._answered: dict[str, CommandResult] = dict(case.answered)
        self._calendar = WorkingDayCalendar()
        self._calendar_loaded = False
        self._calendar_checked_at: datetime | None = None
        self._calendar_refresh = False
        self._wake = False
        self._armed_alarm: datetime | None = None
        self._search_values: tuple[Any, ...] | None = None
        self._decide_once: bool | None = None
        self._effects: set[asyncio.Task[None]] = set()

    # --- the run ---------------------------------------------------------------------------

    async def run_case(self) -> CaseOutcome:
        await self._load_calendar()
        self.resume_effects()
        if self._version == 0:
            # A refused opening leaves nothing behind for long; a retry may still join it.
            grace = OPENING_GRACE_NOW if self._is_decide_once else OPENING_GRACE
            try:
                await workflow.wait_condition(lambda: self._version > 0, timeout=grace)
            except TimeoutError:
                return CaseOutcome(case_id=self._case_id, version=0, stage="abandoned")
        while True:
            await self._sleep_until_next_alarm()
            if self._is_decide_once:
                await self._recheck_calendar()
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

    @property
    def _is_decide_once(self) -> bool:
        """Whether this run records with today's runtime (see DECIDE_ONCE_PATCH)."""
        if self._decide_once is None:
            self._decide_once = workflow.patched(DECIDE_ONCE_PATCH)
        return self._decide_once

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
            state=self._recorded.model_dump(mode="json"),
            version=self._version,
            last_occurred_at=self._last_step_at,
            last_hash=self._last_hash,
            history_limit=self._history_limit,
            answered=self._answered,
        )

    async def _sleep_until_next_alarm(self) -> None:
        alarm = self._current.next_alarm()
        self._armed_alarm = alarm
        timeout = None if alarm is None else max(alarm - workflow.now(), timedelta(0))
        self._wake = False
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: self._wake or self._calendar_refresh or self._history_is_long(),
                timeout=timeout,
            )

    def _wake_if_alarm_moved(self) -> None:
        """Re-arm the timer only when the next alarm moved (or the case may have ended)."""
        if not self._is_decide_once:
            self._wake = True
            return
        state = self._current
        if state.next_alarm() != self._armed_alarm or state.closed:
            self._wake = True

    async def _escalate_due_clocks(self) -> None:
        if not self._is_decide_once:
            await self._escalate_as_noticed()
            return
        # Each rung takes effect at the instant it was due, one instant after another, so a
        # worker that was down (or a paper file entered late) changes no date.
        while (
            step := next_escalation(self.lifecycle, self._current, workflow.now(), self._calendar)
        ) is not None:
            if step.state == self._current:
                return  # a decider that changes nothing would loop forever
            await self._record(self._admit_steps([step]))
            self.start_effects(step.events)
            if self._history_is_long():
                return  # continue as new first; the new run catches up the rest

    async def _escalate_as_noticed(self) -> None:
        """The runtime before DECIDE_ONCE_PATCH, for histories recorded with it."""
        now = workflow.now()
        for name, clock in sorted(self._current.clocks.items()):
            if not clock.rungs_due(now) or name not in self._current.clocks:
                continue  # not due, or stopped by an escalation decided just before
            command = self.lifecycle.parse_command({"type": "EscalateClock", "clock": name})
            events = self.lifecycle.decide(self._current, command, self._context(SYSTEM, now))
            await self._record(self._admit(events, SYSTEM, now))
            self.start_effects(events)

    # --- the calendar ------------------------------------------------------------------------

    async def _load_calendar(self) -> None:
        notices = await self._ask_worker_for_notices()
        if not self._calendar_loaded:  # a command may have brought notices already
            self._calendar = WorkingDayCalendar(notices)
            self._calendar_loaded = True

    async def _ask_worker_for_notices(self) -> list[HolidayNotice]:
        notices: list[HolidayNotice] = await workflow.execute_local_activity(
            LOAD_HOLIDAY_NOTICES,
            HolidayNoticesRequest(),
            result_type=list[HolidayNotice],
            start_to_close_timeout=timedelta(seconds=10),
        )
        self._calendar_checked_at = workflow.now()
        return notices

    async def _recheck_calendar(self) -> None:
        checked = self._calendar_checked_at
        if not self._calendar_refresh and checked and workflow.now() - checked < CALENDAR_RECHECK:
            return
        self._calendar_refresh = False
        self._adopt_calendar(await self._ask_worker_for_notices())

    def _adopt_calendar(self, notices: list[HolidayNotice] | None) -> None:
        """Take the bureau's current holiday notices; later clocks are computed with them."""
        if notices is None or tuple(notices) == self._calendar.notices:
            self._calendar_loaded = True
            return
        before = [n.year for n in self._calendar.notices]
        self._calendar = WorkingDayCalendar(notices)
        self._calendar_loaded = True
        workflow.logger.info(
            "holiday notices changed",
            extra={"case_id": self._case_id, "before": before, "after": [n.year for n in notices]},
        )

    def _calendar_of(self, notices: list[HolidayNotice] | None) -> WorkingDayCalendar:
        """The calendar a request will be decided with (without adopting it yet)."""
        if notices is None or tuple(notices) == self._calendar.notices:
            return self._calendar
        return WorkingDayCalendar(notices)

    @workflow.signal(name=REFRESH_CALENDAR_SIGNAL)
    def refresh_calendar(self) -> None:
        """Ask the case to reload the holiday notices now (after the bureau loaded one)."""
        self._calendar_refresh = True

    # --- commands ----------------------------------------------------------------------------

    @workflow.update(name=COMMAND_UPDATE)
    async def command(self, request: CommandRequest) -> CommandResult:
        """Decide an operator's command on the current state, record its events, fold them."""
        if request.command_id is not None and request.command_id in self._answered:
            return self._answered[request.command_id]  # a retry that reached a later run
        if request.holiday_notices is None and not self._calendar_loaded:
            await workflow.wait_condition(lambda: self._calendar_loaded)
        self._adopt_calendar(request.holiday_notices)
        at, events = self._decide(request)
        decision = self._admit(events, request.actor, at, request.command_id)
        async with self._lock:
            note = await self.note_before(request)
            if note is not None:
                events = await self._record_note_first(note, decision, request, at)
            await self._record(decision, locked=True)
            self._wake_if_alarm_moved()
            result = CommandResult(
                case_id=self._case_id,
                version=self._version,
                stage=self._recorded.stage,
                events=[e.type for e in events],
            )
        self._remember(request.command_id, result)
        self.start_effects(events)
        return result

    @command.validator
    def validate_command(self, request: CommandRequest) -> None:
        """A refused command is rejected here and never enters the workflow's history."""
        if request.command_id is not None and request.command_id in self._answered:
            return
        self._decide(request)

    def _decide(self, request: CommandRequest) -> tuple[datetime, list[Event]]:
        try:
            command: Command = self.lifecycle.parse_command(request.command)
        except ValidationError as invalid:
            raise ApplicationError(
                f"malformed command: {invalid.errors(include_url=False)}",
                type="malformed_command",
                non_retryable=True,
            ) from None
        at = self._step_time(request.effective_at)
        calendar = self._calendar_of(request.holiday_notices)
        ctx = DecisionContext(now=at, actor=request.actor, calendar=calendar)
        try:
            events = self.lifecycle.decide(self._current, command, ctx)
        except DomainError as error:
            raise refusal(error) from None
        if not events:
            raise ApplicationError(
                "the command changes nothing", type="no_change", non_retryable=True
            )
        return at, events

    def _remember(self, command_id: str | None, result: CommandResult) -> None:
        if command_id is None or not self._is_decide_once:
            return
        self._answered[command_id] = result
        while len(self._answered) > ANSWERED_MEMORY:
            del self._answered[next(iter(self._answered))]

    # --- paper files -------------------------------------------------------------------------

    @workflow.update(name=PAPER_FILE_UPDATE)
    async def paper_file(self, request: PaperFileRequest) -> CommandResult:
        """Record a paper file's known history, each step decided as of its own date."""
        if request.command_id is not None and request.command_id in self._answered:
            return self._answered[request.command_id]
        if request.holiday_notices is None and not self._calendar_loaded:
            await workflow.wait_condition(lambda: self._calendar_loaded)
        self._adopt_calendar(request.holiday_notices)
        steps = self._replay_paper_file(request)
        decision = self._admit_steps(steps, request.command_id)
        await self._record(decision)
        self._wake_if_alarm_moved()
        result = CommandResult(
            case_id=self._case_id,
            version=self._version,
            stage=self._recorded.stage,
            events=[e.type for s in steps for e in s.events],
        )
        self._remember(request.command_id, result)
        self.start_effects([e for s in steps for e in s.events])
        return result

    @paper_file.validator
    def validate_paper_file(self, request: PaperFileRequest) -> None:
        """A paper file with a step the rules refuse is rejected whole; nothing is written."""
        if request.command_id is not None and request.command_id in self._answered:
            return
        self._replay_paper_file(request)

    def _replay_paper_file(self, request: PaperFileRequest) -> list[Step]:
        steps = [PaperStep(command=s.command, actor=s.actor, at=s.at) for s in request.steps]
        try:
            return replay_paper_file(
                self.lifecycle,
                self._current,
                steps,
                workflow.now(),
                self._calendar_of(request.holiday_notices),
                self._last_step_at,
            )
        except PaperFileRefused as refused:
            raise ApplicationError(
                refused.message,
                {"code": refused.step_code, "step": refused.index},
                type=refused.step_code,
                non_retryable=True,
            ) from None

    # --- effects: work a lifecycle starts once its events are recorded ----------------------

    def start_effects(self, events: list[Event]) -> None:
        """Override to start background work (e.g. an external check) that `events` call for.

        Use `spawn`; report results back with `run_internal`. Never block here.
        """

    async def note_before(self, request: CommandRequest) -> dict[str, Any] | None:
        """Override to bring an outside fact into the case before a command is recorded (e.g.
        the district's weather before an outreach timer starts): fetch it with an activity and
        return the internal command that notes it, or None. Runs in the command's turn, after
        the command was admitted; the command is then decided again on the noted fact. The
        default does nothing (and adds nothing to history)."""
        return None

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
        task.add_done_callback(lambda _: setattr(self, "_wake", True))

    async def run_internal(self, command: dict[str, Any], actor: Actor = SYSTEM) -> list[Event]:
        """Decide and record a command the case gives itself (an effect's outcome).

        A refusal is not an error here (a late duplicate reply, a case that moved on): it is
        logged and nothing is recorded.
        """
        events = self._decide_internal(command, actor)
        if not events:
            return []
        await self._record(self._admit(events, actor, workflow.now()))
        self._wake_if_alarm_moved()
        self.start_effects(events)
        return events

    def _decide_internal(self, command: dict[str, Any], actor: Actor) -> list[Event]:
        parsed = self.lifecycle.parse_command(command)
        try:
            return self.lifecycle.decide(self._current, parsed, self._context(actor))
        except DomainError as error:
            workflow.logger.info(
                "internal command refused",
                extra={"case_id": self._case_id, "type": parsed.type, "code": error.code},
            )
            return []

    async def _record_note_first(
        self,
        note: dict[str, Any],
        decision: _Decision,
        request: CommandRequest,
        at: datetime,
    ) -> list[Event]:
        """In the command's turn: record an outside fact, then decide the command on it."""
        events = [e for e, _, _ in decision.entries]
        position = self._pending.index(decision)
        base = self.lifecycle.fold(
            [e for d in self._pending[:position] for e, _, _ in d.entries], self._recorded
        )
        try:
            parsed = self.lifecycle.decide(
                base, self.lifecycle.parse_command(note), self._context(SYSTEM)
            )
        except DomainError:
            return events  # the case already knows the fact
        noted = _Decision(
            entries=[(e, SYSTEM, workflow.now()) for e in parsed], ids=[None] * len(parsed)
        )
        self._pending.insert(position, noted)
        await self._record(noted, locked=True)
        try:
            command = self.lifecycle.parse_command(request.command)
            ctx = DecisionContext(now=at, actor=request.actor, calendar=self._calendar)
            redecided = self.lifecycle.decide(self._recorded, command, ctx)
        except DomainError:
            redecided = events  # acceptance never depends on the fact: keep the first decision
        decision.entries = [(e, request.actor, at) for e in redecided]
        decision.ids = self._ids_for(decision.command_id, len(redecided))
        self._refold()
        return redecided

    @workflow.update(name=RECORD_REFUSAL_UPDATE)
    async def record_refusal(self, record: RefusalRecord) -> int:
        """Keep an attempt refused for who made it (four eyes, role, unit) in the history."""
        if not self._calendar_loaded:
            await workflow.wait_condition(lambda: self._calendar_loaded)
        event = AttemptRefused(command=record.command_type, code=record.code, reason=record.reason)
        # Its own time, which holds no later paper step back.
        await self._record(self._admit([event], record.actor, workflow.now()))
        return self._version

    @record_refusal.validator
    def validate_refusal(self, record: RefusalRecord) -> None:
        if record.code not in WHO_MAY_ACT_CODES:
            raise ApplicationError("only who-may-act refusals are recorded", type="not_recordable")

    @workflow.query(name=STATE_QUERY)
    def view(self) -> CaseView:
        state = self._recorded
        return CaseView(
            case_id=self._case_id,
            kind=self.lifecycle.kind,
            version=self._version,
            stage=state.stage,
            state=state.model_dump(mode="json"),
        )

    # --- admitting and recording -------------------------------------------------------------

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
    ) -> _Decision:
        """Take a decision's place in line: later decisions are made on the state it leads to."""
        decision = _Decision(
            entries=[(e, actor, at) for e in events],
            command_id=command_id,
            ids=self._ids_for(command_id, len(events)),
        )
        self._pending.append(decision)
        self._decided = self.lifecycle.fold(events, self._decided)
        if _is_step_by_a_person(actor, events):
            self._last_step_at = at if self._last_step_at is None else max(at, self._last_step_at)
        return decision

    def _admit_steps(self, steps: list[Step], command_id: str | None = None) -> _Decision:
        entries = [(e, s.actor, s.at) for s in steps for e in s.events]
        decision = _Decision(
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

    async def _record(self, decision: _Decision, *, locked: bool = False) -> None:
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
