"""The idempotency-key table: one command id per (principal, key), the first request's answer
kept, another request under the key refused, a key in use held, expired keys pruned."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.idempotency import IdempotencyKeys, KeyInUse, KeyReused

LEASE = timedelta(seconds=30)


def _key() -> str:
    return f"k-{uuid.uuid4()}"


async def test_a_retry_gets_the_first_claims_command_id_and_answer(engine: AsyncEngine) -> None:
    keys, key = IdempotencyKeys(engine), _key()
    first = await keys.claim("op-zhang", key, "fp", "POST /cases", LEASE)
    assert first.first and not first.answered
    await keys.reserve_case("op-zhang", key, "RSC-2026-000042")
    await keys.finish("op-zhang", key, 201, {"case_id": "RSC-2026-000042", "version": 1})

    again = await keys.claim("op-zhang", key, "fp", "POST /cases", LEASE)
    assert not again.first and again.command_id == first.command_id
    assert again.case_id == "RSC-2026-000042"
    assert (again.status_code, again.answer) == (201, {"case_id": "RSC-2026-000042", "version": 1})
    assert await keys.by_command(first.command_id) == again


async def test_another_request_under_the_key_is_refused(engine: AsyncEngine) -> None:
    keys, key = IdempotencyKeys(engine), _key()
    await keys.claim("op-zhang", key, "fp", "POST /cases", LEASE)
    with pytest.raises(KeyReused):
        await keys.claim("op-zhang", key, "another", "POST /cases", LEASE)
    with pytest.raises(KeyReused):
        await keys.claim("op-zhang", key, "fp", "POST /cases/X/commands", LEASE)


async def test_a_key_is_held_while_answered_and_free_once_released(engine: AsyncEngine) -> None:
    keys, key = IdempotencyKeys(engine), _key()
    first = await keys.claim("op-zhang", key, "fp", "POST /cases", LEASE)
    with pytest.raises(KeyInUse):
        await keys.claim("op-zhang", key, "fp", "POST /cases", LEASE)
    await keys.release("op-zhang", key)
    again = await keys.claim("op-zhang", key, "fp", "POST /cases", LEASE)
    assert again.command_id == first.command_id and not again.first


async def test_two_principals_never_share_a_key(engine: AsyncEngine) -> None:
    keys, key = IdempotencyKeys(engine), _key()
    mine = await keys.claim("op-zhang", key, "fp", "POST /cases", LEASE)
    theirs = await keys.claim("op-qian", key, "other", "POST /cases", LEASE)
    assert mine.first and theirs.first and mine.command_id != theirs.command_id


async def test_an_expired_key_starts_afresh_and_is_pruned(engine: AsyncEngine) -> None:
    expired = IdempotencyKeys(engine, retention=timedelta(seconds=-1))
    key = _key()
    old = await expired.claim("op-zhang", key, "fp", "POST /cases", timedelta(0))
    await expired.finish("op-zhang", key, 201, {"case_id": "RSC-2026-000001"})
    fresh = await expired.claim("op-zhang", key, "new body", "POST /cases", timedelta(0))
    assert fresh.first and fresh.command_id != old.command_id and not fresh.answered

    assert await expired.prune() >= 1
    assert await expired.by_command(fresh.command_id) is None
