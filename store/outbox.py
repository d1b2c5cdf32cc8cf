"""The notification outbox: rows written by the ledger's append (store/append_sql.py), claimed
one at a time by dispatchers (FOR UPDATE SKIP LOCKED), read by inboxes and administrators."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Integer,
    Table,
    Text,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import UUID as PgUUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store.tables import metadata

notifications = Table(
    "notifications",
    metadata,
    Column("notification_id", BigInteger, primary_key=True),
    Column("delivery_key", PgUUID(as_uuid=True), nullable=False, unique=True),
    Column("event_id", PgUUID(as_uuid=True), nullable=False),
    Column("case_id", Text, nullable=False),
    Column("event_version", Integer, nullable=False),
    Column("rule", Text, nullable=False),
    Column("spec", JSONB, nullable=False),
    Column("recipient_kind", Text, nullable=False),
    Column("recipient", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("address", Text),
    Column("message", JSONB, nullable=False),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    Column("read_at", DateTime(timezone=True)),
)

notification_endpoints = Table(
    "notification_endpoints",
    metadata,
    Column("endpoint_id", Text, primary_key=True),
    Column("party", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("active", Boolean, nullable=False),
)


class Channel(StrEnum):
    INBOX = "inbox"
    EMAIL = "email"
    WEBHOOK = "webhook"


class Status(StrEnum):
    PENDING = "pending"  # waiting for its first attempt, or for a retry after a failure
    DELIVERED = "delivered"
    DEAD = "dead"  # out of attempts, or nobody to deliver to: an administrator looks


class OutboxRow(BaseModel):
    notification_id: int
    delivery_key: UUID
    event_id: UUID
    case_id: str
    event_version: int
    rule: str
    spec: dict[str, Any]
    recipient_kind: str
    recipient: str
    channel: str
    address: str | None
    message: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    read_at: datetime | None


class Endpoint(BaseModel):
    endpoint_id: str
    party: str
    channel: Channel
    address: str
    active: bool = True


def _row(mapping: Any) -> OutboxRow:
    return OutboxRow.model_validate(dict(mapping))


# --- dispatch ----------------------------------------------------------------------------------


_CLAIM = text("""
    SELECT * FROM notifications
    WHERE status = 'pending' AND next_attempt_at <= now()
    ORDER BY next_attempt_at, notification_id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
""").columns(*notifications.c)


class Claim:
    """One claimed row, locked by the claiming transaction until `delivered` or `failed`."""

    def __init__(self, conn: AsyncConnection, row: OutboxRow) -> None:
        self.conn = conn
        self.row = row

    async def delivered(self) -> None:
        await self.conn.execute(
            update(notifications)
            .where(notifications.c.notification_id == self.row.notification_id)
            .values(
                status=Status.DELIVERED,
                attempts=notifications.c.attempts + 1,
                delivered_at=func.now(),
                last_error=None,
            )
        )

    async def failed(self, error: str, retry_in: timedelta | None) -> None:
        """Record the failure; retry after `retry_in`, or give up (dead letter) when None."""
        values: dict[str, Any] = {
            "attempts": notifications.c.attempts + 1,
            "last_error": error[:1000],
        }
        if retry_in is None:
            values["status"] = Status.DEAD
        else:
            values["next_attempt_at"] = func.now() + retry_in
        await self.conn.execute(
            update(notifications)
            .where(notifications.c.notification_id == self.row.notification_id)
            .values(**values)
        )


@asynccontextmanager
async def claim_one(engine: AsyncEngine) -> AsyncIterator[Claim | None]:
    """Claim the next due row in a transaction of its own; another dispatcher skips it. The
    transaction commits when the block ends, so a dispatcher that dies mid-delivery leaves
    the row pending (its lock goes with its connection) and a retry reuses its delivery key."""
    async with engine.begin() as conn:
        found = (await conn.execute(_CLAIM)).mappings().first()
        yield None if found is None else Claim(conn, _row(found))


# --- reads and administration --------------------------------------------------------------------


async def list_notifications(
    engine: AsyncEngine,
    *,
    status: Status | None = None,
    failing: bool = False,
    case_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[OutboxRow]:
    """Rows for administrators; `failing` = pending rows whose last attempt failed."""
    query = select(notifications)
    if status is not None:
        query = query.where(notifications.c.status == status)
    if failing:
        query = query.where(notifications.c.last_error.is_not(None))
    if case_id is not None:
        query = query.where(notifications.c.case_id == case_id)
    query = query.order_by(notifications.c.notification_id.desc()).limit(limit).offset(offset)
    async with engine.connect() as conn:
        return [_row(m) for m in (await conn.execute(query)).mappings()]


async def resend(engine: AsyncEngine, notification_id: int) -> OutboxRow | None:
    """Queue a row again (a dead letter, a failing or a delivered one) with its delivery key
    unchanged, so a receiver that has it already can tell it is the same message."""
    async with engine.begin() as conn:
        found = (
            (
                await conn.execute(
                    update(notifications)
                    .where(notifications.c.notification_id == notification_id)
                    .where(notifications.c.channel != "none")
                    .values(status=Status.PENDING, next_attempt_at=func.now(), last_error=None)
                    .returning(*notifications.c)
                )
            )
            .mappings()
            .first()
        )
    return None if found is None else _row(found)


async def status_counts(engine: AsyncEngine) -> dict[tuple[str, str], int]:
    """(channel, status) → rows, for metrics and the administrators' overview."""
    query = select(notifications.c.channel, notifications.c.status, func.count()).group_by(
        notifications.c.channel, notifications.c.status
    )
    async with engine.connect() as conn:
        return {(c, s): int(n) for c, s, n in (await conn.execute(query)).all()}


# --- the console's inbox -----------------------------------------------------------------------


def _inbox(user_id: str) -> Any:
    return (
        (notifications.c.recipient_kind == "user")
        & (notifications.c.recipient == user_id)
        & (notifications.c.channel == Channel.INBOX)
        & (notifications.c.status == Status.DELIVERED)
    )


async def inbox(
    engine: AsyncEngine, user_id: str, *, unread_only: bool = False, limit: int = 100
) -> tuple[list[OutboxRow], int]:
    """A user's delivered inbox items, unread first then newest, and the unread count."""
    query = select(notifications).where(_inbox(user_id))
    if unread_only:
        query = query.where(notifications.c.read_at.is_(None))
    query = query.order_by(
        notifications.c.read_at.is_not(None), notifications.c.notification_id.desc()
    ).limit(limit)
    unread = (
        select(func.count())
        .select_from(notifications)
        .where(_inbox(user_id) & notifications.c.read_at.is_(None))
    )
    async with engine.connect() as conn:
        rows = [_row(m) for m in (await conn.execute(query)).mappings()]
        count = int((await conn.execute(unread)).scalar_one())
    return rows, count


async def mark_read(engine: AsyncEngine, user_id: str, notification_ids: list[int]) -> int:
    """Mark the user's own inbox items read (others' ids are ignored); how many changed."""
    async with engine.begin() as conn:
        result = await conn.execute(
            update(notifications)
            .where(_inbox(user_id))
            .where(notifications.c.notification_id.in_(notification_ids))
            .where(notifications.c.read_at.is_(None))
            .values(read_at=func.now())
        )
    return int(result.rowcount)


# --- endpoints of outside parties ------------------------------------------------------------------


async def save_endpoint(engine: AsyncEngine, endpoint: Endpoint) -> Endpoint:
    values = endpoint.model_dump(mode="json")
    stmt = pg_insert(notification_endpoints).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[notification_endpoints.c.endpoint_id],
        set_={k: stmt.excluded[k] for k in values if k != "endpoint_id"},
    )
    async with engine.begin() as conn:
        await conn.execute(stmt)
    return endpoint


async def list_endpoints(engine: AsyncEngine) -> list[Endpoint]:
    query = select(notification_endpoints).order_by(notification_endpoints.c.endpoint_id)
    async with engine.connect() as conn:
        return [Endpoint.model_validate(dict(m)) for m in (await conn.execute(query)).mappings()]


async def set_user_email(engine: AsyncEngine, user_id: str, email: str | None) -> bool:
    async with engine.begin() as conn:
        result = await conn.execute(
            text("UPDATE users SET email = :email WHERE user_id = :user_id"),
            {"email": email, "user_id": user_id},
        )
    return bool(result.rowcount)
