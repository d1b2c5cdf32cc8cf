"""The operators' workbench: each lifecycle's command schemas, what a case accepts now from me,
and what waits for my second pair of eyes."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field, ValidationError

from api import availability
from api.deps import ActorDep, ReaderDep, ServicesDep
from api.gateway import lifecycle_of
from api.scope import readable_case, require_staff, unit_filter
from domain.calendar import WorkingDayCalendar
from domain.errors import DomainError
from domain.lifecycle import Lifecycle
from domain.messages import DecisionContext
from domain.offers import offered_commands
from domain.registry import LIFECYCLES
from domain.reviews import pending_reviews
from store.queries import CaseFilter, CaseSort, list_cases
from store.replay import state_as_of

log = logging.getLogger("casework.api")
router = APIRouter(tags=["workbench"])

# Lifecycles staff open and work on by hand (the district weather case is the system's own).
STAFF_LIFECYCLES = ("rescue", "relief", "social_org")
# A review list folds each open case it looks at; this bounds one answer.
REVIEW_SCAN_LIMIT = 500


class LifecycleSchemas(BaseModel):
    kind: str
    label_zh: str
    id_prefix: str
    opening_commands: list[str]
    stages: dict[str, str] = Field(description="Stage key -> the stage's Chinese name")
    commands: dict[str, dict[str, Any]] = Field(
        description="Command type -> its JSON schema, from the command's pydantic model"
    )


class Offers(BaseModel):
    case_id: str
    version: int
    stage: str
    yours: list[str] = Field(description="Commands the case accepts now, from you")
    other_roles: list[str] = Field(description="Commands it accepts now, from another role")


class ReviewItem(BaseModel):
    case_id: str
    kind: str
    unit: str
    stage: str
    stage_label: str
    subject: str = Field(description="What waits: plan, stay_extension, decision, appeal, …")
    commands: list[str] = Field(description="The commands that settle it that you may send")
    makers: list[str] = Field(description="Who made it (and so may not check it)")
    updated_at: datetime


def _schemas(lifecycle: Lifecycle[Any]) -> LifecycleSchemas:
    commands = {
        cls.model_fields["type"].default: cls.model_json_schema() for cls in lifecycle.command_types
    }
    return LifecycleSchemas(
        kind=lifecycle.kind,
        label_zh=lifecycle.label_zh,
        id_prefix=lifecycle.id_prefix,
        opening_commands=sorted(lifecycle.opening_commands),
        stages=dict(lifecycle.stage_labels_zh),
        commands=commands,
    )


class WorkbenchSettings(BaseModel):
    backdating: bool = Field(description="Paper files may be entered with their past dates")


@router.get("/workbench/settings", response_model=WorkbenchSettings)
async def workbench_settings(services: ServicesDep, _reader: ReaderDep) -> WorkbenchSettings:
    """What the bureau enables on this server that the workbench shows or hides."""
    return WorkbenchSettings(backdating=services.settings.allow_backdating)


@router.get("/lifecycles", response_model=list[LifecycleSchemas])
async def lifecycles(_reader: ReaderDep) -> list[LifecycleSchemas]:
    """Every staff lifecycle with its stages and each command's JSON schema (for forms)."""
    return [_schemas(LIFECYCLES[kind]) for kind in STAFF_LIFECYCLES]


@router.get("/lifecycles/{kind}", response_model=LifecycleSchemas, responses={404: {}})
async def lifecycle(kind: str, _reader: ReaderDep) -> LifecycleSchemas:
    """One lifecycle's stages and command schemas."""
    if kind not in STAFF_LIFECYCLES:
        raise HTTPException(status_code=404, detail=f"no staff lifecycle {kind!r}")
    return _schemas(LIFECYCLES[kind])


class Opening(BaseModel):
    kind: str
    command: str


@router.get("/openings", response_model=list[Opening])
async def openings(actor: ActorDep) -> list[Opening]:
    """The commands I may open a case with (an empty case's decider asked, as for offers)."""
    require_staff(actor)  # integration accounts only deliver their callbacks
    ctx = DecisionContext(datetime.now(UTC), actor, WorkingDayCalendar())
    found = []
    for kind in STAFF_LIFECYCLES:
        lifecycle = LIFECYCLES[kind]
        yours = offered_commands(lifecycle, lifecycle.initial(""), ctx).yours
        found += [Opening(kind=kind, command=c) for c in yours if c in lifecycle.opening_commands]
    return found


@router.get("/cases/{case_id}/offers", response_model=Offers, responses={404: {}})
async def offers(case_id: str, services: ServicesDep, actor: ActorDep) -> Offers:
    """The commands this case accepts now, from me and from other roles (its decider's answer)."""
    lifecycle = lifecycle_of(case_id)
    async with availability.postgresql():
        await readable_case(services, actor, case_id)
        state, version = await state_as_of(services.ledger, lifecycle, case_id)
    ctx = DecisionContext(datetime.now(UTC), actor, WorkingDayCalendar())
    found = offered_commands(lifecycle, state, ctx)
    return Offers(
        case_id=case_id,
        version=version,
        stage=state.stage,
        yours=list(found.yours),
        other_roles=list(found.other_roles),
    )


@router.get("/reviews", response_model=list[ReviewItem])
async def reviews(
    services: ServicesDep,
    actor: ActorDep,
    kind: Annotated[str | None, Query(pattern="^(rescue|relief|social_org)$")] = None,
) -> list[ReviewItem]:
    """What awaits my second pair of eyes: drafts and requests made by others that I may settle."""
    now = datetime.now(UTC)
    f = CaseFilter(
        kind=kind,
        unit=unit_filter(actor, None),
        include_closed=False,
        sort=CaseSort.UPDATED,
        limit=REVIEW_SCAN_LIMIT,
    )
    found: list[ReviewItem] = []
    async with availability.postgresql():
        page = await list_cases(await services.ledger.pool(), f, now)
        for row in page.rows:
            kind, case_id = row["kind"], row["case_id"]
            if kind not in STAFF_LIFECYCLES:
                continue
            lifecycle = LIFECYCLES[kind]
            if not case_id.startswith(f"{lifecycle.id_prefix}-"):
                continue  # a row that is no case of the lifecycle (e.g. a ledger test's stream)
            try:
                state, _version = await state_as_of(services.ledger, lifecycle, case_id)
                waiting = [r for r in pending_reviews(kind, state) if r.open_to(actor.user_id)]
                if not waiting:
                    continue
                ctx = DecisionContext(now, actor, WorkingDayCalendar())
                mine = set(offered_commands(lifecycle, state, ctx).yours)
            except (ValidationError, DomainError, ValueError) as unreadable:
                # One case that cannot be folded (a ledger an operator must look at) must not
                # hide every other case's reviews: leave it out, and say so in the log.
                log.error(
                    "case left out of the reviews: %s",
                    type(unreadable).__name__,
                    extra={"case_id": case_id},
                )
                continue
            for review in waiting:
                commands = [c for c in review.commands if c in mine]
                if commands:
                    found.append(
                        ReviewItem(
                            case_id=case_id,
                            kind=kind,
                            unit=row["unit"],
                            stage=state.stage,
                            stage_label=lifecycle.stage_labels_zh.get(state.stage, state.stage),
                            subject=review.subject,
                            commands=commands,
                            makers=list(review.makers),
                            updated_at=row["updated_at"],
                        )
                    )
    return found
