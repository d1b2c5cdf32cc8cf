"""The police population system adapter: the fake's latency, failures and outage windows, and
the activity that turns "unavailable" into a retryable failure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.identity import (
    UNAVAILABLE,
    FakePoliceIdentitySystem,
    IdentityActivities,
    IdentityQuery,
    IdentitySystemUnavailable,
    OutageWindow,
    PoliceIdentitySystem,
    checksum_valid,
    parse_outages,
)

KNOWN, UNKNOWN = "11010519491231002X", "310115199001011234"
NOON = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


def query(id_number: str = KNOWN) -> IdentityQuery:
    return IdentityQuery(
        case_id="RSC-2026-000001", request_id="RSC-2026-000001/identity-1", id_number=id_number
    )


def test_gb11643_checksums() -> None:
    assert checksum_valid(KNOWN) and checksum_valid("310115198001011238")
    assert not checksum_valid(UNKNOWN) and not checksum_valid("12345")


async def test_the_fake_knows_valid_numbers_or_its_registry() -> None:
    fake = FakePoliceIdentitySystem()
    known = await fake.check(query(KNOWN))
    assert known.found and known.hukou == "行政区划 110105"
    assert not (await fake.check(query(UNKNOWN))).found
    registry = FakePoliceIdentitySystem(registry={UNKNOWN: "上海浦东"})
    assert (await registry.check(query(UNKNOWN))).hukou == "上海浦东"
    assert not (await registry.check(query(KNOWN))).found


async def test_the_fake_is_down_inside_an_outage_window_only() -> None:
    now = NOON
    window = OutageWindow(NOON - timedelta(hours=1), NOON + timedelta(hours=1))
    fake = FakePoliceIdentitySystem(outages=[window], clock=lambda: now)
    with pytest.raises(IdentitySystemUnavailable):
        await fake.check(query())
    now = NOON + timedelta(hours=1)  # the window is half-open: [start, end)
    assert (await fake.check(query())).found
    assert fake.calls == 2


async def test_the_fake_fails_at_its_failure_rate() -> None:
    fake = FakePoliceIdentitySystem(failure_rate=0.3, seed=7)
    failures = 0
    for _ in range(400):
        try:
            await fake.check(query())
        except IdentitySystemUnavailable:
            failures += 1
    assert 80 <= failures <= 160
    with pytest.raises(ValueError):
        FakePoliceIdentitySystem(failure_rate=1.5)


async def test_the_fake_takes_its_latency() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    fake = FakePoliceIdentitySystem(latency=timedelta(milliseconds=1500), sleep=sleep)
    await fake.check(query())
    assert slept == [1.5]


def test_outage_windows_from_settings_text() -> None:
    windows = parse_outages("2026-12-01T00:00+08:00/2026-12-01T06:00+08:00, ")
    assert len(windows) == 1 and windows[0].covers(datetime(2026, 11, 30, 17, tzinfo=UTC))
    assert parse_outages("") == []
    with pytest.raises(ValueError):
        parse_outages("2026-12-01T00:00/2026-12-01T06:00")


async def test_the_activity_answers_and_reports_an_outage_as_retryable() -> None:
    system: PoliceIdentitySystem = FakePoliceIdentitySystem()
    answer = await ActivityEnvironment().run(IdentityActivities(system).check, query())
    assert answer.found and answer.request_id == "RSC-2026-000001/identity-1"

    always = OutageWindow(datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
    down = IdentityActivities(FakePoliceIdentitySystem(outages=[always]))
    with pytest.raises(ApplicationError) as failed:
        await ActivityEnvironment().run(down.check, query())
    assert failed.value.type == UNAVAILABLE and not failed.value.non_retryable


async def test_the_activity_heartbeats_while_the_system_is_slow() -> None:
    env = ActivityEnvironment()
    beats: list[object] = []
    env.on_heartbeat = lambda *details: beats.append(details)
    slow = IdentityActivities(FakePoliceIdentitySystem(latency=timedelta(seconds=2.2)))
    assert (await env.run(slow.check, query())).found
    assert len(beats) >= 2
