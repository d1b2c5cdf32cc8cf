"""The workbench's endpoints: command schemas, what a case accepts now, what awaits review,
and the statistics as CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from domain.actors import Actor, Role
from domain.calendar import SHANGHAI
from tests.api.conftest import bearer
from tests.factories import APPROVER, CASEWORKER, OPERATOR, STATION, SUPERVISOR, intake, report

OTHER_UNIT_APPROVER = Actor(user_id="head-qian", role=Role.APPROVER, unit="花木街道")


def plan(owner: str = "sw-li") -> dict[str, Any]:
    due = (datetime.now(UTC).astimezone(SHANGHAI) + timedelta(days=10)).date()
    return {
        "type": "DraftIndividualPlan",
        "assessment": {"assistance": "需返乡路费与医疗", "primary": "assistance"},
        "goals": ["一周内联系家属"],
        "services": [
            {
                "service_id": "S1",
                "kind": "family_tracing",
                "description": "联系户籍地寻亲",
                "owner": owner,
                "due": due.isoformat(),
            }
        ],
    }


async def _in_stay(api: httpx.AsyncClient) -> str:
    opened = await api.post("/cases", json=report(), headers=bearer(OPERATOR))
    assert opened.status_code == 201, opened.text
    case_id: str = opened.json()["case_id"]
    for command in (intake(), {"type": "ClassifyPerson", "observed": []}):
        sent = await api.post(f"/cases/{case_id}/commands", json=command, headers=bearer(OPERATOR))
        assert sent.status_code == 200, sent.text
    return case_id


async def test_lifecycles_serve_each_command_schema_from_its_model(
    api: httpx.AsyncClient,
) -> None:
    answer = await api.get("/lifecycles", headers=bearer(OPERATOR))
    assert answer.status_code == 200
    kinds = {lc["kind"]: lc for lc in answer.json()}
    assert set(kinds) == {"rescue", "relief", "social_org"}
    intake_schema = kinds["rescue"]["commands"]["RegisterIntake"]
    assert intake_schema["required"] == ["person", "information"]
    assert intake_schema["$defs"]["InformationGiven"]["enum"] == ["provided", "unable", "refused"]
    assert kinds["rescue"]["opening_commands"] == ["ReportPerson"]
    assert kinds["rescue"]["stages"]["intake"]
    assert (await api.get("/lifecycles/weather", headers=bearer(OPERATOR))).status_code == 404


async def test_openings_are_the_commands_my_role_may_open_a_case_with(
    api: httpx.AsyncClient,
) -> None:
    def pairs(answer: httpx.Response) -> set[tuple[str, str]]:
        return {(o["kind"], o["command"]) for o in answer.json()}

    operator = pairs(await api.get("/openings", headers=bearer(OPERATOR)))
    assert ("rescue", "ReportPerson") in operator
    assert ("social_org", "ApplyForOrgRegistration") in operator
    assert pairs(await api.get("/openings", headers=bearer(APPROVER))) == set()


async def test_offers_follow_the_stage_and_the_role(api: httpx.AsyncClient) -> None:
    opened = await api.post("/cases", json=report(), headers=bearer(OPERATOR))
    case_id = opened.json()["case_id"]
    offers = (await api.get(f"/cases/{case_id}/offers", headers=bearer(OPERATOR))).json()
    assert offers["stage"] == "reported"
    assert "RegisterIntake" in offers["yours"]
    assert "ClassifyPerson" not in offers["yours"] + offers["other_roles"]
    await api.post(f"/cases/{case_id}/commands", json=intake(), headers=bearer(OPERATOR))
    offers = (await api.get(f"/cases/{case_id}/offers", headers=bearer(OPERATOR))).json()
    assert offers["stage"] == "intake"
    assert "ClassifyPerson" in offers["yours"]
    assert "RegisterIntake" not in offers["yours"] + offers["other_roles"]
    assert "DenyAssistance" in offers["other_roles"]  # caseworkers and approvers deny
    other = Actor(user_id="op-x", role=Role.OPERATOR, unit="花木街道")
    # Another unit's case does not exist for its readers (no existence oracle).
    assert (await api.get(f"/cases/{case_id}/offers", headers=bearer(other))).status_code == 404


async def test_a_drafted_plan_awaits_an_approver_but_not_its_author(
    api: httpx.AsyncClient,
) -> None:
    case_id = await _in_stay(api)
    drafted = await api.post(f"/cases/{case_id}/commands", json=plan(), headers=bearer(CASEWORKER))
    assert drafted.status_code == 200, drafted.text
    waiting = (await api.get("/reviews", headers=bearer(APPROVER))).json()
    mine = [r for r in waiting if r["case_id"] == case_id]
    assert mine and mine[0]["subject"] == "plan"
    assert mine[0]["commands"] == ["ApproveIndividualPlan", "ReturnIndividualPlan"]
    assert mine[0]["makers"] == [CASEWORKER.user_id]
    for not_a_checker in (CASEWORKER, OTHER_UNIT_APPROVER, OPERATOR):
        theirs = (await api.get("/reviews", headers=bearer(not_a_checker))).json()
        assert case_id not in {r["case_id"] for r in theirs}, not_a_checker.user_id
    # A supervisor who drafted the plan may not also approve it.
    case_2 = await _in_stay(api)
    await api.post(f"/cases/{case_2}/commands", json=plan(), headers=bearer(SUPERVISOR))
    assert case_2 not in {
        r["case_id"] for r in (await api.get("/reviews", headers=bearer(SUPERVISOR))).json()
    }
    assert case_2 in {
        r["case_id"] for r in (await api.get("/reviews", headers=bearer(APPROVER))).json()
    }


async def test_statistics_come_as_json_and_as_csv(api: httpx.AsyncClient) -> None:
    await _in_stay(api)
    table = (await api.get("/stats/cases-by-month", headers=bearer(SUPERVISOR))).json()
    assert table["columns"] == ["month", "kind", "unit", "opened", "closed"]
    month = datetime.now(UTC).astimezone(SHANGHAI).strftime("%Y-%m")
    assert any(r[0] == month and r[2] == STATION and r[3] >= 1 for r in table["rows"])
    answer = await api.get(
        "/stats/cases-by-month", params={"format": "csv"}, headers=bearer(SUPERVISOR)
    )
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == table["columns"]
    assert rows[1:] == [[str(v) for v in r] for r in table["rows"]]
    # A unit sees its own cases only.
    outside = Actor(user_id="op-y", role=Role.OPERATOR, unit="花木街道")
    theirs = (await api.get("/stats/cases-by-month", headers=bearer(outside))).json()
    assert {r[2] for r in theirs["rows"]} <= {"花木街道"}
    assert (await api.get("/stats/nothing", headers=bearer(SUPERVISOR))).status_code == 422
