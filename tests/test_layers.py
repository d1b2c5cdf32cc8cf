"""Lower layers never import higher ones (domain < config/store < activities < workflows/workers
< api < casework); migrations see only the store's metadata and the settings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OWN = frozenset(
    {
        "domain",
        "config",
        "store",
        "activities",
        "workflows",
        "workers",
        "api",
        "casework",
        "migrations",
    }
)
MAY_IMPORT: dict[str, frozenset[str]] = {
    "domain": frozenset({"domain"}),
    "config": frozenset({"config", "domain"}),
    "store": frozenset({"store", "domain"}),
    "activities": frozenset({"activities", "store", "config", "domain"}),
    "workflows": frozenset({"workflows", "activities", "store", "domain"}),
    "workers": frozenset({"workers", "workflows", "activities", "store", "config", "domain"}),
    "api": frozenset({"api", "workers", "workflows", "activities", "store", "config", "domain"}),
    "migrations": frozenset({"migrations", "store", "config"}),
}


def _own_imports(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & OWN


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_a_layer_imports_only_the_layers_below_it(package: str) -> None:
    climbing = {
        str(path.relative_to(ROOT)): sorted(_own_imports(path) - MAY_IMPORT[package])
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {path: bad for path, bad in climbing.items() if bad} == {}
