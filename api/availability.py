"""Turns a dependency's outage into a named 503 instead of a stack trace."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.exc import DBAPIError
from temporalio.service import RPCError, RPCStatusCode

from api.problems import InvalidInput, ServiceUnavailable
from store.data_errors import is_data_error, is_unavailable

_TEMPORAL_DOWN = {RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED}


@asynccontextmanager
async def postgresql() -> AsyncIterator[None]:
    try:
        yield
    except (DBAPIError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as error:
        if is_unavailable(error):
            raise ServiceUnavailable("postgresql", type(error).__name__) from None
        if isinstance(error, DBAPIError) and is_data_error(error):
            raise InvalidInput(str(error.orig).split("\n")[0]) from None
        raise


@asynccontextmanager
async def temporal() -> AsyncIterator[None]:
    try:
        yield
    except RPCError as error:
        if error.status in _TEMPORAL_DOWN:
            raise ServiceUnavailable("temporal", error.message) from None
        raise
    except RuntimeError as error:
        # A lazy client that cannot connect raises RuntimeError("Failed client connect: ...").
        if "connect" in str(error).lower():
            raise ServiceUnavailable("temporal", "cannot connect") from None
        raise
