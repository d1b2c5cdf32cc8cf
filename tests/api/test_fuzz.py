"""Schemathesis fuzzes every endpoint from the OpenAPI schema: no input may produce a 500."""

from __future__ import annotations

import asyncio
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from activities.anchoring import AnchorActivities
from api.deps import Services
from api.gateway import CaseGateway
from domain.actors import Actor, Role
from store.ledger import Ledger
from store.publisher import DirectoryPublisher
from store.signing import Signer
from tests.api.conftest import bearer, serving, settings
from workers.worker import build_worker

ST = Path(sys.executable).parent / "st"
pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "actor",
    [
        Actor(user_id="fuzz-admin", role=Role.ADMIN, unit="浦东新区民政局"),
        Actor(user_id="fuzz-operator", role=Role.OPERATOR, unit="花木街道"),
    ],
    ids=lambda a: a.role.value,
)
async def test_no_input_produces_a_server_error(
    dev_env: WorkflowEnvironment,
    own_engine: AsyncEngine,
    task_queue: str,
    tmp_path: Path,
    actor: Actor,
) -> None:
    # A database of its own: the fuzzer finds only cases whose worker is running here (a case
    # another test left without a worker rightly answers 503, which would read as a failure).
    ledger = Ledger(own_engine)
    async with own_engine.begin() as conn:  # numbers no other test's workflow holds
        for prefix in ("RSC", "REL", "ORG", "WX"):
            await conn.execute(
                sql("INSERT INTO case_numbers VALUES (:p, 2026, :n)"),
                {"p": prefix, "n": 800_000 + uuid.uuid4().int % 100_000},
            )
    gateway = CaseGateway(dev_env.client, task_queue)
    # Deployed as in production: workers anchor with a key, the API reads the published anchors.
    anchors = tmp_path / "anchors"
    anchoring = AnchorActivities(
        own_engine, Signer.generate(tmp_path / "anchor-key.pem"), DirectoryPublisher(anchors)
    )
    configured = settings().model_copy(update={"anchor_dir": anchors})
    services = Services(settings=configured, engine=own_engine, ledger=ledger, gateway=gateway)
    worker = build_worker(dev_env.client, ledger, task_queue, anchoring=anchoring)
    async with worker, serving(services) as url:
        run = await asyncio.create_subprocess_exec(
            str(ST),
            "run",
            f"{url}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "12",
            "--seed",
            "20261129",
            "--workers",
            "1",
            "--request-timeout",
            "30",
            # A time budget, not a count: the command unions are large, and the coverage phase
            # alone would otherwise try every variant's boundaries.
            "--max-time",
            "60",
            "--max-failures",
            "5",
            "--header",
            f"Authorization:{bearer(actor)['Authorization']}",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await run.communicate()
    await ledger.close()
    text = output.decode(errors="replace")
    assert run.returncode == 0, text[-6000:]
