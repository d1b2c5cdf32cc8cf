"""Anchoring in the worker: the activity built from settings, and the Temporal schedule."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from activities.anchoring import AnchorActivities
from activities.anchoring_contracts import AnchorRequest
from store.publisher import DirectoryPublisher
from store.signing import Signer
from workflows.anchoring import ANCHOR_SCHEDULE_ID, LedgerAnchorWorkflow

log = logging.getLogger("casework.anchoring")


def anchoring_from_files(
    engine: AsyncEngine, key_file: Path | None, directory: Path | None
) -> AnchorActivities:
    """The anchoring activity with the signing key's file and the publishing directory (from
    settings); without them the activity refuses to anchor and says which settings are missing."""
    signer = Signer.from_file(key_file) if key_file else None
    publisher = DirectoryPublisher(directory) if directory else None
    return AnchorActivities(engine, signer, publisher)


def _schedule(task_queue: str, every: timedelta) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            LedgerAnchorWorkflow.run,
            AnchorRequest(),
            id=ANCHOR_SCHEDULE_ID,
            task_queue=task_queue,
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
        # An anchor still running when the next is due: skip the next, never pile them up.
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


async def ensure_anchor_schedule(client: Client, task_queue: str, every: timedelta) -> None:
    """Create the anchoring schedule, or bring an existing one to this interval and queue
    (every worker calls this at start; the schedule stays one)."""
    schedule = _schedule(task_queue, every)
    try:
        await client.create_schedule(ANCHOR_SCHEDULE_ID, schedule)
        log.info("anchor schedule created: every %s", every)
        return
    except ScheduleAlreadyRunningError:
        pass

    def updated(_: ScheduleUpdateInput) -> ScheduleUpdate:
        return ScheduleUpdate(schedule=schedule)

    await client.get_schedule_handle(ANCHOR_SCHEDULE_ID).update(updated)
