"""A relief case driven over the HTTP API on real servers, with the fake verification centre
delivering its replies through the API, and checks that the ledger and the workflow agree."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from activities.verification import CentreReply, FakeVerificationCentre
from api.deps import Services
from api.gateway import CaseGateway
from domain.actors import Actor
from domain.relief import RELIEF
from store.ledger import Ledger
from store.models import StoredEvent
from tests.api.conftest import asgi_client, bearer, settings
from tests.factories import RELIEF_OPERATOR, VERIFICATION_CENTRE
from workers.worker import build_worker


@dataclass
class ReliefHarness:
    client: Client
    gateway: CaseGateway
    centre: FakeVerificationCentre
    api: httpx.AsyncClient
    ledger: Ledger
    env: WorkflowEnvironment | None = None
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)

    async def now(self) -> datetime:
        if self.env is not None and self.env.supports_time_skipping:
            return await self.env.get_current_time()
        return datetime.now(UTC)

    async def sleep(self, delta: timedelta) -> None:
        assert self.env is not None
        await self.env.sleep(delta)

    async def due_at(self, case_id: str, clock: str) -> datetime:
        """When a running clock of the case falls due (periods end at 24:00 of their last day)."""
        view = await self.gateway.view(case_id)
        return datetime.fromisoformat(view.state["clocks"][clock]["due_at"])

    async def sleep_past(self, case_id: str, clock: str, extra: timedelta) -> None:
        """Sleep until `extra` after the clock's due instant."""
        await self.sleep(await self.due_at(case_id, clock) - await self.now() + extra)

    async def open(self, command: dict[str, Any], actor: Actor = RELIEF_OPERATOR) -> str:
        response = await self.api.post("/cases", json=command, headers=bearer(actor))
        assert response.status_code == 201, response.text
        case_id: str = response.json()["case_id"]
        self.opened.append(case_id)
        return case_id

    async def end_cases(self) -> None:
        """Terminate this test's cases still running: on the shared time-skipping server their
        timers would hold time still for later tests (no worker polls their task queue)."""
        for case_id in self.opened:
            with contextlib.suppress(RPCError):  # already completed
                await self.client.get_workflow_handle(case_id).terminate(reason="test over")

    async def send(self, case_id: str, command: dict[str, Any], actor: Actor) -> dict[str, Any]:
        response = await self.api.post(
            f"/cases/{case_id}/commands", json=command, headers=bearer(actor)
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def refused(self, case_id: str, command: dict[str, Any], actor: Actor) -> dict[str, Any]:
        response = await self.api.post(
            f"/cases/{case_id}/commands", json=command, headers=bearer(actor)
        )
        assert response.status_code in (403, 409), response.text
        body: dict[str, Any] = response.json()
        return body

    async def events(self, case_id: str) -> list[StoredEvent]:
        return await self.ledger.read_stream(case_id)

    async def types(self, case_id: str) -> list[str]:
        return [e.type for e in await self.events(case_id)]

    async def until(
        self,
        case_id: str,
        done: Callable[[list[StoredEvent]], bool],
        patience: float = 20,
        advance: timedelta | None = None,
    ) -> list[StoredEvent]:
        """Poll the ledger until `done` holds (timers and effects finish on their own);
        with `advance`, the time-skipping server moves that far on between polls."""
        deadline = asyncio.get_running_loop().time() + patience
        while True:
            events = await self.events(case_id)
            if done(events):
                return events
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(
                    f"{case_id}: gave up waiting; ledger: {[e.type for e in events]}"
                )
            if advance is not None:
                await self.sleep(advance)
            else:
                await asyncio.sleep(0.1)

    async def until_type(
        self, case_id: str, type_: str, count: int = 1, advance: timedelta | None = None
    ) -> list[StoredEvent]:
        return await self.until(
            case_id, lambda es: sum(e.type == type_ for e in es) >= count, advance=advance
        )

    async def deliver_replies(self) -> list[CentreReply]:
        return await self.centre.deliver_due(await self.now())

    async def request_key(self, case_id: str) -> str:
        events = await self.until_type(case_id, "VerificationRequested")
        key: str = [e for e in events if e.type == "VerificationRequested"][-1].payload[
            "request_key"
        ]
        return key

    async def assert_ledger_is_the_workflow(self, case_id: str) -> None:
        """The ledger's fold equals the workflow's own state, and its hash chain holds."""
        stored = await self.events(case_id)
        folded = RELIEF.fold(
            (RELIEF.parse_event(e.type, e.schema_version, e.payload) for e in stored),
            RELIEF.initial(case_id),
        )
        view = await self.gateway.view(case_id)
        assert view.version == len(stored)
        assert folded.model_dump(mode="json") == view.state
        assert [e.version for e in stored] == list(range(1, len(stored) + 1))
        assert (await self.ledger.verify(case_id)).valid


@asynccontextmanager
async def relief_harness(
    client: Client,
    ledger: Ledger,
    engine: AsyncEngine,
    task_queue: str,
    centre: FakeVerificationCentre,
    env: WorkflowEnvironment | None = None,
) -> AsyncIterator[ReliefHarness]:
    """A worker with this fake centre, the API over ASGI, the centre delivering through it."""
    worker = build_worker(client, ledger, task_queue, verification_centre=centre)
    gateway = CaseGateway(client, task_queue)
    services = Services(settings=settings(), engine=engine, ledger=ledger, gateway=gateway)
    async with worker, asgi_client(services) as api:
        harness = ReliefHarness(client, gateway, centre, api, ledger, env)

        async def deliver(reply: CentreReply) -> None:
            response = await api.post(
                "/relief/verification-replies",
                json=reply.model_dump(mode="json"),
                headers=bearer(VERIFICATION_CENTRE),
            )
            assert response.status_code == 200, response.text
            harness.deliveries.append(response.json())

        centre.sink = deliver
        try:
            yield harness
        finally:
            await harness.end_cases()
