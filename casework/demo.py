"""`casework demo`: seed a living set of cases across the three lifecycles, some of them paper
files entered with their real (past) dates so that clocks have run out and escalated.

Runs against a development API (it mints development tokens and uses X-Effective-At). A second
run adds nothing: a case the demo opened before (same kind, unit and identifying fields, such
as the location a person was found at) is found and left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from domain.actors import Role

STATION = "浦东新区救助管理站"
STREET = "潍坊新村街道"
ORG_REGISTRY = "浦东新区社会组织管理局"
DISTRICT = "浦东新区民政局"
DEMO_PASSWORD = "casework-demo-2026"  # development only; printed for the newcomer

USERS = {
    "op-zhang": ("张敏", Role.OPERATOR, STATION),
    "sw-li": ("李社工", Role.CASEWORKER, STATION),
    "head-zhao": ("赵站长", Role.APPROVER, STATION),
    "op-qin": ("秦经办", Role.OPERATOR, STREET),
    "sw-tang": ("唐社工", Role.CASEWORKER, STREET),
    "op-zhou": ("周经办", Role.OPERATOR, ORG_REGISTRY),
    "head-lin": ("林科长", Role.APPROVER, ORG_REGISTRY),
    "sup-wang": ("王督办", Role.SUPERVISOR, DISTRICT),
    "aud-chen": ("陈审计", Role.AUDITOR, DISTRICT),
    "admin": ("管理员", Role.ADMIN, DISTRICT),
}


@dataclass
class Demo:
    """Talks to the API as each demo user; collects what happened for the summary."""

    http: httpx.Client
    tokens: dict[str, str] = field(default_factory=dict)
    opened: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _first_events: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = field(
        default_factory=dict
    )

    def token(self, user_id: str) -> str:
        if user_id not in self.tokens:
            _name, role, unit = USERS[user_id]
            body = {"user_id": user_id, "role": role.value, "unit": unit}
            response = self.http.post("/auth/token", json=body)
            response.raise_for_status()
            self.tokens[user_id] = response.json()["access_token"]
        return self.tokens[user_id]

    def send(
        self, user_id: str, path: str, body: dict[str, Any], days_ago: float | None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token(user_id)}"}
        if days_ago is not None:
            headers["X-Effective-At"] = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()
        response = self.http.post(path, json=body, headers=headers)
        if response.status_code >= 400:
            self.problems.append(
                f"{body.get('type')} on {path}: {response.status_code} {response.text[:200]}"
            )
            return {}
        result: dict[str, Any] = response.json()
        return result

    def _opened_before(self, kind: str, unit: str) -> list[tuple[str, dict[str, Any]]]:
        """(case id, first event's payload) of every case of a kind and unit, read once."""
        if (kind, unit) not in self._first_events:
            headers = {"Authorization": f"Bearer {self.token('sup-wang')}"}
            listed = self.http.get(
                "/cases", params={"kind": kind, "unit": unit, "limit": 500}, headers=headers
            )
            listed.raise_for_status()
            firsts = []
            for item in listed.json():
                history = self.http.get(f"/cases/{item['case_id']}/history", headers=headers)
                history.raise_for_status()
                firsts.append((item["case_id"], history.json()[0]["payload"]))
            self._first_events[(kind, unit)] = firsts
        return self._first_events[(kind, unit)]

    def open(
        self,
        user_id: str,
        command: dict[str, Any],
        days_ago: float | None = None,
        *,
        kind: str,
        same: tuple[str, ...],
    ) -> str | None:
        """Open a demo case, unless one with the same `same` fields exists: then None, so the
        steps that follow are skipped too and a second run adds nothing."""
        for known, payload in self._opened_before(kind, command["unit"]):
            if all(payload.get(key) == command.get(key) for key in same):
                self.found.append(known)
                return None
        case_id: str | None = self.send(user_id, "/cases", command, days_ago).get("case_id")
        if case_id:
            self.opened.append(case_id)
        return case_id

    def then(
        self,
        case_id: str | None,
        user_id: str,
        command: dict[str, Any],
        days_ago: float | None = None,
    ) -> None:
        if case_id:
            self.send(user_id, f"/cases/{case_id}/commands", command, days_ago)


# How a demo case is recognised when the demo runs again.
RESCUE: dict[str, Any] = {"kind": "rescue", "same": ("location",)}
RELIEF: dict[str, Any] = {"kind": "relief", "same": ("reason",)}
ORG: dict[str, Any] = {"kind": "social_org", "same": ("org_name",)}


def _person(age: int, sex: str = "male", name: str = "无名氏") -> dict[str, Any]:
    return {"name": name, "sex": sex, "age": age, "age_estimated": True}


def seed_users(demo: Demo) -> None:
    admin = {"Authorization": f"Bearer {demo.token('admin')}"}
    for user_id, (name, role, unit) in USERS.items():
        body = {
            "user_id": user_id,
            "display_name": name,
            "role": role.value,
            "unit": unit,
            "password": DEMO_PASSWORD,
        }
        demo.http.post("/users", json=body, headers=admin).raise_for_status()


def seed_rescue(demo: Demo) -> None:
    report = {"type": "ReportPerson", "source": "grid_patrol", "unit": STATION}
    # Found tonight, not yet taken in.
    demo.open("op-zhang", {**report, "location": "世纪大道地铁站 3 号口"}, **RESCUE)
    # Refused help in a cold wave two days ago: the 24-hour revisit is overdue.
    refused = demo.open(
        "op-zhang", {**report, "location": "陆家嘴滨江步道"}, days_ago=2.2, **RESCUE
    )
    demo.then(
        refused,
        "op-zhang",
        {"type": "RecordHelpRefused", "extreme_weather": True, "supplies_given": ["棉被", "热食"]},
        days_ago=2.1,
    )
    # Taken in five days ago; nobody has drafted the plan: plan approval escalated to L3.
    waiting = demo.open("op-zhang", {**report, "location": "浦东南路公交站"}, days_ago=9, **RESCUE)
    demo.then(
        waiting,
        "op-zhang",
        {"type": "RegisterIntake", "information": "unable", "person": _person(72)},
        days_ago=8.9,
    )
    # In the station for twelve days: the ten-day stay has run out.
    staying = demo.open("op-zhang", {**report, "location": "张江地铁站"}, days_ago=12.5, **RESCUE)
    demo.then(
        staying,
        "op-zhang",
        {"type": "RegisterIntake", "information": "provided", "person": _person(38, name="刘某")},
        days_ago=12.4,
    )
    demo.then(staying, "sw-li", {"type": "ClassifyPerson", "observed": []}, days_ago=12.3)
    # Refused to give any information: no help (办法 Art 6), the case closed.
    refusing = demo.open("op-zhang", {**report, "location": "源深体育中心"}, days_ago=1, **RESCUE)
    demo.then(
        refusing,
        "op-zhang",
        {"type": "RegisterIntake", "information": "refused", "person": _person(50)},
        days_ago=0.9,
    )


def seed_relief(demo: Demo) -> None:
    household = {
        "members": [
            {"name": "王某", "id_number": "310115198001011234", "age": 46},
            {"name": "王小某", "relation": "子", "age": 12},
        ],
        "declared_income_fen": 120_000,
    }
    application = {
        "type": "ApplyForAssistance",
        "programme": "dibao",
        "unit": STREET,
        "household": household,
        "consent_to_verification": True,
        "papers": ["id_document", "household_register", "income_proof", "asset_declaration"],
        "reason": "失业, 子女就学",
    }
    demo.open("op-qin", application, **RELIEF)
    # A paper application received nine working days ago and never accepted.
    late = demo.open("op-qin", {**application, "reason": "因病致贫"}, days_ago=14, **RELIEF)
    demo.then(late, "op-qin", {"type": "AcceptAssistanceApplication"}, days_ago=13)
    # A low-income alert three weeks ago that nobody verified at the door.
    demo.open(
        "op-qin",
        {
            "type": "OpenDiscoveryLead",
            "unit": STREET,
            "household_ref": "JC-2026-0871",
            "per_capita_income_fen": 90_000,
        },
        days_ago=21,
        kind="relief",
        same=("household_ref",),
    )


def seed_social_orgs(demo: Demo) -> None:
    from domain.socialorg.commands import OrgType
    from domain.socialorg.credit_code import CATEGORY, check_character

    documents = [
        "application_form",
        "articles",
        "capital_proof",
        "premises_proof",
        "leaders_info",
        "sponsor_approval",
    ]
    demo.open(
        "op-zhou",
        {
            "type": "ApplyForOrgRegistration",
            "org_type": "social_group",
            "org_name": "浦东新区青少年科技教育促进会",
            "unit": ORG_REGISTRY,
            "sponsor_unit": "浦东新区科学技术委员会",
            "documents": documents,
        },
        **ORG,
    )
    # An agency whose application has waited more than the 60 days the law allows.
    demo.open(
        "op-zhou",
        {
            "type": "ApplyForOrgRegistration",
            "org_type": "social_service_agency",
            "org_name": "浦东新区乐龄养老服务中心",
            "unit": ORG_REGISTRY,
            "sponsor_unit": "浦东新区民政局",
            "documents": documents,
        },
        days_ago=70,
        **ORG,
    )
    # A foundation registered last spring, in its first inspection year.
    foundation = demo.open(
        "op-zhou",
        {
            "type": "ApplyForOrgRegistration",
            "org_type": "foundation",
            "org_name": "浦东新区慈善助学基金会",
            "unit": ORG_REGISTRY,
            "documents": documents[:-1],
        },
        days_ago=300,
        **ORG,
    )
    first17 = "5" + CATEGORY[OrgType.FOUNDATION] + "310115MJ0654321"
    demo.then(
        foundation,
        "head-lin",
        {
            "type": "RegisterOrganisation",
            "certificate_number": "沪浦基证字第0042号",
            "credit_code": first17 + check_character(first17),
        },
        days_ago=280,
    )


def run_demo(api_url: str) -> Demo:
    with httpx.Client(base_url=api_url, timeout=60) as http:
        demo = Demo(http)
        seed_users(demo)
        for seed in (seed_rescue, seed_relief, seed_social_orgs):
            seed(demo)
        return demo
