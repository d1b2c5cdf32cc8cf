"""Users who sign in, with salted PBKDF2 password hashes (standard library only)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from pydantic import BaseModel
from sqlalchemy import Boolean, Column, Table, Text, select
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
    """Create the user, or update role, unit, name and password of an existing one."""
    if actor.role is Role.SYSTEM:
        raise ValueError("the system actor is not a user")
    values = {
        "user_id": actor.user_id,
        "display_name": display_name,
        "role": actor.role.value,
        "unit": actor.unit,
        "password_hash": hash_password(password),
        "active": active,
    }
    stmt = pg_insert(users).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[users.c.user_id],
        set_={k: stmt.excluded[k] for k in values if k != "user_id"},
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


async def authenticate(engine: AsyncEngine, user_id: str, password: str) -> User | None:
    """The active user with this password, or None (never says which part was wrong)."""
    async with engine.connect() as conn:
        row = (await conn.execute(select(users).where(users.c.user_id == user_id))).first()
    if row is None:
        hash_password(password)  # the same work either way: no timing hint that the user exists
        return None
    if not row.active or not password_matches(password, row.password_hash):
        return None
    return User(
        user_id=row.user_id,
        display_name=row.display_name,
        role=Role(row.role),
        unit=row.unit,
        active=True,
    )


async def list_users(engine: AsyncEngine) -> list[User]:
    async with engine.connect() as conn:
        rows = (await conn.execute(select(users).order_by(users.c.user_id))).all()
    return [
        User(
            user_id=r.user_id,
            display_name=r.display_name,
            role=Role(r.role),
            unit=r.unit,
            active=r.active,
        )
        for r in rows
    ]
