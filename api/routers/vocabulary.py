"""The one vocabulary, for the console and any client that shows codes to people."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from domain.catalogue import catalogue

router = APIRouter(prefix="/vocabulary", tags=["vocabulary"])


@router.get("")
async def vocabulary() -> dict[str, Any]:
    """Chinese labels beside every English code: commands, events, stages, clocks, rungs, roles,
    errors, fields and enumeration values (`stages` by lifecycle, `enums` by enumeration)."""
    return catalogue()
