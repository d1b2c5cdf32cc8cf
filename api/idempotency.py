"""The `Idempotency-Key` header (IETF httpapi draft): a retried POST gets the first answer.

Use in a handler:

    door = await idempotency.enter(services, actor, key, target="POST /cases", body=raw)
    return await door.run(lambda: work(door.command_id))

`enter` answers 422 when the key was first used with another body or target, and 409 while
a request with the key is still being answered. `run` replays a stored final answer without
calling `work`; otherwise it calls `work` and keeps its answer when it is final (a success or
a refusal), so every later retry gets exactly that answer. Answers that are not final (202
pending, 503) are not kept: a retry sends the same command id again, which Temporal joins to
the first attempt instead of deciding it twice. Without a key, `enter` makes a fresh command
id and `run` just calls `work`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import JSONResponse, Response

from api import availability, problems
from api.deps import Services
from api.gateway import CommandPending, new_command_id
from domain.actors import Actor
from store.idempotency import IdempotencyKeys, KeyRecord

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,200}$"  # visible ASCII, as the draft's sf-string allows

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=HEADER,
        pattern=KEY_PATTERN,
        description="A fresh random value per user action (e.g. a UUID); a retry of the same "
        "action sends the same key and gets the first answer. Kept 48 h.",
    ),
]

# Answers kept for retries: the command was recorded, or its refusal is the case's final word.
_FINAL = frozenset({200, 201, 403, 409, 422})


def fingerprint(target: str, body: Any, **extra: Any) -> str:
    """A digest of what the request asks for: the same key must always ask the same."""
    canonical = json.dumps(
        {"target": target, "body": body, **extra},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class Door:
    """One request's passage: its command id and, with a key, its row in the key table."""

    keys: IdempotencyKeys | None
    record: KeyRecord | None
    command_id: str
    target_case: str | None = None  # the case a command goes to (None for an opening)

    @property
    def case_id(self) -> str | None:
        """The case id an earlier attempt of this opening reserved, if any."""
        return None if self.record is None else self.record.case_id

    @property
    def is_retry(self) -> bool:
        return self.record is not None and not self.record.first

    async def reserve_case(self, case_id: str) -> None:
        if self.keys is not None and self.record is not None:
            async with availability.postgresql():
                await self.keys.reserve_case(self.record.principal, self.record.key, case_id)

    async def run(self, work: Callable[[], Awaitable[Response]]) -> Response:
        """The stored final answer, or `work`'s answer (kept when it is final)."""
        if self.record is not None and self.record.answered:
            assert self.record.status_code is not None
            return JSONResponse(
                status_code=self.record.status_code,
                content=self.record.answer,
                headers={"Idempotent-Replayed": "true"},
            )
        try:
            response = await work()
        except problems.ServiceUnavailable as down:
            await self._release()
            earlier = self._earlier_attempt_case()
            if earlier is None:
                raise
            # This attempt changed nothing, but an earlier one with the key may have reached
            # the case: its outcome is unknown, not "nothing was changed".
            return problems.pending_answer(
                CommandPending(earlier, self.command_id, f"retry; {down.service} unavailable")
            )
        except BaseException as error:
            final = problems.final_answer(error)
            if final is None:
                await self._release()
                raise
            response = final
        await self._keep(response)
        return response

    def _earlier_attempt_case(self) -> str | None:
        """The case an earlier attempt with this key may have reached, if there was one."""
        if not self.is_retry:
            return None
        return self.target_case or self.case_id

    async def _keep(self, response: Response) -> None:
        if self.keys is None or self.record is None:
            return
        if response.status_code not in _FINAL or not isinstance(response, JSONResponse):
            await self._release()
            return
        body = json.loads(bytes(response.body))
        try:
            async with availability.postgresql():
                await self.keys.finish(
                    self.record.principal, self.record.key, response.status_code, body
                )
        except problems.ServiceUnavailable:
            # The answer stands; a retry sends the same command id again and Temporal (or the
            # ledger) gives this same outcome back. The lease runs out by itself.
            pass

    async def _release(self) -> None:
        if self.keys is not None and self.record is not None:
            # Best effort: the lease runs out by itself if PostgreSQL is gone.
            try:
                async with availability.postgresql():
                    await self.keys.release(self.record.principal, self.record.key)
            except problems.ServiceUnavailable:
                pass


def lease_for(services: Services) -> timedelta:
    """How long a request may hold its key: its settle time, Temporal's retries, a margin."""
    return services.gateway.settle_timeout * 2 + timedelta(seconds=30)


async def enter(
    services: Services,
    actor: Actor,
    key: str | None,
    target: str,
    body: Any,
    case_id: str | None = None,
    **extra: Any,
) -> Door:
    """Claim `key` for this request (namespaced by the signed-in user); `case_id` is the case
    a command goes to (an opening's case id is reserved later, with `reserve_case`)."""
    if key is None:
        return Door(keys=None, record=None, command_id=new_command_id(), target_case=case_id)
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]  # the draft's Structured Field form ("...") names the same key
    keys = services.keys
    # KeyReused answers 422, KeyInUse 409 (api.problems).
    async with availability.postgresql():
        record = await keys.claim(
            actor.user_id, key, fingerprint(target, body, **extra), target, lease_for(services)
        )
    return Door(keys=keys, record=record, command_id=record.command_id, target_case=case_id)
