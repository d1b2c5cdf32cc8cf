"""Social organisations on the time-skipping server: yearly cycles side by side, new runs."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from api.gateway import CaseGateway
from domain.calendar import SHANGHAI, local_date
from domain.socialorg import SOCIAL_ORG
from store.ledger import Ledger
from store.replay import state_as_of
from tests.factories import (
    ORG_APPROVER,
    ORG_OPERATOR,
    org_application,
    org_case_id,
    org_registration,
)
from tests.workflows.socialorg_time import next_date, own_skipping_server, sleep_until


@pytest.fixture(scope="module")
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """This module's own time-skipping server (see tests/workflows/socialorg_time.py)."""
    async with own_skipping_server() as env:
        yield env


async def current_run_id(env: WorkflowEnvironment, case_id: str) -> str:
    """The run now carrying the case (raw RPC: the test server's search attributes do not
    decode in `describe()`)."""
    response = await env.client.workflow_service.describe_workflow_execution(
        DescribeWorkflowExecutionRequest(
            namespace=env.client.namespace, execution=WorkflowExecution(workflow_id=case_id)
        )
    )
    run_id: str = response.workflow_execution_info.execution.run_id
    return run_id


@pytest.fixture
async def opened(skipping_env: WorkflowEnvironment) -> AsyncIterator[list[str]]:
    """Cases a test opens end with it: a registered organisation otherwise lives forever."""
    case_ids: list[str] = []
    yield case_ids
    for case_id in case_ids:
        with contextlib.suppress(RPCError):
            await skipping_env.client.get_workflow_handle(case_id).terminate("test over")


async def register(
    env: WorkflowEnvironment, gateway: CaseGateway, opened: list[str], **application: object
) -> str:
    """Apply, register and record a first activity, all at the server's current time."""
    case_id = org_case_id()
    opened.append(case_id)
    now = await env.get_current_time()
    org_type = str(application.get("org_type", "social_group"))
    await gateway.open_case(SOCIAL_ORG, case_id, ORG_OPERATOR, org_application(**application), now)
    await gateway.send(case_id, ORG_APPROVER, org_registration(org_type))
    activity = {
        "type": "RecordOrgActivity",
        "description": "成立大会",
        "held_on": local_date(now).isoformat(),
    }
    await gateway.send(case_id, ORG_OPERATOR, activity)
    return case_id


async def test_a_foundation_and_a_social_group_side_by_side_report_on_different_dates(
    skipping_env: WorkflowEnvironment,
    skipping_gateway: CaseGateway,
    ledger: Ledger,
    opened: list[str],
) -> None:
    env = skipping_env
    await sleep_until(env, next_date(await env.get_current_time(), 3, 2))
    year = local_date(await env.get_current_time()).year
    group = await register(env, skipping_gateway, opened)
    foundation = await register(
        env, skipping_gateway, opened, org_type="foundation", sponsor_unit=None
    )
    first_runs = {c: await current_run_id(env, c) for c in (group, foundation)}

    await sleep_until(env, datetime(year + 1, 1, 2, tzinfo=SHANGHAI))

    for case_id, due in ((group, ("03-31", "05-31")), (foundation, (None, "03-31"))):
        stream = await ledger.read_stream(case_id)
        (opened_event,) = [e for e in stream if e.type == "AnnualCycleOpened"]
        assert opened_event.payload["year"] == year
        sponsor, authority = (
            opened_event.payload["sponsor_due_on"],
            opened_event.payload["authority_due_on"],
        )
        assert (sponsor[5:] if sponsor else None, authority[5:]) == due
        assert opened_event.actor.user_id == "system"
        new_year = datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
        assert new_year <= opened_event.occurred_at < new_year + timedelta(minutes=1)
        run_id = await current_run_id(env, case_id)
        assert run_id != first_runs[case_id], "the yearly cycle starts a new run"
        view = await skipping_gateway.view(case_id)
        folded, version = await state_as_of(ledger, SOCIAL_ORG, case_id)
        assert view.version == version and folded.model_dump(mode="json") == view.state
        assert (await ledger.verify(case_id)).valid


async def test_an_organisation_registered_in_november_skips_that_year(
    skipping_env: WorkflowEnvironment,
    skipping_gateway: CaseGateway,
    ledger: Ledger,
    opened: list[str],
) -> None:
    env = skipping_env
    await sleep_until(env, next_date(await env.get_current_time(), 11, 10))
    year = local_date(await env.get_current_time()).year
    case_id = await register(env, skipping_gateway, opened, sponsor_unit=None)

    await sleep_until(env, datetime(year + 2, 1, 1, 12, tzinfo=SHANGHAI))

    cycles = [e.payload for e in await ledger.read_stream(case_id) if e.type == "AnnualCycleOpened"]
    assert [(c["year"], c["skipped"]) for c in cycles] == [(year, True), (year + 1, False)]
    view = await skipping_gateway.view(case_id)
    assert set(view.state["clocks"]) >= {"authority_report", "next_cycle"}
    assert view.state["inspections"][str(year)]["skipped"] is True
