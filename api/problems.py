"""Every error the API answers with: a status, a stable code, and a message a person can act on."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError

from api.auth import InvalidToken
from api.gateway import CaseNotFound, CommandRefused, PaperFileStepRefused, WorkerUnavailable
from domain.catalogue import error_label
from domain.errors import DomainError

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
        # The file is refused whole; `step` is the 0-based index of the step that was refused.
        reason = error_label(exc.code) or exc.message
        return _answer(
            refusal_status(exc.code),
            exc.code,
            exc.message,
            {"step": exc.step},
            message_zh=f"第 {exc.step + 1} 步：{reason}",
        )

    @app.exception_handler(DomainError)
    async def domain(_: Request, exc: DomainError) -> JSONResponse:
        return _answer(refusal_status(exc.code), exc.code, exc.message)

    @app.exception_handler(CaseNotFound)
    async def not_found(_: Request, exc: CaseNotFound) -> JSONResponse:
        return _answer(404, "case_not_found", f"no case {exc.args[0]!r}")

    @app.exception_handler(ValidationError)
    async def invalid(_: Request, exc: ValidationError) -> JSONResponse:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        return _answer(422, "invalid_command", "the command's fields are not valid", errors)

    @app.exception_handler(InvalidInput)
    async def invalid_input(_: Request, exc: InvalidInput) -> JSONResponse:
        return _answer(422, "invalid_input", f"a value is out of range or not storable: {exc}")

    @app.exception_handler(InvalidToken)
    async def unauthorised(_: Request, exc: InvalidToken) -> JSONResponse:
        return _answer(401, "unauthorised", str(exc), **{"WWW-Authenticate": "Bearer"})

    @app.exception_handler(WorkerUnavailable)
    async def no_worker(_: Request, exc: WorkerUnavailable) -> JSONResponse:
        return _answer(
            503,
            "worker_unavailable",
            f"no worker took the command for {exc.args[0]} in time; nothing was recorded, send it again",
            **{"Retry-After": "10"},
        )

    @app.exception_handler(ServiceUnavailable)
    async def unavailable(_: Request, exc: ServiceUnavailable) -> JSONResponse:
        return _answer(
            503,
            f"{exc.service}_unavailable",
            f"{exc.service} is not answering; nothing was changed",
            {"service": exc.service, "error": exc.detail},
            **{"Retry-After": "5"},
        )
