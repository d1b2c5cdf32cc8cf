"""Telling bad data apart from an outage: PostgreSQL's data exceptions are never retried."""

from __future__ import annotations

import asyncpg.exceptions
import asyncpg.exceptions._base as asyncpg_base

_DATA_ERRORS = (asyncpg.exceptions.DataError, asyncpg_base.DataError)
# The server is starting, shutting down, restarting, out of connections, or the connection
# went away: the request may be tried again later.
_OUTAGES: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.CannotConnectNowError,  # 57P03: starting up / shutting down
    asyncpg.exceptions.OperatorInterventionError,  # 57xxx: admin / crash shutdown
    asyncpg.exceptions.PostgresConnectionError,  # 08xxx
    asyncpg.exceptions.TooManyConnectionsError,  # 53300
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.InterfaceError,  # "connection is closed", pool closing
    asyncpg.exceptions.InternalClientError,
    ConnectionError,
    OSError,
    TimeoutError,
)


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


def is_unavailable(error: BaseException) -> bool:
    """True when the error means PostgreSQL is not reachable or not serving right now."""
    from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

    seen: BaseException | None = error
    for _ in range(10):  # a cause chain, never a cycle
        if seen is None:
            return False
        if isinstance(seen, (*_OUTAGES, DisconnectionError, InterfaceError, OperationalError)):
            return True
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__ or seen.__context__
    return False
