"""Rebuilding read models from the ledger: the events are the truth, tables are views of it."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete

from domain.errors import DomainError
from domain.registry import kind_of_case
from store.ledger import Ledger
from store.models import StoredEvent, summarize
from store.replay import fold
from store.tables import cases


async def rebuild_cases(ledger: Ledger, batch: int = 5000) -> int:
    """Recompute every `cases` row by folding the whole ledger from position 0.

    Reads follow the global position with the late-commit guard, so a case being written
    meanwhile is caught up by its own next append (which only moves its row forward).
    """
    streams: dict[str, list[StoredEvent]] = defaultdict(list)
    position = 0
    while page := await ledger.read_all(position, limit=batch):
        for event in page:
            streams[event.stream_id].append(event)
        position = page[-1].position
    rebuilt = 0
    async with ledger.engine.begin() as conn:
        await conn.execute(delete(cases))
        for case_id, stored in streams.items():
            try:
                lifecycle = kind_of_case(case_id)
            except DomainError:
                continue  # not a case stream
            summary = summarize(lifecycle, case_id, fold(lifecycle, case_id, stored))
            await Ledger.project(conn, summary, stored[-1].version, stored[-1].position)
            rebuilt += 1
    return rebuilt
