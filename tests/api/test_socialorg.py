"""Social organisations over HTTP: every command through the API with the decider's refusals,
and the bureau's yearly batch view (who is due, late, on which list) on the time-skipping server."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain.actors import Actor, Role
from domain.calendar import SHANGHAI, local_date
from tests.api.conftest import bearer
from tests.factories import org_application, org_registration, org_report
from tests.workflows.socialorg_time import next_date, own_skipping_server, sleep_until

SUPERVISOR = Actor(user_id="sup-he", role=Role.SUPERVISOR, unit="浦东新区民政局")
AUDITOR = Actor(user_id="aud-sun", role=Role.AUDITOR, unit="浦东新区民政局")


@pytest.fixture(scope="module")
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """This module's own time-skipping server (see tests/workflows/socialorg_time.py)."""
    async with own_skipping_server() as env:
        yield env


class Bureau:
    """A registration authority of its own per test, so lists only show this test's cases."""

    def __init__(self, api: httpx.AsyncClient) -> None:
        self.api = api
        self.unit = f"登记管理机关-{uuid.uuid4().hex[:8]}"
        self.operator = Actor(user_id="op-zhou", role=Role.OPERATOR, unit=self.unit)
        self.caseworker = Actor(user_id="cw-xu", role=Role.CASEWORKER, unit=self.unit)
        self.approver = Actor(user_id="head-lin", role=Role.APPROVER, unit=self.unit)
        self.opened: list[str] = []

    async def open(self, **application: Any) -> str:
        body = org_application(unit=self.unit, **application)
        response = await self.api.post("/cases", json=body, headers=bearer(self.operator))
        assert response.status_code == 201, response.text
        case_id: str = response.json()["case_id"]
        self.opened.append(case_id)
        return case_id

    async def send(self, case_id: str, actor: Actor, command: dict[str, Any]) -> httpx.Response:
        return await self.api.post(
            f"/cases/{case_id}/commands", json=command, headers=bearer(actor)
        )

    async def ok(self, case_id: str, actor: Actor, command: dict[str, Any]) -> dict[str, Any]:
        response = await self.send(case_id, actor, command)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def register(self, env: WorkflowEnvironment, **application: Any) -> str:
        case_id = await self.open(**application)
        await self.ok(
            case_id, self.approver, org_registration(application.get("org_type", "social_group"))
        )
        today = local_date(await env.get_current_time()).isoformat()
        activity = {"type": "RecordOrgActivity", "description": "成立大会", "held_on": today}
        await self.ok(case_id, self.operator, activity)
        return case_id

    async def batch(self, **params: Any) -> dict[str, str | None]:
        response = await self.api.get(
            "/social-orgs/inspections",
            params={"unit": self.unit, **params},
            headers=bearer(SUPERVISOR),
        )
        assert response.status_code == 200, response.text
        assert int(response.headers["X-Total-Count"]) == len(response.json())
        return {item["case_id"]: item["status"] for item in response.json()}


@pytest.fixture
async def bureau(
    skipping_api: httpx.AsyncClient, skipping_env: WorkflowEnvironment
) -> AsyncIterator[Bureau]:
    office = Bureau(skipping_api)
    yield office
    for case_id in office.opened:
        with contextlib.suppress(RPCError):
            await skipping_env.client.get_workflow_handle(case_id).terminate("test over")


async def test_the_yearly_batch_view_shows_who_is_due_late_and_listed(
    bureau: Bureau, skipping_env: WorkflowEnvironment
) -> None:
    env = skipping_env
    await sleep_until(env, next_date(await env.get_current_time(), 3, 2))
    year = local_date(await env.get_current_time()).year
    diligent = await bureau.register(env)
    silent = await bureau.register(env)
    foundation = await bureau.register(env, org_type="foundation", sponsor_unit=None)
    await sleep_until(env, datetime(year, 11, 10, 10, tzinfo=SHANGHAI))
    newcomer = await bureau.register(env, sponsor_unit=None)

    # 1 January: every organisation's year opens; the November newcomer skips it
    await sleep_until(env, datetime(year + 1, 1, 2, 10, tzinfo=SHANGHAI))
    assert await bureau.batch(year=year) == {
        foundation: "due",  # due 31 March comes first
        diligent: "due",
        silent: "due",
        newcomer: "skipped",
    }

    # The diligent group reports to its sponsor, then the authority; the foundation passes
    await sleep_until(env, datetime(year + 1, 2, 20, 10, tzinfo=SHANGHAI))
    refused = await bureau.send(diligent, bureau.operator, org_report(year, "authority"))
    assert refused.status_code == 409 and refused.json()["code"] == "sponsor_review_first"
    assert "社团条例 Art 28" in refused.json()["message_en"]
    await bureau.ok(diligent, bureau.operator, org_report(year, "sponsor"))
    await bureau.ok(foundation, bureau.operator, org_report(year, "authority"))
    result = {"type": "RecordInspectionResult", "year": year, "result": "pass"}
    await bureau.ok(foundation, bureau.caseworker, result)
    await sleep_until(env, datetime(year + 1, 4, 20, 10, tzinfo=SHANGHAI))
    await bureau.ok(diligent, bureau.operator, org_report(year, "authority"))

    # 1 June: the silent group missed both dates: warned and on the abnormal-activity list
    await sleep_until(env, datetime(year + 1, 6, 2, 10, tzinfo=SHANGHAI))
    assert await bureau.batch(year=year) == {
        silent: "late",
        diligent: "filed",
        foundation: "pass",
        newcomer: "skipped",
    }
    assert await bureau.batch(year=year, status="late") == {silent: "late"}
    assert await bureau.batch(list="abnormal_activity") == {silent: "late"}
    assert await bureau.batch(org_type="foundation") == {foundation: "pass"}
    # that year opens next 1 January: every organisation is scheduled for it, with its dates
    assert await bureau.batch(year=year + 1) == {
        org: "scheduled" for org in (diligent, silent, foundation, newcomer)
    }
    summary = await bureau.api.get(
        "/social-orgs/inspections/summary",
        params={"year": year, "unit": bureau.unit},
        headers=bearer(SUPERVISOR),
    )
    assert summary.json()["total"] == 4
    assert {k: v for k, v in summary.json()["by_status"].items() if v} == {
        "late": 1,
        "filed": 1,
        "pass": 1,
        "skipped": 1,
    }
    assert summary.json()["by_list"] == {"abnormal_activity": 1, "serious_dishonesty": 0}

    # The silent group's history: the system recorded the misses; the state as of 31 May
    history = (await bureau.api.get(f"/cases/{silent}/history", headers=bearer(SUPERVISOR))).json()
    missed = [e for e in history if e["type"] == "AnnualReportMissed"]
    assert [(e["payload"]["recipient"], e["actor"]) for e in missed] == [
        ("sponsor", "system"),
        ("authority", "system"),
    ]
    before = await bureau.api.get(
        f"/cases/{silent}",
        params={"as_of": f"{year + 1}-05-31T12:00:00"},
        headers=bearer(SUPERVISOR),
    )
    assert before.json()["state"]["lists"] == {}
    now = (await bureau.api.get(f"/cases/{silent}", headers=bearer(SUPERVISOR))).json()
    assert list(now["state"]["lists"]) == ["abnormal_activity"]
    verify = await bureau.api.get(f"/cases/{silent}/verify", headers=bearer(SUPERVISOR))
    assert verify.json()["valid"] is True

    # A street office sees only its own unit's organisations
    other = Actor(user_id="op-other", role=Role.OPERATOR, unit="花木街道")
    foreign = await bureau.api.get(
        "/social-orgs/inspections", params={"unit": bureau.unit}, headers=bearer(other)
    )
    assert foreign.status_code == 403 and foreign.json()["code"] == "unit_not_allowed"
    own = await bureau.api.get("/social-orgs/inspections", headers=bearer(bureau.operator))
    assert {i["case_id"] for i in own.json()} == {silent, diligent, foundation, newcomer}
    assert all("org_name" not in i for i in own.json()), "no names in the batch view"


async def test_every_stage_answers_over_http_and_refuses_with_the_deciders_reason(
    bureau: Bureau, skipping_env: WorkflowEnvironment
) -> None:
    env = skipping_env
    case_id = await bureau.open(documents=["application_form"])
    detail = (await bureau.api.get(f"/cases/{case_id}", headers=bearer(SUPERVISOR))).json()
    assert detail["stage"] == "applying" and detail["stage_label"] == "登记申请"
    missing = await bureau.send(
        case_id, bureau.approver, {"type": "SubmitRegistrationDocuments", "documents": ["articles"]}
    )
    assert missing.status_code == 403 and missing.json()["code"] == "role_not_allowed"
    documents = ["articles", "capital_proof", "premises_proof", "leaders_info", "sponsor_approval"]
    done = await bureau.ok(
        case_id, bureau.operator, {"type": "SubmitRegistrationDocuments", "documents": documents}
    )
    assert done["stage"] == "under_review"

    bad_code = {**org_registration(), "credit_code": "52310115MJ0123456X"}
    refused = await bureau.send(case_id, bureau.approver, bad_code)
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_credit_code"
    malformed = await bureau.send(
        case_id, bureau.approver, {**org_registration(), "credit_code": "x"}
    )
    assert malformed.status_code == 422
    by_auditor = await bureau.send(case_id, AUDITOR, org_registration())
    assert by_auditor.status_code == 403
    registered = await bureau.ok(case_id, bureau.approver, org_registration())
    assert registered["stage"] == "registered"

    # Four eyes on a revocation; liquidation then blocks everything else
    proposal = {"type": "ProposeRevocation", "grounds": ["擅自设立分支机构"]}
    await bureau.ok(case_id, bureau.approver, proposal)
    decision = {"type": "DecideRevocation", "approve": False, "reason": "证据不足"}
    own = await bureau.send(case_id, bureau.approver, decision)
    assert own.status_code == 403 and own.json()["code"] == "four_eyes"
    other_approver = Actor(user_id="head-gao", role=Role.APPROVER, unit=bureau.unit)
    await bureau.ok(case_id, other_approver, decision)
    today = local_date(await env.get_current_time()).isoformat()
    await bureau.ok(
        case_id, bureau.operator, {"type": "RecordDeregistrationApproval", "approved_on": today}
    )
    await bureau.ok(case_id, bureau.operator, {"type": "StartLiquidation"})
    blocked = await bureau.send(
        case_id,
        bureau.operator,
        {"type": "RecordOrgActivity", "description": "年会", "held_on": today},
    )
    assert blocked.status_code == 409 and blocked.json()["code"] == "in_liquidation"
    assert "清算" in blocked.json()["message"]
    for command in (
        {"type": "FinishLiquidation"},
        {"type": "ApplyForDeregistration"},
        {"type": "RecordCertificateReturned", "certificate": True, "seals": True},
    ):
        await bureau.ok(case_id, bureau.operator, command)
    closed = await bureau.ok(
        case_id,
        bureau.approver,
        {"type": "CompleteDeregistration", "notice_reference": "浦民社注1号"},
    )
    assert closed["stage"] == "deregistered"
    listed = await bureau.api.get(
        "/cases", params={"kind": "social_org", "unit": bureau.unit}, headers=bearer(SUPERVISOR)
    )
    assert [(c["case_id"], c["stage_label"]) for c in listed.json()] == [(case_id, "已注销")]
    history = (await bureau.api.get(f"/cases/{case_id}/history", headers=bearer(SUPERVISOR))).json()
    assert history[-1]["type"] == "OrganisationDeregistered"
    assert "AttemptRefused" in [e["type"] for e in history]  # the four-eyes breach is on record
