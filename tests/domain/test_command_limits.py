"""No command can exceed Temporal's payload limit: every string and list of every command's
JSON schema (every lifecycle's commands and the shared case commands) has a maximum."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from domain.registry import LIFECYCLES


def _commands() -> list[type[BaseModel]]:
    seen: dict[str, type[BaseModel]] = {}
    for lifecycle in LIFECYCLES.values():
        for command in lifecycle.command_types:
            seen.setdefault(command.__name__, command)
    return sorted(seen.values(), key=lambda c: c.__name__)


# Strings of these formats have a bounded size by their grammar.
_FORMATS = {"date", "date-time", "time", "uuid", "duration"}


def _unbounded(node: Any, defs: dict[str, Any], where: str, seen: set[str]) -> list[str]:
    """Paths of strings without maxLength and arrays without maxItems in a JSON schema."""
    found: list[str] = []
    if isinstance(node, list):
        for i, item in enumerate(node):
            found += _unbounded(item, defs, f"{where}[{i}]", seen)
        return found
    if not isinstance(node, dict):
        return found
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            found += _unbounded(defs[name], defs, f"{where}->{name}", seen | {name})
    kind = node.get("type")
    bounded_text = {"maxLength", "enum", "const"} & node.keys() or node.get("format") in _FORMATS
    if kind == "string" and not bounded_text:
        found.append(where)
    if kind == "array" and "maxItems" not in node:
        found.append(where)
    open_map = isinstance(node.get("additionalProperties"), dict)
    if kind == "object" and open_map and "maxProperties" not in node:
        found.append(f"{where} (object without maxProperties)")
    for name, sub in node.get("properties", {}).items():
        found += _unbounded(sub, defs, f"{where}.{name}", seen)
    for key in ("items", "anyOf", "oneOf", "allOf", "prefixItems", "additionalProperties"):
        if key in node:
            found += _unbounded(node[key], defs, f"{where}/{key}", seen)
    return found


@pytest.mark.parametrize("command", _commands(), ids=lambda c: c.__name__)
def test_every_string_and_list_of_a_command_has_a_maximum(command: type[BaseModel]) -> None:
    schema = command.model_json_schema()
    unbounded = _unbounded(schema, schema.get("$defs", {}), command.__name__, set())
    assert not unbounded, f"unbounded fields: {unbounded}"
