"""Ledger appends per second against raw asyncpg inserts, in the same run, as a ratio.

    .venv/bin/python -m bench.ledger_append [--rounds 5] [--seconds-a 2] [--seconds-b 1.5]
                                              [--synchronous-commit on|off]

Starts an embedded PostgreSQL in a temp dir (or uses BENCH_DATABASE_URL), creates a database,
migrates it, and creates `raw_events` with the shape of `events` beside it. Then, per scenario,
after a warm-up, it runs the two sides in alternating order (raw, ledger, ledger, raw, ...) for a
fixed time each, and reports the median of the per-round ratios (rounds in which other processes
kept the machine busy are left out, if any round was quiet):

  ledger  the real `store.ledger.Ledger.append(stream, expected, events, summary)` on an engine
          from `store.db.make_engine` as the worker builds it (no pre-ping), read model included;
  raw     the same rows into `raw_events` with plain asyncpg, each writer holding one pooled
          connection. The hash is computed in the loop with store.hashing, exactly as the
          ledger does, and the payload is JSON-encoded in the loop, as SQLAlchemy does.

  A  16 writers, each appending single events to its own stream (expected version rising).
     Raw: one autocommit INSERT per event.
  B  4 writers, each appending 100-event batches to its own stream.
     Raw: BEGIN; executemany of the 100 rows; COMMIT. It also times a single multi-row
     INSERT ... SELECT FROM unnest(...) of the 100 rows (information), and one binary COPY of
     the 100 rows (asyncpg's copy_records_to_table), the ceiling: target ≥ 0.9 of COPY.

Prints events/s, the ledger/raw ratio against the target and CPU per event (this process, and
the server's processes when it is local). Always exits 0: it is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
from dataclasses import dataclass

import asyncpg
import sqlalchemy

from bench._harness import (
    Batches,
    Run,
    Scenario,
    Series,
    ServerCpu,
    Writer,
    assign,
    bench_database,
    checkpoint,
    cores,
    ledger_writer,
    prepare,
    raw_copy_writer,
    raw_unnest_writer,
    raw_writer,
    server_facts,
    timed,
    us,
)
from store.db import make_engine
from store.ledger import Ledger

WARM_UP_SECONDS = 0.5
COPY_TARGET = 0.9  # issue 13: 100-event batches at ≥ 0.9 of COPY, the ceiling
# A run during which other processes (other jobs on the machine, the kernel's I/O threads)
# kept more than this many cores busy is "disturbed": warned about, and left out of the ratio.
NOISY_CORES = 0.3


def writers(
    side: str, scenario: Scenario, batches: Batches, ledger: Ledger, pool: asyncpg.Pool
) -> list[Writer]:
    works = assign(scenario, side, batches)
    if side == "ledger":
        return [ledger_writer(ledger, w) for w in works]
    if side == "raw":
        return [raw_writer(pool, w) for w in works]
    if side == "raw-copy":
        return [raw_copy_writer(pool, w) for w in works]
    return [raw_unnest_writer(pool, w) for w in works]


async def bench(url: str, scenarios: list[Scenario], rounds: int) -> dict[str, dict[str, Series]]:
    connections = max(s.writers for s in scenarios)
    engine = make_engine(url, pool_size=connections, pre_ping=False)  # as the worker runs it
    ledger = Ledger(engine)
    pool = await asyncpg.create_pool(url, min_size=connections, max_size=connections)
    assert pool is not None
    try:
        async with pool.acquire() as conn:
            facts = await server_facts(conn)
            server = await ServerCpu.find(conn)
        print("server: " + ", ".join(f"{k}={v}" for k, v in facts.items()))
        print(
            f"client: Python {platform.python_version()}, asyncpg {asyncpg.__version__}, "
            f"SQLAlchemy {sqlalchemy.__version__}, {_cpus()} CPUs"
        )
        results: dict[str, dict[str, Series]] = {}
        others: list[float] = []
        for scenario in scenarios:
            sides = (
                ("raw", "ledger", "raw-unnest", "raw-copy")
                if scenario.batch > 1
                else ("raw", "ledger")
            )
            warm = prepare(scenario, appends=max(2, scenario.max_appends // 10))
            for side in sides:  # open every connection, prepare statements, fill caches
                await timed(writers(side, scenario, warm, ledger, pool), WARM_UP_SECONDS, server)
            series = {side: Series() for side in sides}
            for r in range(rounds):
                batches = prepare(scenario)
                for side in sides if r % 2 == 0 else reversed(sides):
                    async with pool.acquire() as conn:
                        await checkpoint(conn)
                    run = await timed(
                        writers(side, scenario, batches, ledger, pool), scenario.seconds, server
                    )
                    series[side].runs.append(run)
                    print(
                        f"  {scenario.key} round {r + 1} {side:10s} {run.rate:8.0f} events/s  "
                        f"({run.events:6d} in {run.seconds:4.2f} s; CPU per event: client "
                        f"{us(run.client_us):>7s}, server {us(run.server_us):>7s}; "
                        f"other processes {cores(run.others)} cores)",
                        flush=True,
                    )
                    others.append(run.others or 0.0)
            results[scenario.key] = series
        busiest = max(others, default=0.0)
        if busiest > NOISY_CORES:
            print(
                f"WARNING: other processes kept up to {busiest:.2f} cores busy during a run: "
                "disturbed rounds are left out of the ratios; better run on a quiet machine"
            )
        return results
    finally:
        await pool.close()
        await engine.dispose()


def report(scenarios: list[Scenario], results: dict[str, dict[str, Series]]) -> None:
    header = (
        f"{'scenario':34s} {'raw ev/s':>9s} {'ledger ev/s':>12s} {'ratio':>6s} "
        f"{'target':>7s}  {'verdict':7s}  quiet rounds"
    )
    print()
    print(header)
    print("-" * len(header))
    below = []
    for s in scenarios:
        c = compare(results[s.key]["ledger"], results[s.key]["raw"])
        verdict = "PASS" if c.ratio >= s.target else "BELOW"
        if verdict == "BELOW":
            below.append((s, c.ratio))
        print(
            f"{s.label:34s} {c.baseline_rate:9.0f} {c.side_rate:12.0f} {c.ratio:6.3f} "
            f"{'≥ ' + format(s.target, '.1f'):>7s}  {verdict:7s}  {c.quiet}/{c.rounds}"
        )
    print(
        f"ratio: median of the per-round ledger/raw ratios; events/s: medians. Only rounds in "
        f"which other processes kept ≤ {NOISY_CORES} cores busy count, if there are any."
    )
    print()
    print("CPU per event, medians (client = this process, server = PostgreSQL's processes):")
    for s in scenarios:
        for side, series in results[s.key].items():
            print(
                f"  {s.key} {side:10s} client {us(series.client_us):>7s}, "
                f"server {us(series.server_us):>7s}"
            )
    for s in scenarios:
        unnest = results[s.key].get("raw-unnest")
        if unnest is not None:
            c = compare(results[s.key]["ledger"], unnest)
            print(
                f"{s.key}: raw multi-row INSERT…unnest {c.baseline_rate:.0f} events/s; the ledger "
                f"is at {c.ratio:.2f} of that (information only: the target is against "
                f"executemany)"
            )
    for s in scenarios:
        copy = results[s.key].get("raw-copy")
        if copy is not None:
            c = compare(results[s.key]["ledger"], copy)
            verdict = "met" if c.ratio >= COPY_TARGET else "BELOW"
            print(
                f"{s.key}: raw COPY {c.baseline_rate:.0f} events/s; the ledger is at "
                f"{c.ratio:.2f} of COPY (target ≥ {COPY_TARGET}: {verdict}; "
                f"quiet rounds {c.quiet}/{c.rounds})"
            )
    for s, ratio in below:
        print(f"WARNING: {s.label}: ledger at {ratio:.2f} of raw, below the {s.target:.1f} target")


@dataclass(frozen=True)
class Comparison:
    ratio: float
    side_rate: float
    baseline_rate: float
    quiet: int  # rounds in which the machine was otherwise quiet
    rounds: int


def compare(side: Series, baseline: Series) -> Comparison:
    """The median of per-round ratios: a round's two runs are neighbours in time, so slow drift
    (disk flush latency) cancels out. Rounds disturbed by other processes are left out, unless
    every round was disturbed."""
    pairs = list(zip(side.runs, baseline.runs, strict=True))
    quiet = [(a, b) for a, b in pairs if _quiet(a) and _quiet(b)]
    used = quiet or pairs
    return Comparison(
        ratio=statistics.median(a.rate / b.rate for a, b in used),
        side_rate=statistics.median(a.rate for a, _ in used),
        baseline_rate=statistics.median(b.rate for _, b in used),
        quiet=len(quiet),
        rounds=len(pairs),
    )


def _quiet(run: Run) -> bool:
    return run.others is None or run.others <= NOISY_CORES


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def scenarios_from(args: argparse.Namespace) -> list[Scenario]:
    return [
        # max_appends: enough for the fastest side (raw) to write for the whole run.
        Scenario(
            "A",
            "A: single events, 16 writers",
            writers=16,
            batch=1,
            seconds=args.seconds_a,
            max_appends=int(1250 * args.seconds_a),
            target=0.5,
        ),
        Scenario(
            "B",
            "B: 100-event batches, 4 writers",
            writers=4,
            batch=100,
            seconds=args.seconds_b,
            max_appends=int(200 * args.seconds_b),
            target=0.7,
        ),
    ]


def parser(
    prog: str, doc: str | None, rounds: int, seconds_a: float, seconds_b: float
) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--rounds", type=int, default=rounds, help="alternating rounds; median taken")
    p.add_argument("--seconds-a", type=float, default=seconds_a, help="length of a scenario A run")
    p.add_argument("--seconds-b", type=float, default=seconds_b, help="length of a scenario B run")
    p.add_argument(
        "--synchronous-commit",
        choices=("on", "off"),
        default="on",
        help="off: commits do not wait for the WAL flush (analysis only; default on)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser("python -m bench.ledger_append", __doc__, 5, 2.0, 1.5).parse_args(argv)
    scenarios = scenarios_from(args)
    with bench_database(synchronous_commit=args.synchronous_commit == "on") as url:
        results = asyncio.run(bench(url, scenarios, args.rounds))
    report(scenarios, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
