"""The district's extreme-weather mode (寒潮 / 高温): one small case per episode.

A supervisor declares an episode (it opens a WX case) and ends it (the case closes). While an
episode is open, rescue cases that start an outreach timer first learn the mode from the
ledger's read model and record it in their own history (`DistrictWeatherNoted`), so their
decider stays pure and their timers are shorter (rules.EXTREME_WEATHER_REVISIT).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, assert_never

from pydantic import Field

from domain.actors import Role, require_role
from domain.case import CaseState
from domain.errors import DomainError
from domain.lifecycle import Lifecycle
from domain.messages import Command, DecisionContext, Event
from domain.rescue.vocabulary import WeatherKind

ACTIVE = "weather_alert"  # 极端天气应急中
ENDED = "weather_ended"


class DeclareExtremeWeather(Command):
    """Switch the district's extreme-weather mode on (opens an episode)."""

    type: Literal["DeclareExtremeWeather"] = "DeclareExtremeWeather"
    weather: WeatherKind
    unit: str = Field(min_length=1, max_length=64, description="The district bureau")
    note: str = Field(default="", max_length=500)


class EndExtremeWeather(Command):
    """Switch the mode off again (closes the episode)."""

    type: Literal["EndExtremeWeather"] = "EndExtremeWeather"
    note: str = Field(default="", max_length=500)


class ExtremeWeatherDeclared(Event):
    type: Literal["ExtremeWeatherDeclared"] = "ExtremeWeatherDeclared"
    weather: WeatherKind
    unit: str
    declared_by: str
    note: str
    at: datetime


class ExtremeWeatherEnded(Event):
    type: Literal["ExtremeWeatherEnded"] = "ExtremeWeatherEnded"
    ended_by: str
    note: str
    at: datetime


WeatherCommand = Annotated[DeclareExtremeWeather | EndExtremeWeather, Field(discriminator="type")]
WeatherEvent = Annotated[ExtremeWeatherDeclared | ExtremeWeatherEnded, Field(discriminator="type")]


class WeatherState(CaseState):
    weather: WeatherKind | None = None


def decide(
    state: WeatherState, command: DeclareExtremeWeather | EndExtremeWeather, ctx: DecisionContext
) -> list[Event]:
    require_role(ctx.actor, [Role.SUPERVISOR], "switching the extreme-weather mode")
    match command:
        case DeclareExtremeWeather():
            if state.stage != "new":
                raise DomainError("wrong_stage", "an episode is declared once")
            return [
                ExtremeWeatherDeclared(
                    weather=command.weather,
                    unit=command.unit,
                    declared_by=ctx.actor.user_id,
                    note=command.note,
                    at=ctx.now,
                )
            ]
        case EndExtremeWeather():
            if state.stage != ACTIVE:
                raise DomainError("wrong_stage", f"the episode is {state.stage}, not on")
            return [ExtremeWeatherEnded(ended_by=ctx.actor.user_id, note=command.note, at=ctx.now)]
        case _:
            assert_never(command)


def evolve(
    state: WeatherState, event: ExtremeWeatherDeclared | ExtremeWeatherEnded
) -> WeatherState:
    match event:
        case ExtremeWeatherDeclared():
            return state.model_copy(
                update={
                    "stage": ACTIVE,
                    "weather": event.weather,
                    "unit": event.unit,
                    "opened_at": event.at,
                }
            )
        case ExtremeWeatherEnded():
            return state.model_copy(update={"stage": ENDED, "closed": True})
        case _:
            assert_never(event)


def _attributes(state: WeatherState) -> dict[str, Any]:
    return {"weather": state.weather.value if state.weather else None}


WEATHER: Lifecycle[WeatherState] = Lifecycle(
    kind="weather",
    id_prefix="WX",
    state_type=WeatherState,
    command_union=WeatherCommand,
    event_union=WeatherEvent,
    decide=decide,
    evolve=evolve,
    opening_commands=frozenset({"DeclareExtremeWeather"}),
    attributes=_attributes,
)
