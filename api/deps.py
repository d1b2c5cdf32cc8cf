"""What request handlers depend on: the ledger, the gateway, the settings, the actor."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncEngine

from api import availability
from api.accounts import AccountCheck
from api.auth import InvalidToken, read_token
from api.gateway import CaseGateway
from config.settings import Settings
from domain.actors import Actor, Role
from domain.errors import DomainError
from store.idempotency import IdempotencyKeys
from store.ledger import Ledger


@dataclass
class Services:
    """Built once per process by the app's lifespan."""

    settings: Settings
    engine: AsyncEngine
    ledger: Ledger
    gateway: CaseGateway
    accounts: AccountCheck = field(init=False)
    keys: IdempotencyKeys = field(init=False)

    def __post_init__(self) -> None:
        self.accounts = AccountCheck(
            self.engine, self.settings.account_cache_seconds, self.settings.development
        )
        self.keys = IdempotencyKeys(self.engine)


# Dependencies are `async def` although they never wait: FastAPI runs a plain `def` dependency
# in its thread pool, a thread hop per dependency per request (docs/benchmarks.md).


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]

_bearer = HTTPBearer(
    auto_error=False, description="A token from `casework token` or POST /auth/token"
)


async def _signed_in(services: Services, token: str) -> Actor:
    claims = read_token(token, services.settings.secret_key)
    async with availability.postgresql():
        return await services.accounts.actor(claims)


async def get_actor(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The signed-in actor; every command needs one."""
    if credentials is None:
        raise InvalidToken("sign in: send 'Authorization: Bearer <token>'")
    return await _signed_in(services, credentials.credentials)


async def get_reader(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor | None:
    """Who reads: anyone signed in; anonymous reads only where settings allow them."""
    if credentials is None:
        if services.settings.anonymous_reads:
            return None
        raise InvalidToken("sign in: send 'Authorization: Bearer <token>'")
    reader = await _signed_in(services, credentials.credentials)
    if reader.role is Role.INTEGRATION:
        # A system delivering callbacks reads nothing of the cases (personal data).
        raise DomainError("role_not_allowed", "integration accounts only deliver their callbacks")
    return reader


ActorDep = Annotated[Actor, Depends(get_actor)]
ReaderDep = Annotated[Actor | None, Depends(get_reader)]
