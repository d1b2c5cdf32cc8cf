"""Bearer tokens: HS256 JWTs signed by the API's secret, carrying the actor's role and unit.

Ready for an external OIDC issuer later: only `decode_token` would change.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
from pydantic import ValidationError

from domain.actors import Actor, Role

ISSUER = "casework"
ALGORITHM = "HS256"


class InvalidToken(Exception):
    """Missing, forged, expired or malformed: always answered with 401."""


def mint_token(actor: Actor, secret: str, ttl: timedelta, now: datetime | None = None) -> str:
    if actor.role is Role.SYSTEM:
        raise ValueError("no token is issued for the system actor")
    issued = now or datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": actor.user_id,
        "role": actor.role.value,
        "unit": actor.unit,
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(token: str, secret: str) -> Actor:
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
    except (ValueError, ValidationError):
        raise InvalidToken("the token names no valid role") from None
    if actor.role is Role.SYSTEM:
        raise InvalidToken("the system actor cannot sign in")
    return actor
