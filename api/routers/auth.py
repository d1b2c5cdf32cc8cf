"""Sign-in. Users sign in with a password (`casework users add` creates them); in development
anyone may also mint a token for any role, for trying things out.

Sign-in is throttled per user id and per address (`store.login_throttle`): too many failures
within the window lock the key for a while, or until an administrator lifts it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api import availability
from api.auth import InvalidToken, mint_token
from api.deps import ServicesDep
from api.schemas import LoginRequest, TokenRequest, TokenResponse
from config.settings import Settings
from domain.actors import Actor, Role
from domain.errors import DomainError
from store.login_throttle import (
    ThrottlePolicy,
    address_key,
    clear,
    locked_until,
    record_failure,
    user_key,
)
from store.users import authenticate

router = APIRouter(prefix="/auth", tags=["auth"])


def issue(
    actor: Actor, settings: Settings, version: int, ttl: timedelta | None = None
) -> TokenResponse:
    ttl = ttl or timedelta(hours=settings.token_ttl_hours)
    return TokenResponse(
        access_token=mint_token(actor, settings.secret_key, ttl, version=version),
        expires_in=int(ttl.total_seconds()),
        user_id=actor.user_id,
        role=actor.role,
        unit=actor.unit,
    )


def throttle_policy(settings: Settings) -> ThrottlePolicy:
    return ThrottlePolicy(
        window=timedelta(minutes=settings.login_window_minutes),
        lockout=timedelta(minutes=settings.login_lockout_minutes),
    )


def client_address(request: Request) -> str:
    """The TCP peer (uvicorn substitutes X-Forwarded-For only from its trusted proxies)."""
    return request.client.host if request.client else "unknown"


@router.post(
    "/login",
    response_model=TokenResponse,
    responses={401: {}, 429: {"description": "Too many failed sign-ins: locked for a while"}},
)
async def login(request: LoginRequest, http: Request, services: ServicesDep) -> object:
    """Sign in with a user id and password; the token carries the user's role and unit."""
    settings = services.settings
    now = datetime.now(UTC)
    keys = {
        user_key(request.user_id): settings.login_max_failures_per_user,
        address_key(client_address(http)): settings.login_max_failures_per_address,
    }
    async with availability.postgresql():
        until = await locked_until(services.engine, list(keys), now)
        if until is not None:
            wait = max(1, int((until - now).total_seconds()))
            return JSONResponse(
                status_code=429,
                content={
                    "code": "login_locked",
                    "message": f"登录失败次数过多，已暂时锁定，请 {wait // 60 + 1} 分钟后再试或请管理员解锁",
                },
                headers={"Retry-After": str(wait)},
            )
        signed_in = await authenticate(services.engine, request.user_id, request.password)
        if signed_in is None:
            await record_failure(services.engine, keys, throttle_policy(settings), now)
            raise InvalidToken("unknown user or wrong password")
        await clear(services.engine, user_key(request.user_id))
    return issue(signed_in.user.actor, settings, signed_in.token_version)


@router.post("/token", response_model=TokenResponse, responses={403: {}})
async def development_token(request: TokenRequest, services: ServicesDep) -> TokenResponse:
    """Development only: a token for the given user, role and unit."""
    if not services.settings.development:
        raise DomainError("role_not_allowed", "outside development, sign in at /auth/login")
    if request.role is Role.SYSTEM:
        raise DomainError("role_not_allowed", "nobody signs in as the system")
    actor = Actor(user_id=request.user_id, role=request.role, unit=request.unit)
    return issue(actor, services.settings, version=0)
