"""Security headers on every answer; the console's pages also get a strict CSP.

The console loads only its own script and stylesheet and talks only to this API, so nothing
else may run, be framed or be sniffed into a script type. (/docs keeps FastAPI's own page,
which loads Swagger UI from a CDN, so it gets no CSP.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

CONSOLE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if request.url.path == "/console" or request.url.path.startswith("/console/"):
            response.headers.setdefault("Content-Security-Policy", CONSOLE_CSP)
        return response
