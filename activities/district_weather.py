"""Which extreme-weather episode (寒潮 / 高温) is on in the district, from the ledger's read model.

Rescue cases ask before they start an outreach timer; the episode itself is a `weather` case
(domain/rescue/weather.py) that a supervisor opens and closes.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

from store.tables import cases

DISTRICT_WEATHER = "rescue.district_weather"


class DistrictWeatherRequest(BaseModel):
    """Empty for now: the deployment is one district. A model so a field can be added."""


class DistrictWeather(BaseModel):
    model_config = ConfigDict(frozen=True)

    weather: str | None = None  # cold_wave | heat_wave; None: the mode is off
    episode: str | None = None  # the WX case id


class DistrictWeatherActivities:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @activity.defn(name=DISTRICT_WEATHER)
    async def current(self, request: DistrictWeatherRequest) -> DistrictWeather:
        """The newest open episode, if any."""
        query = (
            select(cases.c.case_id, cases.c.attributes)
            .where(cases.c.kind == "weather", cases.c.closed.is_(False))
            .order_by(cases.c.opened_at.desc().nulls_last(), cases.c.case_id.desc())
            .limit(1)
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return DistrictWeather()
        return DistrictWeather(weather=row.attributes.get("weather"), episode=row.case_id)
