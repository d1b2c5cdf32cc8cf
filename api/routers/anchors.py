"""Anchors of the ledger: made on demand by the district, read by anyone who may read."""

from __future__ import annotations

import asyncio
from typing import Annotated
from uuid import uuid4

from fastapi import APIRouter, Header, status
from fastapi.responses import JSONResponse
from temporalio.client import WorkflowFailureError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

from activities.anchoring_contracts import AnchorRequest, AnchorSummary
from api import availability
from api.deps import ActorDep, ReaderDep, Services, ServicesDep
from api.problems import Problem, ServiceUnavailable, problem_body
from domain.actors import Role, require_role
from store.anchors import Anchor
from store.publisher import AnchorPublisher, DirectoryPublisher
from workflows.anchoring import LedgerAnchorWorkflow

router = APIRouter(prefix="/audit", tags=["audit"])

ANCHORING_ROLES = (Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN)
ANCHOR_TIMEOUT_SECONDS = 120  # an anchor reads every stream's head once


def publisher_of(services: Services) -> AnchorPublisher | None:
    """Where anchors are published (settings), or None when this deployment publishes none."""
    directory = services.settings.anchor_dir
    return DirectoryPublisher(directory) if directory else None


@router.post("/anchors", response_model=AnchorSummary, status_code=status.HTTP_201_CREATED)
async def anchor_now(
    actor: ActorDep,
    services: ServicesDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> AnchorSummary:
    """Anchor the ledger now (supervisors, auditors, admins): sign and publish every head."""
    require_role(actor, ANCHORING_ROLES, "anchoring the ledger")
    client = services.gateway.client
    workflow_id = f"ledger-anchor-{idempotency_key}" if idempotency_key else None
    async with availability.temporal():
        try:
            async with asyncio.timeout(ANCHOR_TIMEOUT_SECONDS):
                try:
                    handle = await client.start_workflow(
                        LedgerAnchorWorkflow.run,
                        AnchorRequest(requested_by=actor.user_id),
                        id=workflow_id or f"ledger-anchor-{uuid4().hex}",
                        task_queue=services.gateway.task_queue,
                        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                    )
                except WorkflowAlreadyStartedError:  # a retried request: its first answer
                    handle = client.get_workflow_handle_for(
                        LedgerAnchorWorkflow.run, workflow_id or ""
                    )
                return await handle.result()
        except TimeoutError:
            raise ServiceUnavailable("anchoring", "no worker made the anchor in time") from None
        except WorkflowFailureError as failure:
            raise ServiceUnavailable("anchoring", _root_message(failure)) from None


@router.get("/anchors/latest", response_model=Anchor, responses={404: {"model": Problem}})
async def latest_anchor(services: ServicesDep, reader: ReaderDep) -> Anchor | JSONResponse:
    """The newest published anchor: the signed statement (verify it with the public key)."""
    publisher = publisher_of(services)
    latest = await publisher.latest() if publisher else None
    if latest is None:
        body = problem_body("no_anchor", "no anchor published yet")
        return JSONResponse(status_code=404, content=body)
    return latest


def _root_message(failure: BaseException) -> str:
    cause: BaseException | None = failure
    while cause is not None:
        if isinstance(cause, ApplicationError):
            return cause.message
        cause = cause.__cause__
    return str(failure)
