"""Records histories of the decide-once runtime (DECIDE_ONCE_PATCH): escalations caught up at
their due instants and a paper file entered years late. test_replay.py replays every saved
history in CI. Record with `CASEWORK_RECORD_HISTORIES=1 pytest tests/workflows/test_runtime_histories.py`;
never re-record an existing file to make a replay pass."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from api.gateway import CaseGateway
from domain.rescue import RESCUE
from domain.socialorg import SOCIAL_ORG
from tests.factories import (
    CASEWORKER,
    OPERATOR,
    ORG_APPROVER,
    ORG_OPERATOR,
    classify,
    intake,
    org_application,
    org_case_id,
    org_registration,
    report,
    rescue_case_id,
)
from tests.servers import plain_history_json
from tests.workflows.test_replay import HISTORIES
from workflows.contracts import PaperFileRequest, PaperFileStep

pytestmark = pytest.mark.skipif(
    not os.environ.get("CASEWORK_RECORD_HISTORIES"), reason="records histories on demand"
)


async def test_record_rescue_caught_up_at_due_instants(
    skipping_env: WorkflowEnvironment, skipping_gateway: CaseGateway
) -> None:
    case_id = rescue_case_id()
    gateway = skipping_gateway
    now = datetime.now(UTC)
    await gateway.open_case(
        RESCUE, case_id, OPERATOR, report(), now, effective_at=now - timedelta(days=4)
    )
    await gateway.send(case_id, OPERATOR, intake(), effective_at=now - timedelta(days=3))
    await skipping_env.sleep(timedelta(hours=1))
    await gateway.send(case_id, CASEWORKER, classify())
    await skipping_env.sleep(timedelta(days=12))
    history = await gateway.client.get_workflow_handle(case_id).fetch_history()
    (HISTORIES / "runtime_rescue_due_instants.json").write_text(
        plain_history_json(history), encoding="utf-8"
    )


async def test_record_organisation_from_a_paper_file(
    skipping_env: WorkflowEnvironment, skipping_gateway: CaseGateway
) -> None:
    case_id = org_case_id()
    steps = [
        PaperFileStep(
            actor=ORG_OPERATOR, command=org_application(), at=datetime(2023, 3, 1, 2, tzinfo=UTC)
        ),
        PaperFileStep(
            actor=ORG_APPROVER, command=org_registration(), at=datetime(2023, 3, 20, 2, tzinfo=UTC)
        ),
    ]
    request = PaperFileRequest(
        entered_by=ORG_OPERATOR, reference="档案-1", steps=steps, command_id="paper-1"
    )
    await skipping_gateway.open_with_paper_file(SOCIAL_ORG, case_id, request)
    await skipping_env.sleep(timedelta(days=2))
    history = await skipping_gateway.client.get_workflow_handle(case_id).fetch_history()
    (HISTORIES / "runtime_socialorg_paper_file.json").write_text(
        plain_history_json(history), encoding="utf-8"
    )
