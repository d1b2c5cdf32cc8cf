"""What staff read of time over HTTP (real Temporal dev server, real PostgreSQL): each clock's
last day in Asia/Shanghai beside its instant, the cases counted on the Monday-Friday fallback,
the supervisor's recompute, and an organisation's inspection schedule from registration."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from activities.verification import FakeVerificationCentre
from api.deps import Services
from api.gateway import CaseGateway
from api.holiday_notices import BureauNotices
from domain.calendar import SHANGHAI, local_date
from domain.socialorg.cycle import skips_year
from store.ledger import Ledger
from tests.api.conftest import asgi_client, bearer, settings
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
from workers.worker import build_worker


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
    # the list gives the next deadline's last day too (the acceptance clock is stopped)
    assert rows[case_id]["next_due_on"] == min(
        c["due_on"] for c in (await _case(harness, case_id))["clocks"] if c["running"]
    )
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


async def test_a_notice_loaded_while_a_case_is_open_is_applied_by_the_supervisors_recompute(
    dev_env: WorkflowEnvironment,
    ledger: Ledger,
    engine: AsyncEngine,
    task_queue: str,
    tmp_path: Path,
) -> None:
    notices = tmp_path / "notices"
    notices.mkdir()
    centre = FakeVerificationCentre(tmp_path / "centre.sqlite", latency=timedelta(days=30))
    worker = build_worker(dev_env.client, ledger, task_queue, notices, verification_centre=centre)
    gateway = CaseGateway(
        dev_env.client, task_queue, holiday_notices=BureauNotices(notices).current
    )
    app_settings = settings().model_copy(update={"holiday_notices_dir": notices})
    services = Services(settings=app_settings, engine=engine, ledger=ledger, gateway=gateway)
    async with worker, asgi_client(services) as api:
        opened = await api.post(
            "/cases", json=relief_application(), headers=bearer(RELIEF_OPERATOR)
        )
        assert opened.status_code == 201, opened.text
        case_id = opened.json()["case_id"]
        accept = {"type": "AcceptAssistanceApplication"}
        accepted = await api.post(
            f"/cases/{case_id}/commands", json=accept, headers=bearer(RELIEF_OPERATOR)
        )
        assert accepted.status_code == 200, accepted.text
        before = {c["name"]: c for c in (await _read(api, case_id))["clocks"]}["whole_process"]
        assert before["fallback"]
        fallback_years = sorted(
            int(part.split(":")[0]) for part in before["basis"].split("; ") if "fallback" in part
        )
        # the bureau loads the notice of every year the clock guessed: a weekday off in each
        for year in fallback_years:
            first_monday = next(
                date(year, 1, d) for d in range(2, 9) if date(year, 1, d).weekday() == 0
            )
            notice = {
                "year": year,
                "source": f"国办发明电〔{year - 1}〕T号 (test)",
                "holidays": [f"{year}-01-01", first_monday.isoformat()],
            }
            (notices / f"{year}.json").write_text(json.dumps(notice), encoding="utf-8")
        # one command by a supervisor: the clock is counted again and the change recorded
        recompute = {"type": "RecomputeClocks", "reason": "2027年节假日安排已公布"}
        done = await api.post(
            f"/cases/{case_id}/commands", json=recompute, headers=bearer(RELIEF_REVIEWER)
        )
        assert done.status_code == 200, done.text
        assert "ClockRecomputed" in done.json()["events"]
        stored = [e for e in await ledger.read_stream(case_id) if e.type == "ClockRecomputed"]
        changed = {e.payload["clock"]["spec"]["name"]: e for e in stored}
        event = changed["whole_process"]
        assert event.actor.user_id == RELIEF_REVIEWER.user_id
        assert event.payload["old_due_at"] == before["due_at"]
        assert event.payload["old_basis"] == before["basis"]
        assert "fallback" not in event.payload["new_basis"]
        assert event.payload["new_due_on"] > event.payload["old_due_on"]
        after = {c["name"]: c for c in (await _read(api, case_id))["clocks"]}["whole_process"]
        assert after["due_on"] == event.payload["new_due_on"] and not after["fallback"]
        listed = await api.get(
            "/cases", params={"basis": "fallback", "limit": 500}, headers=bearer(RELIEF_REVIEWER)
        )
        assert case_id not in {i["case_id"] for i in listed.json()}
        # a second recompute has nothing left to change
        again = await api.post(
            f"/cases/{case_id}/commands", json=recompute, headers=bearer(RELIEF_REVIEWER)
        )
        assert again.status_code == 409 and again.json()["code"] == "clocks_current"
        await dev_env.client.get_workflow_handle(case_id).terminate("test over")


async def _read(api: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    response = await api.get(f"/cases/{case_id}", headers=bearer(RELIEF_REVIEWER))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
