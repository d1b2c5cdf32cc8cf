"""Saved histories must replay on today's workflow code (changes go behind workflow.patched).

Record a new history with `CASEWORK_RECORD_HISTORIES=1 pytest tests/workflows/test_replay.py`
after adding a scenario; never re-record an existing file to make a replay pass.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from api.gateway import CaseGateway
from domain.rescue import RESCUE
from tests.factories import (
    CASEWORKER,
    OPERATOR,
    SUPERVISOR,
    classify,
    intake,
    report,
    rescue_case_id,
)
from tests.servers import converter, plain_history_json
from workflows.registry import WORKFLOWS

HISTORIES = Path(__file__).parent / "histories"


@pytest.mark.parametrize("path", sorted(HISTORIES.glob("*.json")), ids=lambda p: p.stem)
async def test_saved_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))
    # With the payload codec: histories saved before encryption pass through it unopened.
    replayer = Replayer(workflows=list(WORKFLOWS.values()), data_converter=converter())
    await replayer.replay_workflow(history)


def test_there_are_saved_histories() -> None:
    assert list(HISTORIES.glob("rescue_*.json")), "record the rescue histories"


@pytest.mark.skipif(
    not os.environ.get("CASEWORK_RECORD_HISTORIES"), reason="records histories on demand"
)
async def test_record_rescue_histories(
    skipping_env: WorkflowEnvironment, skipping_gateway: CaseGateway
) -> None:
    case_id = rescue_case_id()
    gateway = skipping_gateway
    await gateway.open_case(RESCUE, case_id, OPERATOR, report(), datetime.now(UTC))
    await gateway.send(case_id, OPERATOR, intake())
    await skipping_env.sleep(timedelta(days=3))  # family search and plan approval escalate
    await gateway.send(case_id, CASEWORKER, classify())
    extension = {"type": "GrantExtension", "clock": "stay_limit", "by": 2, "reason": "等待家属"}
    await gateway.send(case_id, SUPERVISOR, extension)
    await skipping_env.sleep(timedelta(days=15))
    history = await gateway.client.get_workflow_handle(case_id).fetch_history()
    (HISTORIES / "rescue_escalation_and_extension.json").write_text(
        plain_history_json(history), encoding="utf-8"
    )


@pytest.mark.skipif(
    not os.environ.get("CASEWORK_RECORD_HISTORIES"), reason="records histories on demand"
)
async def test_record_statutory_period_history(
    skipping_env: WorkflowEnvironment, skipping_gateway: CaseGateway
) -> None:
    """A rescue case counted by statutory period ends: the stay from entry, to 24:00."""
    case_id = rescue_case_id()
    gateway = skipping_gateway
    await gateway.open_case(RESCUE, case_id, OPERATOR, report(), datetime.now(UTC))
    await gateway.send(case_id, OPERATOR, intake())
    await skipping_env.sleep(timedelta(days=3))  # family search and plan approval escalate
    await gateway.send(case_id, CASEWORKER, classify())  # the stay counts from entry
    extension = {"type": "GrantExtension", "clock": "stay_limit", "by": 2, "reason": "等待家属"}
    await gateway.send(case_id, SUPERVISOR, extension)
    await skipping_env.sleep(timedelta(days=15))
    history = await gateway.client.get_workflow_handle(case_id).fetch_history()
    (HISTORIES / "rescue_statutory_periods.json").write_text(history.to_json(), encoding="utf-8")
