"""The bearer-token format: HS256 JWTs signed with the deployment's secret, carrying the actor's
role and unit and the account's token version (raising it revokes every older token).

Here, below the activities, because machine callers mint tokens too (the fake verification
centre delivering replies); the API checks them (`api.auth`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from pydantic import ValidationError

from domain.actors import Actor, Role

ISSUER = "casework"
ALGORITHM = "HS256"


class InvalidToken(Exception):
    """Missing, forged, expired, revoked or malformed: always answered with 401."""


@dataclass(frozen=True)
class TokenClaims:
    actor: Actor
    version: int  # the account's token version when the token was issued


def mint_token(
    actor: Actor,
    secret: str,
    ttl: timedelta,
    now: datetime | None = None,
    version: int = 0,
) -> str:
    if actor.role is Role.SYSTEM:
        raise ValueError("no token is issued for the system actor")
    issued = now or datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": actor.user_id,
        "role": actor.role.value,
        "unit": actor.unit,
        "ver": version,
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, secret: str) -> TokenClaims:
    """The claims of a token this deployment signed; `InvalidToken` for anything else."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iss", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise InvalidToken("the token has expired; sign in again") from None
    except jwt.PyJWTError:
        raise InvalidToken("the token is not valid") from None
    try:
        actor = Actor(
            user_id=claims["sub"], role=Role(str(claims.get("role"))), unit=claims.get("unit", "")
        )
        version = int(claims.get("ver", 0))
    except (ValueError, TypeError, ValidationError):
        raise InvalidToken("the token names no valid role") from None
    if actor.role is Role.SYSTEM:
        raise InvalidToken("the system actor cannot sign in")
    return TokenClaims(actor=actor, version=version)


def decode_token(token: str, secret: str) -> Actor:
    """The actor a token names (signature and expiry checked; the account is not)."""
    return read_token(token, secret).actor
