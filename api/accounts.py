"""Each token is checked against the account it names, on every request: a deactivated user,
a changed role or unit, or a raised token version (any change to the user) ends its tokens.

What an API process last read of an account is trusted for a few seconds
(`CASEWORK_ACCOUNT_CACHE_SECONDS`); changes made through this process forget it at once.
Tokens naming nobody registered are development's (`/auth/token`): refused in production.
Development, where tokens are minted for anyone in any role, refuses only stopped accounts.
"""

from __future__ import annotations

import time

from sqlalchemy.ext.asyncio import AsyncEngine

from config.tokens import InvalidToken, TokenClaims
from domain.actors import Actor
from store.users import Standing, standing


class AccountCheck:
    def __init__(self, engine: AsyncEngine, ttl_seconds: float, development: bool) -> None:
        self._engine = engine
        self._ttl = ttl_seconds
        self._development = development
        self._seen: dict[str, tuple[float, Standing | None]] = {}

    async def standing(self, user_id: str) -> Standing | None:
        now = time.monotonic()
        cached = self._seen.get(user_id)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        found = await standing(self._engine, user_id)
        if len(self._seen) > 10_000:  # bounded: forged ids must not grow it without end
            self._seen.clear()
        self._seen[user_id] = (now, found)
        return found

    def forget(self, user_id: str) -> None:
        self._seen.pop(user_id, None)

    async def actor(self, claims: TokenClaims) -> Actor:
        """The token's actor if its account still stands as the token says; else 401."""
        account = await self.standing(claims.actor.user_id)
        if account is None:
            if self._development:
                return claims.actor
            raise InvalidToken("the token names no registered user; sign in at /auth/login")
        if not account.active:
            raise InvalidToken("the account is deactivated")
        if self._development:
            # Development mints tokens for anyone in any role (/auth/token, `casework token`):
            # only a stopped account is refused there.
            return claims.actor
        if (
            account.role != claims.actor.role
            or account.unit != claims.actor.unit
            or account.token_version != claims.version
        ):
            raise InvalidToken("the token was revoked (the account changed); sign in again")
        return claims.actor
