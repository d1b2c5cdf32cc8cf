"""The transactional outbox against a real PostgreSQL: rows commit with their events or not at
all, recipients are resolved at that moment, nobody-to-tell becomes a visible dead letter."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.actors import Role
from domain.clocks import Rung
from store.errors import ConcurrencyConflict
from store.ledger import Ledger
from store.outbox import Endpoint, list_notifications, save_endpoint
from tests.outbox_support import (
    append,
    escalation,
    own_database,
    police_report,
    rescue,
    staff,
    unit,
)
from tests.outbox_support import case_id as case_id
from tests.store.factories import new_events


@pytest.fixture(scope="module")
async def database(server_url: str) -> AsyncIterator[tuple[AsyncEngine, Ledger]]:
    async with own_database(server_url) as both:
        yield both


@pytest.fixture
def engine(database: tuple[AsyncEngine, Ledger]) -> AsyncEngine:
    return database[0]


@pytest.fixture
def ledger(database: tuple[AsyncEngine, Ledger]) -> Ledger:
    return database[1]


async def test_l1_reaches_assignee_and_team_lead_by_inbox_and_email(
    ledger: Ledger, engine: AsyncEngine
) -> None:
    place = unit()
    assignee = await staff(engine, Role.CASEWORKER, place, email="worker@example.test")
    lead = await staff(engine, Role.APPROVER, place)
    await staff(engine, Role.APPROVER, unit())  # another unit's lead is not told
    case = case_id()
    await append(ledger, case, 0, new_events(1), rescue(case, place, assignee))

    await append(ledger, case, 1, [escalation(Rung.L1_DUE)], rescue(case, place, assignee))

    rows = await list_notifications(engine, case_id=case)
    got = sorted((r.recipient, r.channel, r.status) for r in rows)
    assert got == sorted(
        [
            (assignee, "inbox", "pending"),
            (assignee, "email", "pending"),
            (lead, "inbox", "pending"),
        ]
    )
    email = next(r for r in rows if r.channel == "email")
    assert email.address == "worker@example.test"
    assert email.message["rung"] == "L1_DUE"
    assert email.message["clock"] == "stay_limit"
    assert "在站期限" in email.message["title_zh"]
    assert email.event_version == 2
    assert len({r.delivery_key for r in rows}) == 3


async def test_nobody_to_tell_is_a_dead_letter_not_silence(
    ledger: Ledger, engine: AsyncEngine
) -> None:
    place = unit()
    case = case_id()
    await append(ledger, case, 0, new_events(1), rescue(case, place))
    # Police report: no police endpoint for this party may exist yet in this database, so
    # register none, and no approver in this fresh unit.
    report = police_report()
    await append(ledger, case, 1, [report], rescue(case, place))

    rows = await list_notifications(engine, case_id=case)
    unit_lead = [r for r in rows if r.spec.get("unit") == place]
    assert [(r.status, r.recipient_kind, r.last_error) for r in unit_lead] == [
        ("dead", "none", "no active recipient matches")
    ]


async def test_outside_party_is_reached_through_its_endpoints(
    ledger: Ledger, engine: AsyncEngine
) -> None:
    place = unit()
    await save_endpoint(
        engine,
        Endpoint(
            endpoint_id=f"police-{place}",
            party="police",
            channel="webhook",
            address="http://127.0.0.1:9/police",
        ),
    )
    case = case_id()
    await append(ledger, case, 0, new_events(1), rescue(case, place))
    report = police_report()
    await append(ledger, case, 1, [report], rescue(case, place))

    rows = await list_notifications(engine, case_id=case)
    police = [r for r in rows if r.recipient == f"police-{place}"]
    assert [(r.channel, r.address, r.rule, r.status) for r in police] == [
        ("webhook", "http://127.0.0.1:9/police", "police_report", "pending")
    ]
    assert set(police[0].message) <= {
        "case_id",
        "kind",
        "event_type",
        "title_zh",
        "unit",
        "clock",
        "rung",
        "due_at",
    }


async def test_a_refused_append_writes_no_notification(ledger: Ledger, engine: AsyncEngine) -> None:
    place = unit()
    await staff(engine, Role.SUPERVISOR, place)
    case = case_id()
    await append(ledger, case, 0, new_events(1), rescue(case, place))
    await append(ledger, case, 1, new_events(1), rescue(case, place))
    before = await list_notifications(engine, case_id=case)

    try:
        await append(ledger, case, 1, [escalation(Rung.L2_OVERDUE)], rescue(case, place))
    except ConcurrencyConflict:
        pass
    else:
        raise AssertionError("a stale append must conflict")

    assert await list_notifications(engine, case_id=case) == before == []


async def test_a_replayed_append_notifies_once(ledger: Ledger, engine: AsyncEngine) -> None:
    place = unit()
    await staff(engine, Role.ADMIN, place)
    case = case_id()
    await append(ledger, case, 0, new_events(1), rescue(case, place))
    batch = [escalation(Rung.L3_LEADERSHIP)]
    await append(ledger, case, 1, batch, rescue(case, place))
    first = await list_notifications(engine, case_id=case)

    await append(ledger, case, 1, batch, rescue(case, place))  # the activity retried

    assert await list_notifications(engine, case_id=case) == first
    assert first and all(r.rule == "clock_escalated" for r in first)
