"""Telling bad data apart from an outage: PostgreSQL's data exceptions are never retried."""

from __future__ import annotations

import asyncpg.exceptions
import asyncpg.exceptions._base as asyncpg_base

_DATA_ERRORS = (asyncpg.exceptions.DataError, asyncpg_base.DataError)


def is_data_error(error: BaseException) -> bool:
    """True when PostgreSQL or asyncpg refused a value itself (out of range, NUL in text, …)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, _DATA_ERRORS):
            return True
        seen = seen.__cause__ or getattr(seen, "orig", None)
        if seen is error:
            break
    return False
