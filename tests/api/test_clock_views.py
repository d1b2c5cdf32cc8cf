"""What staff read of time over HTTP (real Temporal dev server, real PostgreSQL): each clock's
last day in Asia/Shanghai beside its instant, the cases counted on the Monday-Friday fallback,
the supervisor's recompute, and an organisation's inspection schedule from registration."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from activities.verification import FakeVerificationCentre
from domain.calendar import SHANGHAI, local_date
from domain.socialorg.cycle import skips_year
from store.ledger import Ledger
from tests.api.conftest import bearer
from tests.factories import (
    ORG_APPROVER,
    ORG_OPERATOR,
    ORG_REGISTRY,
    RELIEF_OPERATOR,
    RELIEF_REVIEWER,
    STREET_OFFICE,
    org_application,
    org_registration,
    relief_application,
)
from tests.workflows.relief_harness import ReliefHarness, relief_harness


@pytest.fixture
async def harness(
    dev_env: WorkflowEnvironment,
    ledger: Ledger,
    engine: AsyncEngine,
    task_queue: str,
    tmp_path: Path,
) -> AsyncIterator[ReliefHarness]:
    centre = FakeVerificationCentre(tmp_path / "centre.sqlite", latency=timedelta(days=30))
    async with relief_harness(dev_env.client, ledger, engine, task_queue, centre) as h:
        yield h


async def _case(h: ReliefHarness, case_id: str) -> dict[str, Any]:
    response = await h.api.get(f"/cases/{case_id}", headers=bearer(RELIEF_REVIEWER))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_every_clock_shows_its_last_day_in_shanghai_beside_its_instant(
    harness: ReliefHarness,
) -> None:
    case_id = await harness.open(relief_application())
    await harness.send(case_id, {"type": "AcceptAssistanceApplication"}, RELIEF_OPERATOR)
    clocks = {c["name"]: c for c in (await _case(harness, case_id))["clocks"]}
    whole = clocks["whole_process"]
    due_at = datetime.fromisoformat(whole["due_at"])
    assert date.fromisoformat(whole["due_on"]) == local_date(due_at - timedelta(microseconds=1))
    assert due_at.astimezone(SHANGHAI).time().isoformat() == "00:00:00"  # 24:00 of due_on
    assert whole["starts"] == "acceptance (受理)" and whole["rule"].startswith("最低生活保障")
    # the same date in the state itself (stored clocks carry it too)
    state_clock = (await _case(harness, case_id))["state"]["clocks"]["whole_process"]
    assert state_clock["due_on"] == whole["due_on"]


async def test_supervisors_list_the_cases_counted_on_the_fallback_and_recompute_them(
    harness: ReliefHarness,
) -> None:
    # a 30-working-day clock started now runs into a year chinese-calendar 1.11.0 does not
    # know (2027): it is counted Monday-Friday, and the case is listed as such
    case_id = await harness.open(relief_application())
    await harness.send(case_id, {"type": "AcceptAssistanceApplication"}, RELIEF_OPERATOR)
    whole = {c["name"]: c for c in (await _case(harness, case_id))["clocks"]}["whole_process"]
    assert whole["fallback"] and "weekdays-only fallback" in whole["basis"]
    listed = await harness.api.get(
        "/cases",
        params={"basis": "fallback", "unit": STREET_OFFICE, "limit": 500},
        headers=bearer(RELIEF_REVIEWER),
    )
    assert listed.status_code == 200
    rows = {i["case_id"]: i for i in listed.json()}
    assert rows[case_id]["clock_basis"] == "fallback"
    calendar_only = await harness.api.get(
        "/cases", params={"basis": "calendar", "limit": 500}, headers=bearer(RELIEF_REVIEWER)
    )
    assert case_id not in {i["case_id"] for i in calendar_only.json()}
    # an operator may not recompute (403, recorded); a supervisor's recompute with a calendar
    # that learned nothing new changes nothing and says so (409)
    recompute = {"type": "RecomputeClocks"}
    refused = await harness.api.post(
        f"/cases/{case_id}/commands", json=recompute, headers=bearer(RELIEF_OPERATOR)
    )
    assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"
    current = await harness.api.post(
        f"/cases/{case_id}/commands", json=recompute, headers=bearer(RELIEF_REVIEWER)
    )
    assert current.status_code == 409 and current.json()["code"] == "clocks_current"
    assert "ClockRecomputed" not in await harness.types(case_id)
    bad = await harness.api.get(
        "/cases", params={"basis": "guessed"}, headers=bearer(RELIEF_REVIEWER)
    )
    assert bad.status_code == 422


async def test_the_officer_reads_the_inspection_schedule_at_registration(
    harness: ReliefHarness,
) -> None:
    opened = await harness.api.post("/cases", json=org_application(), headers=bearer(ORG_OPERATOR))
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["case_id"]
    harness.opened.append(case_id)
    registered = await harness.api.post(
        f"/cases/{case_id}/commands", json=org_registration(), headers=bearer(ORG_APPROVER)
    )
    assert registered.status_code == 200, registered.text
    today = local_date(await harness.now())
    # the case view: the years ahead, the first one skipped (and why) when registered late
    schedule = (await _case(harness, case_id))["details"]["inspection_schedule"]
    first = schedule[0]
    assert first["year"] == today.year and first["opens_on"] == f"{today.year + 1}-01-01"
    assert first["skipped"] is skips_year(today, today.year)
    reported = next(s for s in schedule if not s["skipped"])
    assert reported["sponsor_due_on"] == f"{reported['year'] + 1}-03-31"  # 社团 Art 28
    assert reported["authority_due_on"] == f"{reported['year'] + 1}-05-31"
    if first["skipped"]:
        assert "免于年检" in first["reason_zh"] and "6 months" in first["reason"]
    # the yearly batch view lists the newly registered organisation with the same schedule
    batch = await harness.api.get(
        "/social-orgs/inspections",
        params={"unit": ORG_REGISTRY, "year": reported["year"], "limit": 500},
        headers=bearer(RELIEF_REVIEWER),
    )
    assert batch.status_code == 200, batch.text
    item = next(i for i in batch.json() if i["case_id"] == case_id)
    assert item["status"] == "scheduled" and item["schedule"] == schedule
