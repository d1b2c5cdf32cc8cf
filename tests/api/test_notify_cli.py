"""The CLI's notification and outside-answer commands send bodies the API accepts."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from casework import cli_notify, cli_schema
from casework.cli import app
from domain.relief import RELIEF

CASE = "REL-2026-000001"


class _Api:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Any]] = []

    def get(self, path: str, **params: Any) -> Any:
        self.calls.append(("GET", path, params))
        if path == "/inbox":
            item = {
                "notification_id": 7,
                "read": False,
                "created_at": "2026-12-01T10:00:00+08:00",
                "case_id": "RSC-2026-000001",
                "title_zh": "案件 RSC-2026-000001：在站期限 到期",
            }
            return {"unread": 1, "items": [item]}
        return []

    def post(self, path: str, body: dict[str, Any]) -> Any:
        self.calls.append(("POST", path, body))
        return {
            "marked": len(body.get("ids", [])),
            "unread": 0,
            "notification_id": 7,
            "recipient": "sup-wang",
            "channel": "email",
        }

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        self.calls.append((method, path, kwargs.get("json")))
        return {}


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> _Api:
    fake = _Api()
    monkeypatch.setattr(cli_notify, "call", lambda action: action(fake))
    return fake


def test_refusal_notice_commands_are_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(cli_schema, "send", lambda _c, command, _j: sent.append(command))
    runner = CliRunner()
    for args in (
        ["send-refusal", CASE, "--method", "post"],
        ["deliver-refusal", CASE, "--proof-ref", "EMS-1180-7721"],
        ["deliver-refusal", CASE, "--method", "direct"],
    ):
        result = runner.invoke(app, ["relief", *args])
        assert result.exit_code == 0, result.output
    parsed = [RELIEF.parse_command(body) for body in sent]
    assert [c.type for c in parsed] == [
        "SendRefusalNotice",
        "DeliverRefusalNotice",
        "DeliverRefusalNotice",
    ]
    assert sent[1]["proof_ref"] == "EMS-1180-7721"


def test_inbox_and_outbox_commands(api: _Api) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["inbox"])
    assert (
        listed.exit_code == 0 and "RSC-2026-000001" in listed.output and "未读 1" in listed.output
    )
    assert runner.invoke(app, ["inbox", "read", "7"]).exit_code == 0
    assert runner.invoke(app, ["notifications", "list", "--status", "dead"]).exit_code == 0
    assert runner.invoke(app, ["notifications", "resend", "7"]).exit_code == 0
    endpoint = [
        "notifications",
        "endpoint",
        "police-duty",
        "--party",
        "police",
        "--address",
        "https://police.example/hook",
    ]
    assert runner.invoke(app, endpoint).exit_code == 0
    assert api.calls == [
        ("GET", "/inbox", {"unread_only": False}),
        ("POST", "/inbox/read", {"ids": [7]}),
        ("GET", "/notifications", {"status": "dead", "failing": None, "case_id": None}),
        ("POST", "/notifications/7/resend", {}),
        (
            "PUT",
            "/notifications/endpoints/police-duty",
            {"party": "police", "channel": "webhook", "address": "https://police.example/hook"},
        ),
    ]
