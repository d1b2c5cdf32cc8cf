"""Idempotency keys in PostgreSQL: which command a (principal, key) became, and its final answer.

A row is claimed by the request that brings the key first; a retry finds it and gets the same
command id (and, for an opening, the same case id), or the stored final answer. A short lease
marks a request still being answered, so two copies of one request never run side by side.
Rows live `retention` (at least 24 h) and are pruned in small batches by whoever claims keys.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store.tables import idempotency_keys as keys

# Kept two days: the IETF draft asks for a stated expiry; staff retry within the working day,
# and a client that comes back the next morning still gets its first answer.
KEY_RETENTION = timedelta(hours=48)
PRUNE_BATCH = 500
PRUNE_EVERY = timedelta(minutes=1)


class KeyReused(Exception):
    """The key was first used for another request (another body or another target)."""


class KeyInUse(Exception):
    """A request with this key is still being answered."""


@dataclass(frozen=True)
class KeyRecord:
    principal: str
    key: str
    target: str
    command_id: str
    case_id: str | None
    status_code: int | None
    answer: dict[str, Any] | None
    created_at: datetime
    expires_at: datetime
    first: bool  # this request is the first to bring the key

    @property
    def answered(self) -> bool:
        return self.status_code is not None


class IdempotencyKeys:
    """The table's queries; one instance per process (it remembers when it last pruned)."""

    def __init__(self, engine: AsyncEngine, retention: timedelta = KEY_RETENTION) -> None:
        self._engine = engine
        self.retention = retention
        self._pruned_at: datetime | None = None

    async def claim(
        self, principal: str, key: str, fingerprint: str, target: str, lease: timedelta
    ) -> KeyRecord:
        """Take the key for this request, or find the request that took it first.

        Raises `KeyReused` when the first request differs, `KeyInUse` while it is answered.
        """
        await self._maybe_prune()
        now = datetime.now(UTC)
        async with self._engine.begin() as conn:
            fresh = await self._insert(conn, principal, key, fingerprint, target, now, lease)
            if fresh is not None:
                return _record(fresh, first=True)
            row = (
                await conn.execute(
                    select(keys)
                    .where(keys.c.principal == principal, keys.c.key == key)
                    .with_for_update()
                )
            ).one()
            if row.expires_at <= now:
                await conn.execute(_match(delete(keys), principal, key))
                again = await self._insert(conn, principal, key, fingerprint, target, now, lease)
                assert again is not None, "the expired row was deleted under its lock"
                return _record(again, first=True)
            if row.fingerprint != fingerprint or row.target != target:
                raise KeyReused(key)
            if row.status_code is not None:
                return _record(row, first=False)
            if row.lease_until is not None and row.lease_until > now:
                raise KeyInUse(key)
            await conn.execute(_match(update(keys), principal, key).values(lease_until=now + lease))
            return _record(row, first=False)

    async def reserve_case(self, principal: str, key: str, case_id: str) -> None:
        """Tie an opening's case id to its key: every retry opens (or joins) this case."""
        async with self._engine.begin() as conn:
            await conn.execute(_match(update(keys), principal, key).values(case_id=case_id))

    async def finish(
        self, principal: str, key: str, status_code: int, answer: dict[str, Any]
    ) -> None:
        """Keep the final answer: every later retry with the key gets exactly this."""
        async with self._engine.begin() as conn:
            await conn.execute(
                _match(update(keys), principal, key).values(
                    status_code=status_code, answer=answer, lease_until=None
                )
            )

    async def finish_command(
        self, command_id: str, status_code: int, answer: dict[str, Any]
    ) -> None:
        """Keep a final answer learnt later (at the status resource), if not kept already."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(keys)
                .where(keys.c.command_id == command_id, keys.c.status_code.is_(None))
                .values(status_code=status_code, answer=answer)
            )

    async def release(self, principal: str, key: str) -> None:
        """The request ends without a final answer (pending, or a server was down)."""
        async with self._engine.begin() as conn:
            await conn.execute(_match(update(keys), principal, key).values(lease_until=None))

    async def by_command(self, command_id: str) -> KeyRecord | None:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(select(keys).where(keys.c.command_id == command_id))
            ).one_or_none()
        return None if row is None else _record(row, first=False)

    async def prune(self) -> int:
        """Delete up to a batch of expired keys (none still being answered); returns how many."""
        expired = (
            select(keys.c.principal, keys.c.key)
            .where(
                keys.c.expires_at < func.now(),
                (keys.c.lease_until.is_(None)) | (keys.c.lease_until < func.now()),
            )
            .limit(PRUNE_BATCH)
        )
        async with self._engine.begin() as conn:
            result = await conn.execute(
                delete(keys).where(tuple_(keys.c.principal, keys.c.key).in_(expired))
            )
        return int(result.rowcount or 0)

    async def _maybe_prune(self) -> None:
        now = datetime.now(UTC)
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            self._pruned_at = now
            await self.prune()

    async def _insert(
        self,
        conn: AsyncConnection,
        principal: str,
        key: str,
        fingerprint: str,
        target: str,
        now: datetime,
        lease: timedelta,
    ) -> Row[Any] | None:
        stmt = (
            pg_insert(keys)
            .values(
                principal=principal,
                key=key,
                fingerprint=fingerprint,
                target=target,
                # A fresh id per claim, never derived from the key alone: a key used again
                # after it expired must not meet the old command's update in Temporal.
                command_id=f"cmd-{uuid.uuid4().hex}",
                lease_until=now + lease,
                created_at=now,
                expires_at=now + self.retention,
            )
            .on_conflict_do_nothing(index_elements=[keys.c.principal, keys.c.key])
            .returning(*keys.c)
        )
        return (await conn.execute(stmt)).one_or_none()


def _match(stmt: Any, principal: str, key: str) -> Any:
    return stmt.where(keys.c.principal == principal, keys.c.key == key)


def _record(row: Row[Any], *, first: bool) -> KeyRecord:
    return KeyRecord(
        principal=row.principal,
        key=row.key,
        target=row.target,
        command_id=row.command_id,
        case_id=row.case_id,
        status_code=row.status_code,
        answer=row.answer,
        created_at=row.created_at,
        expires_at=row.expires_at,
        first=first,
    )
