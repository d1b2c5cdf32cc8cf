"""Sends commands to case workflows and translates Temporal's answers into named outcomes."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta
from typing import Any, TypeVar

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
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.actors import Actor
from domain.calendar import WorkingDayCalendar
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

R = TypeVar("R")


class CommandRefused(Exception):
    """The case's rules refused the command; nothing was written."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class PaperFileStepRefused(CommandRefused):
    """A step of a paper file the rules refuse (or whose date is impossible): nothing written."""

    def __init__(self, code: str, message: str, step: int) -> None:
        super().__init__(code, message)
        self.step = step


class CaseNotFound(Exception):
    pass


class CaseIdTaken(Exception):
    """Temporal already has a workflow under this new case's id: take the next number."""


class WorkerUnavailable(Exception):
    """No worker took the command within the settle time: nothing was recorded."""


class CommandPending(Exception):
    """The case accepted the command but has not recorded it yet (e.g. PostgreSQL is down).

    It is not lost: the workflow records it as soon as the ledger answers again.
    """

    def __init__(self, case_id: str, update_id: str) -> None:
        super().__init__(f"{case_id}: command {update_id} accepted, not yet recorded")
        self.case_id = case_id
        self.update_id = update_id


# How long a caller waits for an accepted command to be recorded before hearing "pending".
SETTLE_TIMEOUT = timedelta(seconds=15)


class CaseGateway:
    """The one door through which commands reach cases."""

    def __init__(
        self, client: Client, task_queue: str, settle_timeout: timedelta = SETTLE_TIMEOUT
    ) -> None:
        self._client = client
        self._task_queue = task_queue
        self._settle = settle_timeout.total_seconds()
        self._settle_timedelta = settle_timeout

    @property
    def client(self) -> Client:
        return self._client

    @property
    def task_queue(self) -> str:
        return self._task_queue

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
                DecisionContext(now, actor, WorkingDayCalendar()),
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
    ) -> CommandResult:
        """Start a case workflow with its opening command, atomically (update-with-start).

        The opening command is checked against the empty case first, so a refused one starts
        nothing at all.
        """
        self.check_opening(lifecycle, actor, command, effective_at or now)
        start: WithStartWorkflowOperation[Any, Any] = WithStartWorkflowOperation(
            WORKFLOW_NAMES[lifecycle.kind],
            CaseInput(case_id=case_id, kind=lifecycle.kind),
            id=case_id,
            task_queue=self._task_queue,
            # A new case never joins a workflow that exists, or reuses a closed one's id: that
            # would mean the case numbers and Temporal disagree (e.g. a restored database).
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=search_attributes.initial(lifecycle.kind),
        )
        try:
            update = await self._client.start_update_with_start_workflow(
                COMMAND_UPDATE,
                CommandRequest(actor=actor, command=command, effective_at=effective_at),
                start_workflow_operation=start,
                result_type=CommandResult,
                wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                rpc_timeout=self._settle_timedelta,
            )
            return await self._settled(case_id, update)
        except WorkflowUpdateFailedError as failed:
            raise _refused(failed) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise WorkerUnavailable(case_id) from None
        except WorkflowAlreadyStartedError:
            with contextlib.suppress(WorkflowAlreadyStartedError):
                await start.workflow_handle()  # the operation holds the same error: consume it
            raise CaseIdTaken(case_id) from None

    async def send(
        self,
        case_id: str,
        actor: Actor,
        command: dict[str, Any],
        effective_at: datetime | None = None,
    ) -> CommandResult:
        """Send a command to a running case; refusals come back as `CommandRefused`."""
        lifecycle_of(case_id).parse_command(command)  # malformed: pydantic's ValidationError, 422
        try:
            update = await self._handle(case_id).start_update(
                COMMAND_UPDATE,
                CommandRequest(actor=actor, command=command, effective_at=effective_at),
                result_type=CommandResult,
                wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                rpc_timeout=self._settle_timedelta,
            )
            return await self._settled(case_id, update)
        except WorkflowUpdateFailedError as failed:
            refused = _refused(failed)
            if refused.code in WHO_MAY_ACT_CODES:
                await self.record_refusal(
                    case_id, actor, str(command.get("type", "?")), refused.code, refused.message
                )
            raise refused from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            # Not accepted in time (no worker is polling the case's queue): an update that was
            # never accepted is not kept, so nothing was recorded.
            raise WorkerUnavailable(case_id) from None
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:
                if await self._exists(case_id):
                    raise CommandRefused(
                        "case_closed", f"{case_id} is closed; it takes no more commands"
                    ) from None
                raise CaseNotFound(case_id) from None
            raise

    async def record_refusal(
        self, case_id: str, actor: Actor, command_type: str, code: str, reason: str
    ) -> None:
        """Keep an attempt refused for who made it in the case's history (four eyes' rule)."""
        record = RefusalRecord(actor=actor, command_type=command_type, code=code, reason=reason)
        # A closed case keeps no more records; the refusal itself still stands. The record is
        # awaited for as long as a command would be, never longer.
        with contextlib.suppress(WorkflowUpdateFailedError, RPCError, CommandPending):
            update = await self._handle(case_id).start_update(
                RECORD_REFUSAL_UPDATE,
                record,
                result_type=int,
                wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                rpc_timeout=self._settle_timedelta,
            )
            await self._settled(case_id, update)

    async def _settled(self, case_id: str, update: WorkflowUpdateHandle[R]) -> R:
        waiting = asyncio.ensure_future(update.result())
        done, _ = await asyncio.wait({waiting}, timeout=self._settle)
        if not done:
            # Stop waiting, not the command: the case still records it once it can.
            waiting.cancel()
            with contextlib.suppress(BaseException):
                await waiting
            raise CommandPending(case_id, update.id)
        return waiting.result()

    async def view(self, case_id: str) -> CaseView:
        """The workflow's own state of the case (works for closed cases too)."""
        try:
            view: CaseView = await self._handle(case_id).query(STATE_QUERY, result_type=CaseView)
            return view
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:
                raise CaseNotFound(case_id) from None
            raise

    async def _exists(self, case_id: str) -> bool:
        try:
            await self._handle(case_id).describe()
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:
                return False
            raise
        return True

    # --- paper files: a case's known history in one request ---------------------------------

    async def open_with_paper_file(
        self, lifecycle: Lifecycle[Any], case_id: str, request: PaperFileRequest
    ) -> CommandResult:
        """Start a case whose whole known history is a paper file, atomically."""
        start: WithStartWorkflowOperation[Any, Any] = WithStartWorkflowOperation(
            WORKFLOW_NAMES[lifecycle.kind],
            CaseInput(case_id=case_id, kind=lifecycle.kind),
            id=case_id,
            task_queue=self._task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=search_attributes.initial(lifecycle.kind),
        )
        try:
            update = await self._client.start_update_with_start_workflow(
                PAPER_FILE_UPDATE,
                request,
                start_workflow_operation=start,
                result_type=CommandResult,
                wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                rpc_timeout=self._settle_timedelta,
            )
            return await self._settled(case_id, update)
        except WorkflowUpdateFailedError as failed:
            raise _paper_refused(failed) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise WorkerUnavailable(case_id) from None
        except WorkflowAlreadyStartedError:
            with contextlib.suppress(WorkflowAlreadyStartedError):
                await start.workflow_handle()
            raise CaseIdTaken(case_id) from None

    async def send_paper_file(self, case_id: str, request: PaperFileRequest) -> CommandResult:
        """Enter paper steps into a running case, decided as of each step's date."""
        try:
            update = await self._handle(case_id).start_update(
                PAPER_FILE_UPDATE,
                request,
                result_type=CommandResult,
                wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                rpc_timeout=self._settle_timedelta,
            )
            return await self._settled(case_id, update)
        except WorkflowUpdateFailedError as failed:
            raise _paper_refused(failed) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise WorkerUnavailable(case_id) from None
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:
                raise CaseNotFound(case_id) from None
            raise

    def _handle(self, case_id: str) -> WorkflowHandle[Any, Any]:
        return self._client.get_workflow_handle(case_id)


def lifecycle_of(case_id: str) -> Lifecycle[Any]:
    """The lifecycle a case id belongs to; an id of no lifecycle is an unknown case (404)."""
    try:
        return kind_of_case(case_id)
    except DomainError:
        raise CaseNotFound(case_id) from None


def _refused(failed: WorkflowUpdateFailedError) -> CommandRefused:
    cause = failed.cause
    if isinstance(cause, ApplicationError):
        return CommandRefused(cause.type or "refused", cause.message)
    return CommandRefused("refused", str(cause))


def _paper_refused(failed: WorkflowUpdateFailedError) -> CommandRefused:
    cause = failed.cause
    if isinstance(cause, ApplicationError) and cause.details:
        detail = cause.details[0]
        if isinstance(detail, dict) and "step" in detail:
            return PaperFileStepRefused(cause.type or "refused", cause.message, int(detail["step"]))
    return _refused(failed)
