"""Turns a dependency's outage into a named 503 instead of a stack trace."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from temporalio.service import RPCError, RPCStatusCode

from api.problems import InvalidInput, ServiceUnavailable
from store.data_errors import is_connection_error, is_data_error

_TEMPORAL_DOWN = {RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED}


@asynccontextmanager
async def postgresql() -> AsyncIterator[None]:
    try:
        yield
    except (OperationalError, InterfaceError, OSError, TimeoutError) as error:
        raise ServiceUnavailable("postgresql", type(error).__name__) from None
    except DBAPIError as error:
        if error.connection_invalidated or is_connection_error(error):
            raise ServiceUnavailable("postgresql", "connection lost") from None
        if is_data_error(error):
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
