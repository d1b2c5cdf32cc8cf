"""CORS for the codec endpoint only: the Temporal Web UI (another origin) calls `/codec/*` from
the browser with credentials; no other path of the API is opened to other origins."""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send


class CodecCors:
    """Starlette's CORS rules, applied to paths under `prefix` and nowhere else."""

    def __init__(self, app: ASGIApp, prefix: str, origins: list[str]) -> None:
        self.app = app
        self.prefix = prefix
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_credentials=True,  # the UI's "include cross-origin credentials" (the cookie)
            allow_methods=["POST"],
            allow_headers=["content-type", "x-namespace", "authorization"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == self.prefix or path.startswith(self.prefix + "/"):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
