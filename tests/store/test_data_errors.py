"""Outage or bad data: how the API tells what the driver raised apart."""

from __future__ import annotations

import asyncpg.exceptions

from store.data_errors import is_data_error, is_unavailable


def _wrapped(inner: BaseException) -> BaseException:
    outer = RuntimeError("as SQLAlchemy's adapter wraps it")
    outer.__cause__ = inner
    return outer


def test_a_server_going_away_is_an_outage_not_bad_data() -> None:
    for inner in (
        asyncpg.exceptions.CannotConnectNowError("the database system is shutting down"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
        ConnectionResetError(104, "Connection reset by peer"),
    ):
        assert is_unavailable(_wrapped(inner)) and not is_data_error(_wrapped(inner))
    bad_value = asyncpg.exceptions.NumericValueOutOfRangeError("out of range")
    assert is_data_error(_wrapped(bad_value)) and not is_unavailable(_wrapped(bad_value))
