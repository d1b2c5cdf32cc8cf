"""Factories for outbox tests: staff users, case summaries, events that notify, appends that
carry the rule's notifications, and a database of a test module's own."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from activities.notifications import planned_notifications
from domain.actors import Actor, Role
from domain.case import ClockEscalated
from domain.clocks import Rung
from domain.messages import Event
from domain.rescue.events_exit import MissingPersonReportedToPolice
from store.db import make_engine
from store.ledger import Ledger
from store.models import CaseSummary, NewEvent
from store.outbox import set_user_email
from store.users import save_user
from tests.conftest import _fresh_database
from tests.store.factories import OPERATOR, T0, new_events


@asynccontextmanager
async def own_database(server_url: str) -> AsyncIterator[tuple[AsyncEngine, Ledger]]:
    """Case streams of made-up events live in a database of their own, so that no other
    test's rebuild from position 0 folds them."""
    engine = make_engine(await asyncio.to_thread(_fresh_database, server_url), pool_size=5)
    ledger = Ledger(engine)
    try:
        yield engine, ledger
    finally:
        await ledger.close()
        await engine.dispose()


def case_id() -> str:
    return f"RSC-2099-{uuid.uuid4().int % 10**9:09d}"


def unit() -> str:
    return f"测试街道-{uuid.uuid4().hex[:6]}"


async def staff(engine: AsyncEngine, role: Role, unit_name: str, email: str | None = None) -> str:
    user_id = f"{role.value}-{uuid.uuid4().hex[:8]}"
    await save_user(engine, Actor(user_id=user_id, role=role, unit=unit_name), "测试", "pw-123456")
    if email:
        await set_user_email(engine, user_id, email)
    return user_id


def recorded(event: Event) -> NewEvent:
    return NewEvent(
        event_id=uuid.uuid4(),
        type=event.type,
        payload=event.payload(),
        actor=OPERATOR,
        occurred_at=T0,
    )


def escalation(rung: Rung, clock: str = "stay_limit") -> NewEvent:
    return recorded(ClockEscalated(clock=clock, rung=rung, due_at=T0, at=T0 + timedelta(days=1)))


def police_report() -> NewEvent:
    return recorded(MissingPersonReportedToPolice(reason="a minor left", at=T0))


def rescue(case: str, unit_name: str, assignee: str | None = None) -> CaseSummary:
    return CaseSummary(
        case_id=case, kind="rescue", stage="in_stay", unit=unit_name, assignee=assignee
    )


async def append(
    ledger: Ledger, case: str, version: int, events: list[NewEvent], summary: CaseSummary
) -> None:
    await ledger.append(
        case, version, events, summary, notifications=planned_notifications(case, events, summary)
    )


async def open_case(ledger: Ledger, unit_name: str, assignee: str | None = None) -> str:
    case = case_id()
    await ledger.append(case, 0, new_events(1), rescue(case, unit_name, assignee))
    return case
