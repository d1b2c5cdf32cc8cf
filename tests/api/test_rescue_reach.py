"""Operators reach the rescue lifecycle's commands over HTTP and the CLI; a refused command
comes back with the decider's code and reason."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, get_args

import httpx
import pytest
from typer.testing import CliRunner

from casework import cli_schema
from casework.cli import app
from domain.rescue import RESCUE
from domain.rescue.weather import WEATHER
from tests.api.conftest import bearer
from tests.factories import (
    APPROVER,
    CASEWORKER,
    OPERATOR,
    SUPERVISOR,
    classify,
    intake,
    report,
)
from tests.workflows.rescue_helpers import plan_command


async def _post(
    api: httpx.AsyncClient, path: str, body: dict[str, Any], actor: Any
) -> httpx.Response:
    return await api.post(path, json=body, headers=bearer(actor))


async def test_the_plan_and_the_exit_over_http_with_the_rules_reasons(
    api: httpx.AsyncClient,
) -> None:
    opened = await _post(api, "/cases", report(), OPERATOR)
    case_id = opened.json()["case_id"]
    commands = f"/cases/{case_id}/commands"
    assert (await _post(api, commands, intake(person={"age": 14}), OPERATOR)).status_code == 200
    assert (await _post(api, commands, classify(), CASEWORKER)).status_code == 200

    draft = plan_command(date.today() + timedelta(days=7), "S1")
    assert (await _post(api, commands, draft, SUPERVISOR)).status_code == 200
    own = await _post(api, commands, {"type": "ApproveIndividualPlan", "version": 1}, SUPERVISOR)
    assert own.status_code == 403 and own.json()["code"] == "four_eyes"
    assert "may not also approve" in own.json()["message_en"]
    approved = await _post(api, commands, {"type": "ApproveIndividualPlan", "version": 1}, APPROVER)
    assert approved.status_code == 200 and approved.json()["events"][0] == "IndividualPlanApproved"

    self_exit = await _post(
        api, commands, {"type": "RecordSelfExit", "declaration_signed": True}, OPERATOR
    )
    assert self_exit.status_code == 409
    assert self_exit.json()["code"] == "minor_cannot_self_exit"
    assert "未成年人保护法" in self_exit.json()["message"]

    women = await _post(api, commands, {"type": "AssignHousing", "area": "girls"}, OPERATOR)
    assert women.status_code == 409 and women.json()["code"] == "women_housed_apart"

    state = (await api.get(f"/cases/{case_id}")).json()
    assert state["stage"] == "in_stay" and state["state"]["plans"][0]["status"] == "approved"
    assert (await api.get(f"/cases/{case_id}/verify")).json()["valid"]


async def test_a_supervisor_switches_the_weather_mode_over_http(api: httpx.AsyncClient) -> None:
    declare = {"type": "DeclareExtremeWeather", "weather": "heat_wave", "unit": "浦东新区民政局"}
    refused = await _post(api, "/cases", declare, OPERATOR)
    assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"
    opened = await _post(api, "/cases", declare, SUPERVISOR)
    assert opened.status_code == 201, opened.text
    episode = opened.json()["case_id"]
    assert episode.startswith("WX-")
    ended = await _post(
        api, f"/cases/{episode}/commands", {"type": "EndExtremeWeather"}, SUPERVISOR
    )
    assert ended.status_code == 200 and ended.json()["stage"] == "weather_ended"


# --- the CLI: every operator command has a `casework rescue` command that builds it ---------

SYSTEM_ONLY = {"EscalateClock", "RecordPoliceIdentityAnswer", "NoteDistrictWeather"}
ELSEWHERE: set[str] = set()  # GrantExtension is `casework rescue extend` (and `cases extend`)
CASE = "RSC-2026-000001"
CLI_CALLS: list[list[str]] = [
    ["housing", CASE, "--area", "women"],
    ["identity-check", CASE, "--id-number", "11010519491231002X"],
    ["search-notice", CASE, "--channel", "全国救助寻亲网"],
    ["dna-request", CASE, "--police-unit", "浦东公安分局"],
    ["dna-collected", CASE],
    ["identified", CASE, "--method", "dna_match", "--hukou", "安徽阜阳"],
    [
        "plan",
        CASE,
        "--primary",
        "assistance",
        "--assistance",
        "返乡",
        "--goal",
        "返乡",
        "--service",
        "S1|return_travel|购票|sw-li|2026-12-20",
    ],
    ["approve-plan", CASE, "--version", "1"],
    ["return-plan", CASE, "--version", "1", "--reason", "不够具体"],
    ["service-done", CASE, "--service-id", "S1", "--outcome", "已购票"],
    ["service-cancel", CASE, "--service-id", "S1", "--reason", "不再需要"],
    ["weekly-review", CASE, "--notes", "稳定"],
    ["request-extension", CASE, "--days", "5", "--reason", "等家属"],
    ["approve-extension", CASE],
    ["refuse-extension", CASE, "--reason", "无必要"],
    [
        "hand-over",
        CASE,
        "--name",
        "张父",
        "--relation",
        "父亲",
        "--id-number",
        "310115198001011238",
        "--collector-id-checked",
        "--at-risk",
    ],
    [
        "escort",
        CASE,
        "--destination",
        "阜阳",
        "--receiving-bureau",
        "阜阳站",
        "--escort",
        "sw-li",
        "--cross-region",
    ],
    ["handover-ack", CASE, "--receipt-ref", "FY-1"],
    ["self-exit", CASE, "--declaration-signed"],
    ["departed", CASE, "--last-seen", "站门口"],
    [
        "departed",
        CASE,
        "--last-seen",
        "站门口",
        "--police-station",
        "陆家嘴派出所",
        "--report-channel",
        "phone_110",
    ],
    ["police-reference", CASE, "--police-ref", "JQ-2026-0815"],
    ["place", CASE, "--placement", "long_term", "--facility", "福利院", "--hukou-registered"],
    ["to-hospital", CASE, "--hospital", "浦东医院", "--reason", "发热"],
    ["discharge", CASE, "--outcome", "discharged", "--notice-ref", "N-1"],
    ["terminate", CASE, "--reason", "违反站规"],
    ["death", CASE, "--cause", "心脏骤停", "--police-notice-ref", "110-1", "--family-notified"],
    ["follow-up", CASE, "--outcome", "稳定"],
    ["close", CASE, "--summary", "结案"],
    ["refuse-help", CASE, "--extreme-weather"],
    ["intake", CASE, "--information", "unable"],
    ["classify", CASE],
    ["deny", CASE, "--reason", "不符合"],
    ["close-report", CASE, "--reason", "误报"],
    ["weather-off", "WX-2026-000001"],
    ["extend", CASE, "--clock", "在站期限", "--by", "3", "--reason", "等待家属"],
    ["recompute-clocks", CASE, "--reason", "2027年节假日安排已公布"],
]
OPENING_CALLS: list[list[str]] = [
    ["report", "--source", "walk_in", "--unit", "站", "--location", "站内"],
    ["weather-on", "--weather", "寒潮", "--unit", "浦东新区民政局"],
]


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Capture the bodies the CLI would send instead of calling the API."""
    captured: list[dict[str, Any]] = []

    def fake_send(_case: str, command: dict[str, Any], _json: bool) -> None:
        captured.append(command)

    def fake_call(action: Any) -> dict[str, Any]:
        captured.append(action(_Recorder()))
        return RESULT

    monkeypatch.setattr(cli_schema, "send", fake_send)
    monkeypatch.setattr(cli_schema, "call", fake_call)
    return captured


RESULT = {"case_id": CASE, "version": 1, "stage": "reported", "events": ["PersonReported"]}


class _Recorder:
    def post(self, _path: str, body: dict[str, Any]) -> dict[str, Any]:
        return body


def test_every_operator_command_has_a_cli_command(sent: list[dict[str, Any]]) -> None:
    runner = CliRunner()
    for args in [*CLI_CALLS, *OPENING_CALLS]:
        result = runner.invoke(app, ["rescue", *args])
        assert result.exit_code == 0, (args, result.output)
    lifecycles = {c["type"]: RESCUE if c["type"] in _types(RESCUE) else WEATHER for c in sent}
    for command in sent:
        lifecycles[command["type"]].parse_command(command)  # each body is a valid command
    operator_commands = (_types(RESCUE) | _types(WEATHER)) - SYSTEM_ONLY - ELSEWHERE
    assert operator_commands <= {c["type"] for c in sent}


def _types(lifecycle: Any) -> set[str]:
    return {
        cls.model_fields["type"].default for cls in get_args(get_args(lifecycle.command_union)[0])
    }
