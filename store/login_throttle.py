"""Sign-in throttling, kept in PostgreSQL so every API process sees the same counts.

A key is `user:<id>` or `address:<ip>`. Failures inside the window add up; at the limit the
key is locked for the lockout time (or until an administrator lifts it). The user id need not
exist: locking works the same for every id, so a lockout tells nobody whether an account does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import Column, DateTime, Integer, Table, Text, delete, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.tables import metadata

login_throttle = Table(
    "login_throttle",
    metadata,
    Column("key", Text, primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_started", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True)),
)


def user_key(user_id: str) -> str:
    return f"user:{user_id}"


def address_key(address: str) -> str:
    return f"address:{address}"


@dataclass(frozen=True)
class ThrottlePolicy:
    window: timedelta
    lockout: timedelta


class Lockout(BaseModel):
    key: str
    failures: int
    locked_until: datetime


_FAILED = text("""
    INSERT INTO login_throttle AS t (key, failures, window_started)
    VALUES (:key, 1, :now)
    ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN t.window_started <= :window_start THEN 1 ELSE t.failures + 1 END,
        window_started = CASE WHEN t.window_started <= :window_start THEN :now
                              ELSE t.window_started END
    RETURNING failures
""")
_LOCK = text("UPDATE login_throttle SET locked_until = :until WHERE key = :key")


async def locked_until(engine: AsyncEngine, keys: list[str], now: datetime) -> datetime | None:
    """The latest lock still in force on any of the keys."""
    async with engine.connect() as conn:
        found = (
            await conn.execute(
                select(login_throttle.c.locked_until).where(
                    login_throttle.c.key.in_(keys), login_throttle.c.locked_until > now
                )
            )
        ).scalars()
        locks = list(found)
    return max(locks) if locks else None


async def record_failure(
    engine: AsyncEngine, limits: dict[str, int], policy: ThrottlePolicy, now: datetime
) -> None:
    """Count one failed sign-in against each key; a key at its limit is locked."""
    async with engine.begin() as conn:
        for key, limit in limits.items():
            params = {"key": key, "now": now, "window_start": now - policy.window}
            failures = (await conn.execute(_FAILED, params)).scalar_one()
            if failures >= limit:
                await conn.execute(_LOCK, {"key": key, "until": now + policy.lockout})


async def clear(engine: AsyncEngine, key: str) -> bool:
    """Forget a key's failures and lift its lock; False if it had none."""
    async with engine.begin() as conn:
        result = await conn.execute(delete(login_throttle).where(login_throttle.c.key == key))
    return bool(result.rowcount)


async def lockouts(engine: AsyncEngine, now: datetime) -> list[Lockout]:
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(login_throttle)
                .where(login_throttle.c.locked_until > now)
                .order_by(login_throttle.c.key)
            )
        ).all()
    return [Lockout(key=r.key, failures=r.failures, locked_until=r.locked_until) for r in rows]
