"""What became of a command whose answer was 202: pending, recorded (version, events) or
refused (code, message). Asks, in order, the kept answer of its idempotency key, the ledger
(the events its command id named) and Temporal's update handle, each with a short timeout."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Literal

from fastapi.responses import JSONResponse
from pydantic import BaseModel
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError, RPCStatusCode

from api import availability
from api.deps import Services
from api.gateway import lifecycle_of, refusal_of
from api.problems import refusal_answer
from store.command_events import recorded_by
from store.idempotency import KeyRecord
from store.replay import state_as_of
from workflows.contracts import CommandResult, event_id_for

OPEN_TARGET = "POST /cases"
TEMPORAL_POLL = timedelta(seconds=2)


class CommandStatus(BaseModel):
    """The status resource of one command (`GET /cases/{case_id}/commands/{command_id}`)."""

    case_id: str
    command_id: str
    status: Literal["pending", "recorded", "refused", "unknown"]
    version: int | None = None
    stage: str | None = None
    events: list[str] = []
    code: str | None = None
    message: str | None = None
    problem: str | None = None


async def command_status(services: Services, case_id: str, command_id: str) -> CommandStatus:
    lifecycle = lifecycle_of(case_id)
    async with availability.postgresql():
        record = await services.keys.by_command(command_id)
        if record is not None and record.answered and record.answer is not None:
            return _from_answer(case_id, command_id, record.status_code or 0, record.answer)
        recorded = await recorded_by(
            services.engine, case_id, lambda i: event_id_for(case_id, command_id, i)
        )
        if recorded is not None:
            state, _ = await state_as_of(
                services.ledger, lifecycle, case_id, version=recorded.version
            )
            result = CommandResult(
                case_id=case_id, version=recorded.version, stage=state.stage, events=recorded.types
            )
            await _keep_result(services, record, result)
            return _recorded(command_id, result)
    return await _ask_temporal(services, record, case_id, command_id)


async def _ask_temporal(
    services: Services, record: KeyRecord | None, case_id: str, command_id: str
) -> CommandStatus:
    gateway = services.gateway
    handle = gateway.client.get_workflow_handle(case_id).get_update_handle(
        command_id, result_type=CommandResult
    )
    try:
        result = await handle.result(rpc_timeout=TEMPORAL_POLL)
    except WorkflowUpdateFailedError as failed:
        refused = refusal_of(failed)
        await _keep(services, record, refusal_answer(refused.code, refused.message))
        return CommandStatus(
            case_id=case_id,
            command_id=command_id,
            status="refused",
            code=refused.code,
            message=refused.message,
        )
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        problem = await gateway.workflow_problem(case_id)
        return CommandStatus(
            case_id=case_id, command_id=command_id, status="pending", problem=problem
        )
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return CommandStatus(
                case_id=case_id,
                command_id=command_id,
                status="unknown",
                message="neither the ledger nor the case holds this command: it never arrived, "
                "or the case refused it on arrival; send it again with the same Idempotency-Key",
            )
        return _temporal_silent(case_id, command_id)
    except RuntimeError:  # a lazy client that cannot connect
        return _temporal_silent(case_id, command_id)
    await _keep_result(services, record, result)
    return _recorded(command_id, result)


def _temporal_silent(case_id: str, command_id: str) -> CommandStatus:
    return CommandStatus(
        case_id=case_id,
        command_id=command_id,
        status="pending",
        problem="temporal_unavailable",
        message="not in the ledger yet, and Temporal is not answering; ask again later",
    )


def _recorded(command_id: str, result: CommandResult) -> CommandStatus:
    return CommandStatus(
        case_id=result.case_id,
        command_id=command_id,
        status="recorded",
        version=result.version,
        stage=result.stage,
        events=result.events,
    )


def _from_answer(case_id: str, command_id: str, code: int, answer: dict[str, Any]) -> CommandStatus:
    if code in (200, 201):
        return _recorded(command_id, CommandResult.model_validate(answer))
    return CommandStatus(
        case_id=case_id,
        command_id=command_id,
        status="refused",
        code=answer.get("code"),
        message=answer.get("message"),
    )


async def _keep_result(services: Services, record: KeyRecord | None, result: CommandResult) -> None:
    if record is None or record.answered:
        return
    status = 201 if record.target == OPEN_TARGET else 200
    async with availability.postgresql():
        await services.keys.finish(
            record.principal, record.key, status, result.model_dump(mode="json")
        )


async def _keep(services: Services, record: KeyRecord | None, answer: JSONResponse) -> None:
    """Keep a refusal learnt here, so a retry of the key gets it instead of a new decision."""
    if record is None or record.answered:
        return
    async with availability.postgresql():
        await services.keys.finish(
            record.principal, record.key, answer.status_code, json.loads(bytes(answer.body))
        )
