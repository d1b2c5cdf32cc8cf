"""`casework migrate` as a deployment runs it: as the owner, then casework_app may log in."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg

from tests.conftest import APP_PASSWORD, _create_database, _with_database


async def _app_login(url: str) -> tuple[bool, str | None]:
    """Whether casework_app may log in, and its password verifier (None before it has one)."""
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow(
            "SELECT rolcanlogin, rolpassword FROM pg_authid WHERE rolname = 'casework_app'"
        )
    finally:
        await conn.close()
    return (False, None) if row is None else (bool(row["rolcanlogin"]), row["rolpassword"])


async def _revision(url: str) -> str | None:
    conn = await asyncpg.connect(url)
    try:
        revision = await conn.fetchval("SELECT version_num FROM alembic_version")
    finally:
        await conn.close()
    return None if revision is None else str(revision)


def test_migrate_runs_as_the_owner_and_opens_the_app_login(server_url: str, tmp_path: Path) -> None:
    name = f"casework_migrate_{uuid.uuid4().hex[:8]}"
    asyncio.run(_create_database(server_url, name))
    owner = _with_database(server_url, name)
    _, verifier_before = asyncio.run(_app_login(owner))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")} | {
        "CASEWORK_MIGRATION_DATABASE_URL": owner,
        "DATABASE_URL": "postgresql://casework_app@/unused",  # the app's; migrate must not use it
        # The role is the server's, shared with the session's other databases: keep its password.
        "CASEWORK_DB_APP_PASSWORD": APP_PASSWORD,
    }
    result = subprocess.run(
        [str(Path(sys.executable).parent / "casework"), "migrate"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "casework_app 可用 CASEWORK_DB_APP_PASSWORD 登录" in result.stdout
    can_login, verifier = asyncio.run(_app_login(owner))
    assert can_login and verifier is not None and verifier != verifier_before  # set anew
    assert asyncio.run(_revision(owner))
