"""Which notifications an append carries: the domain's rule applied to the events being
recorded, so the outbox rows commit in the ledger's own statement (transactional outbox)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pydantic import ValidationError

from domain.errors import DomainError
from domain.notifications import CaseFacts, Notification, notifications_for
from domain.registry import kind_of_case
from store.models import CaseSummary, NewEvent

log = logging.getLogger("casework.notifications")


def planned_notifications(
    stream_id: str, new_events: Sequence[NewEvent], summary: CaseSummary | None
) -> list[tuple[int, Notification]]:
    """(index of the event, notification) for every notification the events call for."""
    if summary is None:
        return []
    try:
        lifecycle = kind_of_case(stream_id)
    except DomainError:
        return []  # not a case stream (e.g. a test's or a tool's own)
    case = CaseFacts(
        case_id=summary.case_id,
        kind=summary.kind,
        stage=summary.stage,
        unit=summary.unit,
        assignee=summary.assignee,
    )
    planned: list[tuple[int, Notification]] = []
    for index, new in enumerate(new_events):
        try:
            event = lifecycle.parse_event(new.type, new.schema_version, new.payload)
        except (ValidationError, DomainError):
            # An event of another lifecycle's shape cannot happen through the runtime; log it
            # rather than wedge the case's append on a notification.
            log.error("event not parsed for notifications", extra={"case_id": stream_id})
            continue
        planned.extend((index, n) for n in notifications_for(event, case) if n.recipients)
    return planned
