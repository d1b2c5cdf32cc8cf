"""What request handlers depend on: the ledger, the gateway, the settings, the actor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncEngine

from api.auth import InvalidToken, decode_token
from api.gateway import CaseGateway
from config.settings import Settings
from domain.actors import Actor
from store.ledger import Ledger


@dataclass
class Services:
    """Built once per process by the app's lifespan."""

    settings: Settings
    engine: AsyncEngine
    ledger: Ledger
    gateway: CaseGateway


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]

_bearer = HTTPBearer(
    auto_error=False, description="A token from `casework token` or POST /auth/token"
)


def get_actor(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The signed-in actor; every command needs one."""
    if credentials is None:
        raise InvalidToken("sign in: send 'Authorization: Bearer <token>'")
    return decode_token(credentials.credentials, services.settings.secret_key)


def get_reader(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor | None:
    """Who reads: anyone signed in; anonymous reads only where settings allow them."""
    if credentials is None:
        if services.settings.anonymous_reads:
            return None
        raise InvalidToken("sign in: send 'Authorization: Bearer <token>'")
    return decode_token(credentials.credentials, services.settings.secret_key)


ActorDep = Annotated[Actor, Depends(get_actor)]
ReaderDep = Annotated[Actor | None, Depends(get_reader)]
