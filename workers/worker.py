"""The case worker: every lifecycle workflow and the activities they call, on one task queue.

Run as many worker processes as load needs; Temporal and PostgreSQL coordinate them.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client
from temporalio.worker import Worker

from activities.calendar import CalendarActivities
from activities.ledger import LedgerActivities
from store.ledger import Ledger
from workflows.registry import WORKFLOWS

log = logging.getLogger("casework.worker")


def build_worker(
    client: Client, ledger: Ledger, task_queue: str, notices_dir: Path | None = None
) -> Worker:
    ledger_activities = LedgerActivities(ledger)
    calendar_activities = CalendarActivities(notices_dir)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=list(WORKFLOWS.values()),
        activities=[ledger_activities.append, calendar_activities.holiday_notices],
        graceful_shutdown_timeout=timedelta(seconds=10),
    )


async def run_until_stopped(worker: Worker, stop: asyncio.Event) -> None:
    """Run the worker until `stop` is set, then let in-flight activities finish."""
    async with worker:
        log.info("worker polling task queue %s", worker.task_queue)
        await stop.wait()
    log.info("worker stopped")
