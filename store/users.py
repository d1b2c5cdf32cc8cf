"""Users who sign in, with salted PBKDF2 password hashes (standard library only).

Every change to a user (role, unit, activity, password) raises its token version, so tokens
issued before stop working at once. Hashing runs on a worker thread: 240,000 rounds would
otherwise stop the API's event loop for every sign-in.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Boolean, Column, Integer, Table, Text, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.actors import Actor, Role
from store.tables import metadata

users = Table(
    "users",
    metadata,
    Column("user_id", Text, primary_key=True),
    Column("display_name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("unit", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("token_version", Integer, nullable=False, server_default="0"),
)

ITERATIONS = 240_000  # OWASP's PBKDF2-HMAC-SHA256 guidance order of magnitude


class User(BaseModel):
    user_id: str
    display_name: str
    role: Role
    unit: str
    active: bool

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.user_id, role=self.role, unit=self.unit)


@dataclass(frozen=True)
class Standing:
    """What a token is checked against on each request."""

    active: bool
    role: Role
    unit: str
    token_version: int


@dataclass(frozen=True)
class SignedIn:
    user: User
    token_version: int


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, ITERATIONS)
    return f"pbkdf2_sha256${ITERATIONS}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    candidate = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), bytes.fromhex(salt), int(iterations)
    )
    return hmac.compare_digest(candidate.hex(), digest)


async def save_user(
    engine: AsyncEngine, actor: Actor, display_name: str, password: str, active: bool = True
) -> User:
    """Create the user, or update role, unit, name and password of an existing one (which
    revokes its tokens)."""
    if actor.role is Role.SYSTEM:
        raise ValueError("the system actor is not a user")
    values = {
        "user_id": actor.user_id,
        "display_name": display_name,
        "role": actor.role.value,
        "unit": actor.unit,
        "password_hash": await asyncio.to_thread(hash_password, password),
        "active": active,
    }
    stmt = pg_insert(users).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[users.c.user_id],
        set_={k: stmt.excluded[k] for k in values if k != "user_id"}
        | {"token_version": users.c.token_version + 1},
    )
    async with engine.begin() as conn:
        await conn.execute(stmt)
    return User(
        user_id=actor.user_id,
        display_name=display_name,
        role=actor.role,
        unit=actor.unit,
        active=active,
    )


async def change_user(
    engine: AsyncEngine,
    user_id: str,
    *,
    display_name: str | None = None,
    role: Role | None = None,
    unit: str | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> User | None:
    """Change some of a user's fields and revoke its tokens; None if there is no such user."""
    if role is Role.SYSTEM:
        raise ValueError("the system actor is not a user")
    values: dict[str, object] = {"token_version": users.c.token_version + 1}
    if display_name is not None:
        values["display_name"] = display_name
    if role is not None:
        values["role"] = role.value
    if unit is not None:
        values["unit"] = unit
    if active is not None:
        values["active"] = active
    if password is not None:
        values["password_hash"] = await asyncio.to_thread(hash_password, password)
    async with engine.begin() as conn:
        row = (
            await conn.execute(
                update(users).where(users.c.user_id == user_id).values(values).returning(users)
            )
        ).first()
    return None if row is None else _user(row)


async def standing(engine: AsyncEngine, user_id: str) -> Standing | None:
    """The account a token names, as it is now; None if nobody is registered under the id."""
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(users.c.active, users.c.role, users.c.unit, users.c.token_version).where(
                    users.c.user_id == user_id
                )
            )
        ).first()
    if row is None:
        return None
    return Standing(
        active=row.active, role=Role(row.role), unit=row.unit, token_version=row.token_version
    )


async def authenticate(engine: AsyncEngine, user_id: str, password: str) -> SignedIn | None:
    """The active user with this password, or None (never says which part was wrong)."""
    async with engine.connect() as conn:
        row = (await conn.execute(select(users).where(users.c.user_id == user_id))).first()
    if row is None:
        # The same work either way: no timing hint that the user exists.
        await asyncio.to_thread(hash_password, password)
        return None
    matches = await asyncio.to_thread(password_matches, password, row.password_hash)
    if not row.active or not matches:
        return None
    return SignedIn(user=_user(row), token_version=row.token_version)


def _user(row: Any) -> User:
    return User(
        user_id=row.user_id,
        display_name=row.display_name,
        role=Role(row.role),
        unit=row.unit,
        active=row.active,
    )


async def list_users(engine: AsyncEngine) -> list[User]:
    async with engine.connect() as conn:
        rows = (await conn.execute(select(users).order_by(users.c.user_id))).all()
    return [_user(r) for r in rows]
