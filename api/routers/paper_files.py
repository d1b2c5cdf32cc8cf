"""Paper files: a case's whole known history entered in one request (paper-file migration).

Each step is decided in order as of its own date, against the state and clocks as of that
date; only rungs that were really due before the next step escalate in between (and, after the
last step, whatever is overdue now). A step the rules refuse refuses the whole file, naming it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from activities.calendar import PACKAGED_NOTICES, read_notices
from api import availability
from api.deps import ActorDep, ServicesDep
from api.gateway import CaseIdTaken, CaseNotFound, CommandPending, PaperFileStepRefused
from api.problems import ServiceUnavailable
from api.scope import require_case_access, require_may_change, require_opening_unit
from domain.actors import Actor, Role
from domain.calendar import SHANGHAI, WorkingDayCalendar, local_date
from domain.errors import DomainError
from domain.lifecycle import Lifecycle
from domain.registry import LIFECYCLES, kind_of_case
from domain.timeline import PaperFileRefused, PaperStep, replay_paper_file
from store.case_numbers import next_case_id
from store.queries import get_case
from workflows.contracts import CommandResult, PaperFileRequest, PaperFileStep

log = logging.getLogger("casework.api")
ID_ATTEMPTS = 5

router = APIRouter(prefix="/cases", tags=["paper files"])


class PaperStepIn(BaseModel):
    """One step of the file as it stands on paper."""

    command: dict[str, Any] = Field(description="A lifecycle command; `type` names it")
    actor: Actor = Field(description="Who did the step (the name on the paper), not the typist")
    at: datetime = Field(description="When it happened; without a zone, Shanghai time")


class PaperFileIn(BaseModel):
    reference: str | None = Field(default=None, max_length=100, description="档案号")
    steps: list[PaperStepIn] = Field(min_length=1, max_length=500)


class PaperFilePending(BaseModel):
    case_id: str
    status: str = "pending"
    message: str


def _request(services: ServicesDep, actor: Actor, body: PaperFileIn) -> PaperFileRequest:
    require_may_change(actor)
    if not services.settings.allow_backdating:
        raise DomainError("backdating_disabled", "paper-file entry is not enabled on this server")
    steps = []
    for index, step in enumerate(body.steps):
        if step.actor.role in (Role.SYSTEM, Role.INTEGRATION):
            raise PaperFileStepRefused(
                "role_not_allowed", f"step {index + 1}: a paper step is done by a person", index
            )
        at = step.at if step.at.tzinfo is not None else step.at.replace(tzinfo=SHANGHAI)
        steps.append(PaperFileStep(actor=step.actor, command=step.command, at=at))
    return PaperFileRequest(entered_by=actor, reference=body.reference, steps=steps)


def _opening_lifecycle(command: dict[str, Any]) -> Lifecycle[Any]:
    for lifecycle in LIFECYCLES.values():
        if command.get("type") in lifecycle.opening_commands:
            return lifecycle
    raise PaperFileStepRefused(
        "not_an_opening_command", "step 1: a new case's paper file starts with its opening", 0
    )


def _precheck(services: ServicesDep, lifecycle: Lifecycle[Any], request: PaperFileRequest) -> None:
    """Decide the whole file on an empty case first, so a refused file starts nothing."""
    calendar = WorkingDayCalendar(
        read_notices(PACKAGED_NOTICES, services.settings.holiday_notices_dir)
    )
    steps = [PaperStep(command=s.command, actor=s.actor, at=s.at) for s in request.steps]
    try:
        replay_paper_file(lifecycle, lifecycle.initial(""), steps, datetime.now(UTC), calendar)
    except PaperFileRefused as refused:
        raise PaperFileStepRefused(refused.step_code, refused.message, refused.index) from None


def _pending(pending: CommandPending) -> JSONResponse:
    body = PaperFilePending(
        case_id=pending.case_id,
        message="accepted by the case; it is recorded as soon as the ledger answers again",
    )
    return JSONResponse(status_code=status.HTTP_202_ACCEPTED, content=body.model_dump())


@router.post(
    "/import",
    status_code=status.HTTP_201_CREATED,
    response_model=CommandResult,
    responses={202: {"model": PaperFilePending}, 409: {}, 422: {}},
)
async def import_paper_file(body: PaperFileIn, actor: ActorDep, services: ServicesDep) -> Any:
    """Open a case from a paper file: every step with its real date and actor, in one request."""
    request = _request(services, actor, body)
    lifecycle = _opening_lifecycle(request.steps[0].command)
    _precheck(services, lifecycle, request)
    require_opening_unit(actor, request.steps[0].command)  # the typist's unit, or a route
    year = local_date(request.steps[0].at).year
    for _attempt in range(ID_ATTEMPTS):
        async with availability.postgresql():
            case_id = await next_case_id(services.engine, lifecycle.id_prefix, year)
        try:
            async with availability.temporal():
                return await services.gateway.open_with_paper_file(lifecycle, case_id, request)
        except CommandPending as pending:
            return _pending(pending)
        except CaseIdTaken:
            log.warning("case id already used in Temporal", extra={"case_id": case_id})
    raise ServiceUnavailable("postgresql", "case numbers keep colliding with existing workflows")


@router.post(
    "/{case_id}/import",
    response_model=CommandResult,
    responses={202: {"model": PaperFilePending}, 404: {}, 409: {}, 422: {}},
)
async def continue_paper_file(
    case_id: str, body: PaperFileIn, actor: ActorDep, services: ServicesDep
) -> Any:
    """Enter further paper steps into a case, each decided as of its own date."""
    try:
        kind_of_case(case_id)
    except DomainError:
        raise CaseNotFound(case_id) from None
    request = _request(services, actor, body)
    async with availability.postgresql():
        row = await get_case(services.engine, case_id)
    if row is None:
        raise CaseNotFound(case_id)
    require_case_access(actor, case_id, row.unit)
    try:
        async with availability.temporal():
            return await services.gateway.send_paper_file(case_id, request)
    except CommandPending as pending:
        return _pending(pending)
