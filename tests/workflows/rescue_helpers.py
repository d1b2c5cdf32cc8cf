"""Shared steps and checks of the rescue workflow tests (real Temporal servers, real ledger)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from temporalio.client import Client
from temporalio.service import RPCError

from api.gateway import CaseGateway
from domain.rescue import RESCUE
from store.ledger import Ledger
from store.models import StoredEvent
from store.replay import state_as_of
from tests.factories import CASEWORKER, OPERATOR, classify, intake, report, rescue_case_id

KNOWN_ID = "11010519491231002X"  # the fake police population system knows it
APPROVER_ID = "head-zhao"
# Clock bookkeeping, left out when a test compares the story a history tells.
BOOKKEEPING = frozenset({"ClockStarted", "ClockStopped", "ClockEscalated", "ClockPaused"})


def story(history: list[StoredEvent]) -> list[str]:
    """The event types of a history without the clock bookkeeping."""
    return [e.type for e in history if e.type not in BOOKKEEPING | {"ClockResumed"}]


def escalations(history: list[StoredEvent], clock: str) -> list[tuple[int, str]]:
    """(rung, actor) of each escalation of one clock, in order."""
    return [
        (e.payload["rung"], e.actor.user_id)
        for e in history
        if e.type == "ClockEscalated" and e.payload["clock"] == clock
    ]


async def open_in_stay(
    gateway: CaseGateway,
    *,
    person: dict[str, Any] | None = None,
    information: str = "unable",
    observed: list[str] | None = None,
) -> str:
    """A person reported, taken in (unidentified unless `person` says otherwise), classified."""
    case_id = new_case_id()
    await gateway.open_case(RESCUE, case_id, OPERATOR, report(), datetime.now(UTC))
    await gateway.send(
        case_id, OPERATOR, intake(person=person or {"name": None}, information=information)
    )
    await gateway.send(case_id, CASEWORKER, classify(observed=observed or []))
    return case_id


async def until(check: Callable[[], Awaitable[bool]]) -> None:
    """Wait (in real time, 20 s at most) until a check passes: for effects that report back."""
    async with asyncio.timeout(20):
        while not await check():
            await asyncio.sleep(0.1)


# Every case a test opens, so that `end_open_cases` can end what the test left running: on
# the time-skipping server a workflow waiting on timers with no worker left would hold up time
# skipping for every later test.
OPENED: list[str] = []


def new_case_id() -> str:
    case_id = rescue_case_id()
    OPENED.append(case_id)
    return case_id


async def end_open_cases(client: Client) -> None:
    while OPENED:
        handle = client.get_workflow_handle(OPENED.pop())
        with contextlib.suppress(RPCError):  # already completed
            await handle.terminate("test over")


async def recorded(ledger: Ledger, case_id: str, event_type: str) -> bool:
    return any(e.type == event_type for e in await ledger.read_stream(case_id))


async def assert_ledger_is_the_case(gateway: CaseGateway, ledger: Ledger, case_id: str) -> None:
    """The chain verifies, versions run 1..n once each, and folding the ledger gives the
    workflow's own state."""
    history = await ledger.read_stream(case_id)
    assert [e.version for e in history] == list(range(1, len(history) + 1))
    assert len({e.event_id for e in history}) == len(history)
    assert (await ledger.verify(case_id)).valid
    folded, version = await state_as_of(ledger, RESCUE, case_id)
    view = await gateway.view(case_id)
    assert version == view.version
    assert folded.model_dump(mode="json") == view.state


def plan_command(due: date, *service_ids: str) -> dict[str, Any]:
    return {
        "type": "DraftIndividualPlan",
        "assessment": {"assistance": "返乡路费; 联系家属", "primary": "assistance"},
        "goals": ["联系家属", "安全返乡"],
        "services": [
            {
                "service_id": sid,
                "kind": "return_travel",
                "description": "购买返乡车票",
                "owner": CASEWORKER.user_id,
                "due": due.isoformat(),
            }
            for sid in service_ids
        ],
    }


def shanghai_date(moment: datetime, plus_days: int = 0) -> date:
    from domain.calendar import local_date

    return local_date(moment) + timedelta(days=plus_days)
