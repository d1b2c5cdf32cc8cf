"""Which events of a stream a command recorded, found by the ids its command id gave them
(the ids come from the caller: `workflows.contracts.event_id_for`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.tables import events


@dataclass(frozen=True)
class RecordedCommand:
    version: int  # the stream's version after the command's last event
    types: list[str]


async def recorded_with_ids(
    engine: AsyncEngine, case_id: str, ids: Sequence[uuid.UUID]
) -> RecordedCommand | None:
    """The events of `case_id` with one of `ids`, or None if there are none (yet)."""
    query = (
        select(events.c.version, events.c.type)
        .where(events.c.stream_id == case_id, events.c.event_id.in_(ids))
        .order_by(events.c.version)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    if not rows:
        return None
    return RecordedCommand(version=rows[-1].version, types=[r.type for r in rows])
