"""The ledger activity as Temporal runs it: a retry after commit writes nothing twice."""

from __future__ import annotations

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.contracts import AppendRequest
from activities.ledger import LedgerActivities
from store.ledger import Ledger
from tests.store.factories import new_events, summary


async def test_retried_append_after_commit_returns_the_first_result(
    ledger: Ledger, stream_id: str
) -> None:
    activities = LedgerActivities(ledger)
    request = AppendRequest(
        stream_id=stream_id, expected_version=0, events=new_events(3), summary=summary(stream_id)
    )
    env = ActivityEnvironment()
    first = await env.run(activities.append, request)
    # The worker died after the commit, before Temporal heard the result: the retry runs again.
    retried = await env.run(activities.append, request)

    assert retried == first
    assert [e.version for e in await ledger.read_stream(stream_id)] == [1, 2, 3]


async def test_conflict_is_not_retried(ledger: Ledger, stream_id: str) -> None:
    activities = LedgerActivities(ledger)
    await ledger.append(stream_id, 0, new_events(1))
    stale = AppendRequest(
        stream_id=stream_id, expected_version=0, events=new_events(1), summary=summary(stream_id)
    )
    with pytest.raises(ApplicationError) as raised:
        await ActivityEnvironment().run(activities.append, stale)
    assert raised.value.type == "ConcurrencyConflict" and raised.value.non_retryable
