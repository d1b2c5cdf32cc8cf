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
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from activities.calendar import PACKAGED_NOTICES, read_notices
from api import availability, idempotency
from api.deps import ActorDep, ServicesDep
from api.gateway import CaseIdTaken, CaseNotFound, PaperFileStepRefused
from api.idempotency import IdempotencyKey
from api.problems import Pending, ServiceUnavailable
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
IMPORT_TARGET = "POST /cases/import"

router = APIRouter(prefix="/cases", tags=["paper files"])


class PaperStepIn(BaseModel):
    """One step of the file as it stands on paper."""

    command: dict[str, Any] = Field(description="A lifecycle command; `type` names it")
    actor: Actor = Field(description="Who did the step (the name on the paper), not the typist")
    at: datetime = Field(description="When it happened; without a zone, Shanghai time")


class PaperFileIn(BaseModel):
    reference: str | None = Field(default=None, max_length=100, description="档案号")
    steps: list[PaperStepIn] = Field(min_length=1, max_length=500)


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


@router.post(
    "/import",
    status_code=status.HTTP_201_CREATED,
    response_model=CommandResult,
    responses={202: {"model": Pending}, 409: {}, 422: {}},
)
async def import_paper_file(
    body: PaperFileIn,
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Open a case from a paper file: every step with its real date and actor, in one request.

    With an `Idempotency-Key`, a retry opens nothing new and gets the first answer."""
    request = _request(services, actor, body)
    lifecycle = _opening_lifecycle(request.steps[0].command)
    require_opening_unit(actor, request.steps[0].command)  # the typist's unit, or a route
    door = await idempotency.enter(
        services, actor, idempotency_key, IMPORT_TARGET, body.model_dump(mode="json")
    )
    return await door.run(lambda: _open(services, door, lifecycle, request))


async def _open(
    services: ServicesDep,
    door: idempotency.Door,
    lifecycle: Lifecycle[Any],
    request: PaperFileRequest,
) -> Response:
    _precheck(services, lifecycle, request)
    request = request.model_copy(update={"command_id": door.command_id})
    gateway = services.gateway
    if door.case_id is not None:  # a retry: the first attempt's case and workflow
        async with availability.temporal():
            result = await gateway.open_with_paper_file(
                lifecycle, door.case_id, request, join_existing=True
            )
        return _created(result)
    year = local_date(request.steps[0].at).year
    for _attempt in range(ID_ATTEMPTS):
        async with availability.postgresql():
            case_id = await next_case_id(services.engine, lifecycle.id_prefix, year)
        await door.reserve_case(case_id)
        try:
            async with availability.temporal():
                return _created(await gateway.open_with_paper_file(lifecycle, case_id, request))
        except CaseIdTaken:
            log.warning("case id already used in Temporal", extra={"case_id": case_id})
    raise ServiceUnavailable("postgresql", "case numbers keep colliding with existing workflows")


def _created(result: CommandResult) -> Response:
    return JSONResponse(status_code=status.HTTP_201_CREATED, content=result.model_dump(mode="json"))


@router.post(
    "/{case_id}/import",
    response_model=CommandResult,
    responses={202: {"model": Pending}, 404: {}, 409: {}, 422: {}},
)
async def continue_paper_file(
    case_id: str,
    body: PaperFileIn,
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Enter further paper steps into a case, each decided as of its own date."""
    try:
        kind_of_case(case_id)
    except DomainError:
        raise CaseNotFound(case_id) from None
    request = _request(services, actor, body)
    door = await idempotency.enter(
        services,
        actor,
        idempotency_key,
        f"POST /cases/{case_id}/import",
        body.model_dump(mode="json"),
        case_id=case_id,
    )
    return await door.run(lambda: _continue(services, door, case_id, actor, request))


async def _continue(
    services: ServicesDep,
    door: idempotency.Door,
    case_id: str,
    actor: Actor,
    request: PaperFileRequest,
) -> Response:
    async with availability.postgresql():
        row = await get_case(services.engine, case_id)
    if row is None:
        raise CaseNotFound(case_id)
    require_case_access(actor, case_id, row.unit)
    request = request.model_copy(update={"command_id": door.command_id})
    async with availability.temporal():
        result = await services.gateway.send_paper_file(case_id, request)
    return JSONResponse(content=result.model_dump(mode="json"))
