"""Audit reads at a million events against raw SQL, in the same run, as ratios of time per call.

    .venv/bin/python -m bench.audit_reads [--cases 100000] [--sample 200] [--rounds 5]
                                          [--only store,http]

Seeds `--cases` rescue cases of 10 real, hash-chained events each (bench/_seed.py: COPY),
then times, call by call on a warm cache, casework's read against the least that serves the
same answer, on the same database and sample of cases, alternating which goes first:

- history + verify: `Ledger.case_events` + its verification / one raw query + the same
  hash recomputation (store.hashing) over the raw records;
- as of a time: `store.replay.case_as_of` / the raw query alone, and the raw query + fold;
- the overdue list: `store.queries.list_cases` (page and total) / the indexed page query;
- over HTTP (in-process ASGI, the same httpx client): `GET /cases/{id}/history` and
  `GET /cases/{id}?as_of=` with a supervisor's token / a bare FastAPI app (bench/_minimal_api.py).

"before" rows time the read path as it was before the audit-read changes, reproduced from the
functions that still exist (`get_case`, `Ledger.read_stream`, `state_as_of`, SQLAlchemy).
Ratios are time(casework) / time(baseline) of the median call, per round (the table gives the
median round and the range): 1.0 is as fast as raw, 2.0 twice as slow. Calls of the two sides
alternate one by one, so a burst of load from other processes lands on both.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from sqlalchemy import func, select

from api.app import create_app
from api.auth import mint_token
from api.deps import Services
from api.gateway import CaseGateway
from bench._harness import bench_database, server_facts
from bench._minimal_api import FOLD_SQL, HISTORY_SQL, fold_records, minimal_app
from bench._seed import STORY_START, case_id, seed
from casework.settings import Settings
from domain.actors import Actor, Role
from domain.rescue import RESCUE
from store.db import make_engine
from store.hashing import GENESIS, canonical, chain
from store.ledger import Ledger, check_row
from store.queries import CaseFilter, get_case, list_cases
from store.replay import case_as_of, state_as_of
from store.tables import cases, events
from workers.client import connect
from workers.codec import PayloadKeyRing, new_key

SECRET = "bench-secret-that-is-long-enough-for-hs256"
SUPERVISOR = Actor(user_id="sup-chen", role=Role.SUPERVISOR, unit="浦东新区民政局")
AS_OF = timedelta(minutes=45)  # after intake, before classification: 8 of the 10 events

PAGE_SQL = """
    SELECT case_id, kind, stage, unit, assignee, opened_at, next_due_at, escalation_level,
           closed, version, updated_at, attributes::text AS attributes
    FROM cases
    WHERE NOT closed AND (escalation_level >= 1 OR (next_due_at IS NOT NULL AND next_due_at < $1))
    ORDER BY next_due_at ASC NULLS LAST, escalation_level DESC, case_id
    LIMIT 50
"""
EXACT_COUNT_SQL = """
    SELECT count(*) FROM cases
    WHERE NOT closed AND (escalation_level >= 1 OR (next_due_at IS NOT NULL AND next_due_at < $1))
"""

Call = Callable[[str], Awaitable[Any]]


@dataclass
class Pair:
    """Per-call times of both sides; calls interleaved one by one, so load bursts hit both.

    Wall time is what a reader waits; on a loaded machine it also holds the time this process
    waited for a core, which grows with a call's length. Client CPU (this thread's CPU time
    during the call) is immune to that and is where the two sides differ: the server runs the
    same statement for both (casework's also reads the `cases` row)."""

    label: str
    target: float | None
    wall: tuple[list[list[float]], list[list[float]]] = ([], [])  # ours, base: per round, call
    cpu: tuple[list[float], list[float]] = ([], [])  # ours, base: per round, total seconds

    def wall_ratios(self) -> list[float]:
        return [
            statistics.median(o) / statistics.median(b)
            for o, b in zip(self.wall[0], self.wall[1], strict=True)
        ]

    def cpu_ratios(self) -> list[float]:
        return [o / b for o, b in zip(self.cpu[0], self.cpu[1], strict=True)]

    def line(self) -> str:
        w, c = self.wall_ratios(), self.cpu_ratios()
        calls = sum(len(r) for r in self.wall[0])
        ours = statistics.median(t for rnd in self.wall[0] for t in rnd)
        base = statistics.median(t for rnd in self.wall[1] for t in rnd)
        ours_cpu, base_cpu = sum(self.cpu[0]) / calls * 1e6, sum(self.cpu[1]) / calls * 1e6
        verdict = ""
        if self.target is not None:
            met = [
                name for name, r in (("wall", w), ("cpu", c)) if statistics.median(r) <= self.target
            ]
            verdict = f"≤ {self.target}×: " + (
                "met" if len(met) == 2 else f"met on {'/'.join(met) or 'neither'}"
            )
        return (
            f"| {self.label} | {ours:.0f} / {base:.0f} | **{statistics.median(w):.2f}** "
            f"({min(w):.2f}–{max(w):.2f}) | {ours_cpu:.0f} / {base_cpu:.0f} | "
            f"**{statistics.median(c):.2f}** ({min(c):.2f}–{max(c):.2f}) | {verdict} |"
        )


HEADER = (
    "| {what} | wall µs, casework / {base} (median call) | **wall ratio** (rounds) | "
    "client CPU µs / call | **CPU ratio** (rounds) | target |\n|---|---|---|---|---|---|"
)


async def timed_call(call: Call, cid: str) -> tuple[float, float]:
    c0, t0 = time.thread_time(), time.perf_counter()
    await call(cid)
    return (time.perf_counter() - t0) * 1e6, time.thread_time() - c0


async def pair(
    label: str,
    ours: Call,
    base: Call,
    samples: list[list[str]],
    target: float | None = None,
) -> Pair:
    """Each case of a round is read by the baseline first (untimed, to warm the cache), then by
    both sides in turn, the first alternating call by call."""
    result = Pair(label, target, ([], []), ([], []))
    for ids in samples:
        walls: tuple[list[float], list[float]] = ([], [])
        cpus = [0.0, 0.0]
        for n, cid in enumerate(ids):
            await base(cid)
            for side in (0, 1) if n % 2 == 0 else (1, 0):
                wall, cpu = await timed_call(ours if side == 0 else base, cid)
                walls[side].append(wall)
                cpus[side] += cpu
        for side in (0, 1):
            result.wall[side].append(walls[side])
            result.cpu[side].append(cpus[side])
    print(result.line(), flush=True)
    return result


# --- raw baselines ---------------------------------------------------------------------------


def raw_verify(records: list[asyncpg.Record]) -> bool:
    """The hash chain recomputed straight from raw records."""
    prev = GENESIS
    for r in records:
        content = canonical(
            stream_id=r["stream_id"],
            version=r["version"],
            event_id=r["event_id"],
            type_=r["type"],
            schema_version=r["schema_version"],
            payload=json.loads(r["payload"]),
            actor=Actor.model_construct(
                user_id=r["actor_id"], role=Role(r["actor_role"]), unit=r["actor_unit"]
            ),
            occurred_at=r["occurred_at"],
            hash_version=r["hash_version"],
            recorded_at=r["recorded_at"],
            workflow_id=r["workflow_id"],
            run_id=r["run_id"],
            trace_id=r["trace_id"],
        )
        if r["prev_hash"] != prev or chain(prev, content) != r["hash"]:
            return False
        prev = r["hash"]
    return bool(records)


def opened(cid: str) -> datetime:
    return STORY_START + timedelta(minutes=7 * (int(cid[-6:]) - 1))


# --- the sections ----------------------------------------------------------------------------


async def store_section(
    ledger: Ledger,
    conn: asyncpg.Connection,
    samples: list[list[str]],
    list_samples: list[list[str]],
) -> None:
    print("\n" + HEADER.format(what="store read", base="raw"))

    async def ours_history(cid: str) -> None:
        found = await ledger.case_events(cid)
        assert found is not None and found.verification().valid

    async def raw_history(cid: str) -> None:
        assert raw_verify(await conn.fetch(HISTORY_SQL, cid))

    async def before_history(cid: str) -> None:
        assert await get_case(ledger.engine, cid) is not None
        await ledger.read_stream(cid)
        assert await sqlalchemy_verify(ledger, cid)

    pool = await ledger.pool()

    async def raw_history_pooled(cid: str) -> None:
        assert raw_verify(await pool.fetch(HISTORY_SQL, cid))

    await pair("history + verify", ours_history, raw_history, samples, 1.3)
    await pair(
        "history + verify (vs raw on the same pool)", ours_history, raw_history_pooled, samples, 1.3
    )
    await pair(
        "raw on the pool (vs raw on a held connection)", raw_history_pooled, raw_history, samples
    )
    await pair("history + verify, before", before_history, raw_history, samples)

    async def ours_as_of(cid: str) -> None:
        assert await case_as_of(ledger, RESCUE, cid, as_of=opened(cid) + AS_OF) is not None

    async def raw_as_of(cid: str) -> None:
        assert len(await conn.fetch(FOLD_SQL, cid, opened(cid) + AS_OF)) == 8

    async def raw_as_of_fold(cid: str) -> None:
        fold_records(RESCUE, cid, await conn.fetch(FOLD_SQL, cid, opened(cid) + AS_OF))

    async def before_as_of(cid: str) -> None:
        assert await get_case(ledger.engine, cid) is not None
        await state_as_of(ledger, RESCUE, cid, as_of=opened(cid) + AS_OF)

    await pair("state as of (vs raw SQL)", ours_as_of, raw_as_of, samples, 1.5)
    await pair("state as of (vs raw SQL + the same fold)", ours_as_of, raw_as_of_fold, samples, 1.5)
    await pair("state as of, before (vs raw SQL)", before_as_of, raw_as_of, samples)

    now = datetime.now(UTC)
    overdue = CaseFilter(overdue=True)

    rows = len(await conn.fetch(PAGE_SQL, now))  # 50, unless a small seed has fewer overdue

    async def ours_list(_: str) -> None:
        page = await list_cases(pool, overdue, now)
        assert len(page.rows) == rows

    async def raw_page(_: str) -> None:
        assert len(await conn.fetch(PAGE_SQL, now)) == rows

    async def raw_page_and_exact_count(_: str) -> None:
        await conn.fetch(PAGE_SQL, now)
        await conn.fetchval(EXACT_COUNT_SQL, now)

    async def before_list(_: str) -> None:
        await sqlalchemy_list(ledger, now)

    await pair("overdue list (page + total)", ours_list, raw_page, list_samples, 1.5)
    await pair("raw page + exact count(*)", raw_page_and_exact_count, raw_page, list_samples)
    await pair(
        "overdue list, before (SQLAlchemy, exact count)", before_list, raw_page, list_samples
    )


async def sqlalchemy_verify(ledger: Ledger, cid: str) -> bool:
    """The verification as it was: SQLAlchemy rows streamed from the engine, `check_row` each."""
    prev, expected = GENESIS, 1
    async with ledger.engine.connect() as c:
        result = await c.stream(
            select(events).where(events.c.stream_id == cid).order_by(events.c.version)
        )
        async for row in result:
            if check_row(row, prev, expected) is not None:
                return False
            prev, expected = row.hash, expected + 1
    return expected > 1


async def sqlalchemy_list(ledger: Ledger, now: datetime) -> None:
    """The overdue list as it was: SQLAlchemy page and an exact count, on the engine."""
    due_passed = cases.c.next_due_at.is_not(None) & (cases.c.next_due_at < now)
    where = ~cases.c.closed & ((cases.c.escalation_level >= 1) | due_passed)
    order = (cases.c.next_due_at.asc().nulls_last(), cases.c.escalation_level.desc())
    async with ledger.engine.connect() as c:
        page = select(cases).where(where).order_by(*order, cases.c.case_id).limit(50)
        (await c.execute(page)).mappings().all()
        (await c.execute(select(func.count()).select_from(cases).where(where))).scalar_one()


async def http_section(ledger: Ledger, pool: asyncpg.Pool, samples: list[list[str]]) -> None:
    settings = Settings.model_validate(
        {"CASEWORK_SECRET_KEY": SECRET, "CASEWORK_ENV": "development"}
    )
    ring = PayloadKeyRing((("bench-1", new_key()),))
    client = await connect("127.0.0.1:1", key_ring=ring, lazy=True)  # reads never reach Temporal
    services = Services(settings, ledger.engine, ledger, CaseGateway(client, "bench"))
    headers = {"Authorization": f"Bearer {mint_token(SUPERVISOR, SECRET, timedelta(hours=1))}"}
    casework = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(settings, services)),
        base_url="http://casework.bench",
        headers=headers,
    )
    bare = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=minimal_app(pool, RESCUE)), base_url="http://bare.bench"
    )
    print("\n" + HEADER.format(what="over HTTP", base="bare"))
    async with casework, bare:

        async def ours_history(cid: str) -> None:
            response = await casework.get(f"/cases/{cid}/history")
            assert response.status_code == 200 and len(response.json()) == 10

        async def bare_history(cid: str) -> None:
            response = await bare.get(f"/raw/{cid}/history")
            assert response.status_code == 200 and len(response.json()) == 10

        async def ours_as_of(cid: str) -> None:
            at = (opened(cid) + AS_OF).isoformat()
            response = await casework.get(f"/cases/{cid}", params={"as_of": at})
            assert response.status_code == 200 and response.json()["version"] == 8

        async def bare_as_of(cid: str) -> None:
            at = (opened(cid) + AS_OF).isoformat()
            response = await bare.get(f"/raw/{cid}/state", params={"as_of": at})
            assert response.status_code == 200 and response.json()["version"] == 8

        first = samples[0][0]
        same = (await casework.get(f"/cases/{first}/history")).json()
        assert same == (await bare.get(f"/raw/{first}/history")).json(), "not the same body"
        await pair("GET history", ours_history, bare_history, samples, 1.5)
        await pair("GET state as of", ours_as_of, bare_as_of, samples, 1.5)


async def run(args: argparse.Namespace, url: str) -> None:
    sections = set(args.only.split(","))
    if True:
        conn = await asyncpg.connect(url)
        print(f"server: {await server_facts(conn)}")
        t0 = time.perf_counter()
        timings = await seed(conn, args.cases)
        total = time.perf_counter() - t0
        n_events = await conn.fetchval("SELECT count(*) FROM events")
        sizes = await conn.fetchrow(
            "SELECT pg_total_relation_size('events') AS events, "
            "pg_total_relation_size('cases') AS cases"
        )
        print(
            f"seeded {args.cases} cases, {n_events} events in {total:.0f} s "
            f"({', '.join(f'{k} {v:.0f} s' for k, v in timings.items())}); "
            f"events {sizes['events'] / 2**20:.0f} MiB, cases {sizes['cases'] / 2**20:.0f} MiB, "
            f"{(sizes['events'] + sizes['cases']) / args.cases / 1024:.1f} KiB per case"
        )
        rnd = random.Random(7)
        samples = [
            [case_id(rnd.randrange(args.cases)) for _ in range(args.sample)]
            for _ in range(args.rounds)
        ]
        list_samples = [["-"] * max(10, args.sample // 4) for _ in range(args.rounds)]
        engine = make_engine(url)  # as the API's: pool_pre_ping on
        ledger = Ledger(engine)
        try:
            if "store" in sections:
                await store_section(ledger, conn, samples, list_samples)
            if "http" in sections:
                await http_section(ledger, await ledger.pool(), samples)
        finally:
            await ledger.close()
            await engine.dispose()
            await conn.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=200, help="cases read per round and side")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="store,http")
    args = parser.parse_args(argv)
    print(" ".join(["python -m bench.audit_reads", *(argv if argv is not None else sys.argv[1:])]))
    # SIGTERM unwinds like Ctrl-C, so the embedded server and its data directory are removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with bench_database() as url:
        asyncio.run(run(args, url))


if __name__ == "__main__":
    main()
