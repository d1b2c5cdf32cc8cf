"""`casework users …` against the real API on a local port, in production mode: an
administrator stops a user, lifts a lockout and issues an integration account's token."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner, Result

from api.deps import Services
from api.gateway import CaseGateway
from casework.cli import app as cli
from config.settings import get_settings
from domain.actors import Actor, Role
from store.ledger import Ledger
from tests.api.conftest import production_settings, registered, serving

ADMIN = Actor(user_id="cli-admin", role=Role.ADMIN, unit="浦东新区民政局")
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def casework(url: str, token: str, *args: str) -> Result:
    env = {"CASEWORK_API_URL": url, "CASEWORK_TOKEN": token}

    def invoke() -> Result:
        get_settings.cache_clear()
        return CliRunner().invoke(cli, list(args), env=env)

    return await asyncio.to_thread(invoke)


def ok(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return result.stdout


async def test_an_administrator_stops_a_user_and_lifts_its_lockout(
    gateway: CaseGateway, ledger: Ledger, engine: AsyncEngine
) -> None:
    admin = (await registered(engine, ADMIN))["Authorization"].removeprefix("Bearer ")
    user_id = f"cli-{uuid.uuid4().hex[:6]}"
    # The address (127.0.0.1) is shared with other tests: only the user id is throttled here.
    settings = production_settings(CASEWORK_LOGIN_MAX_FAILURES_ADDRESS="1000")
    services = Services(settings, engine, ledger, gateway)
    async with serving(services) as url, httpx.AsyncClient(base_url=url) as http:
        ok(
            await casework(
                url,
                admin,
                "users",
                "add",
                "--user",
                user_id,
                "--name",
                "李四",
                "--role",
                "operator",
                "--unit",
                "花木街道",
                "--password",
                PASSWORD,
            )
        )
        weak = await casework(
            url,
            admin,
            "users",
            "add",
            "--user",
            "x-weak",
            "--name",
            "弱",
            "--role",
            "operator",
            "--password",
            "password123",
        )
        assert weak.exit_code == 1 and "weak_password" in weak.output

        signed_in = await http.post("/auth/login", json={"user_id": user_id, "password": PASSWORD})
        token = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        ok(await casework(url, admin, "users", "deactivate", user_id))
        assert (await http.get("/cases", headers=token)).status_code == 401
        ok(await casework(url, admin, "users", "activate", user_id))

        for _ in range(5):
            await http.post("/auth/login", json={"user_id": user_id, "password": "not it, no"})
        assert (
            await http.post("/auth/login", json={"user_id": user_id, "password": PASSWORD})
        ).status_code == 429
        locks = json.loads(ok(await casework(url, admin, "users", "lockouts", "--json")))
        assert f"user:{user_id}" in [lock["key"] for lock in locks]
        ok(await casework(url, admin, "users", "unlock", user_id))
        assert (
            await http.post("/auth/login", json={"user_id": user_id, "password": PASSWORD})
        ).status_code == 200

        centre = f"centre-{uuid.uuid4().hex[:6]}"
        ok(
            await casework(
                url,
                admin,
                "users",
                "add",
                "--user",
                centre,
                "--name",
                "核对中心",
                "--role",
                "integration",
                "--unit",
                "核对中心",
                "--password",
                PASSWORD,
            )
        )
        issued = ok(await casework(url, admin, "users", "token", centre, "--days", "7")).strip()
        reply = {
            "case_id": "REL-2026-999998",
            "request_key": "k",
            "reply_id": "r",
            "verified_income_fen": 0,
        }
        delivered = await http.post(
            "/relief/verification-replies",
            json=reply,
            headers={"Authorization": f"Bearer {issued}"},
        )
        assert delivered.status_code == 404  # accepted as the centre; the case is unknown
