"""`casework dev` against a DATABASE_URL of its own: migrate as that owner, then run the worker
and API as casework_app; an owner that may not manage roles is used as given, with a warning."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from casework.stack import _least_privilege
from config.settings import Settings
from store.roles import APP_ROLE
from tests.conftest import APP_PASSWORD, _with_database


async def _owner_without_createrole(server_url: str) -> str:
    """A fresh database owned by a role that may create tables but not manage roles."""
    owner, name = f"plain_owner_{uuid.uuid4().hex[:6]}", f"casework_plain_{uuid.uuid4().hex[:6]}"
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f"CREATE ROLE {owner} LOGIN PASSWORD 'plain-owner-password'")
        await conn.execute(f'CREATE DATABASE "{name}" OWNER {owner}')
    finally:
        await conn.close()
    url = make_url(_with_database(server_url, name)).set(
        username=owner, password="plain-owner-password"
    )
    return url.render_as_string(hide_password=False)


async def test_dev_hands_the_app_its_own_login(owner_database_url: str) -> None:
    settings = Settings.model_validate(
        {
            "CASEWORK_ENV": "development",
            "DATABASE_URL": owner_database_url,
            "CASEWORK_DB_APP_PASSWORD": APP_PASSWORD,
        }
    )
    ready = await _least_privilege(settings)
    assert ready.migration_database_url == owner_database_url
    assert ready.database_url and make_url(ready.database_url).username == APP_ROLE


async def test_an_owner_that_may_not_manage_roles_is_used_as_given(
    server_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = await _owner_without_createrole(server_url)
    settings = Settings.model_validate({"CASEWORK_ENV": "development", "DATABASE_URL": url})
    ready = await _least_privilege(settings)
    assert ready.database_url == url  # migrated, and used as given
    assert "CREATEROLE" in caplog.text
