"""A minor slips out of the station, tried as a new user would: the police's duty desk gets a
signed message at once (nothing personal in it), the missing reference climbs the ladder to
the district, and the case closes once the police reference is recorded."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from activities.channels import InboxChannel, WebhookChannel
from domain.actors import Actor, Role
from store.users import save_user
from tests.api.conftest import bearer
from tests.factories import classify, intake, report
from tests.workers.receivers import WebhookReceiver
from workers.dispatcher import Dispatcher

SECRET = "shared-with-the-police-duty-desk"


async def drain(engine: AsyncEngine) -> None:
    dispatcher = Dispatcher(engine, {"webhook": WebhookChannel(SECRET), "inbox": InboxChannel()})
    while await dispatcher.dispatch_one():
        pass


async def test_a_missing_minor_reaches_the_police_and_the_district(
    skipping_env: WorkflowEnvironment, skipping_api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    api = skipping_api
    tag = uuid.uuid4().hex[:6]
    unit = f"救助站-{tag}"
    operator = Actor(user_id=f"op-{tag}", role=Role.OPERATOR, unit=unit)
    caseworker = Actor(user_id=f"sw-{tag}", role=Role.CASEWORKER, unit=unit)
    supervisor = Actor(user_id=f"sup-{tag}", role=Role.SUPERVISOR, unit="浦东新区民政局")
    admin = Actor(user_id=f"adm-{tag}", role=Role.ADMIN, unit="浦东新区民政局")
    for person in (operator, caseworker, supervisor, admin):
        await save_user(engine, person, "测试", "pw-12345678")
    receiver = WebhookReceiver(SECRET)
    # Outside parties are registered by an administrator (the session's database is shared:
    # this test's police endpoint is the only one it checks for).
    registered = await api.put(
        f"/notifications/endpoints/police-{tag}",
        json={"party": "police", "channel": "webhook", "address": receiver.url},
        headers=bearer(admin),
    )
    assert registered.status_code == 200, registered.text

    opened = await api.post("/cases", json=report(unit=unit), headers=bearer(operator))
    case_id = opened.json()["case_id"]
    commands = f"/cases/{case_id}/commands"
    minor = intake(person={"age": 13, "name": "小明"})
    assert (await api.post(commands, json=minor, headers=bearer(operator))).status_code == 200
    assert (
        await api.post(commands, json=classify(), headers=bearer(caseworker))
    ).status_code == 200
    departure = {"type": "RecordUnauthorisedDeparture", "last_seen": "22:10 站门口"}
    assert (await api.post(commands, json=departure, headers=bearer(operator))).status_code == 200

    async with receiver.running():
        await drain(engine)
        police = [body for body in receiver.processed.values() if body["case_id"] == case_id]
        assert [b["rule"] for b in police] == ["police_report"]
        assert receiver.bad_signatures == 0
        assert "小明" not in json.dumps(police, ensure_ascii=False)  # no name leaves the bureau
        assert police[0]["message"]["clock"] == "police_report_ack"

        refused = await api.post(
            commands,
            json={"type": "CloseRescueCase", "summary": "离站"},
            headers=bearer(caseworker),
        )
        assert refused.json()["code"] == "awaiting_police_reference"

        await skipping_env.sleep(timedelta(days=3))  # no reference from the police
        await drain(engine)

    items = (await api.get("/inbox", headers=bearer(supervisor))).json()["items"]
    mine = {(i["rule"], i["clock"], i["rung"]) for i in items if i["case_id"] == case_id}
    assert ("police_report", "police_report_ack", None) in mine  # told of the report at once
    assert ("clock_escalated", "police_report_ack", "L2_OVERDUE") in mine

    reference = {"type": "RecordPoliceAcknowledgement", "police_ref": "JQ-2026-0815"}
    assert (await api.post(commands, json=reference, headers=bearer(operator))).status_code == 200
    closed = await api.post(
        commands,
        json={"type": "CloseRescueCase", "summary": "警方已立案"},
        headers=bearer(caseworker),
    )
    assert closed.status_code == 200 and closed.json()["stage"] == "closed"
    retired = await api.put(
        f"/notifications/endpoints/police-{tag}",
        json={"party": "police", "channel": "webhook", "address": receiver.url, "active": False},
        headers=bearer(admin),
    )
    assert retired.json()["active"] is False  # later tests' reports do not call this receiver
