"""Notifications: each user's inbox, and the outbox as administrators see it (failures, dead
letters, re-sending), with the endpoints of outside parties and staff e-mail addresses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, Field

from api import availability
from api.deps import ActorDep, ServicesDep
from domain.actors import Role, require_role
from store.outbox import (
    Endpoint,
    OutboxRow,
    Status,
    inbox,
    list_endpoints,
    list_notifications,
    mark_read,
    resend,
    save_endpoint,
    set_user_email,
    status_counts,
)

inbox_router = APIRouter(prefix="/inbox", tags=["notifications"])
router = APIRouter(prefix="/notifications", tags=["notifications"])
email_router = APIRouter(prefix="/users", tags=["users"])

RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class InboxItem(BaseModel):
    notification_id: int
    case_id: str
    link: str = Field(description="The case in the console")
    title_zh: str
    rule: str
    event_type: str
    clock: str | None
    rung: str | None
    due_at: datetime | None
    created_at: datetime
    read: bool


class Inbox(BaseModel):
    unread: int
    items: list[InboxItem]


class MarkRead(BaseModel):
    ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(max_length=500)


class Marked(BaseModel):
    marked: int
    unread: int


def _item(row: OutboxRow) -> InboxItem:
    message: dict[str, Any] = row.message
    return InboxItem(
        notification_id=row.notification_id,
        case_id=row.case_id,
        link=f"/console#/case/{row.case_id}",
        title_zh=str(message.get("title_zh", row.case_id)),
        rule=row.rule,
        event_type=str(message.get("event_type", "")),
        clock=message.get("clock"),
        rung=message.get("rung"),
        due_at=message.get("due_at"),
        created_at=row.created_at,
        read=row.read_at is not None,
    )


@inbox_router.get("", response_model=Inbox)
async def my_inbox(
    actor: ActorDep,
    services: ServicesDep,
    unread_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Inbox:
    """My notifications, unread first then newest, and how many are unread."""
    async with availability.postgresql():
        rows, unread = await inbox(
            services.engine, actor.user_id, unread_only=unread_only, limit=limit
        )
    return Inbox(unread=unread, items=[_item(r) for r in rows])


@inbox_router.post("/read", response_model=Marked)
async def read_items(body: MarkRead, actor: ActorDep, services: ServicesDep) -> Marked:
    """Mark some of my notifications read (ids that are not mine change nothing)."""
    async with availability.postgresql():
        marked = await mark_read(services.engine, actor.user_id, body.ids)
        _, unread = await inbox(services.engine, actor.user_id, unread_only=True, limit=1)
    return Marked(marked=marked, unread=unread)


# --- administrators -------------------------------------------------------------------------------


class OutboxItem(BaseModel):
    notification_id: int
    delivery_key: UUID
    case_id: str
    event_version: int
    rule: str
    spec: dict[str, Any]
    recipient_kind: str
    recipient: str
    channel: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


class ChannelStatus(BaseModel):
    channel: str
    status: str
    count: int


def _outbox_item(row: OutboxRow) -> OutboxItem:
    # Addresses and message bodies stay out of the list: the recipient id is enough to act.
    return OutboxItem.model_validate(row.model_dump())


def _require_reader(actor: Any) -> None:
    require_role(actor, [Role.ADMIN, Role.AUDITOR, Role.SUPERVISOR], "reading the outbox")


@router.get("", response_model=list[OutboxItem])
async def outbox(
    actor: ActorDep,
    services: ServicesDep,
    status: Status | None = None,
    failing: Annotated[bool, Query(description="Only rows whose last attempt failed")] = False,
    case_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> list[OutboxItem]:
    """The outbox, newest first: `status=dead` for dead letters, `failing=true` for retries."""
    _require_reader(actor)
    async with availability.postgresql():
        rows = await list_notifications(
            services.engine,
            status=status,
            failing=failing,
            case_id=case_id,
            limit=limit,
            offset=offset,
        )
    return [_outbox_item(r) for r in rows]


@router.get("/summary", response_model=list[ChannelStatus])
async def summary(actor: ActorDep, services: ServicesDep) -> list[ChannelStatus]:
    """How many rows each channel has in each status."""
    _require_reader(actor)
    async with availability.postgresql():
        counts = await status_counts(services.engine)
    return [ChannelStatus(channel=c, status=s, count=n) for (c, s), n in sorted(counts.items())]


@router.post("/{notification_id}/resend", response_model=OutboxItem)
async def resend_one(notification_id: RowId, actor: ActorDep, services: ServicesDep) -> OutboxItem:
    """Queue a notification again, with its delivery key unchanged (receivers dedupe on it)."""
    require_role(actor, [Role.ADMIN], "re-sending a notification")
    async with availability.postgresql():
        row = await resend(services.engine, notification_id)
    if row is None:
        raise HTTPException(404, f"no deliverable notification {notification_id}")
    return _outbox_item(row)


@router.get("/endpoints", response_model=list[Endpoint])
async def endpoints(actor: ActorDep, services: ServicesDep) -> list[Endpoint]:
    """Where outside parties (police, other bureaus, the notice service) are reached."""
    _require_reader(actor)
    async with availability.postgresql():
        return await list_endpoints(services.engine)


class NewEndpoint(BaseModel):
    party: str = Field(
        min_length=1,
        max_length=120,
        description="police | applicant_notices | bureau:<receiving bureau's name>",
        examples=["police"],
    )
    channel: str = Field(pattern="^(webhook|email)$", examples=["webhook"])
    address: str = Field(min_length=3, max_length=500, examples=["https://police.example/hook"])
    active: bool = True


@router.put("/endpoints/{endpoint_id}", response_model=Endpoint)
async def put_endpoint(
    endpoint_id: Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")],
    body: NewEndpoint,
    actor: ActorDep,
    services: ServicesDep,
) -> Endpoint:
    """Register or change an outside party's endpoint."""
    require_role(actor, [Role.ADMIN], "managing notification endpoints")
    endpoint = Endpoint.model_validate({"endpoint_id": endpoint_id, **body.model_dump()})
    async with availability.postgresql():
        return await save_endpoint(services.engine, endpoint)


class EmailAddress(BaseModel):
    email: str | None = Field(
        max_length=254, pattern=r"^[^@\s]+@[^@\s]+$", examples=["zhang@pudong.example"]
    )


@email_router.put("/{user_id}/email", response_model=EmailAddress)
async def put_email(
    user_id: Annotated[str, Path(min_length=1, max_length=64)],
    body: EmailAddress,
    actor: ActorDep,
    services: ServicesDep,
) -> EmailAddress:
    """Set (or clear with null) the address a user's notifications are also e-mailed to."""
    require_role(actor, [Role.ADMIN], "managing users")
    async with availability.postgresql():
        found = await set_user_email(services.engine, user_id, body.email)
    if not found:
        raise HTTPException(404, f"no user {user_id}")
    return body
