"""Data factories: actors, case ids and commands as operators send them."""

from __future__ import annotations

import uuid
from typing import Any

from domain.actors import Actor, Role

STATION = "浦东新区救助管理站"
OPERATOR = Actor(user_id="op-zhang", role=Role.OPERATOR, unit=STATION)
CASEWORKER = Actor(user_id="sw-li", role=Role.CASEWORKER, unit=STATION)
SUPERVISOR = Actor(user_id="sup-wang", role=Role.SUPERVISOR, unit="浦东新区民政局")
AUDITOR = Actor(user_id="aud-chen", role=Role.AUDITOR, unit="浦东新区民政局")


def rescue_case_id() -> str:
    return f"RSC-2026-{uuid.uuid4().int % 10**9:09d}"


def report(**overrides: Any) -> dict[str, Any]:
    return {
        "type": "ReportPerson",
        "source": "grid_patrol",
        "unit": STATION,
        "location": "世纪大道地铁站 3 号口",
        **overrides,
    }


def intake(**overrides: Any) -> dict[str, Any]:
    person = {"name": "无名氏", "sex": "male", "age": 45, "age_estimated": True}
    return {
        "type": "RegisterIntake",
        "person": {**person, **overrides.pop("person", {})},
        "information": "unable",
        **overrides,
    }


def classify(**overrides: Any) -> dict[str, Any]:
    return {"type": "ClassifyPerson", "observed": [], **overrides}
