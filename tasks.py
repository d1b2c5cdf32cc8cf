#!/usr/bin/env python3
"""The project's two entry points, needing nothing but Python 3.11+:

    python3 tasks.py dev     set up .venv and run the whole product (casework dev)
    python3 tasks.py test    set up .venv with the test extras and run every check

Set CASEWORK_VENV to use another virtual environment folder.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("CASEWORK_VENV", ROOT / ".venv"))
BIN = VENV / "bin"


def _run(*command: str | Path) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    completed = subprocess.run([str(c) for c in command], cwd=ROOT, check=False)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def _ensure_venv(extras: str) -> None:
    """Create the environment and install the project once per pyproject.toml version."""
    if sys.version_info < (3, 11):  # noqa: UP036 - runs before the venv exists
        sys.exit(f"casework needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".casework-installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", f".{extras}")
    stamp.write_text(digest)


def dev(args: list[str]) -> None:
    _ensure_venv("")
    os.execv(BIN / "casework", [str(BIN / "casework"), "dev", *args])


def test(args: list[str]) -> None:
    _ensure_venv("[test]")
    _run(BIN / "ruff", "check", ".")
    _run(BIN / "ruff", "format", "--check", ".")
    _run(BIN / "mypy")
    _run(BIN / "python", "-m", "pytest", *args)


def main() -> None:
    tasks = {"dev": dev, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in tasks:
        sys.exit(__doc__)
    tasks[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
