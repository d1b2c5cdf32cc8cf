"""Users sign in with a password; administrators manage them."""

from __future__ import annotations

import uuid

import httpx

from domain.actors import Actor, Role
from tests.api.conftest import bearer

ADMIN = Actor(user_id="admin-1", role=Role.ADMIN, unit="浦东新区民政局")


async def test_an_administrator_creates_a_user_who_then_signs_in(api: httpx.AsyncClient) -> None:
    user_id = f"sw-{uuid.uuid4().hex[:6]}"
    body = {
        "user_id": user_id,
        "display_name": "李社工",
        "role": "caseworker",
        "unit": "花木街道",
        "password": "correct horse battery",
    }
    created = await api.post("/users", json=body, headers=bearer(ADMIN))
    assert created.status_code == 201 and "password" not in created.json()

    signed_in = await api.post(
        "/auth/login", json={"user_id": user_id, "password": "correct horse battery"}
    )
    assert signed_in.status_code == 200
    token = signed_in.json()
    assert (token["role"], token["unit"]) == ("caseworker", "花木街道")
    listed = await api.get("/cases", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert listed.status_code == 200

    wrong = await api.post("/auth/login", json={"user_id": user_id, "password": "wrong"})
    nobody = await api.post("/auth/login", json={"user_id": "nobody", "password": "x"})
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json()["message"] == nobody.json()["message"]  # no hint which part was wrong


async def test_only_administrators_manage_users(api: httpx.AsyncClient) -> None:
    body = {
        "user_id": "x-1",
        "display_name": "X",
        "role": "admin",
        "unit": "",
        "password": "long enough",
    }
    operator = Actor(user_id="op-1", role=Role.OPERATOR, unit="花木街道")
    assert (await api.post("/users", json=body, headers=bearer(operator))).status_code == 403
    assert (await api.get("/users", headers=bearer(operator))).status_code == 403
    assert (
        await api.post("/users", json={**body, "password": "short"}, headers=bearer(ADMIN))
    ).status_code == 422


async def test_in_development_a_stopped_account_is_refused_too(api: httpx.AsyncClient) -> None:
    """Development mints tokens for anyone; a deactivated account's tokens still stop."""
    user_id = f"dev-{uuid.uuid4().hex[:6]}"
    body = {
        "user_id": user_id,
        "display_name": "开发用户",
        "role": "operator",
        "unit": "花木街道",
        "password": "correct horse battery",
    }
    assert (await api.post("/users", json=body, headers=bearer(ADMIN))).status_code == 201
    token = bearer(Actor(user_id=user_id, role=Role.OPERATOR, unit="花木街道"))
    assert (await api.get("/cases", headers=token)).status_code == 200
    stopped = await api.patch(f"/users/{user_id}", json={"active": False}, headers=bearer(ADMIN))
    assert stopped.status_code == 200
    assert (await api.get("/cases", headers=token)).status_code == 401
