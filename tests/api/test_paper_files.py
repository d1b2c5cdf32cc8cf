"""Entering a paper file's history: past steps keep their real dates, and overdue clocks
escalate at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx

from domain.actors import Actor, Role
from tests.api.conftest import bearer
from tests.factories import intake, report

UNIT = "川沙新镇"
OPERATOR = Actor(user_id="op-chuansha", role=Role.OPERATOR, unit=UNIT)


def _at(days_ago: float) -> dict[str, str]:
    return {"X-Effective-At": (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()}


async def test_a_paper_case_entered_late_keeps_its_dates_and_escalates(
    api: httpx.AsyncClient,
) -> None:
    headers = bearer(OPERATOR)
    opened = await api.post("/cases", json=report(unit=UNIT), headers=headers | _at(12))
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["case_id"]
    response = await api.post(
        f"/cases/{case_id}/commands", json=intake(), headers=headers | _at(11)
    )
    assert response.status_code == 200, response.text

    earlier = await api.post(
        f"/cases/{case_id}/commands",
        json={"type": "ClassifyPerson", "observed": []},
        headers=headers | _at(20),
    )
    assert earlier.status_code == 422 and earlier.json()["code"] == "bad_effective_time"

    async with asyncio.timeout(20):
        while not any(
            e["type"] == "ClockEscalated" and e["payload"]["rung"] == 3
            for e in (await api.get(f"/cases/{case_id}/history")).json()
        ):
            await asyncio.sleep(0.3)
    history = (await api.get(f"/cases/{case_id}/history")).json()
    reported = datetime.fromisoformat(history[0]["occurred_at"])
    recorded = datetime.fromisoformat(history[0]["recorded_at"])
    assert recorded - reported > timedelta(days=11)  # auditors see it was entered late
    listed = (await api.get("/cases", params={"unit": UNIT, "overdue": True})).json()
    assert case_id in [c["case_id"] for c in listed]
    assert (await api.get(f"/cases/{case_id}/verify")).json()["valid"]


async def test_future_effective_times_are_refused(api: httpx.AsyncClient) -> None:
    response = await api.post("/cases", json=report(unit=UNIT), headers=bearer(OPERATOR) | _at(-1))
    assert response.status_code == 422 and response.json()["code"] == "bad_effective_time"


async def test_a_refused_attempt_never_holds_a_later_paper_step_back(
    api: httpx.AsyncClient,
) -> None:
    headers = bearer(OPERATOR)
    opened = await api.post("/cases", json=report(unit=UNIT), headers=headers | _at(5))
    case_id = opened.json()["case_id"]
    approver = Actor(user_id="head-chuansha", role=Role.APPROVER, unit=UNIT)
    refused = await api.post(
        f"/cases/{case_id}/commands",
        json={"type": "CloseReport", "reason": "未找到"},
        headers=bearer(approver),
    )
    assert refused.status_code == 403  # recorded now, as AttemptRefused
    response = await api.post(f"/cases/{case_id}/commands", json=intake(), headers=headers | _at(4))
    assert response.status_code == 200, response.text
    types = [e["type"] for e in (await api.get(f"/cases/{case_id}/history")).json()]
    assert types[:2] == ["PersonReported", "AttemptRefused"] and "IntakeRegistered" in types
