"""Operators open cases and send commands; everyone with read rights lists and reads them."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Response, status
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse

from api import availability, idempotency
from api.command_status import OPEN_TARGET, CommandStatus, command_status
from api.deps import ActorDep, ReaderDep, ServicesDep
from api.examples import COMMAND_EXAMPLES, OPENING_EXAMPLES
from api.gateway import CaseIdTaken, CaseNotFound, CommandPending, CommandRefused, lifecycle_of
from api.idempotency import IdempotencyKey
from api.metrics import METRICS
from api.problems import Pending, ServiceUnavailable
from api.schemas import (
    MAX_OFFSET,
    MAX_VERSION,
    AnyCommand,
    CaseDetail,
    CaseListItem,
    ClockBasis,
    OpeningCommand,
    clock_view,
)
from api.scope import (
    QUEUE_LEVELS,
    require_case_access,
    require_may_change,
    require_opening_unit,
    require_staff,
    sees_all,
    unit_filter,
)
from domain.calendar import SHANGHAI, local_date
from domain.errors import DomainError
from domain.lifecycle import Lifecycle
from domain.registry import LIFECYCLES
from store.case_numbers import next_case_id
from store.queries import CaseFilter, CaseSort, get_case, is_overdue, list_cases
from store.replay import case_as_of
from workflows.contracts import CommandResult

log = logging.getLogger("casework.api")
# Opening tries this many fresh case numbers if Temporal already holds one (see CaseIdTaken).
ID_ATTEMPTS = 5

router = APIRouter(prefix="/cases", tags=["cases"])
queue_router = APIRouter(prefix="/queue", tags=["cases"])


def _opening_lifecycle(command_type: str) -> Lifecycle[Any]:
    for lifecycle in LIFECYCLES.values():
        if command_type in lifecycle.opening_commands:
            return lifecycle
    raise DomainError("not_an_opening_command", f"{command_type} does not open a case")


EffectiveAt = Annotated[
    datetime | None,
    Header(
        alias="X-Effective-At",
        description="When the step really happened, for entering a paper file's history "
        "(only where the bureau enables it; never after now, never before the case's last step)",
    ),
]


def _effective(services: ServicesDep, effective_at: datetime | None) -> datetime | None:
    if effective_at is None:
        return None
    if not services.settings.allow_backdating:
        raise DomainError("backdating_disabled", "X-Effective-At is not enabled on this server")
    if effective_at.tzinfo is None:
        effective_at = effective_at.replace(tzinfo=SHANGHAI)
    if effective_at > datetime.now(UTC):
        raise DomainError("bad_effective_time", "X-Effective-At may not be in the future")
    return effective_at


_ANSWERS: dict[int | str, dict[str, Any]] = {
    202: {"model": Pending, "description": "Outcome not known yet: see `Location`"},
    409: {"description": "Refused by the case's rules, or the Idempotency-Key is in use"},
    422: {"description": "Malformed, or the Idempotency-Key was used for another request"},
    503: {"description": "A server is down (nothing was changed), or the case is failing"},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CommandResult,
    responses=_ANSWERS,
)
async def open_case(
    command: Annotated[OpeningCommand, Body(openapi_examples=OPENING_EXAMPLES)],
    actor: ActorDep,
    services: ServicesDep,
    effective_at: EffectiveAt = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Open a case with its first command (a rescue case opens with ReportPerson).

    With an `Idempotency-Key`, a retry opens nothing new: it gets the first answer (same case
    id, same version), or joins the first attempt if that is still on its way.
    """
    require_may_change(actor)
    raw = command.model_dump(mode="json")
    lifecycle = _opening_lifecycle(raw["type"])
    now = datetime.now(UTC)
    when = _effective(services, effective_at)
    door = await idempotency.enter(
        services, actor, idempotency_key, OPEN_TARGET, raw, effective_at=when
    )
    return await METRICS.observed(
        command.type, door.run(lambda: _open(services, door, lifecycle, actor, raw, now, when))
    )


async def _open(
    services: ServicesDep,
    door: idempotency.Door,
    lifecycle: Lifecycle[Any],
    actor: ActorDep,
    raw: dict[str, Any],
    now: datetime,
    when: datetime | None,
) -> Response:
    gateway = services.gateway
    gateway.check_opening(lifecycle, actor, raw, when or now)
    require_opening_unit(actor, raw)  # after the rules: a role refusal names the role
    reserved = door.case_id
    if reserved is not None:
        # A retry: the case id and the workflow are the first attempt's; join them.
        try:
            async with availability.temporal():
                result = await gateway.open_case(
                    lifecycle, reserved, actor, raw, now, when, door.command_id, join_existing=True
                )
        except CaseIdTaken:
            # The workflow the first attempt started has already closed.
            return await _settled_elsewhere(services, reserved, door.command_id)
        return _created(result)
    for _attempt in range(ID_ATTEMPTS):
        async with availability.postgresql():
            case_id = await next_case_id(
                services.engine, lifecycle.id_prefix, now.astimezone(SHANGHAI).year
            )
        await door.reserve_case(case_id)
        try:
            async with availability.temporal():
                result = await gateway.open_case(
                    lifecycle, case_id, actor, raw, now, when, door.command_id
                )
            return _created(result)
        except CaseIdTaken:
            log.warning(
                "case id already used in Temporal, taking the next", extra={"case_id": case_id}
            )
    raise ServiceUnavailable("postgresql", "case numbers keep colliding with existing workflows")


def _created(result: CommandResult) -> Response:
    return JSONResponse(status_code=status.HTTP_201_CREATED, content=result.model_dump(mode="json"))


async def _settled_elsewhere(services: ServicesDep, case_id: str, command_id: str) -> Response:
    found = await command_status(services, case_id, command_id)
    if found.status == "recorded":
        return _created(
            CommandResult(
                case_id=case_id,
                version=found.version or 0,
                stage=found.stage or "",
                events=found.events,
            )
        )
    if found.status == "refused":
        raise CommandRefused(found.code or "refused", found.message or "")
    raise CommandPending(case_id, command_id, f"opening {found.status}")


@router.post("/{case_id}/commands", response_model=CommandResult, responses={404: {}, **_ANSWERS})
async def send_command(
    case_id: str,
    command: Annotated[AnyCommand, Body(openapi_examples=COMMAND_EXAMPLES)],
    actor: ActorDep,
    services: ServicesDep,
    effective_at: EffectiveAt = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Send a command to a case; a refused command is answered with the rule's code and reason.

    With an `Idempotency-Key`, a retry records nothing new and gets the first answer.
    """
    lifecycle_of(case_id)
    require_staff(actor)
    when = _effective(services, effective_at)
    raw = command.model_dump(mode="json")
    door = await idempotency.enter(
        services,
        actor,
        idempotency_key,
        f"POST /cases/{case_id}/commands",
        raw,
        case_id=case_id,
        effective_at=when,
    )
    return await METRICS.observed(
        command.type, door.run(lambda: _send(services, door, case_id, actor, raw, when))
    )


async def _send(
    services: ServicesDep,
    door: idempotency.Door,
    case_id: str,
    actor: ActorDep,
    raw: dict[str, Any],
    when: datetime | None,
) -> Response:
    async with availability.postgresql():
        row = await get_case(services.engine, case_id)
    if row is None:
        raise CaseNotFound(case_id)
    # Another unit's case is unknown to the actor: 404, and nothing written into it.
    require_case_access(actor, case_id, row.unit)
    try:
        require_may_change(actor)
    except DomainError as refused:
        # An auditor's attempt is kept in the case's history, as every who-may-act refusal.
        async with availability.temporal():
            await services.gateway.record_refusal(
                case_id,
                actor,
                str(raw.get("type", "?")),
                refused.code,
                refused.message,
                record_id=f"{door.command_id}-refusal",
            )
        raise
    async with availability.temporal():
        result = await services.gateway.send(case_id, actor, raw, when, door.command_id)
    return JSONResponse(content=result.model_dump(mode="json"))


@router.get(
    "/{case_id}/commands/{command_id}",
    response_model=CommandStatus,
    responses={404: {}},
)
async def command_status_of(
    case_id: str,
    command_id: Annotated[str, PathParam(max_length=100, pattern=r"^[A-Za-z0-9_-]+$")],
    services: ServicesDep,
    reader: ReaderDep,
) -> CommandStatus:
    """What became of a command answered 202: pending, recorded (version, events) or refused."""
    lifecycle_of(case_id)
    async with availability.postgresql():
        row = await get_case(services.engine, case_id)
        record = await services.keys.by_command(command_id)
    if row is not None:
        require_case_access(reader, case_id, row.unit)
    elif not sees_all(reader) and (
        record is None or reader is None or record.principal != reader.user_id
    ):
        raise CaseNotFound(case_id)  # an opening not recorded yet: only its sender may ask
    return await command_status(services, case_id, command_id)


@router.get("", response_model=list[CaseListItem])
async def list_all(
    services: ServicesDep,
    reader: ReaderDep,
    response: Response,
    kind: Annotated[str | None, Query(pattern="^(rescue|relief|social_org|weather)$")] = None,
    stage: Annotated[str | None, Query(max_length=64)] = None,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    assignee: Annotated[str | None, Query(max_length=64)] = None,
    escalation_level: Annotated[int | None, Query(ge=0, le=3)] = None,
    overdue: bool | None = None,
    due_before: datetime | None = None,
    include_closed: bool = True,
    basis: Annotated[
        ClockBasis | None,
        Query(
            description="fallback: cases with a clock counted on the Monday-Friday fallback "
            "(recompute them once the year's holiday notice is loaded); calendar: the others"
        ),
    ] = None,
    sort: CaseSort = CaseSort.URGENCY,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[CaseListItem]:
    """Cases, most urgent first by default; the total is in the X-Total-Count header.

    The total is exact up to 500 matches past `offset`; beyond, it is that lower bound and
    X-Total-Count-Exact says `false`.

    A street office or station sees its own unit's cases; district roles see all.
    """
    f = CaseFilter(
        kind=kind,
        stage=stage,
        unit=unit_filter(reader, unit),
        assignee=assignee,
        escalation_level=escalation_level,
        overdue=overdue,
        due_before=_aware(due_before),
        include_closed=include_closed,
        clock_basis=basis.value if basis else None,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return await _page(services, f, response)


@queue_router.get("", response_model=list[CaseListItem])
async def my_queue(
    services: ServicesDep,
    actor: ActorDep,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[CaseListItem]:
    """My work queue: open cases escalated to my level (L1 my unit, L2 supervisors, L3 leadership)."""
    require_staff(actor)
    f = CaseFilter(
        unit=None if sees_all(actor) else actor.unit,
        min_escalation_level=QUEUE_LEVELS.get(actor.role, 1),
        include_closed=False,
        sort=CaseSort.ESCALATION,
        limit=limit,
        offset=offset,
    )
    return await _page(services, f, response)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=SHANGHAI)  # staff think in Shanghai time
    return moment


async def _page(services: ServicesDep, f: CaseFilter, response: Response) -> list[CaseListItem]:
    now = datetime.now(UTC)
    async with availability.postgresql():
        page = await list_cases(await services.ledger.pool(), f, now)
    # Exact up to store.queries.COUNT_CAP matches past the offset; beyond, a lower bound.
    response.headers["X-Total-Count"] = str(page.total)
    response.headers["X-Total-Count-Exact"] = "true" if page.exact else "false"
    return [
        CaseListItem(
            **row,
            stage_label=LIFECYCLES[row["kind"]].stage_labels_zh.get(row["stage"], row["stage"])
            if row["kind"] in LIFECYCLES
            else row["stage"],
            overdue=is_overdue(row, now),
            next_due_on=_last_day(row["next_due_at"]),
        )
        for row in page.rows
    ]


def _last_day(moment: datetime | None) -> date | None:
    return None if moment is None else local_date(moment - timedelta(microseconds=1))


@router.get("/{case_id}", response_model=CaseDetail, responses={404: {}})
async def read_case(
    case_id: str,
    services: ServicesDep,
    reader: ReaderDep,
    as_of: datetime | None = None,
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
) -> CaseDetail:
    """A case's state folded from its ledger: now, as of a moment, or at a version."""
    lifecycle = lifecycle_of(case_id)
    as_of = _aware(as_of)
    async with availability.postgresql():
        found = await case_as_of(services.ledger, lifecycle, case_id, as_of=as_of, version=version)
    if found is None:
        raise CaseNotFound(case_id)
    unit, state, at_version = found
    require_staff(reader)
    require_case_access(reader, case_id, unit)
    return CaseDetail(
        case_id=case_id,
        kind=lifecycle.kind,
        version=at_version,
        stage=state.stage,
        stage_label=lifecycle.stage_labels_zh.get(state.stage, state.stage),
        as_of=as_of,
        state=state.model_dump(mode="json"),
        clocks=[clock_view(c) for _, c in sorted(state.clocks.items())],
        details=lifecycle.details(state),
    )
