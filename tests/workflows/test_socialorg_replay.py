"""Saved social-organisation histories: recorded once, replayed in CI by test_replay.py's
`test_saved_history_replays` (every tests/workflows/histories/*.json).

Record with `CASEWORK_RECORD_HISTORIES=1 pytest tests/workflows/test_socialorg_replay.py`; never
re-record an existing file to make a replay pass: change the workflow behind workflow.patched.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from api.gateway import CaseGateway
from domain.calendar import SHANGHAI, local_date
from domain.socialorg import SOCIAL_ORG
from store.ledger import Ledger
from tests.factories import (
    ORG_APPROVER,
    ORG_CASEWORKER,
    ORG_OPERATOR,
    org_application,
    org_case_id,
    org_registration,
    org_report,
)
from tests.servers import plain_history_json
from tests.workflows.socialorg_time import next_date, own_skipping_server, sleep_until
from tests.workflows.test_socialorg_decades import run_chain

HISTORIES = Path(__file__).parent / "histories"
SAVED = ("socialorg_first_year.json", "socialorg_year_with_misses.json")


@pytest.fixture(scope="module")
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """This module's own time-skipping server (see tests/workflows/socialorg_time.py)."""
    async with own_skipping_server() as env:
        yield env


def test_there_are_saved_socialorg_histories() -> None:
    for name in SAVED:
        assert (HISTORIES / name).exists(), f"record {name}"


@pytest.mark.skipif(
    not os.environ.get("CASEWORK_RECORD_HISTORIES"), reason="records histories on demand"
)
async def test_record_socialorg_histories(
    skipping_env: WorkflowEnvironment, skipping_gateway: CaseGateway, ledger: Ledger
) -> None:
    env, gateway = skipping_env, skipping_gateway
    await sleep_until(env, next_date(await env.get_current_time(), 3, 2))
    y0 = local_date(await env.get_current_time()).year
    case_id = org_case_id()

    def on(year: int, month: int, day: int) -> datetime:
        return datetime(y0 + year, month, day, 10, tzinfo=SHANGHAI)

    # Run 1: application (update-with-start), registration, activity, then 1 January.
    now = await env.get_current_time()
    await gateway.open_case(SOCIAL_ORG, case_id, ORG_OPERATOR, org_application(), now)
    await gateway.send(case_id, ORG_APPROVER, org_registration())
    activity = {"type": "RecordOrgActivity", "description": "成立大会", "held_on": str(now.date())}
    await gateway.send(case_id, ORG_OPERATOR, activity)
    # Run 2: reminders, a missed sponsor date climbing the ladder, late filing, a failed
    # inspection with its rectification clock, a change approval; then the next 1 January.
    await sleep_until(env, on(1, 4, 20))
    await gateway.send(case_id, ORG_OPERATOR, org_report(y0, "sponsor"))
    await gateway.send(case_id, ORG_OPERATOR, org_report(y0, "authority"))
    result = {"type": "RecordInspectionResult", "year": y0, "result": "fail"}
    await gateway.send(case_id, ORG_CASEWORKER, result)
    change = {
        "type": "RecordChangeApproval",
        "matters": ["名称"],
        "approved_on": str(on(1, 4, 18).date()),
    }
    await gateway.send(case_id, ORG_OPERATOR, change)
    await sleep_until(env, on(2, 1, 2))

    first_run = (await ledger.read_stream(case_id))[0].run_id
    assert first_run is not None
    runs = await run_chain(env, case_id, first_run)
    for name, history in zip(SAVED, runs, strict=False):
        (HISTORIES / name).write_text(plain_history_json(history), encoding="utf-8")
    await env.client.get_workflow_handle(case_id).terminate("recorded")
