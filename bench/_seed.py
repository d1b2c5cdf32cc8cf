"""A ledger at scale in minutes: real rescue events, hash-chained, loaded with COPY.

The bulk path: one story of 10 real events (the rescue decider's answer to report, intake and
classify: 8 of them clocks and facts) is told again for every case with its own case id,
event ids and times; every row's hash is computed with store.hashing exactly as the ledger
computes it, so every seeded stream verifies and folds. Events and `cases` rows go in with
`COPY` (asyncpg's copy_records_to_table), the table's identity giving each event its position
in load order; then VACUUM ANALYZE, so the planner knows the tables as a live database would.
Nothing but COPY is faster, and nothing here skips a rule of the ledger: the append-only
triggers fire only on UPDATE, DELETE and TRUNCATE.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from domain.actors import Actor, Role
from domain.calendar import SHANGHAI, WorkingDayCalendar
from domain.messages import Command, DecisionContext
from domain.rescue import RESCUE
from domain.rescue.commands import (
    ClassifyPerson,
    InformationGiven,
    PersonDetails,
    RegisterIntake,
    ReportPerson,
    ReportSource,
    Sex,
)
from store.hashing import GENESIS, HASH_VERSION, canonical, chain

STORY_START = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)  # a Monday without holidays
OPERATOR = Actor(user_id="op-li", role=Role.OPERATOR, unit="浦东救助站")
CASEWORKER = Actor(user_id="sw-wang", role=Role.CASEWORKER, unit="浦东救助站")
UNITS = [f"第{n}街道" for n in range(1, 37)]  # Pudong has 36 streets and towns

EVENT_COLUMNS = (
    "stream_id",
    "version",
    "event_id",
    "type",
    "schema_version",
    "payload",
    "actor_id",
    "actor_role",
    "actor_unit",
    "occurred_at",
    "recorded_at",
    "hash_version",
    "workflow_id",
    "run_id",
    "trace_id",
    "prev_hash",
    "hash",
)
CASE_COLUMNS = (
    "case_id",
    "kind",
    "stage",
    "unit",
    "assignee",
    "opened_at",
    "next_due_at",
    "escalation_level",
    "closed",
    "version",
    "last_position",
    "updated_at",
    "attributes",
)


@dataclass(frozen=True)
class StoryEvent:
    type: str
    schema_version: int
    payload: dict[str, Any]
    actor: Actor
    offset: timedelta  # after the case opened


def story() -> list[StoryEvent]:
    """Ten real events of a rescue case: reported, taken in, classified (with their clocks)."""
    commands: list[tuple[Command, Actor]] = [
        (
            ReportPerson(source=ReportSource.GRID_PATROL, unit="浦东救助站", location="世纪大道"),
            OPERATOR,
        ),
        (
            RegisterIntake(
                person=PersonDetails(name="张某", sex=Sex.MALE, age=30),
                information=InformationGiven.PROVIDED,
            ),
            OPERATOR,
        ),
        (ClassifyPerson(observed=[]), CASEWORKER),
    ]
    state = RESCUE.initial("RSC-2026-000000")
    told: list[StoryEvent] = []
    calendar = WorkingDayCalendar()
    for step, (command, actor) in enumerate(commands):
        at = STORY_START + timedelta(minutes=30 * step)
        events = RESCUE.decide(state, command, DecisionContext(at, actor, calendar))
        state = RESCUE.fold(events, state)
        told += [
            StoryEvent(e.type, e.schema_version, e.payload(), actor, at - STORY_START)
            for e in events
        ]
    return told[:10]


def case_id(n: int) -> str:
    return f"RSC-2026-{n + 1:06d}"


def _event_rows(n: int, events: list[StoryEvent], opened: datetime) -> list[tuple[Any, ...]]:
    stream, prev, rows = case_id(n), GENESIS, []
    for version, e in enumerate(events, start=1):
        event_id = uuid.uuid4()
        occurred = opened + e.offset + timedelta(microseconds=version)
        recorded = occurred + timedelta(seconds=1)
        digest = chain(
            prev,
            canonical(
                stream_id=stream,
                version=version,
                event_id=event_id,
                type_=e.type,
                schema_version=e.schema_version,
                payload=e.payload,
                actor=e.actor,
                occurred_at=occurred,
                hash_version=HASH_VERSION,
                recorded_at=recorded,
                workflow_id=stream,
            ),
        )
        rows.append(
            (
                stream,
                version,
                event_id,
                e.type,
                e.schema_version,
                json.dumps(e.payload, ensure_ascii=False),
                e.actor.user_id,
                e.actor.role.value,
                e.actor.unit,
                occurred,
                recorded,
                HASH_VERSION,
                stream,
                None,
                None,
                prev,
                digest,
            )
        )
        prev = digest
    return rows


def _case_row(
    n: int, events: int, opened: datetime, now: datetime, rnd: random.Random
) -> tuple[Any, ...]:
    """A read-model row with a plausible mix: 30 % closed; of the open, about 20 % due
    passed, 15 % escalated, 10 % with no clock running."""
    closed = rnd.random() < 0.3
    roll = rnd.random()
    if roll < 0.2:
        due: datetime | None = now - timedelta(hours=rnd.uniform(1, 24 * 30))
    elif roll < 0.9:
        due = now + timedelta(hours=rnd.uniform(1, 24 * 30))
    else:
        due = None
    level = rnd.choice((1, 1, 2, 3)) if rnd.random() < 0.15 else 0
    return (
        case_id(n),
        "rescue",
        "closed" if closed else rnd.choice(("reported", "in_stay", "in_stay", "placement")),
        rnd.choice(UNITS),
        f"sw-{rnd.randrange(200):03d}",
        opened,
        None if closed else due,
        0 if closed else level,
        closed,
        events,
        (n + 1) * events,  # positions follow load order: case n's last event
        opened + timedelta(hours=2),
        "{}",
    )


async def seed(conn: asyncpg.Connection, cases: int, *, chunk: int = 5000) -> dict[str, float]:
    """Load `cases` cases of 10 events each; returns how long each part took (seconds)."""
    events = story()
    rnd = random.Random(13)
    now = datetime.now(UTC)
    timings = {"hash_and_build": 0.0, "copy": 0.0, "vacuum_analyze": 0.0}
    for start in range(0, cases, chunk):
        t0 = time.perf_counter()
        event_rows: list[tuple[Any, ...]] = []
        case_rows = []
        for n in range(start, min(cases, start + chunk)):
            opened = STORY_START + timedelta(minutes=7 * n)
            event_rows += _event_rows(n, events, opened)
            case_rows.append(_case_row(n, len(events), opened, now, rnd))
        t1 = time.perf_counter()
        async with conn.transaction():
            await conn.copy_records_to_table("events", records=event_rows, columns=EVENT_COLUMNS)
            await conn.copy_records_to_table("cases", records=case_rows, columns=CASE_COLUMNS)
        t2 = time.perf_counter()
        timings["hash_and_build"] += t1 - t0
        timings["copy"] += t2 - t1
    t3 = time.perf_counter()
    await conn.execute("VACUUM ANALYZE events")
    await conn.execute("VACUUM ANALYZE cases")
    timings["vacuum_analyze"] = time.perf_counter() - t3
    return timings
