"""Extreme-weather mode: a supervisor switches it on and off for the district (an episode case
in the ledger); while it is on, a new outreach revisit is due sooner."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from api.gateway import CaseGateway, CommandRefused
from domain.rescue import RESCUE
from domain.rescue.weather import WEATHER
from store.ledger import Ledger
from tests.factories import OPERATOR, SUPERVISOR, report
from tests.workflows.rescue_helpers import assert_ledger_is_the_case, end_open_cases, new_case_id

REFUSED = {"type": "RecordHelpRefused", "supplies_given": ["棉被", "热食"]}


@pytest.fixture(autouse=True)
async def _end_open_cases(skipping_env: WorkflowEnvironment) -> AsyncIterator[None]:
    yield
    await end_open_cases(skipping_env.client)


def _revisit_hours(history: list, from_version: int) -> float:  # type: ignore[type-arg]
    started = [
        e.payload["clock"] for e in history if e.type == "ClockStarted" and e.version > from_version
    ]
    clock = started[-1]
    due = datetime.fromisoformat(clock["due_at"]) - datetime.fromisoformat(clock["started_at"])
    return due / timedelta(hours=1)


async def test_a_cold_wave_shortens_the_revisit_until_it_is_switched_off(
    skipping_gateway: CaseGateway, ledger: Ledger
) -> None:
    gateway = skipping_gateway
    episode = f"WX-2026-{uuid.uuid4().int % 10**9:09d}"
    declare = {"type": "DeclareExtremeWeather", "weather": "cold_wave", "unit": "浦东新区民政局"}
    with pytest.raises(CommandRefused) as refused:
        await gateway.open_case(WEATHER, episode, OPERATOR, declare, datetime.now(UTC))
    assert refused.value.code == "role_not_allowed"
    await gateway.open_case(WEATHER, episode, SUPERVISOR, declare, datetime.now(UTC))
    try:
        case_id = new_case_id()
        await gateway.open_case(RESCUE, case_id, OPERATOR, report(), datetime.now(UTC))
        await gateway.send(case_id, OPERATOR, REFUSED)
        history = await ledger.read_stream(case_id)
        assert [e.type for e in history] == [
            "PersonReported",
            "DistrictWeatherNoted",
            "HelpRefused",
            "ClockStarted",
        ]
        noted = history[1]
        assert noted.actor.user_id == "system"
        assert noted.payload["weather"] == "cold_wave" and noted.payload["episode"] == episode
        assert history[2].payload["district_weather"] == "cold_wave"
        assert _revisit_hours(history, 0) == 6
    finally:
        await gateway.send(episode, SUPERVISOR, {"type": "EndExtremeWeather", "note": "寒潮解除"})

    # Mode off: the next refusal (the revisit's outcome) notes it, and the usual 24 h applies.
    before = len(await ledger.read_stream(case_id))
    await gateway.send(case_id, OPERATOR, {**REFUSED, "extreme_weather": True})
    history = await ledger.read_stream(case_id)
    assert [e.type for e in history[before:]] == [
        "DistrictWeatherNoted",
        "ClockStopped",
        "HelpRefused",
        "ClockStarted",
    ]
    assert history[before].payload["weather"] is None
    assert _revisit_hours(history, before) == 24
    await assert_ledger_is_the_case(gateway, ledger, case_id)

    episode_history = await ledger.read_stream(episode)
    assert [(e.type, e.actor.user_id) for e in episode_history] == [
        ("ExtremeWeatherDeclared", SUPERVISOR.user_id),
        ("ExtremeWeatherEnded", SUPERVISOR.user_id),
    ]
    assert (await ledger.verify(episode)).valid
