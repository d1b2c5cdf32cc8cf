"""Sign-in. Users sign in with a password (`casework users add` creates them); in development
anyone may also mint a token for any role, for trying things out."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter

from api import availability
from api.auth import InvalidToken, mint_token
from api.deps import ServicesDep
from api.schemas import LoginRequest, TokenRequest, TokenResponse
from domain.actors import Actor, Role
from domain.errors import DomainError
from store.users import authenticate

router = APIRouter(prefix="/auth", tags=["auth"])


def _token(actor: Actor, services: ServicesDep) -> TokenResponse:
    ttl = timedelta(hours=services.settings.token_ttl_hours)
    return TokenResponse(
        access_token=mint_token(actor, services.settings.secret_key, ttl),
        expires_in=int(ttl.total_seconds()),
        user_id=actor.user_id,
        role=actor.role,
        unit=actor.unit,
    )


@router.post("/login", response_model=TokenResponse, responses={401: {}})
async def login(request: LoginRequest, services: ServicesDep) -> TokenResponse:
    """Sign in with a user id and password; the token carries the user's role and unit."""
    async with availability.postgresql():
        user = await authenticate(services.engine, request.user_id, request.password)
    if user is None:
        raise InvalidToken("unknown user or wrong password")
    return _token(user.actor, services)


@router.post("/token", response_model=TokenResponse, responses={403: {}})
async def development_token(request: TokenRequest, services: ServicesDep) -> TokenResponse:
    """Development only: a token for the given user, role and unit."""
    if not services.settings.development:
        raise DomainError("role_not_allowed", "outside development, sign in at /auth/login")
    if request.role is Role.SYSTEM:
        raise DomainError("role_not_allowed", "nobody signs in as the system")
    return _token(Actor(user_id=request.user_id, role=request.role, unit=request.unit), services)
