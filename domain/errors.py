"""The one error a decider raises when a command is not allowed now."""

from __future__ import annotations


class DomainError(Exception):
    """A command refused by the rules, with a stable machine code and a reason for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
