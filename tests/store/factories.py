"""Data factories for ledger tests."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from domain.actors import Actor, Role
from domain.calendar import SHANGHAI
from store.models import CaseSummary, NewEvent

OPERATOR = Actor(user_id="op-1", role=Role.OPERATOR, unit="花木街道")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)


def new_events(count: int, *, start: datetime = T0, type_: str = "NoteRecorded") -> list[NewEvent]:
    return [
        NewEvent(
            event_id=uuid.uuid4(),
            type=type_,
            payload={"n": i, "text": f"第{i}条记录"},
            actor=OPERATOR,
            occurred_at=start + timedelta(minutes=i),
        )
        for i in range(count)
    ]


def summary(case_id: str, stage: str = "reported", unit: str = "账本测试单位") -> CaseSummary:
    # A unit no API test reads: these rows hold synthetic events no lifecycle can fold.
    return CaseSummary(case_id=case_id, kind="rescue", stage=stage, unit=unit)
