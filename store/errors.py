"""Named failures of the ledger."""

from __future__ import annotations


class ConcurrencyConflict(Exception):
    """Another append reached the stream first: the expected version is no longer the head."""

    def __init__(self, stream_id: str, expected: int, actual: int) -> None:
        super().__init__(f"stream {stream_id}: expected version {expected}, found {actual}")
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class IdempotencyMismatch(Exception):
    """An event id was reused for a different append: a programming error, never retried."""


class InvalidEventData(Exception):
    """PostgreSQL refused a value of the events (out of range, a NUL character): not an outage."""
