"""Every error the API answers with: a status, a stable code, and a message a person can act on."""

from __future__ import annotations

from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.exc import DBAPIError
from temporalio.service import RPCError, RPCStatusCode

from api.auth import InvalidToken
from api.outcomes import (
    CaseNotFound,
    CaseWorkflowFailing,
    CommandPending,
    CommandRefused,
    PaperFileStepRefused,
)
from domain.catalogue import error_label
from domain.errors import DomainError
from store.data_errors import is_unavailable
from store.idempotency import KeyInUse, KeyReused

# Refusals that are about who acts, not what the case allows.
FORBIDDEN_CODES = frozenset({"role_not_allowed", "four_eyes", "unit_not_allowed"})
# Refusals of what was sent, not of what the case allows: an impossible date, a malformed step.
INVALID_INPUT_CODES = frozenset({"bad_effective_time", "malformed_command", "empty_paper_file"})


def refusal_status(code: str) -> int:
    if code in FORBIDDEN_CODES:
        return 403
    return 422 if code in INVALID_INPUT_CODES else 409


class Problem(BaseModel):
    code: str
    message: str = Field(description="The reason for staff, in Chinese (from GET /vocabulary)")
    message_en: str = Field(description="The same in English, with the case's particulars")
    details: Any = None


def problem_body(
    code: str, message: str, details: Any = None, message_zh: str | None = None
) -> dict[str, Any]:
    """An error answer's body: the catalogue's Chinese reason, the English detail beside it."""
    chinese = message_zh or error_label(code) or message
    problem = Problem(code=code, message=chinese, message_en=message, details=details)
    return problem.model_dump(exclude_none=True)


class Pending(BaseModel):
    """A command whose outcome is not known yet; its status resource will tell."""

    case_id: str
    command_id: str
    status: str = "pending"
    status_url: str
    message: str = Field(description="For staff, in Chinese")
    message_en: str


def status_url(case_id: str, command_id: str) -> str:
    return f"/cases/{case_id}/commands/{command_id}"


def pending_answer(pending: CommandPending) -> JSONResponse:
    """202 + Location: the command reached the case; ask its status URL what became of it."""
    url = status_url(pending.case_id, pending.command_id)
    body = Pending(
        case_id=pending.case_id,
        command_id=pending.command_id,
        status_url=url,
        message=error_label("command_pending") or "",
        message_en="the case has the command and will record or refuse it once; "
        "ask the status URL (or retry with the same Idempotency-Key), never send it anew",
    )
    return JSONResponse(
        status_code=202,
        content=body.model_dump(),
        headers={"Location": url, "Retry-After": "2"},
    )


def paper_step_answer(error: PaperFileStepRefused) -> JSONResponse:
    """A paper file refused whole; `details.step` is the 0-based index of the refused step."""
    reason = error_label(error.code) or error.message
    return _answer(
        refusal_status(error.code),
        error.code,
        error.message,
        {"step": error.step},
        message_zh=f"第 {error.step + 1} 步：{reason}",
    )


def refusal_answer(code: str, message: str) -> JSONResponse:
    return _answer(refusal_status(code), code, message)


def validation_answer(exc: ValidationError) -> JSONResponse:
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    return _answer(422, "invalid_command", "the command's fields are not valid", errors)


def final_answer(error: BaseException) -> JSONResponse | None:
    """The answer for an error that is the request's final word (kept for key retries)."""
    if isinstance(error, PaperFileStepRefused):
        return paper_step_answer(error)
    if isinstance(error, CommandRefused | DomainError):
        return refusal_answer(error.code, error.message)
    if isinstance(error, ValidationError):
        return validation_answer(error)
    return None


async def _database_outage(_: Request, exc: Exception) -> JSONResponse:
    """PostgreSQL shutting down, restarting or gone, wherever it surfaces: 503, never 500."""
    if not is_unavailable(exc):
        raise exc
    return _answer(
        503,
        "postgresql_unavailable",
        "postgresql is not answering; nothing was changed",
        {"service": "postgresql", "error": type(exc).__name__},
        **{"Retry-After": "5"},
    )


class InvalidInput(Exception):
    """A value the database cannot hold (out of range, a NUL character): the caller's to fix."""


class ServiceUnavailable(Exception):
    """A server casework depends on is not answering."""

    def __init__(self, service: str, detail: str) -> None:
        super().__init__(f"{service} unavailable: {detail}")
        self.service = service
        self.detail = detail


def _answer(
    status: int,
    code: str,
    message: str,
    details: Any = None,
    message_zh: str | None = None,
    **headers: str,
) -> JSONResponse:
    body = problem_body(code, message, details, message_zh)
    return JSONResponse(status_code=status, content=body, headers=headers or None)


def install(app: FastAPI) -> None:
    @app.exception_handler(CommandRefused)
    async def refused(_: Request, exc: CommandRefused) -> JSONResponse:
        return _answer(refusal_status(exc.code), exc.code, exc.message)

    @app.exception_handler(PaperFileStepRefused)
    async def paper_step_refused(_: Request, exc: PaperFileStepRefused) -> JSONResponse:
        return paper_step_answer(exc)

    @app.exception_handler(DomainError)
    async def domain(_: Request, exc: DomainError) -> JSONResponse:
        return _answer(refusal_status(exc.code), exc.code, exc.message)

    @app.exception_handler(CommandPending)
    async def pending(_: Request, exc: CommandPending) -> JSONResponse:
        return pending_answer(exc)

    @app.exception_handler(CaseWorkflowFailing)
    async def failing(_: Request, exc: CaseWorkflowFailing) -> JSONResponse:
        url = status_url(exc.case_id, exc.command_id)
        return _answer(
            503,
            "case_workflow_failing",
            f"{exc.case_id} cannot take commands until an operator repairs it ({exc.detail}); "
            "a command it already holds is decided once it is repaired: ask the status URL",
            {"status_url": url, "problem": exc.detail},
            **{"Location": url, "Retry-After": "60"},
        )

    @app.exception_handler(KeyReused)
    async def key_mismatch(_: Request, exc: KeyReused) -> JSONResponse:
        return _answer(
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was first used for another request; use a fresh key per action",
        )

    @app.exception_handler(KeyInUse)
    async def key_busy(_: Request, exc: KeyInUse) -> JSONResponse:
        return _answer(
            409,
            "idempotency_key_in_use",
            "a request with this Idempotency-Key is still being answered; retry shortly",
            **{"Retry-After": "2"},
        )

    @app.exception_handler(RPCError)
    async def temporal_error(_: Request, exc: RPCError) -> JSONResponse:
        if exc.status is RPCStatusCode.INVALID_ARGUMENT and "size" in exc.message.lower():
            return _answer(413, "payload_too_large", "the command is too large for a case")
        return _answer(
            503,
            "temporal_error",
            f"Temporal answered {exc.status.name if exc.status else 'an error'}",
            {"service": "temporal", "error": exc.message[:200]},
            **{"Retry-After": "5"},
        )

    for outage in (DBAPIError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
        app.add_exception_handler(outage, _database_outage)

    @app.exception_handler(CaseNotFound)
    async def not_found(_: Request, exc: CaseNotFound) -> JSONResponse:
        return _answer(404, "case_not_found", f"no case {exc.args[0]!r}")

    @app.exception_handler(ValidationError)
    async def invalid(_: Request, exc: ValidationError) -> JSONResponse:
        return validation_answer(exc)

    @app.exception_handler(InvalidInput)
    async def invalid_input(_: Request, exc: InvalidInput) -> JSONResponse:
        return _answer(422, "invalid_input", f"a value is out of range or not storable: {exc}")

    @app.exception_handler(InvalidToken)
    async def unauthorised(_: Request, exc: InvalidToken) -> JSONResponse:
        return _answer(401, "unauthorised", str(exc), **{"WWW-Authenticate": "Bearer"})

    @app.exception_handler(ServiceUnavailable)
    async def unavailable(_: Request, exc: ServiceUnavailable) -> JSONResponse:
        return _answer(
            503,
            f"{exc.service}_unavailable",
            f"{exc.service} is not answering; nothing was changed",
            {"service": exc.service, "error": exc.detail},
            **{"Retry-After": "5"},
        )
