"""Each role against each endpoint: what it may do, and what it is refused."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.deps import Services
from api.gateway import CaseGateway
from casework.settings import Settings
from domain.actors import Actor, Role
from store.ledger import Ledger
from tests.api.conftest import SECRET, asgi_client, bearer
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

# role → expected status for: open a case, intake, grant an extension, list users, create a user
WRITES: dict[str, tuple[int, int, int, int, int]] = {
    "operator": (201, 200, 403, 403, 403),
    "caseworker": (201, 200, 403, 403, 403),
    "approver": (403, 403, 403, 403, 403),
    "supervisor": (201, 200, 200, 403, 403),
    "auditor": (403, 403, 403, 200, 403),
    "admin": (403, 403, 403, 200, 201),
}


@pytest.fixture
async def strict_api(
    gateway: CaseGateway, ledger: Ledger, engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    """The API as deployed: no anonymous reads."""
    settings = Settings.model_validate(
        {
            "CASEWORK_SECRET_KEY": SECRET,
            "CASEWORK_ENV": "production",
            "CASEWORK_ANONYMOUS_READS": "false",
        }
    )
    async with asgi_client(Services(settings, engine, ledger, gateway)) as client:
        yield client


async def _case(api: httpx.AsyncClient, with_intake: bool = False) -> str:
    opened = await api.post("/cases", json=report(unit=UNIT), headers=bearer(ROLES["operator"]))
    case_id: str = opened.json()["case_id"]
    if with_intake:
        await api.post(
            f"/cases/{case_id}/commands", json=intake(), headers=bearer(ROLES["operator"])
        )
    return case_id


async def test_every_role_reads_and_anonymous_is_refused(strict_api: httpx.AsyncClient) -> None:
    case_id = await _case(strict_api)
    for path in READS:
        url = path.format(id=case_id)
        assert (await strict_api.get(url)).status_code == 401, url
        for name, actor in ROLES.items():
            assert (await strict_api.get(url, headers=bearer(actor))).status_code == 200, (
                name,
                url,
            )


@pytest.mark.parametrize("role", list(WRITES))
async def test_writes_by_role(strict_api: httpx.AsyncClient, role: str) -> None:
    api, actor = strict_api, ROLES[role]
    expected = WRITES[role]
    fresh, in_intake = await _case(api), await _case(api, with_intake=True)
    extension = {"type": "GrantExtension", "clock": "plan_approval", "by": 1, "reason": "补充材料"}
    new_user = {
        "user_id": f"u-{uuid.uuid4().hex[:6]}",
        "display_name": "新用户",
        "role": "operator",
        "unit": UNIT,
        "password": "a long password",
    }

    got = (
        (await api.post("/cases", json=report(unit=UNIT), headers=bearer(actor))).status_code,
        (
            await api.post(f"/cases/{fresh}/commands", json=intake(), headers=bearer(actor))
        ).status_code,
        (
            await api.post(f"/cases/{in_intake}/commands", json=extension, headers=bearer(actor))
        ).status_code,
        (await api.get("/users", headers=bearer(actor))).status_code,
        (await api.post("/users", json=new_user, headers=bearer(actor))).status_code,
    )
    assert got == expected
    assert (await api.post("/cases", json=report(unit=UNIT))).status_code == 401
    assert (
        await api.post("/auth/token", json={"user_id": "x", "role": "admin"})
    ).status_code == 403


async def test_backdating_is_off_unless_the_bureau_enables_it(
    strict_api: httpx.AsyncClient,
) -> None:
    headers = bearer(ROLES["operator"]) | {"X-Effective-At": "2026-11-01T09:00:00+08:00"}
    response = await strict_api.post("/cases", json=report(unit=UNIT), headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "backdating_disabled"
