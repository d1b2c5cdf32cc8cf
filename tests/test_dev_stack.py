"""`casework dev` end to end, as a newcomer runs it: real processes, real HTTP, the CLI."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stack:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.api_port, self.temporal_port, self.ui_port = _free_port(), _free_port(), _free_port()
        self.metrics_port = _free_port()
        self.env = {
            k: v
            for k, v in os.environ.items()
            # As a newcomer runs it: no servers, and no payload keys (dev makes its own).
            if k not in ("DATABASE_URL", "TEMPORAL_ADDRESS", "CASEWORK_PAYLOAD_KEYS")
        } | {
            "CASEWORK_CONFIG_DIR": str(root / "config"),
            "CASEWORK_API_URL": f"http://127.0.0.1:{self.api_port}",
            "CASEWORK_TOKEN": "",
        }
        self.process: subprocess.Popen[str] | None = None
        self.cwd = root / "cwd"

    def dev_command(self) -> list[str]:
        return [
            str(BIN / "casework"),
            "dev",
            "--data-dir",
            str(self.root / "data"),
            "--port",
            str(self.api_port),
            "--temporal-port",
            str(self.temporal_port),
            "--ui-port",
            str(self.ui_port),
            "--metrics-port",
            str(self.metrics_port),
        ]

    def start(self) -> None:
        log = (self.root / "dev.log").open("a")
        self.cwd.mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            self.dev_command(),
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=self.cwd,  # a folder of its own: the stack must write nothing here
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.root / "dev.log").read_text()
            try:
                if (
                    httpx.get(f"{self.env['CASEWORK_API_URL']}/healthz", timeout=2).status_code
                    == 200
                ):
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        raise AssertionError(
            "casework dev did not become healthy:\n" + (self.root / "dev.log").read_text()
        )

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=60)
        self.process = None
        return code

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "casework"), *args], env=self.env, capture_output=True, text=True, timeout=60
        )

    def cli_json(self, *args: str) -> Any:
        done = self.cli(*args, "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    s = Stack(tmp_path)
    yield s
    if s.process is not None:  # a failed test: stop it the polite way first
        s.process.send_signal(signal.SIGINT)
        try:
            s.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            s.process.kill()
            s.process.wait()


def _children_of(pid: int) -> list[str]:
    found = subprocess.run(["ps", "-eo", "ppid=,args="], capture_output=True, text=True).stdout
    return [line for line in found.splitlines() if line.split(maxsplit=1)[0] == str(pid)]


def _database_logins(pgdata: Path) -> set[str]:
    """Who is connected to the embedded server's casework database (asked as its owner)."""

    async def ask() -> set[str]:
        conn = await asyncpg.connect(f"postgresql://postgres@/casework?host={pgdata}")
        try:
            rows = await conn.fetch(
                "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = 'casework' "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
        finally:
            await conn.close()
        return {r["usename"] for r in rows}

    return asyncio.run(ask())


def test_dev_serves_the_proof_path_and_survives_a_restart(stack: Stack) -> None:
    stack.start()
    assert (
        httpx.get(f"http://127.0.0.1:{stack.ui_port}", timeout=5).status_code == 200
    )  # Temporal UI
    # The UI decodes through the API's codec endpoint, with the key dev made for itself.
    ui_settings = httpx.get(f"http://127.0.0.1:{stack.ui_port}/api/v1/settings", timeout=5).json()
    assert ui_settings["Codec"]["Endpoint"] == f"{stack.env['CASEWORK_API_URL']}/codec"
    assert (stack.root / "data" / "payload-keys").exists()

    login = stack.cli(
        "login", "--user", "op-zhang", "--role", "operator", "--unit", "浦东新区救助管理站"
    )
    assert login.returncode == 0, login.stderr
    opened = stack.cli_json(
        "rescue",
        "report",
        "--source",
        "grid_patrol",
        "--unit",
        "浦东新区救助管理站",
        "--location",
        "世纪大道",
    )
    case_id = opened["case_id"]
    stack.cli_json(
        "rescue", "intake", case_id, "--information", "unable", "--age", "70", "--sex", "male"
    )

    refused = stack.cli("rescue", "intake", case_id, "--information", "provided")
    assert refused.returncode == 1
    assert "wrong_stage" in refused.stderr and "Traceback" not in refused.stderr

    history = stack.cli_json("cases", "history", case_id)
    assert [e["type"] for e in history][:2] == ["PersonReported", "IntakeRegistered"]
    assert stack.cli_json("cases", "verify", case_id)["valid"] is True
    table = stack.cli("cases", "list")
    assert "案件编号" in table.stdout and case_id[:10] in table.stdout

    # Anchors: dev makes a signing key under the data directory; the worker signs on demand.
    assert stack.cli("login", "--user", "sup-wang", "--role", "supervisor").returncode == 0
    anchored = stack.cli_json("audit", "anchor")
    assert anchored["streams"] >= 1
    key = stack.cli(
        "audit", "public-key", "--key-file", str(stack.root / "data" / "anchor-signing-key.pem")
    )
    assert key.returncode == 0 and anchored["key_id"] in key.stderr
    (stack.root / "public.pem").write_text(key.stdout)
    export = stack.root / "evidence.json"
    assert stack.cli("audit", "export", case_id, "--out", str(export)).returncode == 0
    offline = stack.cli(
        "audit", "verify-export", str(export), "--public-key", str(stack.root / "public.pem")
    )
    assert offline.returncode == 0 and "已锚定" in offline.stdout, offline.stdout + offline.stderr

    taken = subprocess.run(
        stack.dev_command(), env=stack.env, capture_output=True, text=True, timeout=30
    )
    assert taken.returncode == 1
    assert "already in use" in taken.stderr and "Traceback" not in taken.stderr + taken.stdout
    assert len(taken.stderr.strip().splitlines()) == 1

    demo = stack.cli("demo")
    assert demo.returncode == 0, demo.stderr
    assert "跳过" not in demo.stderr, demo.stderr  # every seeded step was accepted
    supervisor = stack.cli(
        "login", "--user", "sup-wang", "--role", "supervisor", "--unit", "浦东新区民政局"
    )
    assert supervisor.returncode == 0, supervisor.stderr  # the district sees every unit
    deadline = time.monotonic() + 30  # the cases' own timers escalate them, a moment later
    while True:
        overdue = stack.cli_json("cases", "list", "--overdue", "--limit", "100")
        kinds = {c["kind"] for c in overdue if c["escalation_level"] >= 2}
        if kinds >= {"rescue", "relief", "social_org"} or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert kinds >= {"rescue", "relief", "social_org"}, overdue
    # The worker and the API are logged in as casework_app, never as the schema's owner.
    assert _database_logins(stack.root / "data" / "postgres") == {"casework_app"}

    # The escalations reached the supervisor's inbox, and the metrics show the work.
    deadline = time.monotonic() + 30
    while (inbox := stack.cli_json("inbox"))["unread"] == 0 and time.monotonic() < deadline:
        time.sleep(1)
    assert inbox["unread"] > 0 and all(i["case_id"] for i in inbox["items"])
    log = (stack.root / "dev.log").read_text()
    api_metrics = f"{stack.env['CASEWORK_API_URL']}/metrics"
    worker_metrics = f"http://127.0.0.1:{stack.metrics_port}/metrics"
    assert api_metrics in log and worker_metrics in log  # `casework dev` says where they are
    samples = [
        s
        for f in text_string_to_metric_families(httpx.get(api_metrics, timeout=10).text)
        for s in f.samples
    ]
    assert sum(s.value for s in samples if s.name == "casework_escalations_total") > 0
    assert sum(s.value for s in samples if s.name == "casework_commands_total") > 0
    delivered = [s for s in samples if s.name == "casework_notification_deliveries_total"]
    assert sum(s.value for s in delivered if s.labels["channel"] == "inbox") > 0
    worker = httpx.get(worker_metrics, timeout=10).text
    assert any(f.name == "temporal_request" for f in text_string_to_metric_families(worker))

    assert stack.stop() == 0

    stack.start()
    listed = stack.cli_json("cases", "list")
    assert case_id in [c["case_id"] for c in listed]
    assert stack.cli_json("cases", "history", case_id) == history
    pid = stack.process.pid if stack.process else 0
    assert stack.stop() == 0
    assert _children_of(pid) == []
    # everything the stack wrote is under --data-dir, the fake verification centre's store too
    assert list(stack.cwd.iterdir()) == []
    assert (stack.root / "data" / "verification-centre.sqlite").exists()
