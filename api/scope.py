"""Who sees and acts on which cases: a unit (street office, station) its own; the district all.

Decided here rather than in the domain because it is about the reader's place in the bureau,
not about a case's rules; refusals use the domain's `unit_not_allowed` code all the same.
"""

from __future__ import annotations

from api.deps import Services
from api.gateway import CaseNotFound
from domain.actors import Actor, Role
from domain.errors import DomainError
from store.queries import CaseRow, get_case

# District-bureau roles see every unit's cases.
DISTRICT_ROLES = frozenset({Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN})
# Which escalation levels land in whose work queue (DOMAIN.md: the default ladder).
QUEUE_LEVELS = {
    Role.OPERATOR: 1,
    Role.CASEWORKER: 1,
    Role.APPROVER: 1,  # L1: assignee and team lead
    Role.SUPERVISOR: 2,
    Role.AUDITOR: 2,  # L2: district supervisor
    Role.ADMIN: 3,  # L3: bureau leadership
}


def sees_all(reader: Actor | None) -> bool:
    """Anonymous development reads and district roles see every unit."""
    return reader is None or reader.role in DISTRICT_ROLES


def unit_filter(reader: Actor | None, asked: str | None) -> str | None:
    """The unit a list is limited to: the reader's own unless the reader sees all."""
    if sees_all(reader):
        return asked
    assert reader is not None
    if asked is not None and asked != reader.unit:
        raise DomainError(
            "unit_not_allowed",
            f"{reader.user_id} of {reader.unit or '(no unit)'} sees only its own unit's cases",
        )
    return reader.unit


def require_case_access(reader: Actor | None, case_unit: str) -> None:
    if not sees_all(reader) and reader is not None and reader.unit != case_unit:
        raise DomainError(
            "unit_not_allowed",
            f"{reader.user_id} of {reader.unit or '(no unit)'} may not see or act on a case of {case_unit}",
        )


async def readable_case(services: Services, reader: Actor | None, case_id: str) -> CaseRow:
    """The case's row if it exists and the reader may see it (404 / 403 otherwise)."""
    row = await get_case(services.engine, case_id)
    if row is None:
        raise CaseNotFound(case_id)
    require_case_access(reader, row.unit)
    return row


def require_may_change(actor: Actor) -> None:
    if actor.role is Role.AUDITOR:
        raise DomainError("role_not_allowed", "auditors read everything and change nothing")
