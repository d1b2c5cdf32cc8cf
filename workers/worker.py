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
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.anchoring import AnchorActivities
from activities.calendar import CalendarActivities
from activities.district_weather import DistrictWeatherActivities
from activities.identity import (
    FakePoliceIdentitySystem,
    IdentityActivities,
    PoliceIdentitySystem,
    parse_outages,
)
from activities.ledger import LedgerActivities
from activities.verification import VerificationActivities, VerificationCentre, default_centre
from config.settings import get_settings
from store.ledger import Ledger
from workers.anchoring import anchoring_from_files
from workflows.anchoring import LedgerAnchorWorkflow
from workflows.registry import WORKFLOWS

log = logging.getLogger("casework.worker")

# Pure, deterministic modules (no I/O, no clock, no mutable module state; tests/domain/
# test_purity.py holds `domain` to it) that the sandbox imports once per process instead of
# once per workflow run (docs/benchmarks.md, "End to end").
PASSED_THROUGH = (
    "domain",
    "pydantic",
    "pydantic_core",
    "activities.contracts",
    "store.models",
    "workflows.contracts",
)


def workflow_runner() -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSED_THROUGH)
    )


def build_worker(
    client: Client,
    ledger: Ledger,
    task_queue: str,
    notices_dir: Path | None = None,
    identity_system: PoliceIdentitySystem | None = None,
    verification_centre: VerificationCentre | None = None,
    anchoring: AnchorActivities | None = None,
) -> Worker:
    ledger_activities = LedgerActivities(ledger)
    calendar_activities = CalendarActivities(notices_dir)
    # The police population system: the fake from settings unless a real client is given.
    identity_activities = IdentityActivities(identity_system or fake_identity_system())
    weather_activities = DistrictWeatherActivities(ledger.engine)
    # The economic-verification centre (relief): the fake from settings unless one is given.
    verification_activities = VerificationActivities(verification_centre or default_centre())
    # Ledger anchors: the signing key and publisher from settings unless given.
    settings = get_settings()
    anchor_activities = anchoring or anchoring_from_files(
        ledger.engine, settings.anchor_key_file, settings.anchor_dir
    )
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[*WORKFLOWS.values(), LedgerAnchorWorkflow],
        activities=[
            ledger_activities.append,
            calendar_activities.holiday_notices,
            identity_activities.check,
            weather_activities.current,
            verification_activities.send,
            anchor_activities.anchor,
        ],
        graceful_shutdown_timeout=timedelta(seconds=10),
        workflow_runner=workflow_runner(),
    )


def fake_identity_system() -> PoliceIdentitySystem:
    """The fake population system, with the latency, failures and outages settings ask for."""
    settings = get_settings()
    return FakePoliceIdentitySystem(
        latency=timedelta(milliseconds=settings.identity_fake_latency_ms),
        failure_rate=settings.identity_fake_failure_rate,
        outages=parse_outages(settings.identity_fake_outages),
    )


async def run_until_stopped(worker: Worker, stop: asyncio.Event) -> None:
    """Run the worker until `stop` is set, then let in-flight activities finish."""
    async with worker:
        log.info("worker polling task queue %s", worker.task_queue)
        await stop.wait()
    log.info("worker stopped")
