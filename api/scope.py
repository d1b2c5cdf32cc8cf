"""Who sees and acts on which cases: a unit (street office, station) its own; the district all.

Decided here rather than in the domain because it is about the reader's place in the bureau,
not about a case's rules; refusals use the domain's `unit_not_allowed` code all the same.

A case of another unit answers exactly like a case that does not exist (404): nobody learns
from the answer that it exists, and nothing is written into it. Integration accounts (systems
delivering callbacks) read nothing and send no commands of their own.
"""

from __future__ import annotations

from typing import Any

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
    require_staff(reader)
    if sees_all(reader):
        return asked
    assert reader is not None
    if asked is not None and asked != reader.unit:
        raise DomainError(
            "unit_not_allowed",
            f"{reader.user_id} of {reader.unit or '(no unit)'} sees only its own unit's cases",
        )
    return reader.unit


def may_see(reader: Actor | None, case_unit: str) -> bool:
    return sees_all(reader) or (reader is not None and reader.unit == case_unit)


def require_case_access(reader: Actor | None, case_id: str, case_unit: str) -> None:
    """A case the reader may not see does not exist for it: 404, like an unknown id."""
    if not may_see(reader, case_unit):
        raise CaseNotFound(case_id)


async def readable_case(services: Services, reader: Actor | None, case_id: str) -> CaseRow:
    """The case's row if it exists and the reader may see it; 404 otherwise, either way."""
    require_staff(reader)
    row = await get_case(services.engine, case_id)
    if row is None:
        raise CaseNotFound(case_id)
    require_case_access(reader, case_id, row.unit)
    return row


def require_staff(actor: Actor | None) -> None:
    """Integration accounts deliver their callbacks and nothing else."""
    if actor is not None and actor.role is Role.INTEGRATION:
        raise DomainError("role_not_allowed", "integration accounts only deliver their callbacks")


def require_may_change(actor: Actor) -> None:
    require_staff(actor)
    if actor.role is Role.AUDITOR:
        raise DomainError("role_not_allowed", "auditors read everything and change nothing")


# Routing rules: an opening command may name a unit other than the actor's only where the
# bureau routes such cases there. Police, city management, grid patrols and the hotline hand
# a person in need to the rescue station (办法 Art 5: escorted or referred to the station).
RESCUE_STATION = "浦东新区救助管理站"
OPENING_ROUTES: dict[str, frozenset[str]] = {"ReportPerson": frozenset({RESCUE_STATION})}


def require_opening_unit(actor: Actor, command: dict[str, Any]) -> None:
    """An opening command's unit is the actor's own, unless a routing rule sends it on;
    district roles open cases for any unit."""
    unit = str(command.get("unit", ""))
    if sees_all(actor) or unit == actor.unit:
        return
    if unit in OPENING_ROUTES.get(str(command.get("type")), frozenset()):
        return
    raise DomainError(
        "unit_not_allowed",
        f"{actor.user_id} of {actor.unit or '(no unit)'} may not open a case for {unit}",
    )
