"""The three ways a case is driven through its four commands, and the bare FastAPI door.

- casework: casework's API (in-process ASGI), real tokens, POST /cases then three
  POST /cases/{id}/commands; the casework worker (its own process) runs the case.
- bare: a Temporal client calls the bare workflow directly (update-with-start, then three
  updates), each update waiting for its result, as casework's API does.
- bare-api: the same bare workflow behind a minimal FastAPI endpoint (in-process ASGI).

The commands are the same JSON on every side: a rescue case reported, taken in, classified
and given a draft individual plan.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import BaseModel
from temporalio.client import Client, WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy

from api.auth import mint_token
from bench.e2e.bare import BareCase
from domain.actors import Actor, Role

UNIT = "浦东救助站"
OPERATOR = Actor(user_id="op-li", role=Role.OPERATOR, unit=UNIT)
CASEWORKER = Actor(user_id="sw-wang", role=Role.CASEWORKER, unit=UNIT)

OPENING: dict[str, Any] = {
    "type": "ReportPerson",
    "source": "grid_patrol",
    "unit": UNIT,
    "location": "世纪大道",
}
COMMANDS: list[tuple[Actor, dict[str, Any]]] = [
    (
        OPERATOR,
        {
            "type": "RegisterIntake",
            "information": "provided",
            "person": {"name": "张某", "sex": "male", "age": 30},
        },
    ),
    (CASEWORKER, {"type": "ClassifyPerson", "observed": []}),
    (
        CASEWORKER,
        {
            "type": "DraftIndividualPlan",
            "assessment": {"assistance": "需返乡路费与医疗", "primary": "assistance"},
            "goals": ["一周内联系家属", "安全返乡"],
            "services": [
                {
                    "service_id": "S1",
                    "kind": "family_tracing",
                    "description": "联系户籍地寻亲",
                    "owner": "sw-wang",
                    "due": "2027-03-10",
                }
            ],
        },
    ),
]


def tokens(secret: str) -> dict[str, dict[str, str]]:
    return {
        actor.user_id: {"Authorization": f"Bearer {mint_token(actor, secret, timedelta(hours=2))}"}
        for actor in (OPERATOR, CASEWORKER)
    }


async def casework_case(api: httpx.AsyncClient, headers: dict[str, dict[str, str]]) -> str:
    opened = await api.post("/cases", json=OPENING, headers=headers[OPERATOR.user_id])
    assert opened.status_code == 201, opened.text
    case_id = str(opened.json()["case_id"])
    for actor, command in COMMANDS:
        sent = await api.post(
            f"/cases/{case_id}/commands", json=command, headers=headers[actor.user_id]
        )
        assert sent.status_code == 200, sent.text
    return case_id


async def bare_open(client: Client, task_queue: str, case_id: str, actor: str) -> int:
    start = WithStartWorkflowOperation(
        BareCase.run,
        case_id,
        id=case_id,
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
    )
    version: int = await client.execute_update_with_start_workflow(
        BareCase.command, args=[actor, OPENING], start_workflow_operation=start
    )
    return version


async def bare_send(client: Client, case_id: str, actor: str, command: dict[str, Any]) -> int:
    handle = client.get_workflow_handle_for(BareCase.run, case_id)
    version: int = await handle.execute_update(BareCase.command, args=[actor, command])
    return version


async def bare_case(client: Client, task_queue: str) -> str:
    case_id = f"BARE-{uuid.uuid4().hex[:12]}"
    await bare_open(client, task_queue, case_id, OPERATOR.user_id)
    for actor, command in COMMANDS:
        await bare_send(client, case_id, actor.user_id, command)
    return case_id


class BareCommand(BaseModel):
    actor: str
    command: dict[str, Any]


def bare_app(client: Client, task_queue: str) -> FastAPI:
    """The least HTTP door to the bare workflow: parse the body, one update, answer."""
    app = FastAPI()

    @app.post("/bare", status_code=201)
    async def open_case(body: BareCommand) -> dict[str, Any]:
        case_id = f"BAREAPI-{uuid.uuid4().hex[:12]}"
        version = await bare_open(client, task_queue, case_id, body.actor)
        return {"case_id": case_id, "version": version}

    @app.post("/bare/{case_id}/commands")
    async def send(case_id: str, body: BareCommand) -> dict[str, Any]:
        return {
            "case_id": case_id,
            "version": await bare_send(client, case_id, body.actor, body.command),
        }

    return app


async def bare_api_case(api: httpx.AsyncClient) -> str:
    opened = await api.post("/bare", json={"actor": OPERATOR.user_id, "command": OPENING})
    assert opened.status_code == 201, opened.text
    case_id = str(opened.json()["case_id"])
    for actor, command in COMMANDS:
        sent = await api.post(
            f"/bare/{case_id}/commands", json={"actor": actor.user_id, "command": command}
        )
        assert sent.status_code == 200, sent.text
    return case_id
