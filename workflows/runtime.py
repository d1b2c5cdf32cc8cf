"""The case runtime: command → decide → persist → evolve → re-arm clocks, for every lifecycle.

A lifecycle workflow subclasses `CaseWorkflow`, names its `lifecycle` and forwards its
`@workflow.run` to `run_case`. Everything else (the command update and its validator, the
state query, clocks, escalation, continue-as-new) lives here, with admitting and recording in
workflows/case_record.py, the calendar in case_calendar.py and paper files in paper_files.py.

Every decision is made once, when its command is admitted, against the state that includes
every decision admitted before it (`_decided`); decisions are then recorded in the order they
were made (a FIFO lock), and `_recorded` follows the ledger. So the validator's answer is the
handler's answer, and a command the case accepted is recorded, never refused later.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from datetime import datetime, timedelta
from typing import Any, ClassVar

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from domain.actors import SYSTEM, Actor
    from domain.calendar import WorkingDayCalendar
    from domain.case import WHO_MAY_ACT_CODES, AttemptRefused, CaseState
    from domain.errors import DomainError
    from domain.lifecycle import Lifecycle
    from domain.messages import Command, DecisionContext, Event
    from domain.timeline import (
        next_escalation,
    )
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

from workflows.case_record import Decision
from workflows.paper_files import PaperFiles

# A case whose opening command never succeeded (its workflow started, the command was refused)
# ends by itself instead of waiting forever.
OPENING_GRACE = timedelta(hours=1)
OPENING_GRACE_NOW = timedelta(minutes=2)


def refusal(error: DomainError) -> ApplicationError:
    """A domain refusal as Temporal carries it to the caller: type = the domain's code."""
    return ApplicationError(
        error.message, {"code": error.code}, type=error.code, non_retryable=True
    )


class CaseWorkflow(PaperFiles):
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
        self._pending: list[Decision] = []
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
                if not self._is_decide_once or not self._pending:
                    return CaseOutcome(case_id=self._case_id, version=0, stage="abandoned")
                # An accepted opening still waits for the ledger (PostgreSQL down): it is
                # recorded when the ledger answers, never abandoned.
                await workflow.wait_condition(lambda: self._version > 0)
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

    # --- effects: work a lifecycle starts once its events are recorded ----------------------

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
        decision: Decision,
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
        noted = Decision(
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
