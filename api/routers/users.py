"""Administrators manage who may sign in, with which role and unit."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from api import availability
from api.deps import ActorDep, ServicesDep
from domain.actors import Actor, Role, require_role
from domain.errors import DomainError
from store.users import User, list_users, save_user

router = APIRouter(prefix="/users", tags=["users"])


class NewUser(BaseModel):
    user_id: str = Field(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$", examples=["op-zhang"]
    )
    display_name: str = Field(min_length=1, max_length=100, examples=["张敏"])
    role: Role = Field(examples=["operator"])
    unit: str = Field(default="", max_length=64, examples=["花木街道"])
    password: str = Field(min_length=8, max_length=200)
    active: bool = True


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
    account = Actor(user_id=user.user_id, role=user.role, unit=user.unit)
    async with availability.postgresql():
        return await save_user(
            services.engine, account, user.display_name, user.password, user.active
        )
