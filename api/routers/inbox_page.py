"""The console's inbox page and the script that also puts the unread count in its header."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.routers.console import CONSOLE

router = APIRouter(tags=["console"], include_in_schema=False)


@router.get("/console/inbox")
async def inbox_page() -> FileResponse:
    return FileResponse(CONSOLE / "inbox.html", media_type="text/html")


@router.get("/console/inbox.js")
async def inbox_script() -> FileResponse:
    return FileResponse(CONSOLE / "inbox.js", media_type="text/javascript")
