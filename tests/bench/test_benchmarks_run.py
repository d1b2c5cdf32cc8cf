"""The benchmarks' short versions run and print their ratios (never a timing assertion: the
figures themselves are for docs/benchmarks.md, on a quiet machine)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RATIO = r"\*\*\d+\.\d\d\*\*"


def _run(module: str, *args: str, server_url: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "BENCH_DATABASE_URL": server_url},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_audit_reads_prints_a_ratio_for_every_read(server_url: str) -> None:
    out = _run(
        "bench.audit_reads",
        "--cases",
        "60",
        "--sample",
        "4",
        "--rounds",
        "1",
        server_url=server_url,
    )
    assert "seeded 60 cases, 600 events" in out
    for read in (
        "history + verify",
        "state as of",
        "overdue list",
        "GET history",
        "GET state as of",
    ):
        assert re.search(rf"\| {re.escape(read)}[^|]* \|.*{RATIO}", out), (read, out)


def test_end_to_end_prints_the_ratios_and_history_profile(server_url: str) -> None:
    out = _run(
        "bench.end_to_end",
        "--concurrency",
        "2",
        "--cases",
        "2",
        "--rounds",
        "1",
        "--memory-cases",
        "2",
        server_url=server_url,
    )
    assert re.search(rf"casework / bare: {RATIO}", out), out
    assert re.search(rf"casework / bare behind FastAPI: {RATIO}", out), out
    assert re.search(r"casework: \d+ events: ", out), out
    assert "per replay" in out
