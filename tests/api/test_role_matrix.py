"""Each role against each endpoint, in production mode: what it may do, and what it is refused.

Every token here belongs to a registered account, as in a deployment (tokens naming nobody are
refused outside development).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.deps import Services
from api.gateway import CaseGateway
from domain.actors import Actor, Role
from store.ledger import Ledger
from tests.api.conftest import asgi_client, bearer, production_settings, registered
from tests.factories import intake, report

UNIT = "花木街道"
DISTRICT = "浦东新区民政局"
ROLES = {
    "operator": Actor(user_id="m-op", role=Role.OPERATOR, unit=UNIT),
    "caseworker": Actor(user_id="m-sw", role=Role.CASEWORKER, unit=UNIT),
    "approver": Actor(user_id="m-ap", role=Role.APPROVER, unit=UNIT),
    "supervisor": Actor(user_id="m-sup", role=Role.SUPERVISOR, unit=DISTRICT),
    "auditor": Actor(user_id="m-aud", role=Role.AUDITOR, unit=DISTRICT),
    "admin": Actor(user_id="m-adm", role=Role.ADMIN, unit=DISTRICT),
    "integration": Actor(user_id="m-int", role=Role.INTEGRATION, unit="核对中心"),
}
READS = [
    "/cases",
    "/cases/{id}",
    "/cases/{id}/history",
    "/cases/{id}/verify",
    "/cases/{id}/runs",
    "/cases/{id}/export",
    "/cases/{id}/diff?from_version=0&to_version=1",
    "/queue",
    "/cases/{id}/offers",
    "/reviews",
    "/openings",
    "/lifecycles",
    "/workbench/settings",
    "/stats/cases-by-month",
    "/stats/inspections?format=csv",
]

# role → expected status for: open a case, intake, grant an extension, list users, create a
# user, deactivate a user, list lockouts, lift a lockout
WRITES: dict[str, tuple[int, ...]] = {
    "operator": (201, 200, 403, 403, 403, 403, 403, 403),
    "caseworker": (201, 200, 403, 403, 403, 403, 403, 403),
    "approver": (403, 403, 403, 403, 403, 403, 403, 403),
    "supervisor": (201, 200, 200, 403, 403, 403, 403, 403),
    "auditor": (403, 403, 403, 200, 403, 403, 200, 403),
    "admin": (403, 403, 403, 200, 201, 200, 200, 204),
    "integration": (403, 403, 403, 403, 403, 403, 403, 403),
}


@pytest.fixture
async def strict_api(
    gateway: CaseGateway, ledger: Ledger, engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    """The API as deployed: production settings, even asking for anonymous reads."""
    settings = production_settings(CASEWORK_ANONYMOUS_READS="true")
    async with asgi_client(Services(settings, engine, ledger, gateway)) as client:
        yield client


@pytest.fixture
async def tokens(engine: AsyncEngine) -> dict[str, dict[str, str]]:
    return {name: await registered(engine, actor) for name, actor in ROLES.items()}


async def _case(
    api: httpx.AsyncClient, tokens: dict[str, dict[str, str]], with_intake: bool = False
) -> str:
    opened = await api.post("/cases", json=report(unit=UNIT), headers=tokens["operator"])
    assert opened.status_code == 201, opened.text
    case_id: str = opened.json()["case_id"]
    if with_intake:
        await api.post(f"/cases/{case_id}/commands", json=intake(), headers=tokens["operator"])
    return case_id


async def test_every_role_reads_and_anonymous_is_refused(
    strict_api: httpx.AsyncClient, tokens: dict[str, dict[str, str]]
) -> None:
    case_id = await _case(strict_api, tokens)
    for path in READS:
        url = path.format(id=case_id)
        assert (await strict_api.get(url)).status_code == 401, url
        for name in ROLES:
            # Integration accounts deliver callbacks and read nothing.
            expected = 403 if name == "integration" else 200
            got = (await strict_api.get(url, headers=tokens[name])).status_code
            assert got == expected, (name, url)


async def test_tokens_of_unregistered_users_are_refused_in_production(
    strict_api: httpx.AsyncClient, tokens: dict[str, dict[str, str]]
) -> None:
    """A token signed with the right secret but naming nobody registered is worth nothing."""
    case_id = await _case(strict_api, tokens)
    stranger = Actor(user_id="never-registered", role=Role.ADMIN, unit=DISTRICT)
    for url in (f"/cases/{case_id}", "/cases", "/users"):
        response = await strict_api.get(url, headers=bearer(stranger))
        assert response.status_code == 401, url
    # A registered user's token claiming another role is refused too.
    forged = Actor(user_id=ROLES["operator"].user_id, role=Role.ADMIN, unit=DISTRICT)
    assert (await strict_api.get("/users", headers=bearer(forged))).status_code == 401


@pytest.mark.parametrize("role", list(WRITES))
async def test_writes_by_role(
    strict_api: httpx.AsyncClient,
    tokens: dict[str, dict[str, str]],
    engine: AsyncEngine,
    role: str,
) -> None:
    api, headers = strict_api, tokens[role]
    expected = WRITES[role]
    fresh, in_intake = await _case(api, tokens), await _case(api, tokens, with_intake=True)
    victim = f"v-{uuid.uuid4().hex[:6]}"
    await registered(engine, Actor(user_id=victim, role=Role.OPERATOR, unit=UNIT))
    extension = {"type": "GrantExtension", "clock": "plan_approval", "by": 1, "reason": "补充材料"}
    new_user = {
        "user_id": f"u-{uuid.uuid4().hex[:6]}",
        "display_name": "新用户",
        "role": "operator",
        "unit": UNIT,
        "password": "a long password 2026",
    }

    got = (
        (await api.post("/cases", json=report(unit=UNIT), headers=headers)).status_code,
        (await api.post(f"/cases/{fresh}/commands", json=intake(), headers=headers)).status_code,
        (
            await api.post(f"/cases/{in_intake}/commands", json=extension, headers=headers)
        ).status_code,
        (await api.get("/users", headers=headers)).status_code,
        (await api.post("/users", json=new_user, headers=headers)).status_code,
        (await api.patch(f"/users/{victim}", json={"active": False}, headers=headers)).status_code,
        (await api.get("/lockouts", headers=headers)).status_code,
        (await api.delete(f"/lockouts/users/{victim}", headers=headers)).status_code,
    )
    assert got == expected
    assert (await api.post("/cases", json=report(unit=UNIT))).status_code == 401
    assert (
        await api.post("/auth/token", json={"user_id": "x", "role": "admin"})
    ).status_code == 403


async def test_backdating_is_off_unless_the_bureau_enables_it(
    strict_api: httpx.AsyncClient, tokens: dict[str, dict[str, str]]
) -> None:
    headers = tokens["operator"] | {"X-Effective-At": "2026-11-01T09:00:00+08:00"}
    response = await strict_api.post("/cases", json=report(unit=UNIT), headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "backdating_disabled"
