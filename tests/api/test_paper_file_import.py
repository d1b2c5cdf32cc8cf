"""Paper files as one import: a case's whole known history in one request, each step decided as
of its own date; only what was really overdue escalates, each rung dated when it was due."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.calendar import PACKAGED_NOTICES, read_notices
from api.deps import Services
from api.gateway import CaseGateway
from domain.actors import Actor
from domain.calendar import SHANGHAI, WorkingDayCalendar
from domain.lifecycle import Lifecycle
from domain.registry import kind_of_case
from domain.timeline import PaperStep, replay_paper_file
from store.ledger import Ledger
from tests.api.conftest import bearer, serving, settings
from tests.api.test_socialorg_cli import casework, fresh_settings, parsed
from tests.factories import (
    OPERATOR,
    ORG_APPROVER,
    ORG_OPERATOR,
    RELIEF_OPERATOR,
    intake,
    org_application,
    org_registration,
    relief_application,
    report,
)

__all__ = ["fresh_settings"]  # the CLI's settings are read afresh in each test

TYPIST = Actor.model_validate({"user_id": "op-archive", "role": "operator", "unit": OPERATOR.unit})


def _step(command: dict[str, Any], actor: Actor, at: str) -> dict[str, Any]:
    return {"command": command, "actor": actor.model_dump(mode="json"), "at": at}


def _expected(lifecycle: Lifecycle[Any], steps: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """What the pure decider says the file leads to: (type, occurred_at) in order."""
    paper = [
        PaperStep(
            command=s["command"],
            actor=Actor.model_validate(s["actor"]),
            at=datetime.fromisoformat(s["at"]),
        )
        for s in steps
    ]
    calendar = WorkingDayCalendar(read_notices(PACKAGED_NOTICES))
    decided = replay_paper_file(
        lifecycle, lifecycle.initial(""), paper, datetime.now(UTC), calendar
    )
    return [(e.type, s.at.astimezone(UTC).isoformat()) for s in decided for e in s.events]


def _story(history: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (e["type"], datetime.fromisoformat(e["occurred_at"]).astimezone(UTC).isoformat())
        for e in history
        if e["type"] != "PaperFileEntered"
    ]


async def _caught_up(
    api: httpx.AsyncClient, case_id: str, expected: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """The history once the case caught up what fell due after the last paper step."""
    async with asyncio.timeout(30):
        while True:
            history: list[dict[str, Any]] = (await api.get(f"/cases/{case_id}/history")).json()
            story = iter(_story(history))
            if all(fact in story for fact in expected):  # in this order
                return history
            await asyncio.sleep(0.2)


async def _import(api: httpx.AsyncClient, steps: list[dict[str, Any]], by: Actor) -> httpx.Response:
    return await api.post(
        "/cases/import", json={"reference": "档案-2025-117", "steps": steps}, headers=bearer(by)
    )


async def test_a_rescue_file_from_last_year_escalates_only_what_was_really_overdue(
    api: httpx.AsyncClient,
) -> None:
    steps = [
        _step(report(), OPERATOR, "2025-03-03T09:00:00+08:00"),
        _step(intake(), OPERATOR, "2025-03-03T11:00:00+08:00"),
        _step({"type": "ClassifyPerson", "observed": []}, OPERATOR, "2025-03-03T15:00:00+08:00"),
    ]
    response = await _import(api, steps, TYPIST)
    assert response.status_code == 201, response.text
    case_id = response.json()["case_id"]
    assert case_id.startswith("RSC-2025-"), "numbered in the year the file was opened"
    expected = _expected(kind_of_case(case_id), steps)
    history = await _caught_up(api, case_id, expected)

    entered = history[0]
    assert entered["type"] == "PaperFileEntered" and entered["actor"] == TYPIST.user_id
    assert entered["payload"] == {"steps": 3, "reference": "档案-2025-117"}
    assert _story(history) == expected
    classified = datetime.fromisoformat("2025-03-03T15:00:00+08:00")
    escalations = [e for e in history if e["type"] == "ClockEscalated"]
    assert escalations, "clocks that expired long ago escalate"
    for event in escalations:
        occurred = datetime.fromisoformat(event["occurred_at"])
        assert occurred > classified, "nothing escalated between steps typed hours apart"
        assert occurred == datetime.fromisoformat(event["payload"]["at"])
        assert event["actor"] == "system"
    for event in history[1:4]:
        assert event["actor"] == OPERATOR.user_id  # the name on the paper
    assert (await api.get(f"/cases/{case_id}/verify")).json()["valid"]


async def test_a_relief_file_and_an_organisation_file_with_long_expired_clocks(
    api: httpx.AsyncClient,
) -> None:
    relief = [
        _step(relief_application(), RELIEF_OPERATOR, "2025-06-02T10:00:00+08:00"),
        _step(
            {"type": "AcceptAssistanceApplication"}, RELIEF_OPERATOR, "2025-06-03T10:00:00+08:00"
        ),
    ]
    org = [
        _step(org_application(), ORG_OPERATOR, "2023-03-01T10:00:00+08:00"),
        _step(org_registration(), ORG_APPROVER, "2023-03-20T10:00:00+08:00"),
        _step(
            {"type": "RecordOrgActivity", "description": "成立大会", "held_on": "2023-03-25"},
            ORG_OPERATOR,
            "2023-03-25T10:00:00+08:00",
        ),
    ]
    for steps, by in ((relief, RELIEF_OPERATOR), (org, ORG_OPERATOR)):
        response = await _import(api, steps, by)
        assert response.status_code == 201, response.text
        case_id = response.json()["case_id"]
        expected = _expected(kind_of_case(case_id), steps)
        # Outside systems' replies (the verification centre's receipt) carry their own time
        # and may come between: what the file and its clocks decided is there, in order.
        history = await _caught_up(api, case_id, expected)
        assert any(e["type"] == "ClockEscalated" for e in history)

    # The organisation's missed yearly cycles, one by one, each on its own 1 January.
    opened = [e for e in history if e["type"] == "AnnualCycleOpened"]
    assert [e["payload"]["year"] for e in opened][:3] == [2023, 2024, 2025]
    for event in opened:
        at = datetime.fromisoformat(event["occurred_at"]).astimezone(SHANGHAI)
        assert (at.year, at.month, at.day, at.hour) == (event["payload"]["year"] + 1, 1, 1, 0)


async def test_a_refused_step_refuses_the_whole_file_and_writes_nothing(
    api: httpx.AsyncClient,
) -> None:
    unit = f"浦东新区救助管理站-{uuid.uuid4().hex[:6]}"
    by = Actor.model_validate({"user_id": "op-x", "role": "operator", "unit": unit})
    steps = [
        _step(report(unit=unit), by, "2025-03-03T09:00:00+08:00"),
        _step(intake(), by, "2025-03-03T11:00:00+08:00"),
        _step(intake(), by, "2025-03-03T12:00:00+08:00"),  # the same intake twice
    ]
    response = await _import(api, steps, by)
    assert response.status_code == 409, response.text
    assert response.json()["details"] == {"step": 2}
    assert "step 3" in response.json()["message_en"]
    assert response.json()["message"].startswith("第 3 步：")
    listed = await api.get("/cases", params={"unit": unit}, headers=bearer(by))
    assert listed.json() == []


async def test_impossible_dates_are_refused_naming_the_step(api: httpx.AsyncClient) -> None:
    cases = [
        ("1999-12-31T10:00:00+08:00", "2000"),
        ("2099-01-01T10:00:00+08:00", "future"),
        ("2025-03-03T08:00:00+08:00", "previous step"),
    ]
    for at, why in cases:
        steps = [
            _step(report(), OPERATOR, "2025-03-03T09:00:00+08:00"),
            _step(intake(), OPERATOR, at),
        ]
        response = await _import(api, steps, TYPIST)
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["code"] == "bad_effective_time" and body["details"] == {"step": 1}
        assert why in body["message_en"] and body["message"].startswith("第 2 步：")


async def test_more_paper_steps_for_an_open_case(api: httpx.AsyncClient) -> None:
    steps = [_step(report(), OPERATOR, "2025-03-03T09:00:00+08:00")]
    case_id = (await _import(api, steps, TYPIST)).json()["case_id"]
    more = [_step(intake(), OPERATOR, "2025-03-03T10:00:00+08:00")]
    response = await api.post(
        f"/cases/{case_id}/import", json={"steps": more}, headers=bearer(TYPIST)
    )
    assert response.status_code == 200, response.text
    earlier = [
        _step({"type": "ClassifyPerson", "observed": []}, OPERATOR, "2025-03-03T09:30:00+08:00")
    ]
    response = await api.post(
        f"/cases/{case_id}/import", json={"steps": earlier}, headers=bearer(TYPIST)
    )
    assert response.status_code == 422 and response.json()["details"] == {"step": 0}


async def test_the_cli_imports_a_paper_file(
    gateway: CaseGateway, ledger: Ledger, engine: AsyncEngine, tmp_path: Path
) -> None:
    steps = [
        _step(report(), OPERATOR, "2025-03-03T09:00:00+08:00"),
        _step(intake(), OPERATOR, "2025-03-03T11:00:00+08:00"),
    ]
    paper = tmp_path / "file.json"
    paper.write_text(json.dumps({"reference": "档案-7", "steps": steps}), encoding="utf-8")
    refused = tmp_path / "refused.json"
    refused.write_text(json.dumps({"steps": [steps[1]]}), encoding="utf-8")
    services = Services(settings=settings(), engine=engine, ledger=ledger, gateway=gateway)
    async with serving(services) as url:
        done = parsed(await casework(url, TYPIST, "cases", "import", str(paper), "--json"))
        assert done["case_id"].startswith("RSC-2025-") and "PersonReported" in done["events"]
        failed = await casework(url, TYPIST, "cases", "import", str(refused))
        assert failed.exit_code != 0
    history = await ledger.read_stream(done["case_id"])
    assert [e.type for e in history][:3] == [
        "PaperFileEntered",
        "PersonReported",
        "IntakeRegistered",
    ]


async def test_a_retried_import_with_its_key_opens_nothing_new(api: httpx.AsyncClient) -> None:
    steps = [_step(report(), OPERATOR, "2025-03-03T09:00:00+08:00")]
    headers = bearer(TYPIST) | {"Idempotency-Key": f"paper-{uuid.uuid4()}"}
    first = await api.post("/cases/import", json={"steps": steps}, headers=headers)
    again = await api.post("/cases/import", json={"steps": steps}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    history = (await api.get(f"/cases/{first.json()['case_id']}/history")).json()
    assert [e["type"] for e in history].count("PaperFileEntered") == 1
    other = await api.post("/cases/import", json={"steps": steps * 2}, headers=headers)
    assert other.status_code == 422
