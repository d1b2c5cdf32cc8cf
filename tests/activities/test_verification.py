"""The fake verification centre: idempotency keys that survive a restart, outages, latency,
duplicate delivery, lost receipts; and the activity that turns them into Temporal retries."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.verification import (
    CentreReply,
    CentreRequest,
    CentreUnavailable,
    FakeVerificationCentre,
    Outage,
    VerificationActivities,
)
from activities.verification_contracts import VerificationSendRequest

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def request(key: str = "REL-2026-000001/V1", at: datetime = T0) -> CentreRequest:
    return CentreRequest(
        idempotency_key=key,
        case_id=key.split("/")[0],
        programme="dibao",
        members=2,
        declared_income_fen=120_000,
        sent_at=at,
    )


class Inbox:
    def __init__(self) -> None:
        self.replies: list[CentreReply] = []
        self.fail = False

    async def __call__(self, reply: CentreReply) -> None:
        if self.fail:
            raise CentreUnavailable("casework is down")
        self.replies.append(reply)


async def test_the_same_key_twice_is_one_request(tmp_path: Path) -> None:
    centre = FakeVerificationCentre(tmp_path / "centre.sqlite")
    first = await centre.submit(request())
    again = await centre.submit(request(at=T0 + timedelta(minutes=5)))
    assert (first.centre_ref, first.repeated) == ("HD-000001", False)
    assert (again.centre_ref, again.repeated) == ("HD-000001", True)
    [record] = centre.records()
    assert record.submissions == 2 and record.received_at == T0


async def test_a_restarted_centre_still_knows_its_keys(tmp_path: Path) -> None:
    store = tmp_path / "centre.sqlite"
    await FakeVerificationCentre(store).submit(request())
    restarted = FakeVerificationCentre(store)
    receipt = await restarted.submit(request())
    assert receipt.repeated and receipt.centre_ref == "HD-000001"
    assert len(restarted.records()) == 1


async def test_an_outage_refuses_requests_sent_inside_its_window() -> None:
    outage = Outage(T0, T0 + timedelta(days=9))
    centre = FakeVerificationCentre(outages=[outage])
    with pytest.raises(CentreUnavailable):
        await centre.submit(request(at=T0 + timedelta(days=1)))
    assert centre.records() == []
    assert not (await centre.submit(request(at=T0 + timedelta(days=9)))).repeated


async def test_a_lost_receipt_is_recorded_and_the_retry_gets_it(tmp_path: Path) -> None:
    centre = FakeVerificationCentre(tmp_path / "c.sqlite", lose_receipts=1)
    with pytest.raises(CentreUnavailable):
        await centre.submit(request())
    receipt = await centre.submit(request())
    assert receipt.repeated
    [record] = centre.records()
    assert record.submissions == 2


async def test_replies_come_after_the_latency_once_or_twice() -> None:
    inbox = Inbox()
    centre = FakeVerificationCentre(latency=timedelta(days=2), duplicate_replies=True, sink=inbox)
    await centre.submit(request())
    await centre.stop_delivery()  # tests deliver by the clock they choose
    assert await centre.deliver_due(T0 + timedelta(days=1)) == []
    [reply] = await centre.deliver_due(T0 + timedelta(days=2))
    assert inbox.replies == [reply, reply]  # delivered twice, same reply id
    assert await centre.deliver_due(T0 + timedelta(days=3)) == []
    record = centre.record(reply.request_key)
    assert record is not None and record.deliveries == 2 and record.delivered


async def test_a_failed_delivery_is_tried_again_later() -> None:
    inbox = Inbox()
    centre = FakeVerificationCentre(latency=timedelta(0), sink=inbox)
    await centre.submit(request())
    await centre.stop_delivery()
    inbox.fail = True
    with pytest.raises(CentreUnavailable):
        await centre.deliver_due(T0)
    inbox.fail = False
    assert len(await centre.deliver_due(T0)) == 1


async def test_the_activity_turns_an_outage_into_a_retryable_error() -> None:
    centre = FakeVerificationCentre()
    centre.down = True
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, current_attempt_scheduled_time=T0)
    send = VerificationSendRequest(
        idempotency_key="REL-2026-000002/V1",
        case_id="REL-2026-000002",
        programme="dibao",
        members=1,
        declared_income_fen=0,
    )
    with pytest.raises(ApplicationError) as down:
        await env.run(VerificationActivities(centre).send, send)
    assert down.value.type == "CentreUnavailable" and not down.value.non_retryable
    centre.down = False
    receipt = await env.run(VerificationActivities(centre).send, send)
    assert receipt.centre_ref == "HD-000001"
    record = centre.record("REL-2026-000002/V1")
    assert record is not None and record.received_at == T0


async def test_the_default_centre_is_the_fake_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from activities.verification import default_centre
    from casework.settings import get_settings

    monkeypatch.setenv("CASEWORK_VERIFICATION_STORE", str(tmp_path / "centre.sqlite"))
    monkeypatch.setenv("CASEWORK_VERIFICATION_LATENCY_SECONDS", "5")
    monkeypatch.setenv("CASEWORK_VERIFICATION_DOWN_FROM", "2026-03-02T08:00:00+08:00")
    monkeypatch.setenv("CASEWORK_VERIFICATION_DOWN_UNTIL", "2026-03-03T08:00:00+08:00")
    monkeypatch.setenv("CASEWORK_VERIFICATION_DELIVER", "false")
    get_settings.cache_clear()
    try:
        centre = default_centre()
    finally:
        get_settings.cache_clear()
    assert centre.store == tmp_path / "centre.sqlite"
    assert centre.latency == timedelta(seconds=5) and centre.sink is None
    assert centre.is_down(T0) and not centre.is_down(T0 + timedelta(days=1))
    assert not (tmp_path / "centre.sqlite").exists()  # nothing is written before a request


def test_the_default_centre_keeps_its_store_in_the_given_settings_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `casework dev --data-dir X` hands its own settings over: the store is X's, not ./data's
    from activities.verification import default_centre
    from casework.settings import Settings

    monkeypatch.delenv("CASEWORK_VERIFICATION_STORE", raising=False)
    settings = Settings(CASEWORK_DATA_DIR=tmp_path / "stack", CASEWORK_VERIFICATION_DELIVER=False)
    assert default_centre(settings).store == tmp_path / "stack" / "verification-centre.sqlite"
