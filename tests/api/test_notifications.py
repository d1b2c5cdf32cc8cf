"""A scripted case end to end: its escalations reach the people the ladder names (inbox), the
administrators see the outbox, and /metrics (parsed by prometheus_client) shows counters move."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from activities.channels import InboxChannel
from domain.actors import Actor, Role
from store.users import save_user
from tests.api.conftest import bearer
from tests.factories import classify, intake, report
from workers.dispatcher import Dispatcher


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(
    figures: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return figures.get((name, frozenset(labels.items())), 0.0)


async def scrape(api: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = await api.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


async def drain(engine: AsyncEngine) -> None:
    dispatcher = Dispatcher(engine, {"inbox": InboxChannel()})
    while await dispatcher.dispatch_one():
        pass


async def test_escalations_reach_inboxes_and_metrics_move(
    skipping_env: WorkflowEnvironment, skipping_api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    api = skipping_api
    unit = f"测试街道-{uuid.uuid4().hex[:6]}"
    operator = Actor(user_id=f"op-{uuid.uuid4().hex[:6]}", role=Role.OPERATOR, unit=unit)
    lead = Actor(user_id=f"head-{uuid.uuid4().hex[:6]}", role=Role.APPROVER, unit=unit)
    leader = Actor(user_id=f"adm-{uuid.uuid4().hex[:6]}", role=Role.ADMIN, unit="浦东新区民政局")
    for person in (operator, lead, leader):
        await save_user(engine, person, "测试", "pw-12345678")
    before = await scrape(api)

    opened = await api.post("/cases", json=report(unit=unit), headers=bearer(operator))
    case_id = opened.json()["case_id"]
    await api.post(f"/cases/{case_id}/commands", json=intake(), headers=bearer(operator))
    refused = await api.post(
        "/cases",
        json=report(unit=unit, source="police", observed=["elderly"]),
        headers=bearer(operator),
    )
    assert refused.status_code == 409
    await skipping_env.sleep(timedelta(days=20))  # the plan-approval clock runs to L3
    await drain(engine)

    # The team lead (L1) and bureau leadership (L3) each find the case in their inbox.
    lead_inbox = (await api.get("/inbox", headers=bearer(lead))).json()
    mine = [i for i in lead_inbox["items"] if i["case_id"] == case_id]
    assert {i["rung"] for i in mine} >= {"L1_DUE"}
    assert all(i["link"] == f"/console#/case/{case_id}" and not i["read"] for i in mine)
    assert lead_inbox["unread"] >= len(mine)
    leader_items = (await api.get("/inbox", headers=bearer(leader))).json()["items"]
    assert "L3_LEADERSHIP" in {i["rung"] for i in leader_items if i["case_id"] == case_id}
    assert "L1_DUE" not in {i["rung"] for i in leader_items if i["case_id"] == case_id}

    marked = await api.post(
        "/inbox/read", json={"ids": [mine[0]["notification_id"]]}, headers=bearer(lead)
    )
    assert marked.json() == {"marked": 1, "unread": lead_inbox["unread"] - 1}
    after_read = (await api.get("/inbox", headers=bearer(lead))).json()["items"]
    reads = [i["read"] for i in after_read]
    assert True in reads and reads == sorted(reads)  # unread first
    # Someone else's ids change nothing.
    other = await api.post(
        "/inbox/read",
        json={"ids": [mine[1]["notification_id"]] if len(mine) > 1 else [1]},
        headers=bearer(operator),
    )
    assert other.json()["marked"] == 0

    # Administrators see the outbox of the case; an operator may not.
    outbox = await api.get("/notifications", params={"case_id": case_id}, headers=bearer(leader))
    assert outbox.status_code == 200
    assert {r["status"] for r in outbox.json() if r["channel"] == "inbox"} == {"delivered"}
    assert (await api.get("/notifications", headers=bearer(operator))).status_code == 403

    after = await scrape(api)
    grew = lambda name, **labels: value(after, name, **labels) - value(before, name, **labels)  # noqa: E731
    assert grew("casework_commands_total", type="ReportPerson", outcome="accepted") == 1
    assert grew("casework_commands_total", type="RegisterIntake", outcome="accepted") == 1
    assert grew("casework_commands_total", type="ReportPerson", outcome="refused") == 1
    assert grew("casework_refusals_total", code="escort_required") == 1
    assert grew("casework_command_seconds_count", type="ReportPerson") == 2
    assert grew("casework_escalations_total", kind="rescue", rung="L3_LEADERSHIP") >= 1
    assert grew("casework_notification_deliveries_total", channel="inbox") >= len(mine) + 1
    assert value(after, "casework_external_system_up", system="postgresql") == 1.0
    assert any(name == "casework_open_cases" for name, _ in after)
    # Every casework series the Grafana dashboard asks for is one the API exports.
    dashboard = Path(__file__).resolve().parents[2] / "deploy/grafana/dashboards/casework.json"
    wanted = set(re.findall(r"casework_[a-z_]+", dashboard.read_text()))
    assert wanted <= {name for name, _ in after}, sorted(wanted - {name for name, _ in after})


async def test_administrators_see_dead_letters_and_resend_them(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    tag = uuid.uuid4().hex[:6]
    admin = Actor(user_id=f"adm-{tag}", role=Role.ADMIN, unit="浦东新区民政局")
    operator = Actor(user_id=f"op-{tag}", role=Role.OPERATOR, unit=f"救助站-{tag}")
    caseworker = Actor(user_id=f"sw-{tag}", role=Role.CASEWORKER, unit=operator.unit)
    opened = await api.post("/cases", json=report(unit=operator.unit), headers=bearer(operator))
    case_id = opened.json()["case_id"]
    commands = f"/cases/{case_id}/commands"
    await api.post(commands, json=intake(person={"age": 13}), headers=bearer(operator))
    await api.post(commands, json=classify(), headers=bearer(caseworker))
    departure = {"type": "RecordUnauthorisedDeparture", "last_seen": "站门口"}
    assert (await api.post(commands, json=departure, headers=bearer(operator))).status_code == 200

    # The station of this case has no approver registered: the report to its team lead is
    # kept as a dead letter, visible to administrators and counted, never silently dropped.
    dead = await api.get(
        "/notifications", params={"status": "dead", "case_id": case_id}, headers=bearer(admin)
    )
    unit_lead = [r for r in dead.json() if r["spec"].get("unit") == operator.unit]
    assert [(r["rule"], r["last_error"]) for r in unit_lead] == [
        ("police_report", "no active recipient matches")
    ]
    resend = await api.post(
        f"/notifications/{unit_lead[0]['notification_id']}/resend", headers=bearer(admin)
    )
    assert resend.status_code == 404  # nobody to deliver to: fix the users, not the row
    summary_rows = (await api.get("/notifications/summary", headers=bearer(admin))).json()
    assert any(r["channel"] == "none" and r["status"] == "dead" for r in summary_rows)

    refused = await api.post("/notifications/1/resend", headers=bearer(operator))
    assert refused.status_code == 403
    assert (await api.get("/notifications/endpoints", headers=bearer(operator))).status_code == 403
    bad = await api.put(
        f"/notifications/endpoints/x-{tag}",
        json={"party": "police", "channel": "pigeon", "address": "roof"},
        headers=bearer(admin),
    )
    assert bad.status_code == 422
