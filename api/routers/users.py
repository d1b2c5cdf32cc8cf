"""Administrators manage who may sign in, with which role and unit; every change to a user
ends the tokens it held at once. They also lift sign-in lockouts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, Field

from api import availability
from api.deps import ActorDep, Services, ServicesDep
from api.routers.auth import issue
from api.schemas import TokenResponse
from domain.actors import Actor, Role, require_role
from domain.errors import DomainError
from store import login_throttle
from store.login_throttle import Lockout, address_key, user_key
from store.password_policy import MAX_LENGTH, check_password
from store.users import User, change_user, list_users, save_user, standing

router = APIRouter(prefix="/users", tags=["users"])
lockouts_router = APIRouter(prefix="/lockouts", tags=["users"])

UserId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]


class NewUser(BaseModel):
    user_id: str = Field(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$", examples=["op-zhang"]
    )
    display_name: str = Field(min_length=1, max_length=100, examples=["张敏"])
    role: Role = Field(examples=["operator"])
    unit: str = Field(default="", max_length=64, examples=["花木街道"])
    password: str = Field(min_length=8, max_length=MAX_LENGTH)
    active: bool = True


class UserChange(BaseModel):
    """The fields to change; any change signs the user out everywhere."""

    display_name: str | None = Field(default=None, min_length=1, max_length=100)
    role: Role | None = None
    unit: str | None = Field(default=None, max_length=64)
    active: bool | None = None
    password: str | None = Field(default=None, min_length=8, max_length=MAX_LENGTH)


class UserNotFound(Exception):
    """No such user (or, for a service token, none that is active): 404."""


@router.get("", response_model=list[User])
async def all_users(actor: ActorDep, services: ServicesDep) -> list[User]:
    """Every user (administrators and auditors)."""
    require_role(actor, [Role.ADMIN, Role.AUDITOR], "listing users")
    async with availability.postgresql():
        return await list_users(services.engine)


@router.post("", response_model=User, status_code=status.HTTP_201_CREATED)
async def put_user(user: NewUser, actor: ActorDep, services: ServicesDep) -> User:
    """Create a user, or change an existing one's name, role, unit, password or activity."""
    require_role(actor, [Role.ADMIN], "managing users")
    if user.role is Role.SYSTEM:
        raise DomainError("role_not_allowed", "nobody signs in as the system")
    check_password(user.password, user.user_id)
    account = Actor(user_id=user.user_id, role=user.role, unit=user.unit)
    async with availability.postgresql():
        saved = await save_user(
            services.engine, account, user.display_name, user.password, user.active
        )
    services.accounts.forget(user.user_id)
    return saved


@router.patch("/{user_id}", response_model=User, responses={404: {}})
async def change(
    user_id: UserId, change: UserChange, actor: ActorDep, services: ServicesDep
) -> User:
    """Deactivate, reactivate, move or rename a user, or reset its password; its tokens end."""
    require_role(actor, [Role.ADMIN], "managing users")
    if change.role is Role.SYSTEM:
        raise DomainError("role_not_allowed", "nobody signs in as the system")
    if change.password is not None:
        check_password(change.password, user_id)
    async with availability.postgresql():
        changed = await change_user(
            services.engine, user_id, **change.model_dump(exclude_none=True)
        )
    services.accounts.forget(user_id)
    if changed is None:
        raise UserNotFound(user_id)
    return changed


@router.post("/{user_id}/token", response_model=TokenResponse, responses={404: {}})
async def service_token(
    user_id: UserId,
    actor: ActorDep,
    services: ServicesDep,
    days: Annotated[int, Query(ge=1, le=366)] = 90,
) -> TokenResponse:
    """A long-lived token for an integration account (a system delivering callbacks, such as
    the verification centre); it ends when the account changes. People sign in themselves."""
    require_role(actor, [Role.ADMIN], "issuing service tokens")
    async with availability.postgresql():
        account = await standing(services.engine, user_id)
    if account is None or not account.active:
        raise UserNotFound(user_id)
    if account.role is not Role.INTEGRATION:
        raise DomainError("role_not_allowed", "service tokens are for integration accounts only")
    holder = Actor(user_id=user_id, role=account.role, unit=account.unit)
    return issue(holder, services.settings, account.token_version, timedelta(days=days))


@lockouts_router.get("", response_model=list[Lockout])
async def current_lockouts(actor: ActorDep, services: ServicesDep) -> list[Lockout]:
    """User ids and addresses locked now after failed sign-ins (administrators, auditors)."""
    require_role(actor, [Role.ADMIN, Role.AUDITOR], "listing lockouts")
    async with availability.postgresql():
        return await login_throttle.lockouts(services.engine, datetime.now(UTC))


async def _lift(services: Services, key: str) -> None:
    async with availability.postgresql():
        await login_throttle.clear(services.engine, key)


@lockouts_router.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def lift_user(user_id: UserId, actor: ActorDep, services: ServicesDep) -> None:
    """Lift a user id's lockout and forget its failed sign-ins (administrators)."""
    require_role(actor, [Role.ADMIN], "lifting lockouts")
    await _lift(services, user_key(user_id))


@lockouts_router.delete("/addresses/{address}", status_code=status.HTTP_204_NO_CONTENT)
async def lift_address(
    address: Annotated[str, Path(max_length=64)], actor: ActorDep, services: ServicesDep
) -> None:
    """Lift an address's lockout (administrators)."""
    require_role(actor, [Role.ADMIN], "lifting lockouts")
    await _lift(services, address_key(address))
