"""Who acts on a case: users with a role and a unit, and the system's own timers."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import DomainError


class Role(StrEnum):
    OPERATOR = "operator"  # front-line intake / street-office staff
    CASEWORKER = "caseworker"  # social worker who owns a plan or an investigation
    APPROVER = "approver"  # section head who decides
    SUPERVISOR = "supervisor"  # district bureau: audits, extensions, escalations
    AUDITOR = "auditor"  # read-only audit
    ADMIN = "admin"
    SYSTEM = "system"  # timers and escalations
    INTEGRATION = "integration"  # an external system delivering results (verification centre)


class Actor(BaseModel):
    """Every command carries who did it; the ledger records it beside each event."""

    model_config = ConfigDict(frozen=True)

    user_id: str = Field(min_length=1, max_length=64)
    role: Role
    unit: str = Field(default="", max_length=64)

    @property
    def label(self) -> str:
        return f"{self.user_id} ({self.role.value})"


SYSTEM = Actor(user_id="system", role=Role.SYSTEM, unit="")


def require_role(actor: Actor, allowed: Iterable[Role], doing: str) -> None:
    """Refuse a command whose actor's role may not do it."""
    allowed_roles = frozenset(allowed)
    if actor.role not in allowed_roles:
        names = ", ".join(sorted(r.value for r in allowed_roles))
        raise DomainError(
            "role_not_allowed", f"{doing} needs one of: {names}; {actor.role.value} may not"
        )


def require_four_eyes(maker: str | None, checker: Actor, what: str) -> None:
    """Maker and checker must differ: whoever drafted something may not approve it."""
    if maker is not None and maker == checker.user_id:
        raise DomainError(
            "four_eyes", f"{checker.user_id} drafted the {what} and may not also approve it"
        )


def require_uninvolved(involved: Iterable[str], reviewer: Actor, what: str) -> None:
    """A review is done by someone who took no part in the thing under review."""
    if reviewer.user_id in set(involved):
        raise DomainError(
            "four_eyes", f"{reviewer.user_id} took part in the {what} and may not review it"
        )
