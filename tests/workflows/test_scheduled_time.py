"""Scheduled time against real servers: a worker stopped across a due instant records the rung
as of when it was due; a holiday notice the bureau adds while a case is open applies to the next
clock that case computes. (That any delay gives the same dates and decisions is a property test
in tests/domain/test_timeline.py; paper files entered years late are in tests/api.)"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from api.gateway import CaseGateway
from api.holiday_notices import BureauNotices
from domain.calendar import SHANGHAI, local_date
from domain.relief import RELIEF
from domain.rescue import RESCUE
from store.ledger import Ledger
from store.models import StoredEvent
from tests.factories import (
    OPERATOR,
    RELIEF_OPERATOR,
    relief_application,
    report,
)
from tests.workflows.socialorg_time import sleep_until
from tests.workflows.test_socialorg_workflow import opened, register, skipping_env
from workers.worker import build_worker

# The module's own time-skipping server, its cleanup and registration, as the yearly-cycle tests.
__all__ = ["opened", "skipping_env"]


async def _until(ledger: Ledger, case_id: str, event_type: str) -> list[StoredEvent]:
    async with asyncio.timeout(60):
        while True:
            stream = await ledger.read_stream(case_id)
            if any(e.type == event_type for e in stream):
                return stream
            await asyncio.sleep(0.1)


async def test_a_rung_due_while_the_worker_was_down_is_dated_when_it_was_due(
    dev_env: WorkflowEnvironment, ledger: Ledger, task_queue: str
) -> None:
    """Real time on the dev server: a refusal entered from paper so that its 24 h revisit falls
    due a few seconds from now; the worker is stopped across that instant, then restarted."""
    client = dev_env.client
    gateway = CaseGateway(client, task_queue)
    case_id = f"RSC-2026-{uuid.uuid4().int % 10**9:09d}"
    now = datetime.now(UTC)
    refused_at = now - timedelta(hours=24) + timedelta(seconds=6)
    refusal = {"type": "RecordHelpRefused", "extreme_weather": True, "supplies_given": ["棉被"]}
    async with build_worker(client, ledger, task_queue):
        await gateway.open_case(
            RESCUE, case_id, OPERATOR, report(), now, effective_at=refused_at - timedelta(minutes=5)
        )
        await gateway.send(case_id, OPERATOR, refusal, effective_at=refused_at)
        # The reminder (at 2/3 of the 24 h) was long due: caught up at once, at its own instant.
        stream = await _until(ledger, case_id, "ClockEscalated")
    due = refused_at + timedelta(hours=24)
    async with asyncio.timeout(30):
        while datetime.now(UTC) < due + timedelta(seconds=2):  # the worker is down at `due`
            await asyncio.sleep(0.1)
    async with build_worker(client, ledger, task_queue):
        async with asyncio.timeout(30):
            while not [e for e in stream if e.type == "ClockEscalated" and e.payload["rung"] == 1]:
                await asyncio.sleep(0.1)
                stream = await ledger.read_stream(case_id)
        await client.get_workflow_handle(case_id).terminate("test over")

    escalated = {e.payload["rung"]: e for e in stream if e.type == "ClockEscalated"}
    reminder, l1 = escalated[0], escalated[1]
    assert reminder.occurred_at == refused_at + timedelta(hours=16)
    assert l1.occurred_at == due == datetime.fromisoformat(l1.payload["at"])
    assert l1.recorded_at >= due + timedelta(seconds=2), "noticed late, recorded late"
    assert l1.actor.user_id == "system"


def _notice(folder: Path, year: int, holidays: list[str]) -> str:
    source = f"测试通知 {year}-{uuid.uuid4().hex[:4]}"
    body = {"year": year, "source": source, "holidays": holidays, "makeup_workdays": []}
    (folder / f"{year}.json").write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return source


async def test_a_notice_added_while_a_case_is_open_applies_to_its_next_clock(
    skipping_env: WorkflowEnvironment, ledger: Ledger, opened: list[str], tmp_path: Path
) -> None:
    env = skipping_env
    queue = f"notices-{uuid.uuid4().hex[:6]}"
    async with build_worker(env.client, ledger, queue, notices_dir=tmp_path):
        now = await env.get_current_time()
        year = local_date(now).year + 1
        await sleep_until(env, datetime(year, 3, 2, 10, tzinfo=SHANGHAI))
        case_id = await register(env, CaseGateway(env.client, queue), opened)
        # The bureau learns next year's notice while the case waits for its cycle: the day
        # after the sponsor's 31 March is a holiday, so the L2 rung moves a working day later.
        next_year = year + 1
        after_due = datetime(next_year, 3, 31, tzinfo=SHANGHAI).date() + timedelta(days=1)
        while after_due.weekday() >= 5:
            after_due += timedelta(days=1)
        source = _notice(tmp_path, next_year, [after_due.isoformat()])
        await sleep_until(env, datetime(next_year, 1, 2, 10, tzinfo=SHANGHAI))
        stream = await _until(ledger, case_id, "AnnualCycleOpened")

    cycle_version = next(e.version for e in stream if e.type == "AnnualCycleOpened")
    started = [
        e.payload["clock"]
        for e in stream
        if e.type == "ClockStarted" and e.version > cycle_version - 5
    ]
    sponsor = next(c for c in started if c["spec"]["name"].startswith("sponsor"))
    assert source in sponsor["basis"]
    l2 = datetime.fromisoformat(sponsor["rungs"]["2"]).astimezone(SHANGHAI)
    assert l2.date() > after_due, "L2 skips the holiday the new notice declared"


async def test_commands_bring_the_bureaus_notices_to_an_open_case(
    dev_env: WorkflowEnvironment, ledger: Ledger, task_queue: str, tmp_path: Path
) -> None:
    """The API sends its notices with each command: a notice the bureau adds after a case
    opened applies to the very next clock the case computes, without waiting for a worker."""
    client = dev_env.client
    gateway = CaseGateway(client, task_queue, holiday_notices=BureauNotices(tmp_path).current)
    case_id = f"REL-2026-{uuid.uuid4().int % 10**9:09d}"
    next_year = local_date(datetime.now(UTC)).year + 1
    async with build_worker(client, ledger, task_queue):
        await gateway.open_case(
            RELIEF, case_id, RELIEF_OPERATOR, relief_application(), datetime.now(UTC)
        )
        source = _notice(tmp_path, next_year, [f"{next_year}-01-04", f"{next_year}-01-05"])
        accept = {"type": "AcceptAssistanceApplication"}
        await gateway.send(case_id, RELIEF_OPERATOR, accept)
        stream = await ledger.read_stream(case_id)
        await client.get_workflow_handle(case_id).terminate("test over")
    started = [e.payload["clock"] for e in stream if e.type == "ClockStarted"]
    # The 30 working days counted from now reach into next year, which only the notice knows.
    assert any(source in c["basis"] for c in started), [c["basis"] for c in started]
