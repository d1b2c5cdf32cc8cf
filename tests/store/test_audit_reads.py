"""Audit reads in one round trip: the same rows, verification and totals as the slow path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.schemas import HistoryEntry, history_entry_json
from domain.catalogue import event_label, role_label
from domain.summaries import summary as event_summary
from store import queries
from store.ledger import Ledger
from store.queries import CaseFilter, list_cases
from tests.store.factories import new_events, summary


async def test_case_events_are_the_stream_with_its_unit_and_verify(
    ledger: Ledger, stream_id: str
) -> None:
    await ledger.append(stream_id, 0, new_events(3), summary(stream_id, unit="塘桥街道"))

    found = await ledger.case_events(stream_id)

    assert found is not None
    assert found.unit == "塘桥街道"
    stored = await ledger.read_stream(stream_id)
    assert [e["version"] for e in found.events] == [e.version for e in stored]
    assert found.verification() == await ledger.verify(stream_id)
    assert found.verification().valid


async def test_the_plain_history_serializer_writes_what_history_entry_describes(
    ledger: Ledger, stream_id: str
) -> None:
    await ledger.append(stream_id, 0, new_events(2), summary(stream_id), workflow_id="wf-1")
    found = await ledger.case_events(stream_id)
    assert found is not None

    for row, event in zip(found.events, await ledger.read_stream(stream_id), strict=True):
        modelled = HistoryEntry(
            **event.model_dump(exclude={"actor", "stream_id", "event_id"}),
            event_id=str(event.event_id),
            type_label=event_label(event.type),
            summary=event_summary(event.type, event.payload),
            actor=event.actor.user_id,
            actor_role=event.actor.role.value,
            actor_role_label=role_label(event.actor.role.value),
            actor_unit=event.actor.unit,
        )
        assert history_entry_json(row) == modelled.model_dump(mode="json")
    assert list(history_entry_json(found.events[0])) == list(HistoryEntry.model_fields)


async def test_an_unknown_case_has_no_events_and_a_stream_without_case_row_none(
    ledger: Ledger, stream_id: str
) -> None:
    assert await ledger.case_events("RSC-2026-999999") is None
    await ledger.append(stream_id, 0, new_events(1))  # no read model: not a case the API knows
    assert await ledger.case_events(stream_id) is None
    assert (await ledger.verify(stream_id)).valid


async def test_the_list_total_is_exact_below_the_cap_and_a_lower_bound_above(
    own_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = Ledger(own_engine)
    try:
        for n in range(5):
            case_id = f"RSC-2026-{n:06d}"
            await ledger.append(case_id, 0, new_events(1), summary(case_id))
        pool = await ledger.pool()
        now = datetime.now(UTC) + timedelta(days=1)

        exact = await list_cases(pool, CaseFilter(limit=2), now)
        assert (len(exact.rows), exact.total, exact.exact) == (2, 5, True)
        assert [r["case_id"] for r in exact.rows] == ["RSC-2026-000000", "RSC-2026-000001"]

        monkeypatch.setattr(queries, "COUNT_CAP", 3)
        capped = await list_cases(pool, CaseFilter(limit=2, offset=1), now)
        assert (capped.total, capped.exact) == (4, False)  # offset 1 + the cap of 3
        assert [r["case_id"] for r in capped.rows] == ["RSC-2026-000001", "RSC-2026-000002"]

        empty = await list_cases(pool, CaseFilter(kind="relief"), now)
        assert (empty.rows, empty.total, empty.exact) == ([], 0, True)
    finally:
        await ledger.close()
