"""The console is neither framed, sniffed nor able to run anything but its own script."""

from __future__ import annotations

import httpx


async def test_the_console_sends_a_strict_policy(api: httpx.AsyncClient) -> None:
    for path in ("/console", "/console/static/console.js", "/console/static/console.css"):
        response = await api.get(path)
        assert response.status_code == 200, path
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


async def test_api_answers_are_not_sniffed_or_framed(api: httpx.AsyncClient) -> None:
    response = await api.get("/cases/RSC-2026-999999")
    assert response.status_code == 404
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
