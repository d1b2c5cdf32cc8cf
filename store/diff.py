"""What changed between two states of a case: a flat list of JSON paths with before and after."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

_ABSENT = object()


class Change(BaseModel):
    path: str
    before: Any = None
    after: Any = None


def json_diff(before: Any, after: Any, path: str = "") -> list[Change]:
    """Changes from `before` to `after`, descending into objects (lists compare whole)."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[Change] = []
        for key in sorted(set(before) | set(after)):
            old, new = before.get(key, _ABSENT), after.get(key, _ABSENT)
            changes += json_diff(old, new, f"{path}/{key}")
        return changes
    if before == after:
        return []
    return [
        Change(
            path=path or "/",
            before=None if before is _ABSENT else before,
            after=None if after is _ABSENT else after,
        )
    ]
