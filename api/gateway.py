"""Sends commands to case workflows and translates Temporal's answers into named outcomes.

Every command carries a command id, which is its Temporal update id: sending the same id again
joins the first attempt (or gets its outcome) instead of deciding the command twice. An answer
says "nothing was changed" only when the call never reached Temporal; when a command reached
it and no answer came back, the outcome is `CommandPending` (not known yet).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NoReturn, TypeVar

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import GetWorkflowExecutionHistoryReverseRequest
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateHandle,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    WorkflowUpdateStage,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from api.outcomes import (
    BROKEN_STATUSES,
    CaseIdTaken,
    CaseNotFound,
    CaseWorkflowFailing,
    CommandPending,
    CommandRefused,
    PaperFileStepRefused,
    never_connected,
    new_command_id,
    refusal_of,
)
from domain.actors import Actor
from domain.calendar import HolidayNotice, WorkingDayCalendar
from domain.case import WHO_MAY_ACT_CODES
from domain.errors import DomainError
from domain.lifecycle import Lifecycle
from domain.messages import DecisionContext
from domain.registry import kind_of_case
from workflows import search_attributes
from workflows.contracts import (
    COMMAND_UPDATE,
    PAPER_FILE_UPDATE,
    RECORD_REFUSAL_UPDATE,
    STATE_QUERY,
    CaseInput,
    CaseView,
    CommandRequest,
    CommandResult,
    PaperFileRequest,
    RefusalRecord,
)
from workflows.registry import WORKFLOW_NAMES

__all__ = [
    "CaseGateway",
    "CaseIdTaken",
    "CaseNotFound",
    "CaseWorkflowFailing",
    "CommandPending",
    "CommandRefused",
    "PaperFileStepRefused",
    "lifecycle_of",
    "new_command_id",
    "refusal_of",
]

R = TypeVar("R")
log = logging.getLogger("casework.gateway")

# How long a caller waits for an accepted command to be recorded before hearing "pending".
SETTLE_TIMEOUT = timedelta(seconds=15)
_QUICK = timedelta(seconds=2)
_TASK_OUTCOMES = {
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
}


class CaseGateway:
    """The one door through which commands reach cases."""

    def __init__(
        self,
        client: Client,
        task_queue: str,
        settle_timeout: timedelta = SETTLE_TIMEOUT,
        holiday_notices: Callable[[], list[HolidayNotice]] | None = None,
    ) -> None:
        self._client = client
        self._task_queue = task_queue
        # The bureau's holiday notices, sent with each command (None: cases keep their own).
        self._holiday_notices = holiday_notices
        self._settle = settle_timeout.total_seconds()
        self._settle_timedelta = settle_timeout

    @property
    def client(self) -> Client:
        return self._client

    def _notices(self) -> list[HolidayNotice] | None:
        return None if self._holiday_notices is None else self._holiday_notices()

    @property
    def task_queue(self) -> str:
        return self._task_queue

    @property
    def settle_timeout(self) -> timedelta:
        return self._settle_timedelta

    def check_opening(
        self, lifecycle: Lifecycle[Any], actor: Actor, command: dict[str, Any], now: datetime
    ) -> None:
        """Refuse an opening command the empty case would refuse, before anything starts."""
        parsed = lifecycle.parse_command(command)
        if parsed.type not in lifecycle.opening_commands:
            raise CommandRefused(
                "not_an_opening_command",
                f"a {lifecycle.kind} case opens with {', '.join(sorted(lifecycle.opening_commands))}",
            )
        try:
            lifecycle.decide(
                lifecycle.initial(""),
                parsed,
                DecisionContext(now, actor, WorkingDayCalendar(self._notices() or ())),
            )
        except DomainError as error:
            raise CommandRefused(error.code, error.message) from None

    async def open_case(
        self,
        lifecycle: Lifecycle[Any],
        case_id: str,
        actor: Actor,
        command: dict[str, Any],
        now: datetime,
        effective_at: datetime | None = None,
        command_id: str | None = None,
        join_existing: bool = False,
    ) -> CommandResult:
        """Start a case workflow with its opening command, atomically (update-with-start).

        The opening command is checked against the empty case first, so a refused one starts
        nothing at all. `join_existing` is for a retry of the same opening (same command id,
        same reserved case id): it joins the workflow the first attempt started, and Temporal
        answers with the first update's outcome.
        """
        self.check_opening(lifecycle, actor, command, effective_at or now)
        command_id = command_id or new_command_id()
        request = CommandRequest(
            actor=actor,
            command=command,
            effective_at=effective_at,
            command_id=command_id,
            holiday_notices=self._notices(),
        )
        return await self._start_case(
            lifecycle, case_id, COMMAND_UPDATE, request, command_id, join_existing
        )

    async def open_with_paper_file(
        self,
        lifecycle: Lifecycle[Any],
        case_id: str,
        request: PaperFileRequest,
        join_existing: bool = False,
    ) -> CommandResult:
        """Start a case whose whole known history is a paper file, atomically."""
        request = request.model_copy(
            update={
                "command_id": request.command_id or new_command_id(),
                "holiday_notices": request.holiday_notices or self._notices(),
            }
        )
        assert request.command_id is not None
        return await self._start_case(
            lifecycle, case_id, PAPER_FILE_UPDATE, request, request.command_id, join_existing
        )

    async def send(
        self,
        case_id: str,
        actor: Actor,
        command: dict[str, Any],
        effective_at: datetime | None = None,
        command_id: str | None = None,
    ) -> CommandResult:
        """Send a command to a running case; refusals come back as `CommandRefused`.

        `holiday_notices`: the bureau's notices as the sender knows them, for a command that
        must be decided with the calendar known now (the case adopts them first).
        """
        lifecycle_of(case_id).parse_command(command)  # malformed: pydantic's ValidationError, 422
        command_id = command_id or new_command_id()
        request = CommandRequest(
            actor=actor,
            command=command,
            effective_at=effective_at,
            command_id=command_id,
            holiday_notices=self._notices(),
        )
        try:
            return await self._update_case(case_id, COMMAND_UPDATE, request, command_id)
        except CommandRefused as refused:
            if refused.code in WHO_MAY_ACT_CODES:
                await self.record_refusal(
                    case_id,
                    actor,
                    str(command.get("type", "?")),
                    refused.code,
                    refused.message,
                    record_id=f"{command_id}-refusal",
                )
            raise

    async def send_paper_file(self, case_id: str, request: PaperFileRequest) -> CommandResult:
        """Enter paper steps into a running case, decided as of each step's date."""
        request = request.model_copy(
            update={
                "command_id": request.command_id or new_command_id(),
                "holiday_notices": request.holiday_notices or self._notices(),
            }
        )
        assert request.command_id is not None
        return await self._update_case(case_id, PAPER_FILE_UPDATE, request, request.command_id)

    async def record_refusal(
        self,
        case_id: str,
        actor: Actor,
        command_type: str,
        code: str,
        reason: str,
        record_id: str | None = None,
    ) -> None:
        """Keep an attempt refused for who made it in the case's history (four eyes' rule)."""
        record = RefusalRecord(actor=actor, command_type=command_type, code=code, reason=reason)
        # A closed case keeps no more records; the refusal itself still stands. The record is
        # awaited for as long as a command would be, never longer.
        with contextlib.suppress(
            WorkflowUpdateFailedError,
            WorkflowUpdateRPCTimeoutOrCancelledError,
            RPCError,
            CommandPending,
        ):
            update = await self._handle(case_id).start_update(
                RECORD_REFUSAL_UPDATE,
                record,
                id=record_id,  # a retried command's refusal is recorded once
                result_type=int,
                wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                rpc_timeout=self._settle_timedelta,
            )
            await self._settled(case_id, update)

    async def view(self, case_id: str) -> CaseView:
        """The workflow's own state of the case (works for closed cases too)."""
        try:
            view: CaseView = await self._handle(case_id).query(STATE_QUERY, result_type=CaseView)
            return view
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:
                raise CaseNotFound(case_id) from None
            raise

    async def workflow_problem(self, case_id: str) -> str | None:
        """Why the case's workflow cannot decide commands, or None when it looks healthy.

        Failing: the workflow failed or was terminated, or its workflow task is being retried
        after a worker ran it and it failed (nondeterminism, a payload too large). A task that
        timed out (a killed worker) is not a failure of the case.
        """
        try:
            description = await self._handle(case_id).describe(rpc_timeout=_QUICK)
            status = description.status
            if status in BROKEN_STATUSES:
                return f"workflow {status.name.lower() if status else 'unknown'}"
            task = description.raw_description.pending_workflow_task
            if task.attempt < 2 or not await self._last_task_failed(case_id):
                return None
        except (RPCError, RuntimeError):
            return None  # cannot tell; the caller answers pending
        return f"workflow task failing (attempt {task.attempt})"

    # --- sending -------------------------------------------------------------------------

    async def _start_case(
        self,
        lifecycle: Lifecycle[Any],
        case_id: str,
        update_name: str,
        arg: Any,
        command_id: str,
        join_existing: bool,
    ) -> CommandResult:
        start: WithStartWorkflowOperation[Any, Any] = WithStartWorkflowOperation(
            WORKFLOW_NAMES[lifecycle.kind],
            CaseInput(case_id=case_id, kind=lifecycle.kind),
            id=case_id,
            task_queue=self._task_queue,
            # A new case never joins a workflow that exists, or reuses a closed one's id: that
            # would mean the case numbers and Temporal disagree (e.g. a restored database). A
            # retry of the same opening joins the workflow its first attempt started.
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING
            if join_existing
            else WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=search_attributes.initial(lifecycle.kind),
        )
        try:
            update = await self._client.start_update_with_start_workflow(
                update_name,
                arg,
                id=command_id,
                start_workflow_operation=start,
                result_type=CommandResult,
                wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                rpc_timeout=self._settle_timedelta,
            )
        except WorkflowUpdateFailedError as failed:
            raise refusal_of(failed) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            await _consume(start)
            await self._not_accepted(case_id, command_id)
        except RPCError as error:
            await _consume(start)
            raise await self._rpc_outcome(case_id, command_id, error) from None
        except WorkflowAlreadyStartedError:
            await _consume(start)
            raise CaseIdTaken(case_id) from None
        try:
            return await self._settled(case_id, update)
        except WorkflowUpdateFailedError as failed:
            raise refusal_of(failed) from None

    async def _update_case(
        self, case_id: str, update_name: str, arg: Any, command_id: str
    ) -> CommandResult:
        try:
            update = await self._handle(case_id).start_update(
                update_name,
                arg,
                id=command_id,
                result_type=CommandResult,
                wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                rpc_timeout=self._settle_timedelta,
            )
        except WorkflowUpdateFailedError as failed:
            raise refusal_of(failed) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            await self._not_accepted(case_id, command_id)
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:
                await self._closed_or_missing(case_id, command_id)
            raise await self._rpc_outcome(case_id, command_id, error) from None
        try:
            return await self._settled(case_id, update)
        except WorkflowUpdateFailedError as failed:
            raise refusal_of(failed) from None

    async def _settled(self, case_id: str, update: WorkflowUpdateHandle[R]) -> R:
        """The accepted update's result; its outcome is unknown (pending) if none comes."""
        waiting = asyncio.ensure_future(update.result())
        done, _ = await asyncio.wait({waiting}, timeout=self._settle)
        if not done:
            # Stop waiting, not the command: the case still records it once it can.
            waiting.cancel()
            with contextlib.suppress(BaseException):
                await waiting
            raise CommandPending(case_id, update.id, "accepted, not recorded yet")
        try:
            return waiting.result()
        except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError, RuntimeError) as error:
            # Accepted, then Temporal stopped answering: the case records it regardless.
            raise CommandPending(case_id, update.id, f"accepted; {type(error).__name__}") from None

    # --- naming what happened ------------------------------------------------------------

    async def _not_accepted(self, case_id: str, command_id: str) -> NoReturn:
        """No worker accepted the update in time. Temporal still holds it (admitted) and hands
        it to the next worker that polls, so its outcome is unknown: pending, never "nothing
        was recorded". A case whose workflow task keeps failing is named as such."""
        problem = await self.workflow_problem(case_id)
        if problem is not None:
            log.error(
                "case workflow failing; commands cannot be decided",
                extra={"case_id": case_id, "problem": problem},
            )
            raise CaseWorkflowFailing(case_id, command_id, problem)
        raise CommandPending(case_id, command_id, "not accepted yet")

    async def _rpc_outcome(self, case_id: str, command_id: str, error: RPCError) -> Exception:
        """An RPC error while sending: "nothing changed" only when the call never reached
        Temporal (no connection could be made); otherwise the outcome is unknown. Temporal
        refuses new updates (FAILED_PRECONDITION) to a workflow whose task keeps failing."""
        if never_connected(error) or error.status is RPCStatusCode.INVALID_ARGUMENT:
            return error  # 503 "nothing was changed" / 413 (api.availability, api.problems)
        if error.status is RPCStatusCode.FAILED_PRECONDITION:
            problem = await self.workflow_problem(case_id)
            if problem is not None:
                log.error("case workflow failing", extra={"case_id": case_id, "problem": problem})
                return CaseWorkflowFailing(case_id, command_id, problem)
        return CommandPending(
            case_id, command_id, f"temporal: {error.status.name if error.status else '?'}"
        )

    async def _closed_or_missing(self, case_id: str, command_id: str) -> NoReturn:
        try:
            description = await self._handle(case_id).describe()
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:
                raise CaseNotFound(case_id) from None
            raise
        if description.status in BROKEN_STATUSES:
            detail = f"workflow {description.status.name.lower() if description.status else '?'}"
            log.error("case workflow stopped", extra={"case_id": case_id, "problem": detail})
            raise CaseWorkflowFailing(case_id, command_id, detail)
        raise CommandRefused("case_closed", f"{case_id} is closed; it takes no more commands")

    async def _last_task_failed(self, case_id: str) -> bool:
        """Whether the newest workflow-task outcome in the history is a failure (retries of a
        failing task are not written to the history, so the first failure stays newest)."""
        response = await self._client.workflow_service.get_workflow_execution_history_reverse(
            GetWorkflowExecutionHistoryReverseRequest(
                namespace=self._client.namespace,
                execution=WorkflowExecution(workflow_id=case_id),
                maximum_page_size=20,
            ),
            timeout=_QUICK,
        )
        for event in response.history.events:
            if event.event_type in _TASK_OUTCOMES:
                return event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
        return False

    def _handle(self, case_id: str) -> WorkflowHandle[Any, Any]:
        return self._client.get_workflow_handle(case_id)


async def _consume(start: WithStartWorkflowOperation[Any, Any]) -> None:
    """The start operation holds the call's error too; take it, or asyncio complains that a
    future's exception was never retrieved. It is already settled when the call has failed."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(start.workflow_handle(), timeout=1)


def lifecycle_of(case_id: str) -> Lifecycle[Any]:
    """The lifecycle a case id belongs to; an id of no lifecycle is an unknown case (404)."""
    try:
        return kind_of_case(case_id)
    except DomainError:
        raise CaseNotFound(case_id) from None
