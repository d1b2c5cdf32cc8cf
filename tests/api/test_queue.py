"""A supervisor's work queue: what has been escalated to me."""

from __future__ import annotations

from datetime import timedelta

import httpx
from temporalio.testing import WorkflowEnvironment

from domain.actors import Actor, Role
from tests.api.conftest import bearer
from tests.factories import SUPERVISOR, intake, report

UNIT = "金杨新村街道"
LOCAL = Actor(user_id="op-jinyang", role=Role.OPERATOR, unit=UNIT)
ELSEWHERE = Actor(user_id="op-elsewhere", role=Role.OPERATOR, unit="塘桥街道")


async def test_an_overdue_case_reaches_the_unit_then_the_supervisor(
    skipping_env: WorkflowEnvironment, skipping_api: httpx.AsyncClient
) -> None:
    api = skipping_api
    opened = await api.post("/cases", json=report(unit=UNIT), headers=bearer(LOCAL))
    case_id = opened.json()["case_id"]
    await api.post(f"/cases/{case_id}/commands", json=intake(), headers=bearer(LOCAL))

    await skipping_env.sleep(timedelta(days=20))  # plan approval: 2 working days, then L2, L3

    def ids(response: httpx.Response) -> list[str]:
        return [c["case_id"] for c in response.json()]

    assert case_id in ids(await api.get("/queue", headers=bearer(LOCAL)))
    assert case_id in ids(await api.get("/queue", headers=bearer(SUPERVISOR)))
    assert case_id not in ids(await api.get("/queue", headers=bearer(ELSEWHERE)))
    item = next(
        c
        for c in (await api.get("/queue", headers=bearer(SUPERVISOR))).json()
        if c["case_id"] == case_id
    )
    assert item["escalation_level"] == 3 and item["overdue"] is True
    overdue = await api.get("/cases", params={"overdue": True, "escalation_level": 3, "unit": UNIT})
    assert case_id in ids(overdue)
    assert (await api.get("/queue")).status_code == 401
