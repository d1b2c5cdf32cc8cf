"""What can become of a command sent to a case, as the gateway names it, and how Temporal's
errors map onto those names (certain, refused, or not known yet)."""

from __future__ import annotations

import uuid

from temporalio.client import WorkflowExecutionStatus, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode


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


class CommandPending(Exception):
    """The command's outcome is not known yet: it reached Temporal, and no answer came back
    within the settle time (no worker took it yet, the ledger is down, Temporal stopped
    answering). It is never an invitation to resend something new: its status resource (or a
    retry with the same command id) tells what became of it.
    """

    def __init__(self, case_id: str, command_id: str, reason: str) -> None:
        super().__init__(f"{case_id}: command {command_id} pending ({reason})")
        self.case_id = case_id
        self.command_id = command_id
        self.reason = reason

    @property
    def update_id(self) -> str:
        return self.command_id


class CaseWorkflowFailing(Exception):
    """The case's workflow cannot take commands: its workflow task keeps failing (a
    nondeterminism or payload error), or the workflow failed or was terminated. An operator
    must act; a command that reached it may still be recorded once the case is repaired."""

    def __init__(self, case_id: str, command_id: str, detail: str) -> None:
        super().__init__(f"{case_id}: workflow failing ({detail})")
        self.case_id = case_id
        self.command_id = command_id
        self.detail = detail


def new_command_id() -> str:
    """A command id for a request that brought no Idempotency-Key: every command has one."""
    return f"cmd-{uuid.uuid4().hex}"


BROKEN_STATUSES = {
    WorkflowExecutionStatus.FAILED,
    WorkflowExecutionStatus.TERMINATED,
    WorkflowExecutionStatus.TIMED_OUT,
}
# Messages of the Rust core's transport when no connection to Temporal could be made at all.
_NO_CONNECTION = ("tcp connect error", "connection refused", "failed client connect", "dns error")


def never_connected(error: RPCError) -> bool:
    """The call certainly changed nothing: it never reached Temporal, or was turned away."""
    if error.status is RPCStatusCode.RESOURCE_EXHAUSTED:
        return True  # rate-limited: refused before anything was admitted
    if error.status is not RPCStatusCode.UNAVAILABLE:
        return False
    return any(sign in error.message.lower() for sign in _NO_CONNECTION)


def refusal_of(failed: WorkflowUpdateFailedError) -> CommandRefused:
    """The refusal an update's failure carries (type = the domain's code); a paper file's
    refusal names the step it refused."""
    cause = failed.cause
    if isinstance(cause, ApplicationError):
        detail = cause.details[0] if cause.details else None
        if isinstance(detail, dict) and "step" in detail:
            return PaperFileStepRefused(cause.type or "refused", cause.message, int(detail["step"]))
        return CommandRefused(cause.type or "refused", cause.message)
    return CommandRefused("refused", str(cause))
