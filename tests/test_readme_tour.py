"""The README's tour, run as written against `casework dev`: every command of it, in order.

The tour's shell blocks are read from README.md, not copied here: a command changed there is
run changed here. The tour is the sections "A short tour" and "Audit from the command line", each
up to its next heading (the anchor commands that follow need the server's key files). Two liberties only: `source .venv/bin/activate` is skipped (this
environment's `casework` is on PATH already) and `localhost:8000` becomes the test server's
own port. A command a `# … (exit N)` comment follows must exit N; every other one exits 0.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rich.cells import cell_len

from tests.test_dev_stack import BIN, Stack

README = Path(__file__).resolve().parents[1] / "README.md"
TOUR_SECTIONS = ("## A short tour", "## Audit from the command line")
ASSIGNMENT = re.compile(r"^([A-Z_]+)=\$\((.*)\)$", re.S)
pytestmark = pytest.mark.slow


@dataclass
class Step:
    command: str
    exit_code: int = 0


def tour_steps(readme: str) -> list[Step]:
    """The shell commands of the tour's sections, continuation lines joined."""
    steps: list[Step] = []
    for heading in TOUR_SECTIONS:
        section = re.split(r"\n#{2,} ", readme.split(heading, 1)[1], maxsplit=1)[0]
        for block in re.findall(r"```sh\n(.*?)```", section, re.S):
            pending = ""
            for line in block.splitlines():
                if pending:
                    pending += "\n" + line
                elif line.strip() and not line.lstrip().startswith("#"):
                    pending = line
                else:
                    expected = re.search(r"\(exit (\d+)\)", line)
                    if expected and steps:
                        steps[-1].exit_code = int(expected.group(1))
                    continue
                if not pending.endswith("\\"):
                    steps.append(Step(pending))
                    pending = ""
    return [s for s in steps if not s.command.startswith("source ")]


def test_the_tour_is_read_from_the_readme() -> None:
    steps = tour_steps(README.read_text(encoding="utf-8"))
    commands = [s.command for s in steps]
    assert sum(c.startswith("casework demo") for c in commands) == 2
    assert any(c.startswith("CASE=$(casework rescue report") for c in commands)
    assert [s.exit_code for s in steps if s.exit_code] == [1]  # the refused report
    assert any("audit verify-export" in c for c in commands)
    assert not any(c.startswith("casework audit anchor") for c in commands)  # its own section
    assert len(commands) >= 20


@pytest.fixture
def dev_stack(tmp_path: Path) -> Iterator[Stack]:
    running = Stack(tmp_path)
    yield running
    if running.process is not None:  # a failed test: stop it the polite way first
        running.process.send_signal(signal.SIGINT)
        try:
            running.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            running.process.kill()
            running.process.wait()


class Tour:
    def __init__(self, stack: Stack, cwd: Path) -> None:
        self.stack = stack
        self.cwd = cwd
        self.env = stack.env | {"PATH": f"{BIN}:{stack.env.get('PATH', '')}", "COLUMNS": "80"}
        self.api = stack.env["CASEWORK_API_URL"]

    def run(self, step: Step) -> subprocess.CompletedProcess[str]:
        command = step.command.replace("localhost:8000", self.api.removeprefix("http://"))
        assigned = ASSIGNMENT.match(command)
        script = command
        if assigned:  # NAME=$(…): run it, and keep NAME for the commands after it
            name = assigned.group(1)
            script = f'{name}=$({assigned.group(2)}) && printf %s "${name}"'
        done = subprocess.run(
            ["bash", "-c", script],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == step.exit_code, (command, done.stdout, done.stderr)
        assert "Traceback" not in done.stdout + done.stderr, command
        if assigned:
            assert done.stdout, command
            self.env[assigned.group(1)] = done.stdout
        return done

    def total_cases(self) -> int:
        # Development serves reads without a token: every unit's cases.
        answer = httpx.get(f"{self.api}/cases", params={"limit": 1})
        answer.raise_for_status()
        return int(answer.headers["X-Total-Count"])


def test_every_command_of_the_readme_tour_runs_as_written(dev_stack: Stack, tmp_path: Path) -> None:
    stack = dev_stack
    stack.start()
    tour = Tour(stack, tmp_path)
    steps = tour_steps(README.read_text(encoding="utf-8"))
    demo_runs: list[tuple[int, subprocess.CompletedProcess[str]]] = []
    outputs: dict[str, subprocess.CompletedProcess[str]] = {}
    for step in steps:
        before = tour.total_cases() if step.command.startswith("casework demo") else 0
        done = tour.run(step)
        outputs[step.command] = done
        if step.command.startswith("casework demo"):
            demo_runs.append((tour.total_cases() - before, done))

    (first, seeded), (second, again) = demo_runs
    assert first >= 10 and "跳过" not in seeded.stderr, seeded.stderr
    assert second == 0, again.stdout  # a second run adds nothing
    assert "未重复创建" in again.stdout and "已创建" not in again.stdout

    case_id = tour.env["CASE"]
    assert re.fullmatch(r"RSC-2026-\d{6}", case_id)
    assert case_id not in seeded.stdout  # the tour acts on its own case, not the demo's

    refused = next(d for c, d in outputs.items() if "--source police" in c)
    assert "[escort_required]" in refused.stderr and "第五条" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1

    helps = {c: d.stdout for c, d in outputs.items() if "--help" in c}
    assert any("入站登记" in out and "intake" in out for out in helps.values())
    assert any("unable" in out and "拒不提供" in out for out in helps.values())

    in_stay = next(d for c, d in outputs.items() if "--stage 在站" in c)
    assert case_id in in_stay.stdout
    history = next(d for c, d in outputs.items() if c.startswith("casework cases history"))
    assert "发现报告" in history.stdout and "入站登记" in history.stdout
    assert "PersonReported" not in history.stdout  # event types reach staff in Chinese

    runs = next(d for c, d in outputs.items() if c.startswith("casework audit runs"))
    assert max(cell_len(line) for line in runs.stdout.splitlines()) <= 80, runs.stdout
    assert "Temporal UI" in runs.stdout

    http_history = next(d for c, d in outputs.items() if "/history" in c and c.startswith("curl"))
    entries = json.loads(http_history.stdout)
    assert entries[0]["type_label"] == "发现报告"
    vocabulary = next(d for c, d in outputs.items() if c.startswith("curl") and "/vocabulary" in c)
    assert json.loads(vocabulary.stdout)["stages"]["rescue"]["in_stay"] == "在站"
    assert (tmp_path / f"{case_id}-evidence.json").exists()
    assert stack.stop() == 0
