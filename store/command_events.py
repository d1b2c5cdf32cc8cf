"""Which events of a stream a command recorded, found by the ids its command id gave them
(the caller names the ids: `workflows.contracts.event_id_for` lives above the store)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.tables import events

# A command's events are appended together; a paper file's may be many (500 steps and their
# rungs). Read at most this many after its first.
MAX_EVENTS_PER_COMMAND = 10_000
PAGE = 64


@dataclass(frozen=True)
class RecordedCommand:
    version: int  # the stream's version after the command's last event
    types: list[str]


async def recorded_by(
    engine: AsyncEngine, case_id: str, id_of: Callable[[int], uuid.UUID]
) -> RecordedCommand | None:
    """The events a command recorded in `case_id` (`id_of(i)` is the id of its i-th event),
    or None if it recorded none (yet). Its events are one append, so their versions follow on
    from the first one's."""
    async with engine.connect() as conn:
        first = (
            await conn.execute(
                select(events.c.version).where(
                    events.c.stream_id == case_id, events.c.event_id == id_of(0)
                )
            )
        ).scalar_one_or_none()
        if first is None:
            return None
        mine: list[Any] = []
        while len(mine) < MAX_EVENTS_PER_COMMAND:  # a page at a time: most commands are short
            page = (
                await conn.execute(
                    select(events.c.version, events.c.type, events.c.event_id)
                    .where(events.c.stream_id == case_id, events.c.version >= first + len(mine))
                    .order_by(events.c.version)
                    .limit(PAGE)
                )
            ).all()
            for row in page:
                if row.event_id != id_of(len(mine)):
                    return _recorded(mine)
                mine.append(row)
            if len(page) < PAGE:
                break
    return _recorded(mine)


def _recorded(rows: list[Any]) -> RecordedCommand:
    return RecordedCommand(version=rows[-1].version, types=[r.type for r in rows])
