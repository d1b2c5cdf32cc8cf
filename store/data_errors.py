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


# The server is going away, starting up or gone mid-query: an outage, not a fault.
_CONNECTION_ERRORS = (
    asyncpg.exceptions.OperatorInterventionError,  # shutting down, starting up (57P0x)
    asyncpg.exceptions.PostgresConnectionError,  # the connection broke (08xxx)
    asyncpg.exceptions.TooManyConnectionsError,
    OSError,
)


def is_connection_error(error: BaseException) -> bool:
    """True when the database was unreachable or went away, whatever wrapped it."""
    visited: set[int] = set()
    seen: BaseException | None = error
    while seen is not None and id(seen) not in visited:
        if isinstance(seen, _CONNECTION_ERRORS):
            return True
        visited.add(id(seen))
        seen = seen.__cause__ or getattr(seen, "orig", None)
    return False
