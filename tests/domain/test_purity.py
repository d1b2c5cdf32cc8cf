"""The domain stays pure: standard library, pydantic and the calendar only; no clocks, no dice.

Temporal replays workflows, so the domain may not read the time, draw random numbers or mint
ids: all of those come in with the command or the DecisionContext.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
DOMAIN_FILES = sorted(DOMAIN.rglob("*.py"))
ALLOWED_THIRD_PARTY = frozenset({"pydantic", "chinese_calendar", "domain"})

# Calls that read the wall clock, draw random numbers or mint ids, by their dotted name's tail.
IMPURE_CALLS = frozenset(
    {
        "datetime.now",
        "datetime.utcnow",
        "datetime.today",
        "date.today",
        "time.time",
        "time.time_ns",
        "time.monotonic",
        "time.perf_counter",
        "uuid.uuid1",
        "uuid.uuid4",
    }
)
IMPURE_MODULES = frozenset({"random", "secrets"})
# `from time import time` and the like smuggle the same calls in under a bare name.
IMPURE_FROM_IMPORTS = frozenset(
    {
        ("time", "time"),
        ("time", "time_ns"),
        ("time", "monotonic"),
        ("time", "perf_counter"),
        ("uuid", "uuid1"),
        ("uuid", "uuid4"),
    }
)


def imported_top_level_modules(tree: ast.AST) -> set[str]:
    """Every absolute module a source imports, cut to its top-level package."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def dotted_name(node: ast.expr) -> str | None:
    """`datetime.datetime.now` for an attribute chain over a name; None for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def impure_uses(tree: ast.AST) -> list[str]:
    """Calls to the clock, randomness or id minting, and imports that bring them in."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (name := dotted_name(node.func)) is not None:
            tail = ".".join(name.split(".")[-2:])
            if tail in IMPURE_CALLS or name.split(".")[0] in IMPURE_MODULES:
                found.append(f"line {node.lineno}: call to {name}()")
        elif isinstance(node, ast.Import):
            found.extend(
                f"line {node.lineno}: import {alias.name}"
                for alias in node.names
                if alias.name.split(".")[0] in IMPURE_MODULES
            )
        elif isinstance(node, ast.ImportFrom) and node.module:
            module = node.module.split(".")[0]
            found.extend(
                f"line {node.lineno}: from {node.module} import {alias.name}"
                for alias in node.names
                if module in IMPURE_MODULES or (node.module, alias.name) in IMPURE_FROM_IMPORTS
            )
    return found


def _parse(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _ids(path: Path) -> str:
    return str(path.relative_to(DOMAIN.parent))


def test_the_domain_package_has_sources_to_check() -> None:
    assert DOMAIN / "rescue" / "decide.py" in DOMAIN_FILES
    assert len(DOMAIN_FILES) >= 10


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=_ids)
def test_domain_imports_only_the_standard_library_pydantic_and_the_calendar(path: Path) -> None:
    foreign = (
        imported_top_level_modules(_parse(path)) - sys.stdlib_module_names - ALLOWED_THIRD_PARTY
    )
    assert foreign == set(), f"{_ids(path)} imports {sorted(foreign)}"


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=_ids)
def test_domain_never_reads_the_clock_draws_random_numbers_or_mints_ids(path: Path) -> None:
    assert impure_uses(_parse(path)) == [], _ids(path)


# --- the checks themselves catch what they are meant to catch --------------------------------

IMPURE_SAMPLE = """
import random
import datetime as dt
from datetime import date, datetime
from uuid import uuid4
import uuid, time

def f():
    a = datetime.now()
    b = dt.datetime.utcnow()
    c = date.today()
    d = time.time()
    e = uuid.uuid4()
    g = random.choice([1, 2])
"""


def test_purity_check_flags_every_kind_of_impure_call_and_import() -> None:
    found = impure_uses(ast.parse(IMPURE_SAMPLE))
    for expected in [
        "import random",
        "from uuid import uuid4",
        "datetime.now()",
        "dt.datetime.utcnow()",
        "date.today()",
        "time.time()",
        "uuid.uuid4()",
        "random.choice()",
    ]:
        assert any(expected in line for line in found), (expected, found)


def test_purity_check_lets_pure_datetime_arithmetic_pass() -> None:
    pure = "from datetime import datetime, timedelta\nlater = datetime(2026, 1, 1) + timedelta(1)\n"
    assert impure_uses(ast.parse(pure)) == []


def test_import_check_sees_third_party_imports_but_not_relative_ones() -> None:
    tree = ast.parse("import sqlalchemy.orm\nfrom temporalio import workflow\nfrom . import x\n")
    assert imported_top_level_modules(tree) == {"sqlalchemy", "temporalio"}
