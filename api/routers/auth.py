"""Tokens. In development anyone may mint one for any role; elsewhere `casework token` does,
with the server's secret (users and passwords or an OIDC issuer come with the console)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter

from api.auth import mint_token
from api.deps import ServicesDep
from api.schemas import TokenRequest, TokenResponse
from domain.actors import Actor, Role
from domain.errors import DomainError

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=TokenResponse, responses={403: {}})
async def development_token(request: TokenRequest, services: ServicesDep) -> TokenResponse:
    """Development only: a token for the given user, role and unit."""
    settings = services.settings
    if not settings.development:
        raise DomainError(
            "role_not_allowed", "tokens are issued by `casework token` outside development"
        )
    if request.role is Role.SYSTEM:
        raise DomainError("role_not_allowed", "nobody signs in as the system")
    ttl = timedelta(hours=settings.token_ttl_hours)
    actor = Actor(user_id=request.user_id, role=request.role, unit=request.unit)
    return TokenResponse(
        access_token=mint_token(actor, settings.secret_key, ttl),
        expires_in=int(ttl.total_seconds()),
    )
