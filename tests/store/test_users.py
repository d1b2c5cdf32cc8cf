"""Users in the store: the password policy, and hashing that never runs on the event loop."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.actors import Actor, Role
from store import users
from store.password_policy import MIN_LENGTH, WeakPassword, check_password, common_passwords


def test_the_common_password_list_ships_with_the_package() -> None:
    listed = common_passwords()
    assert len(listed) > 19_000 and "123456" in listed and "password" in listed


@pytest.mark.parametrize(
    "password",
    [
        "x" * (MIN_LENGTH - 1),
        "passwordpassword",
        "1qaz2wsx3edc4rfv",
        "ab" * 10,
        "aaaabbbbaaaabbbbc",
    ],
)
def test_weak_passwords_break_the_policy(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_password(password, "op-zhang")


def test_a_password_may_not_contain_the_user_id() -> None:
    with pytest.raises(WeakPassword, match="用户名"):
        check_password("Op-Zhang likes long walks", "op-zhang")
    check_password("Op-Zhang likes long walks", "sw-li")


async def test_hashing_runs_off_the_event_loop(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop_thread = threading.get_ident()
    seen: list[int] = []
    for name in ("hash_password", "password_matches"):
        real = getattr(users, name)

        def spy(*args: object, _real: object = real) -> object:
            seen.append(threading.get_ident())
            return _real(*args)  # type: ignore[operator]

        monkeypatch.setattr(users, name, spy)
    actor = Actor(user_id=f"hash-{uuid.uuid4().hex[:6]}", role=Role.OPERATOR, unit="花木街道")
    await users.save_user(engine, actor, "线程", "a long enough password here")
    assert await users.authenticate(engine, actor.user_id, "a long enough password here")
    assert await users.authenticate(engine, "nobody-" + actor.user_id, "whatever it may be") is None
    assert len(seen) == 3 and loop_thread not in seen
