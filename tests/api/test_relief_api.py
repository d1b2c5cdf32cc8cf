"""Relief over HTTP: opening, refusals with the rule's reason, the verification centre's
callback (who may call it, repeats), the money read, and no personal data in lists."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from activities.verification import FakeVerificationCentre
from domain.actors import Actor, Role
from store.ledger import Ledger
from tests.api.conftest import bearer
from tests.factories import (
    AUDITOR,
    RELIEF_CASEWORKER,
    RELIEF_OPERATOR,
    STREET_OFFICE,
    VERIFICATION_CENTRE,
    relief_application,
)
from tests.workflows.relief_harness import ReliefHarness, relief_harness


@pytest.fixture
async def relief(
    dev_env: WorkflowEnvironment,
    ledger: Ledger,
    engine: AsyncEngine,
    task_queue: str,
    tmp_path: Path,
) -> AsyncIterator[ReliefHarness]:
    centre = FakeVerificationCentre(tmp_path / "centre.sqlite", latency=timedelta(0))
    async with relief_harness(dev_env.client, ledger, engine, task_queue, centre) as harness:
        yield harness


async def test_an_application_opens_a_relief_case_listed_without_personal_data(
    relief: ReliefHarness,
) -> None:
    case_id = await relief.open(relief_application())
    assert case_id.startswith("REL-2026-")
    listed = await relief.api.get(
        "/cases",
        params={"kind": "relief", "unit": STREET_OFFICE, "limit": 500},
        headers=bearer(RELIEF_OPERATOR),
    )
    assert listed.status_code == 200
    item = next(i for i in listed.json() if i["case_id"] == case_id)
    assert item["stage"] == "applied" and item["stage_label"] == "已申请"
    assert "王某" not in listed.text and "310115198001011234" not in listed.text
    description = await relief.client.get_workflow_handle(case_id).describe()
    assert "王某" not in str(description.typed_search_attributes)


async def test_refusals_carry_the_rules_reason(relief: ReliefHarness) -> None:
    response = await relief.api.post(
        "/cases",
        json=relief_application(consent_to_verification=False),
        headers=bearer(RELIEF_OPERATOR),
    )
    assert response.status_code == 409 and response.json()["code"] == "consent_required"
    assert "授权核对" in response.json()["message"]
    response = await relief.api.post("/cases", json=relief_application(), headers=bearer(AUDITOR))
    assert response.status_code == 403
    response = await relief.api.post(
        "/cases", json={"type": "ApplyForAssistance"}, headers=bearer(RELIEF_OPERATOR)
    )
    assert response.status_code == 422
    case_id = await relief.open(relief_application())
    early = await relief.refused(case_id, {"type": "ApproveAssistance"}, RELIEF_CASEWORKER)
    assert early["code"] in ("wrong_stage", "role_not_allowed")


async def test_the_centres_callback_records_a_reply_once(relief: ReliefHarness) -> None:
    case_id = await relief.open(relief_application())
    await relief.send(case_id, {"type": "AcceptAssistanceApplication"}, RELIEF_OPERATOR)
    key = await relief.request_key(case_id)
    reply = {
        "case_id": case_id,
        "request_key": key,
        "reply_id": "R-1",
        "verified_income_fen": 120_000,
    }
    url = "/relief/verification-replies"
    staff = await relief.api.post(url, json=reply, headers=bearer(RELIEF_OPERATOR))
    assert staff.status_code == 403 and staff.json()["code"] == "role_not_allowed"
    unknown = {**reply, "case_id": "REL-2026-999999999"}
    assert (
        await relief.api.post(url, json=unknown, headers=bearer(VERIFICATION_CENTRE))
    ).status_code == 404
    wrong_key = {**reply, "request_key": f"{case_id}/V9"}
    answer = await relief.api.post(url, json=wrong_key, headers=bearer(VERIFICATION_CENTRE))
    assert answer.status_code == 409 and answer.json()["code"] == "unknown_request"

    first = await relief.api.post(url, json=reply, headers=bearer(VERIFICATION_CENTRE))
    again = await relief.api.post(url, json=reply, headers=bearer(VERIFICATION_CENTRE))
    assert first.status_code == 200 and first.json()["status"] == "recorded"
    assert again.status_code == 200 and again.json()["status"] == "duplicate_reply"
    assert (await relief.types(case_id)).count("VerificationReplyRecorded") == 1
    await relief.assert_ledger_is_the_workflow(case_id)


async def test_money_is_read_from_the_ledger(relief: ReliefHarness) -> None:
    case_id = await relief.open(relief_application())
    money = (await relief.api.get(f"/relief/{case_id}/money")).json()
    assert money == {
        "case_id": case_id,
        "programme": "dibao",
        "entitlement": [],
        "settlements": [],
        "back_payments_fen": 0,
        "recoveries_fen": 0,
        "fines_fen": 0,
    }
    assert (await relief.api.get("/relief/REL-2026-999999999/money")).status_code == 404
    assert (await relief.api.get("/relief/RSC-2026-000001/money")).status_code == 404
    # Another street office's reader gets the same answer as for an unknown case.
    elsewhere = Actor(user_id="op-elsewhere", role=Role.OPERATOR, unit="陆家嘴街道")
    theirs = await relief.api.get(f"/relief/{case_id}/money", headers=bearer(elsewhere))
    assert theirs.status_code == 404 and theirs.json()["code"] == "case_not_found"
    own = await relief.api.get(f"/relief/{case_id}/money", headers=bearer(RELIEF_OPERATOR))
    assert own.status_code == 200
    centre = await relief.api.get(f"/relief/{case_id}/money", headers=bearer(VERIFICATION_CENTRE))
    assert centre.status_code == 403  # the centre delivers replies and reads nothing
    schema = (await relief.api.get("/openapi.json")).json()
    assert "/relief/verification-replies" in schema["paths"]


async def test_a_reply_for_a_withdrawn_application_is_taken_and_changes_nothing(
    relief: ReliefHarness,
) -> None:
    case_id = await relief.open(relief_application())
    await relief.send(case_id, {"type": "AcceptAssistanceApplication"}, RELIEF_OPERATOR)
    key = await relief.request_key(case_id)
    withdrawal = {"type": "WithdrawAssistanceApplication", "reason": "申请人已就业, 撤回申请"}
    await relief.send(case_id, withdrawal, RELIEF_OPERATOR)
    reply = {"case_id": case_id, "request_key": key, "reply_id": "R-9", "verified_income_fen": 0}
    answer = await relief.api.post(
        "/relief/verification-replies", json=reply, headers=bearer(VERIFICATION_CENTRE)
    )
    assert answer.status_code == 200 and answer.json()["status"] == "case_closed"
    assert (await relief.types(case_id))[-1] == "CaseClosed"
