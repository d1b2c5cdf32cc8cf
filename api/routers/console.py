"""The supervisor console: static pages served by the API, talking to the same endpoints."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

CONSOLE = Path(__file__).resolve().parent.parent / "console"
_FILES = {"console.js": "text/javascript", "console.css": "text/css", "send.js": "text/javascript"}

router = APIRouter(tags=["console"], include_in_schema=False)


@router.get("/")
async def root() -> RedirectResponse:
    return RedirectResponse("/console")


@router.get("/console")
async def console() -> FileResponse:
    return FileResponse(CONSOLE / "index.html", media_type="text/html")


@router.get("/console/static/{name}")
async def static(name: str) -> FileResponse:
    media_type = _FILES.get(name)
    if media_type is None:
        raise HTTPException(status_code=404, detail="no such console file")
    return FileResponse(CONSOLE / name, media_type=media_type)
