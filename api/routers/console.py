"""The supervisor console: static pages served by the API, talking to the same endpoints."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

CONSOLE = Path(__file__).resolve().parent.parent / "console"
# Every file the console serves; nothing is fetched from elsewhere (no CDN).
_FILES = {
    "console.js": "text/javascript",
    "send.js": "text/javascript",
    "forms.js": "text/javascript",
    "workbench.js": "text/javascript",
    "stats.js": "text/javascript",
    "console.css": "text/css",
    # Chart.js, vendored from npm (api/console/package.json): MIT, see vendor/chart.js.LICENSE.md
    "vendor/chart.umd.min.js": "text/javascript",
    "vendor/chart.js.LICENSE.md": "text/markdown",
}

router = APIRouter(tags=["console"], include_in_schema=False)


@router.get("/")
async def root() -> RedirectResponse:
    return RedirectResponse("/console")


@router.get("/console")
async def console() -> FileResponse:
    return FileResponse(CONSOLE / "index.html", media_type="text/html")


@router.get("/console/static/{name:path}")
async def static(name: str) -> FileResponse:
    media_type = _FILES.get(name)
    if media_type is None:
        raise HTTPException(status_code=404, detail="no such console file")
    return FileResponse(CONSOLE / name, media_type=media_type)
