"""Real receivers for the dispatcher's channels: an HTTP server that verifies webhook
signatures and dedupes on the delivery key, and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import Message
from typing import Any

import uvicorn
from aiosmtpd.controller import Controller
from fastapi import FastAPI, Request, Response

from activities.channels import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify_signature,
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class WebhookReceiver:
    """Accepts a delivery once per key (a repeat answers 200 and is not processed again);
    refuses a bad signature with 401. `hold` keys wait until `release` is set."""

    def __init__(self, secret: str) -> None:
        self.secret = secret.encode()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.received: Counter[str] = Counter()  # every request, by delivery key
        self.processed: dict[str, dict[str, Any]] = {}  # once per key: the body
        self.bad_signatures = 0
        self.fail_next = 0  # answer 503 to this many requests
        self.hold: set[str] = set()
        self.holding = asyncio.Event()
        self.release = asyncio.Event()
        self.app = FastAPI()
        self.app.post("/hook")(self._hook)

    async def _hook(self, request: Request) -> Response:
        body = await request.body()
        key = request.headers.get(DELIVERY_HEADER, "")
        if not verify_signature(
            self.secret,
            request.headers.get(TIMESTAMP_HEADER, ""),
            body,
            request.headers.get(SIGNATURE_HEADER, ""),
            now=datetime.now(UTC),
            tolerance=300,
        ):
            self.bad_signatures += 1
            return Response(status_code=401)
        self.received[key] += 1
        if self.fail_next > 0:
            self.fail_next -= 1
            return Response(status_code=503)
        if key in self.hold:
            self.holding.set()
            await self.release.wait()
        if key not in self.processed:
            import json

            self.processed[key] = json.loads(body)
        return Response(status_code=200)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[WebhookReceiver]:
        server = uvicorn.Server(
            uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        try:
            yield self
        finally:
            self.release.set()
            server.should_exit = True
            await task


class _Collect:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[int, list[Message]]]:
    """A real SMTP server on a free port; yields the port and the messages it accepted."""
    handler = _Collect()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler.messages
    finally:
        controller.stop()
