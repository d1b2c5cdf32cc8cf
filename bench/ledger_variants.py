"""Experiment: where the ledger's append time goes, measured on copies of `Ledger.append`.

    .venv/bin/python -m bench.ledger_variants [--rounds 3] [--seconds-a 1.5] [--seconds-b 1]

Not the benchmark of record (that is `bench.ledger_append`, which measures only the real
`store.ledger.Ledger`). This one runs the raw asyncpg baseline, the real ledger and cumulative
variants of it in the same database and run, alternating, each a candidate change to
store/ledger.py (and, for the ping, store/db.py):

  real      store.ledger.Ledger on store.db.make_engine (pool_pre_ping=True)
  no-ping   the same Ledger on an engine with pool_pre_ping=False
  prebuilt  + the `cases` upsert built once at import and executed with bind parameters
  sql-text  + the append in two round trips: the head SELECT (skipped for a new stream),
              then ONE autocommit statement that inserts the events (INSERT ... SELECT FROM
              unnest) and upserts the read model in a data-modifying CTE. A single statement
              is atomic, so no BEGIN/COMMIT is needed; UNIQUE (stream_id, version) still
              decides races, and a guard makes the statement insert nothing unless the head it
              builds on is stored. Sent with SQLAlchemy's exec_driver_sql on an AUTOCOMMIT
              connection, so errors stay SQLAlchemy's (activities/ledger.py relies on them).
  driver    + the same two statements on the asyncpg driver connection, without SQLAlchemy's
              execution layer (errors would be asyncpg's: they would need mapping).
  one-trip  + the head SELECT skipped when the caller already knows the head's hash (the
              workflow holds the previous append's `last_hash`; simulated here by the ledger
              remembering its own last append): one round trip per append, like raw.
  floor     not a ledger: the one-trip statement sent with plain asyncpg on a held connection
              (no SQLAlchemy, no checkout, no result objects): what this design, an event row
              plus a read-model row per append, costs at the least.

After the run, every stream a variant wrote is checked with the real `Ledger.verify` and against
the `cases` read model.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from asyncio import selector_events
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bench._harness import (
    Run,
    Scenario,
    Series,
    ServerCpu,
    Work,
    Writer,
    assign,
    bench_database,
    checkpoint,
    cores,
    ledger_writer,
    prepare,
    raw_append,
    raw_rows,
    raw_writer,
    server_facts,
    timed,
    us,
)
from bench.ledger_append import compare, parser, scenarios_from
from store.db import async_url, make_engine
from store.errors import ConcurrencyConflict
from store.hashing import GENESIS
from store.ledger import Ledger
from store.models import AppendResult, CaseSummary, NewEvent
from store.tables import cases, events

# --- variant: the read-model upsert built once ---------------------------------------------

_SUMMARY_KEYS = [*CaseSummary.model_fields, "version", "last_position", "updated_at"]
_UPSERT = pg_insert(cases).values({k: bindparam(k) for k in _SUMMARY_KEYS})
_UPSERT = _UPSERT.on_conflict_do_update(
    index_elements=[cases.c.case_id],
    set_={k: _UPSERT.excluded[k] for k in _SUMMARY_KEYS if k != "case_id"},
    where=cases.c.version < _UPSERT.excluded.version,
)


class PrebuiltLedger(Ledger):
    """`Ledger` with `project` executing a statement built once instead of on every append."""

    @staticmethod
    async def project(
        conn: AsyncConnection, summary: CaseSummary, version: int, position: int
    ) -> None:
        await conn.execute(
            _UPSERT,
            {
                **summary.model_dump(),
                "version": version,
                "last_position": position,
                "updated_at": datetime.now(UTC),
            },
        )


# --- variant: two round trips (one when the head is known) on the driver connection ---------

_HEAD_SQL = "SELECT version, hash FROM events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1"

# $5/$6: the head this append builds on. The guard makes the statement insert nothing unless that
# head is really stored, so a head known in advance (not read in this append) can never break the
# chain; UNIQUE (stream_id, version) still turns a lost race into a unique violation.
_INSERT_CTE = """
    INSERT INTO events (stream_id, version, event_id, type, schema_version, payload, actor_id,
                        actor_role, actor_unit, occurred_at, workflow_id, run_id, trace_id,
                        prev_hash, hash)
    SELECT $1, u.version, u.event_id, u.type, u.schema_version, u.payload::jsonb, u.actor_id,
           u.actor_role, u.actor_unit, u.occurred_at, $2, $3, $4, u.prev_hash, u.hash
    FROM unnest($7::int4[], $8::uuid[], $9::text[], $10::int2[], $11::text[], $12::text[],
                $13::text[], $14::text[], $15::timestamptz[], $16::bytea[], $17::bytea[])
         WITH ORDINALITY AS u(version, event_id, type, schema_version, payload, actor_id,
                              actor_role, actor_unit, occurred_at, prev_hash, hash, ord)
    WHERE $5::int4 = 0 OR EXISTS (
        SELECT FROM events h WHERE h.stream_id = $1 AND h.version = $5 AND h.hash = $6::bytea)
    ORDER BY u.ord
    RETURNING position, version
"""

_APPEND_SQL = f"WITH ins AS ({_INSERT_CTE}) SELECT position FROM ins ORDER BY version"

_APPEND_PROJECT_SQL = f"""
    WITH ins AS ({_INSERT_CTE}),
    projected AS (
        INSERT INTO cases AS c (case_id, kind, stage, unit, assignee, opened_at, next_due_at,
                                escalation_level, closed, attributes, version, last_position,
                                updated_at)
        SELECT $18, $19, $20, $21, $22, $23, $24, $25, $26, $28::jsonb, max(ins.version),
               max(ins.position), $27
        FROM ins
        HAVING count(*) > 0
        ON CONFLICT (case_id) DO UPDATE SET
            kind = excluded.kind, stage = excluded.stage, unit = excluded.unit,
            assignee = excluded.assignee, opened_at = excluded.opened_at,
            next_due_at = excluded.next_due_at, escalation_level = excluded.escalation_level,
            closed = excluded.closed, attributes = excluded.attributes,
            version = excluded.version,
            last_position = excluded.last_position, updated_at = excluded.updated_at
        WHERE c.version < excluded.version
    )
    SELECT position FROM ins ORDER BY version
"""

_COLUMNS = (
    "version",
    "event_id",
    "type",
    "schema_version",
    "payload",
    "actor_id",
    "actor_role",
    "actor_unit",
    "occurred_at",
    "prev_hash",
    "hash",
)


def append_statement(
    stream_id: str,
    expected_version: int,
    prev_hash: bytes,
    rows: list[dict[str, Any]],
    summary: CaseSummary | None,
    workflow_id: str | None,
    run_id: str | None,
    trace_id: str | None,
) -> tuple[str, list[Any]]:
    """The one statement of an append (rows as `Ledger._rows` makes them) and its arguments."""
    arrays: list[Any] = [[r[c] for r in rows] for c in _COLUMNS]
    arrays[4] = [json.dumps(p, ensure_ascii=False) for p in arrays[4]]
    args: list[Any] = [
        stream_id,
        workflow_id,
        run_id,
        trace_id,
        expected_version,
        prev_hash,
        *arrays,
    ]
    if summary is None:
        return _APPEND_SQL, args
    s = summary
    args += [
        s.case_id,
        s.kind,
        s.stage,
        s.unit,
        s.assignee,
        s.opened_at,
        s.next_due_at,
        s.escalation_level,
        s.closed,
        datetime.now(UTC),
        json.dumps(s.attributes, ensure_ascii=False),
    ]
    return _APPEND_PROJECT_SQL, args


def floor_writer(pool: asyncpg.Pool, work: Work) -> Writer:
    """The floor of this design: the one-trip statement (events + read model) sent with plain
    asyncpg on a held connection, no SQLAlchemy, no pool checkout, no result objects."""

    async def run(deadline: float) -> int:
        prev, version, done = GENESIS, 0, 0
        async with pool.acquire() as conn:
            for batch in work.batches:
                if time.perf_counter() >= deadline:
                    break
                rows = Ledger._rows(work.stream_id, version, prev, batch, None, None, None)
                sql, args = append_statement(
                    work.stream_id, version, prev, rows, work.summary, None, None, None
                )
                await conn.fetch(sql, *args)
                prev, version, done = rows[-1]["hash"], rows[-1]["version"], done + len(batch)
        return done

    return run


class DriverLedger(PrebuiltLedger):
    """Append = head SELECT + one guarded INSERT…RETURNING with the upsert in a CTE, on asyncpg.

    The head SELECT is skipped for a new stream (its head is GENESIS) and when `known_head`
    returns the head the caller builds on (the one-trip variant: the workflow already holds the
    previous append's `last_hash`, so it could pass it as `expected_hash`).
    """

    def known_head(self, stream_id: str, expected_version: int) -> bytes | None:
        return GENESIS if expected_version == 0 else None

    def remember(self, stream_id: str, version: int, digest: bytes) -> None:
        pass

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        new_events: Sequence[NewEvent],
        summary: CaseSummary | None = None,
        *,
        workflow_id: str | None = None,
        run_id: str | None = None,
        trace_id: str | None = None,
    ) -> AppendResult:
        if not new_events:
            raise ValueError("an append needs at least one event")
        async with self._engine.connect() as sa_conn:
            driver: asyncpg.Connection = (await sa_conn.get_raw_connection()).driver_connection
            prev_hash = self.known_head(stream_id, expected_version)
            for _attempt in range(2):
                if prev_hash is None:
                    head = await driver.fetchrow(_HEAD_SQL, stream_id)
                    version, prev_hash = (head["version"], head["hash"]) if head else (0, GENESIS)
                    if version != expected_version:
                        break
                rows = self._rows(
                    stream_id,
                    expected_version,
                    prev_hash,
                    new_events,
                    workflow_id,
                    run_id,
                    trace_id,
                )
                sql, args = append_statement(
                    stream_id,
                    expected_version,
                    prev_hash,
                    rows,
                    summary,
                    workflow_id,
                    run_id,
                    trace_id,
                )
                try:
                    positions = [r[0] for r in await driver.fetch(sql, *args)]
                except asyncpg.UniqueViolationError:
                    break  # lost a race, or a replay: resolved below as the real ledger does
                if positions:
                    self.remember(stream_id, rows[-1]["version"], rows[-1]["hash"])
                    return AppendResult(
                        stream_id=stream_id,
                        first_version=expected_version + 1,
                        last_version=expected_version + len(new_events),
                        last_hash=rows[-1]["hash"].hex(),
                        positions=positions,
                    )
                prev_hash = None  # the known head is not stored: read the real one and retry
            original = await self._original(sa_conn, stream_id, new_events)
            if original is not None:
                return original
            raise ConcurrencyConflict(
                stream_id, expected_version, await self.stream_version(stream_id, sa_conn)
            )


class SqlTextLedger(PrebuiltLedger):
    """The statements of `DriverLedger`, sent through SQLAlchemy (`exec_driver_sql` on an
    AUTOCOMMIT connection): errors stay SQLAlchemy's (`IntegrityError`, `DBAPIError`), which
    the rest of the code base (activities/ledger.py) expects."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        new_events: Sequence[NewEvent],
        summary: CaseSummary | None = None,
        *,
        workflow_id: str | None = None,
        run_id: str | None = None,
        trace_id: str | None = None,
    ) -> AppendResult:
        if not new_events:
            raise ValueError("an append needs at least one event")
        async with self._autocommit.connect() as conn:
            prev_hash: bytes | None = GENESIS if expected_version == 0 else None
            for _attempt in range(2):
                if prev_hash is None:
                    head = (await conn.exec_driver_sql(_HEAD_SQL, (stream_id,))).mappings().first()
                    version, prev_hash = (head["version"], head["hash"]) if head else (0, GENESIS)
                    if version != expected_version:
                        break
                rows = self._rows(
                    stream_id,
                    expected_version,
                    prev_hash,
                    new_events,
                    workflow_id,
                    run_id,
                    trace_id,
                )
                sql, args = append_statement(
                    stream_id,
                    expected_version,
                    prev_hash,
                    rows,
                    summary,
                    workflow_id,
                    run_id,
                    trace_id,
                )
                try:
                    positions = list((await conn.exec_driver_sql(sql, tuple(args))).scalars())
                except IntegrityError:
                    break  # lost a race, or a replay: resolved below as the real ledger does
                if positions:
                    return AppendResult(
                        stream_id=stream_id,
                        first_version=expected_version + 1,
                        last_version=expected_version + len(new_events),
                        last_hash=rows[-1]["hash"].hex(),
                        positions=positions,
                    )
                prev_hash = None
            original = await self._original(conn, stream_id, new_events)
            if original is not None:
                return original
            raise ConcurrencyConflict(
                stream_id, expected_version, await self.stream_version(stream_id, conn)
            )


class OneTripLedger(DriverLedger):
    """DriverLedger told the head by its caller (simulated: it remembers its own last append)."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        self._heads: dict[str, tuple[int, bytes]] = {}

    def known_head(self, stream_id: str, expected_version: int) -> bytes | None:
        if expected_version == 0:
            return GENESIS
        known = self._heads.get(stream_id)
        return known[1] if known is not None and known[0] == expected_version else None

    def remember(self, stream_id: str, version: int, digest: bytes) -> None:
        self._heads[stream_id] = (version, digest)


# --- the experiment -------------------------------------------------------------------------

VARIANTS = ("real", "no-ping", "prebuilt", "sql-text", "driver", "one-trip")


def _engine(url: str, size: int, *, ping: bool) -> AsyncEngine:
    if ping:
        return make_engine(url, pool_size=size)
    return create_async_engine(
        async_url(url), pool_size=size, max_overflow=size, pool_pre_ping=False
    )


async def _verify(real: Ledger, works: dict[str, list[Work]]) -> list[str]:
    """Every variant's streams pass the real ledger's chain check; the read model is current."""
    problems = []
    for name, streams in works.items():
        for work in streams:
            check = await real.verify(work.stream_id)
            async with real.engine.connect() as conn:
                row = (
                    await conn.execute(
                        select(cases.c.version, cases.c.last_position).where(
                            cases.c.case_id == work.stream_id
                        )
                    )
                ).first()
                last = (
                    await conn.execute(
                        select(func.max(events.c.position)).where(
                            events.c.stream_id == work.stream_id
                        )
                    )
                ).scalar()
            if not check.valid or row is None or tuple(row) != (check.events, last):
                problems.append(f"{name} {work.stream_id}: {check}, cases row {row}, last {last}")
    return problems


@contextmanager
def counting_writes() -> Iterator[list[int]]:
    """Count socket writes of this process. asyncpg sends each request (BEGIN, a bound statement
    with its Sync, COMMIT, the ping) in one write and waits for the answer: writes = round trips
    for everything here but executemany, which pipelines its rows in several writes."""
    cls: Any = selector_events._SelectorSocketTransport  # type: ignore[attr-defined]
    names = [n for n in ("write", "writelines") if n in cls.__dict__]
    originals = {n: cls.__dict__[n] for n in names}
    counter = [0]

    def wrap(original: Callable[..., None]) -> Callable[..., None]:
        def counted(self: Any, data: Any) -> None:
            counter[0] += 1
            original(self, data)

        return counted

    for n in names:
        setattr(cls, n, wrap(originals[n]))
    try:
        yield counter
    finally:
        for n in names:
            setattr(cls, n, originals[n])


async def round_trips(
    scenario: Scenario, side: str, ledger: Ledger | None, pool: asyncpg.Pool, appends: int = 10
) -> float:
    """Socket writes per append for one writer, appending alone, in the steady state."""
    single = Scenario(scenario.key, scenario.label, 1, scenario.batch, 0, appends + 1, 0)
    work = assign(single, f"rt-{side}", prepare(single))[0]
    if ledger is None:
        async with pool.acquire() as conn:
            batches = list(raw_rows(work))
            await raw_append(conn, batches[0])
            with counting_writes() as counter:
                for rows in batches[1:]:
                    await raw_append(conn, rows)
        return counter[0] / appends
    result = await ledger.append(work.stream_id, 0, work.batches[0], work.summary)
    with counting_writes() as counter:
        for batch in work.batches[1:]:
            result = await ledger.append(work.stream_id, result.last_version, batch, work.summary)
    return counter[0] / appends


async def experiment(url: str, scenarios: list[Scenario], rounds: int) -> None:
    size = max(s.writers for s in scenarios)
    ping_engine, plain_engine = _engine(url, size, ping=True), _engine(url, size, ping=False)
    ledgers: dict[str, Ledger] = {
        "real": Ledger(ping_engine),
        "no-ping": Ledger(plain_engine),
        "prebuilt": PrebuiltLedger(plain_engine),
        "sql-text": SqlTextLedger(plain_engine),
        "driver": DriverLedger(plain_engine),
        "one-trip": OneTripLedger(plain_engine),
    }
    pool = await asyncpg.create_pool(url, min_size=size, max_size=size)
    assert pool is not None
    written: dict[str, list[Work]] = {}
    table: list[tuple[str, str, Series, float]] = []
    try:
        async with pool.acquire() as conn:
            print("server: " + ", ".join(f"{k}={v}" for k, v in (await server_facts(conn)).items()))
            server = await ServerCpu.find(conn)
        for scenario in scenarios:
            sides = ("raw", *VARIANTS, "floor")
            series = {side: Series() for side in sides}
            trips: dict[str, float] = {}
            for r in range(-1, rounds):  # round -1 warms up
                for side in sides if r % 2 == 0 else tuple(reversed(sides)):
                    # Fresh events per side: every variant writes to the same `events` table.
                    batches = prepare(
                        scenario, appends=max(2, scenario.max_appends // 10) if r < 0 else None
                    )
                    works = assign(scenario, side, batches)
                    async with pool.acquire() as conn:
                        await checkpoint(conn)
                    run: Run = await timed(
                        [
                            raw_writer(pool, w)
                            if side == "raw"
                            else floor_writer(pool, w)
                            if side == "floor"
                            else ledger_writer(ledgers[side], w)
                            for w in works
                        ],
                        0.5 if r < 0 else scenario.seconds,
                        server,
                    )
                    if r >= 0:
                        series[side].runs.append(run)
                        print(
                            f"  {scenario.key} round {r + 1} {side:9s} {run.rate:8.0f} events/s"
                            f"  (other processes {cores(run.others)} cores)",
                            flush=True,
                        )
                    if side != "raw":
                        written[f"{scenario.key}/{side}"] = works
                if r < 0:  # warm: count the round trips of one writer appending alone
                    for side in sides:
                        trips[side] = (
                            1.0
                            if side == "floor"
                            else await round_trips(  # one fetch
                                scenario, side, ledgers.get(side), pool
                            )
                        )
            table += [(scenario.label, side, series[side], trips[side]) for side in sides]
        problems = await _verify(ledgers["real"], written)
    finally:
        await pool.close()
        await ping_engine.dispose()
        await plain_engine.dispose()

    print()
    print(
        f"{'scenario':34s} {'variant':9s} {'events/s':>9s} {'of raw':>7s} "
        f"{'client CPU/event':>17s} {'server CPU/event':>17s} {'writes/append':>14s}"
    )
    base: dict[str, Series] = {}
    for label, side, s, writes in table:
        base.setdefault(label, s)
        c = compare(s, base[label])
        print(
            f"{label:34s} {side:9s} {c.side_rate:9.0f} {c.ratio:7.2f} "
            f"{us(s.client_us):>17s} {us(s.server_us):>17s} {writes:14.1f}"
        )
    print(
        "of raw: median of the per-round ratios to raw; events/s: medians. As in "
        "bench.ledger_append, rounds disturbed by other processes are left out if any are quiet."
    )
    print()
    print(
        "chain and read-model check of the streams written: "
        + ("all variants OK" if not problems else "PROBLEMS")
    )
    for p in problems:
        print("  " + p)


def main(argv: list[str] | None = None) -> int:
    args = parser("python -m bench.ledger_variants", __doc__, 3, 1.5, 1.0).parse_args(argv)
    with bench_database(synchronous_commit=args.synchronous_commit == "on") as url:
        asyncio.run(experiment(url, scenarios_from(args), args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
