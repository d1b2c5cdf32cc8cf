"""The rescue case workflow (DOMAIN.md §1): the runtime with the rescue decider, the police
identity check as an effect, and the district's weather before outreach timers. Also the
district's extreme-weather episodes, which are small cases of their own."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import Any, cast

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.district_weather import (
        DISTRICT_WEATHER,
        DistrictWeather,
        DistrictWeatherRequest,
    )
    from activities.identity import IDENTITY_CHECK, IdentityAnswer, IdentityQuery
    from domain.messages import Event
    from domain.rescue import RESCUE, rules
    from domain.rescue.events_care import IdentityCheckRequested
    from domain.rescue.state import RescueState
    from domain.rescue.weather import WEATHER
    from workflows.contracts import CaseInput, CaseOutcome, CommandRequest

from workflows.clock_rules import count_clocks_by_run_rules
from workflows.runtime import CaseWorkflow

# Histories recorded before the full lifecycle carry no marker for this patch: those cases keep
# the proof path's rules (no identity check, no tracing clocks) so that they replay unchanged.
FULL_LIFECYCLE_PATCH = "rescue-full-lifecycle"
# Histories recorded before outside answers kept a clock (the police reference after a
# missing-person report) keep the full lifecycle's rules without that clock.
OUTSIDE_ANSWERS_PATCH = "rescue-outside-answers"

# The population system may be down for hours: retry with back-off, never give up. The case's
# identity_check clock escalates an overdue answer meanwhile.
IDENTITY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
)
IDENTITY_ATTEMPT_TIMEOUT = timedelta(minutes=1)
IDENTITY_HEARTBEAT_TIMEOUT = timedelta(seconds=5)
WEATHER_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=3)
# Commands that start an outreach timer, which extreme weather shortens.
OUTREACH_COMMANDS = frozenset({"RecordHelpRefused"})


@workflow.defn(name="RescueCase")
class RescueCaseWorkflow(CaseWorkflow):
    lifecycle = RESCUE

    @workflow.run
    async def run(self, case: CaseInput) -> CaseOutcome:
        if case.state is None and not workflow.patched(FULL_LIFECYCLE_PATCH):
            self._replace_state(
                self._rescue.model_copy(update={"ruleset": rules.PROOF_PATH_RULESET})
            )
        if case.state is None and not workflow.patched(OUTSIDE_ANSWERS_PATCH):
            ruleset = min(self._rescue.ruleset, rules.FULL_LIFECYCLE_RULESET)
            self._replace_state(self._rescue.model_copy(update={"ruleset": ruleset}))
        count_clocks_by_run_rules(self)
        return await self.run_case()

    @property
    def _rescue(self) -> RescueState:
        return cast(RescueState, self._current)

    # --- the police identity check -----------------------------------------------------------

    def start_effects(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, IdentityCheckRequested):
                self.spawn(self._check_identity(event.request_id, event.id_number))

    def resume_effects(self) -> None:
        state = self._rescue
        if state.pending_identity_check and state.pending_identity_number:
            self.spawn(
                self._check_identity(state.pending_identity_check, state.pending_identity_number)
            )

    async def _check_identity(self, request_id: str, id_number: str) -> None:
        """Ask until the system answers; give up only when the case no longer waits for it."""
        asking = workflow.start_activity(
            IDENTITY_CHECK,
            IdentityQuery(case_id=self._case_id, request_id=request_id, id_number=id_number),
            result_type=IdentityAnswer,
            start_to_close_timeout=IDENTITY_ATTEMPT_TIMEOUT,
            heartbeat_timeout=IDENTITY_HEARTBEAT_TIMEOUT,
            retry_policy=IDENTITY_RETRY,
        )
        await workflow.wait_condition(
            lambda: asking.done() or self._rescue.pending_identity_check != request_id
        )
        if not asking.done():  # identity established otherwise, or the case closed
            asking.cancel()
            with contextlib.suppress(asyncio.CancelledError, ActivityError):
                await asking
            return
        answer = asking.result()
        await self.run_internal(
            {
                "type": "RecordPoliceIdentityAnswer",
                "request_id": answer.request_id,
                "found": answer.found,
                "hukou": answer.hukou,
            }
        )

    # --- the district's weather, before an outreach timer starts ----------------------------

    async def note_before(self, request: CommandRequest) -> dict[str, Any] | None:
        state = self._rescue
        if (
            state.ruleset < rules.FULL_LIFECYCLE_RULESET
            or request.command.get("type") not in OUTREACH_COMMANDS
        ):
            return None
        if request.effective_at is not None:
            return None  # a paper file's past step: today's weather says nothing about that day
        try:
            weather = await workflow.execute_activity(
                DISTRICT_WEATHER,
                DistrictWeatherRequest(),
                result_type=DistrictWeather,
                start_to_close_timeout=timedelta(seconds=10),
                retry_policy=WEATHER_RETRY,
            )
        except ActivityError:
            # Better a default timer now than none: the case goes on with what it knew.
            workflow.logger.warning("district weather unknown", extra={"case_id": self._case_id})
            return None
        return {
            "type": "NoteDistrictWeather",
            "weather": weather.weather,
            "episode": weather.episode,
        }


@workflow.defn(name="WeatherEpisode")
class WeatherEpisodeWorkflow(CaseWorkflow):
    """One extreme-weather episode of the district (寒潮 / 高温), from declaration to its end."""

    lifecycle = WEATHER

    @workflow.run
    async def run(self, case: CaseInput) -> CaseOutcome:
        return await self.run_case()
