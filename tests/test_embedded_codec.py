"""`casework dev` wires the embedded Temporal Web UI to the API's codec endpoint."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx

from casework.embedded import EmbeddedTemporal


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_the_embedded_ui_decodes_through_the_api_codec_endpoint(tmp_path: Path) -> None:
    endpoint = "http://127.0.0.1:8000/codec"
    temporal = EmbeddedTemporal(
        tmp_path / "temporal", _free_port(), _free_port(), ui_codec_endpoint=endpoint
    )
    temporal.start()
    try:
        await temporal.wait_ready()
        async with httpx.AsyncClient(timeout=5) as http, asyncio.timeout(60):
            while True:  # the UI listens a moment after the frontend
                try:
                    answer = await http.get(f"http://127.0.0.1:{temporal.ui_port}/api/v1/settings")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.2)
        assert answer.json()["Codec"]["Endpoint"] == endpoint
    finally:
        temporal.stop()
