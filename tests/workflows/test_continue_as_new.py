"""A long case continues as new with its state carried over; the ledger stays one stream."""

from __future__ import annotations

from temporalio.testing import WorkflowEnvironment

from api.gateway import CaseGateway
from domain.rescue import RESCUE
from store.ledger import Ledger
from store.replay import state_as_of
from tests.factories import (
    CASEWORKER,
    OPERATOR,
    SUPERVISOR,
    classify,
    intake,
    report,
    rescue_case_id,
)
from workflows.contracts import CaseInput


async def test_state_survives_continue_as_new(
    dev_env: WorkflowEnvironment, gateway: CaseGateway, ledger: Ledger, task_queue: str
) -> None:
    case_id = rescue_case_id()
    handle = await dev_env.client.start_workflow(
        "RescueCase",
        CaseInput(case_id=case_id, kind="rescue", history_limit=50),
        id=case_id,
        task_queue=task_queue,
    )
    first_run = handle.result_run_id
    await gateway.send(case_id, OPERATOR, report())
    await gateway.send(case_id, OPERATOR, intake())
    await gateway.send(case_id, CASEWORKER, classify())
    for _ in range(6):
        extension = {
            "type": "GrantExtension",
            "clock": "stay_limit",
            "by": 1,
            "reason": "寻亲进展中",
        }
        await gateway.send(case_id, SUPERVISOR, extension)

    description = await dev_env.client.get_workflow_handle(case_id).describe()
    assert description.run_id != first_run  # a new run carries the case
    view = await gateway.view(case_id)
    history = await ledger.read_stream(case_id)
    assert view.version == len(history)
    assert len({e.run_id for e in history}) >= 2 and {e.workflow_id for e in history} == {case_id}
    folded, _ = await state_as_of(ledger, RESCUE, case_id)
    assert folded.model_dump(mode="json") == view.state
    assert view.state["clocks"]["stay_limit"]["extensions"] == 6
    assert (await ledger.verify(case_id)).valid
