"""The chaos run's short version (50 cases, one worker killed, PostgreSQL and Temporal each
restarted once): nothing lost, doubled or unknown. The full run is `python -m bench.chaos`."""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path

import pytest

from bench.chaos import MUST_BE_ZERO, run

pytestmark = pytest.mark.slow


async def test_fifty_cases_through_a_killed_worker_and_restarted_servers() -> None:
    random.seed(7)
    # Not pytest's tmp_path: its folders are root's alone, and PostgreSQL runs as its own user.
    root = Path(tempfile.mkdtemp(prefix="casework-chaos-"))
    try:
        result = await run(cases=50, kills=1, concurrency=10, root=root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(result)
    assert result["opened"] == 50
    assert sorted(result["failures_injected"]) == ["kill", "postgres", "temporal"]
    assert {k: result[k] for k in MUST_BE_ZERO} == dict.fromkeys(MUST_BE_ZERO, 0), result
