"""The database roles: the schema owner runs migrations; the API and workers log in as
`casework_app`, which may only INSERT and SELECT events and write the read models
(migrations/versions/security_least_privilege.py grants it)."""

from __future__ import annotations

import asyncpg
from sqlalchemy.engine import make_url

APP_ROLE = "casework_app"


def as_role(url: str, role: str, password: str | None) -> str:
    """The same server and database, logging in as `role`."""
    parsed = make_url(url).set(username=role, password=password or None)
    return parsed.render_as_string(hide_password=False)


def _asyncpg_url(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


async def enable_app_login(owner_url: str, password: str | None) -> None:
    """Let casework_app log in (with this password, when given). Needs CREATEROLE; the role
    itself exists once the migrations ran."""
    conn = await asyncpg.connect(_asyncpg_url(owner_url))
    try:
        if password:
            # Parameters cannot be bound in utility statements: quote as a literal.
            quoted = await conn.fetchval("SELECT quote_literal($1::text)", password)
            await conn.execute(f"ALTER ROLE {APP_ROLE} LOGIN PASSWORD {quoted}")
        else:
            await conn.execute(f"ALTER ROLE {APP_ROLE} LOGIN")
    finally:
        await conn.close()
