"""The case ledger: append-only, hash-chained event streams in PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import asyncpg.exceptions._base as asyncpg_base
from sqlalchemy import Row, and_, bindparam, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.actors import Actor, Role
from domain.notifications import Notification
from store.append_sql import HEAD_SQL, append_arguments, with_outbox
from store.errors import ConcurrencyConflict, IdempotencyMismatch, InvalidEventData
from store.hashing import GENESIS, HASH_VERSION, canonical, chain
from store.models import AppendResult, CaseSummary, ChainVerification, NewEvent, StoredEvent
from store.tables import cases, events

_HEAD = (
    select(events.c.version, events.c.hash)
    .where(events.c.stream_id == bindparam("stream_id"))
    .order_by(events.c.version.desc())
    .limit(1)
)


class Ledger:
    """Appends and reads event streams; one stream per case."""

    def __init__(self, engine: AsyncEngine, append_connections: int | None = None) -> None:
        self._engine = engine
        pool_size = getattr(engine.pool, "size", lambda: 10)()
        self._append_connections = append_connections or pool_size
        self._pool: asyncpg.Pool | None = None
        self._pool_lock = asyncio.Lock()

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        new_events: Sequence[NewEvent],
        summary: CaseSummary | None = None,
        *,
        expected_hash: str | None = None,
        workflow_id: str | None = None,
        run_id: str | None = None,
        trace_id: str | None = None,
        notifications: Sequence[tuple[int, Notification]] = (),
    ) -> AppendResult:
        """Append events after `expected_version`, with the read model, atomically.

        `notifications` pairs the index of an event in `new_events` with a notification it
        calls for; they enter the outbox in the same statement (committed with the events).

        `expected_hash` is the head's hash when the caller knows it (the case workflow keeps
        the last append's); then the append is one round trip, else two (the head is read
        first). Idempotent by event id: appending events that are already stored returns the
        original result. Raises `ConcurrencyConflict` when another append reached the stream
        first, `InvalidEventData` when PostgreSQL refuses a value (never worth a retry).
        """
        if not new_events:
            raise ValueError("an append needs at least one event")
        prev_hash = GENESIS if expected_version == 0 else _hash_or_none(expected_hash)
        pool = await self._write_pool()
        try:
            async with pool.acquire() as driver:
                for _attempt in range(2):
                    if prev_hash is None:
                        head = await driver.fetchrow(HEAD_SQL, stream_id)
                        version, prev_hash = (
                            (head["version"], head["hash"]) if head else (0, GENESIS)
                        )
                        if version != expected_version:
                            break
                    # Fixed before hashing: the hash covers when the event was recorded.
                    recorded_at = datetime.now(UTC)
                    rows = self._rows(
                        stream_id,
                        expected_version,
                        prev_hash,
                        new_events,
                        recorded_at,
                        workflow_id,
                        run_id,
                        trace_id,
                    )
                    sql, args = append_arguments(
                        stream_id,
                        expected_version,
                        prev_hash,
                        rows,
                        recorded_at,
                        summary,
                        workflow_id,
                        run_id,
                        trace_id,
                    )
                    sql, args = with_outbox(
                        sql, args, outbox_rows(expected_version, new_events, notifications)
                    )
                    try:
                        positions = [r[0] for r in await driver.fetch(sql, *args)]
                    except asyncpg.UniqueViolationError:
                        break  # a lost race or a replay: told apart below
                    if positions:
                        return AppendResult.model_construct(  # built from trusted values
                            stream_id=stream_id,
                            first_version=expected_version + 1,
                            last_version=expected_version + len(new_events),
                            last_hash=rows[-1]["hash"].hex(),
                            positions=positions,
                        )
                    prev_hash = None  # the head the caller knew is not stored: read the real one
        except (asyncpg.exceptions.DataError, asyncpg_base.DataError) as error:
            raise InvalidEventData(str(error)) from None
        async with self._engine.connect() as conn:
            original = await self._original(conn, stream_id, new_events)
            if original is not None:
                return original
            raise ConcurrencyConflict(
                stream_id, expected_version, await self.stream_version(stream_id, conn)
            )

    async def _write_pool(self) -> asyncpg.Pool:
        """The append path's own asyncpg pool, made on first use from the engine's URL.

        Appends are single autocommit statements that leave no session state behind, so a
        connection goes back to the pool without asyncpg's reset query (one round trip saved;
        see docs/benchmarks.md). A connection that broke is dropped by the pool itself.
        """
        if self._pool is None:
            async with self._pool_lock:
                if self._pool is None:
                    url = self._engine.url.set(drivername="postgresql")
                    self._pool = await asyncpg.create_pool(
                        url.render_as_string(hide_password=False),
                        min_size=1,
                        max_size=self._append_connections,
                        reset=_keep_connection,
                    )
        return self._pool

    async def close(self) -> None:
        """Close the append path's pool (the engine is disposed by its owner)."""
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @staticmethod
    def _rows(
        stream_id: str,
        expected_version: int,
        prev_hash: bytes,
        new_events: Sequence[NewEvent],
        recorded_at: datetime,
        workflow_id: str | None,
        run_id: str | None,
        trace_id: str | None,
    ) -> list[dict[str, Any]]:
        rows = []
        for offset, event in enumerate(new_events, start=1):
            version = expected_version + offset
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
                    workflow_id=workflow_id,
                    run_id=run_id,
                    trace_id=trace_id,
                ),
            )
            rows.append(
                {
                    "stream_id": stream_id,
                    "version": version,
                    "event_id": event.event_id,
                    "type": event.type,
                    "schema_version": event.schema_version,
                    "payload": event.payload,
                    "actor_id": event.actor.user_id,
                    "actor_role": event.actor.role.value,
                    "actor_unit": event.actor.unit,
                    "occurred_at": event.occurred_at,
                    "recorded_at": recorded_at,
                    "hash_version": HASH_VERSION,
                    "workflow_id": workflow_id,
                    "run_id": run_id,
                    "trace_id": trace_id,
                    "prev_hash": prev_hash,
                    "hash": digest,
                }
            )
            prev_hash = digest
        return rows

    @staticmethod
    async def project(
        conn: AsyncConnection, summary: CaseSummary, version: int, position: int
    ) -> None:
        """Write a case's read-model row, unless a newer version of it is already there."""
        values = {
            **summary.model_dump(),
            "version": version,
            "last_position": position,
            "updated_at": datetime.now(UTC),
        }
        stmt = pg_insert(cases).values(values)
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[cases.c.case_id],
                set_={k: stmt.excluded[k] for k in values if k != "case_id"},
                where=cases.c.version < stmt.excluded.version,
            )
        )

    @staticmethod
    async def _original(
        conn: AsyncConnection, stream_id: str, new_events: Sequence[NewEvent]
    ) -> AppendResult | None:
        """The result of an earlier append of these very events, if they are stored."""
        ids = [e.event_id for e in new_events]
        found = (
            await conn.execute(
                select(
                    events.c.event_id,
                    events.c.stream_id,
                    events.c.version,
                    events.c.position,
                    events.c.hash,
                )
                .where(events.c.event_id.in_(ids))
                .order_by(events.c.version)
            )
        ).all()
        if not found:
            return None
        if [r.event_id for r in found] != ids or any(r.stream_id != stream_id for r in found):
            raise IdempotencyMismatch(
                f"event ids of this append were used for other events in {stream_id}"
            )
        return AppendResult(
            stream_id=stream_id,
            first_version=found[0].version,
            last_version=found[-1].version,
            last_hash=found[-1].hash.hex(),
            positions=[r.position for r in found],
        )

    async def stream_version(self, stream_id: str, conn: AsyncConnection | None = None) -> int:
        if conn is None:
            async with self._engine.connect() as own:
                return await self.stream_version(stream_id, own)
        head = (await conn.execute(_HEAD, {"stream_id": stream_id})).first()
        return int(head.version) if head else 0

    async def read_stream(
        self, stream_id: str, *, up_to_version: int | None = None, as_of: datetime | None = None
    ) -> list[StoredEvent]:
        """A stream's events in order; optionally only up to a version or an instant."""
        conditions = [events.c.stream_id == stream_id]
        if up_to_version is not None:
            conditions.append(events.c.version <= up_to_version)
        if as_of is not None:
            conditions.append(events.c.occurred_at <= as_of)
        async with self._engine.connect() as conn:
            result = await conn.execute(
                select(events).where(and_(*conditions)).order_by(events.c.version)
            )
            return [_stored(row) for row in result]

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        """Events of every stream by global position, never past a transaction still open.

        Positions are handed out before commit, so a later position can become visible before
        an earlier one. Reading only rows whose transaction id is below the oldest transaction
        still running (`pg_snapshot_xmin`) guarantees no earlier position can appear afterwards.
        """
        columns = ", ".join(c.name for c in events.c)
        query = text(
            f"SELECT {columns} FROM events WHERE position > :after "
            "AND txid < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY position LIMIT :limit"
        ).columns(*[c for c in events.c])
        async with self._engine.connect() as conn:
            result = await conn.execute(query, {"after": after_position, "limit": limit})
            return [_stored(row) for row in result]

    async def verify(self, stream_id: str) -> ChainVerification:
        """Recompute a stream's hash chain; name the first version that does not match."""
        count, prev, expected_version = 0, GENESIS, 1
        async with self._engine.connect() as conn:
            result = await conn.stream(
                select(events).where(events.c.stream_id == stream_id).order_by(events.c.version)
            )
            async for row in result:
                count += 1
                problem = check_row(row, prev, expected_version)
                if problem is not None:
                    return ChainVerification(
                        stream_id=stream_id,
                        valid=False,
                        events=count,
                        first_bad_version=row.version,
                        problem=problem,
                    )
                prev, expected_version = row.hash, expected_version + 1
        return ChainVerification(
            stream_id=stream_id,
            valid=count > 0,
            events=count,
            head_hash=prev.hex() if count else None,
            problem=None if count else "no events in this stream",
        )


def outbox_rows(
    expected_version: int,
    new_events: Sequence[NewEvent],
    notifications: Sequence[tuple[int, Notification]],
) -> list[dict[str, Any]]:
    """One outbox row per (event, recipient spec), as the append statement's outbox reads them."""
    return [
        {
            "version": expected_version + index + 1,
            "event_id": str(new_events[index].event_id),
            "rule": notification.rule,
            "spec": recipient.model_dump(mode="json", exclude_none=True),
            "message": notification.message.model_dump(mode="json", exclude_none=True),
        }
        for index, notification in notifications
        for recipient in notification.recipients
    ]


async def _keep_connection(_connection: asyncpg.Connection) -> None:
    """Release without resetting: the append path leaves no session state to reset."""


def _hash_or_none(hex_hash: str | None) -> bytes | None:
    if hex_hash is None:
        return None
    try:
        return bytes.fromhex(hex_hash)
    except ValueError:
        return None  # not a hash: read the real head instead


def check_row(row: Row[Any], prev: bytes, expected_version: int) -> str | None:
    """Why a stored row does not continue its chain after `prev`, or None when it does."""
    if row.version != expected_version:
        return f"version {expected_version} is missing"
    if bytes(row.prev_hash) != prev:
        return "prev_hash does not match the previous event's hash"
    try:
        content = canonical(
            stream_id=row.stream_id,
            version=row.version,
            event_id=row.event_id,
            type_=row.type,
            schema_version=row.schema_version,
            payload=row.payload,
            actor=_actor(row),
            occurred_at=row.occurred_at,
            hash_version=row.hash_version,
            recorded_at=row.recorded_at,
            workflow_id=row.workflow_id,
            run_id=row.run_id,
            trace_id=row.trace_id,
        )
    except ValueError as unknown:
        return str(unknown)
    if chain(prev, content) != bytes(row.hash):
        return "content does not match its hash"
    return None


def _actor(row: Row[Any]) -> Actor:
    return Actor(user_id=row.actor_id, role=Role(row.actor_role), unit=row.actor_unit)


def _stored(row: Row[Any]) -> StoredEvent:
    return StoredEvent(
        position=row.position,
        stream_id=row.stream_id,
        version=row.version,
        event_id=row.event_id if isinstance(row.event_id, UUID) else UUID(str(row.event_id)),
        type=row.type,
        schema_version=row.schema_version,
        payload=row.payload,
        actor=_actor(row),
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        hash_version=row.hash_version,
        workflow_id=row.workflow_id,
        run_id=row.run_id,
        trace_id=row.trace_id,
        prev_hash=bytes(row.prev_hash).hex(),
        hash=bytes(row.hash).hex(),
    )
