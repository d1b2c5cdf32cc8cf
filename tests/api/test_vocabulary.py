"""The API speaks the staff's words: the catalogue, event names in the history, Chinese refusals."""

from __future__ import annotations

import httpx

from domain.catalogue import COMMANDS, ERRORS, EVENTS
from tests.api.conftest import bearer
from tests.factories import AUDITOR, CASEWORKER, OPERATOR, classify, report


async def test_the_vocabulary_serves_every_table(api: httpx.AsyncClient) -> None:
    body = (await api.get("/vocabulary")).json()
    for table in ("commands", "events", "stages", "clocks", "rungs", "roles", "errors", "fields"):
        assert body[table], table
    assert body["commands"]["ReportPerson"] == COMMANDS["ReportPerson"]
    assert body["stages"]["rescue"]["in_stay"] == "在站"
    assert body["enums"]["ReportSource"]["grid_patrol"] == "网格巡查"
    assert body["roles"]["system"] == "系统"


async def test_history_entries_carry_the_events_chinese_name_and_summary(
    api: httpx.AsyncClient,
) -> None:
    opened = await api.post("/cases", json=report(source="grid_patrol"), headers=bearer(OPERATOR))
    case_id = opened.json()["case_id"]
    history = (await api.get(f"/cases/{case_id}/history")).json()
    first = history[0]
    assert first["type"] == "PersonReported" and first["type_label"] == EVENTS["PersonReported"]
    assert first["actor_role_label"] == "经办人员"
    assert "网格巡查" in first["summary"]
    assert all(e["type_label"] == EVENTS[e["type"]] for e in history)


async def test_a_refusal_speaks_chinese_and_keeps_the_english_beside_it(
    api: httpx.AsyncClient,
) -> None:
    opened = await api.post("/cases", json=report(), headers=bearer(OPERATOR))
    case_id = opened.json()["case_id"]
    refused = await api.post(
        f"/cases/{case_id}/commands", json=classify(), headers=bearer(CASEWORKER)
    )
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "wrong_stage" and body["message"] == ERRORS["wrong_stage"]
    assert "intake" in body["message_en"]

    escort = await api.post(
        "/cases", json=report(source="police", observed=["minor"]), headers=bearer(OPERATOR)
    )
    assert "第五条" in escort.json()["message"] and "Art 5" in escort.json()["message_en"]
    who = await api.post("/cases", json=report(), headers=bearer(AUDITOR))
    assert who.status_code == 403 and who.json()["message"] == ERRORS["role_not_allowed"]
    missing = await api.get("/cases/RSC-2026-999999/history", headers=bearer(AUDITOR))
    assert missing.status_code == 404 and missing.json()["message"] == ERRORS["case_not_found"]
    malformed = await api.post(
        f"/cases/{case_id}/commands", json={"type": "RegisterIntake"}, headers=bearer(OPERATOR)
    )
    assert (
        malformed.status_code == 422
        and malformed.json()["message"] == ERRORS[malformed.json()["code"]]
    )
