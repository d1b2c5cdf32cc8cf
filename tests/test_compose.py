"""The production topology in docker-compose.yml parses with Debian's docker-compose."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
REQUIRED_SERVICES = frozenset(
    {
        "postgresql",
        "temporal",
        "temporal-ui",
        "migrate",
        "worker",
        "api",
        "otel-collector",
        "jaeger",
    }
)


def _compose(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("docker-compose")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose missing: .ci/run must install it")
        pytest.skip("docker-compose not installed")
    return subprocess.run(
        [exe, "-f", str(COMPOSE_FILE), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_compose_file_is_valid() -> None:
    result = _compose("config", "-q")
    assert result.returncode == 0, result.stderr


def test_compose_declares_topology() -> None:
    result = _compose("config", "--services")
    assert result.returncode == 0, result.stderr
    services = set(result.stdout.split())
    assert services >= REQUIRED_SERVICES, f"missing: {sorted(REQUIRED_SERVICES - services)}"
