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
# Rescue: the station's section head approves plans; a second supervisor keeps four eyes.
APPROVER = Actor(user_id="head-zhao", role=Role.APPROVER, unit=STATION)
SUPERVISOR_2 = Actor(user_id="sup-gu", role=Role.SUPERVISOR, unit="浦东新区民政局")


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


# --- social organisations (社会组织) -------------------------------------------------------------

ORG_REGISTRY = "浦东新区社会组织管理局"
ORG_OPERATOR = Actor(user_id="op-zhou", role=Role.OPERATOR, unit=ORG_REGISTRY)
ORG_CASEWORKER = Actor(user_id="cw-xu", role=Role.CASEWORKER, unit=ORG_REGISTRY)
ORG_APPROVER = Actor(user_id="head-lin", role=Role.APPROVER, unit=ORG_REGISTRY)
ORG_APPROVER_2 = Actor(user_id="head-gao", role=Role.APPROVER, unit=ORG_REGISTRY)


def org_case_id() -> str:
    return f"ORG-2026-{uuid.uuid4().int % 10**9:09d}"


def org_application(**overrides: Any) -> dict[str, Any]:
    """A complete application of a social group with a sponsor unit."""
    return {
        "type": "ApplyForOrgRegistration",
        "org_type": "social_group",
        "org_name": "浦东新区青少年科技教育促进会",
        "unit": ORG_REGISTRY,
        "sponsor_unit": "浦东新区科学技术委员会",
        "documents": [
            "application_form",
            "articles",
            "capital_proof",
            "premises_proof",
            "leaders_info",
            "sponsor_approval",
        ],
        **overrides,
    }


def org_registration(
    org_type: str = "social_group", body: str = "310115MJ0123456"
) -> dict[str, Any]:
    """Registration with a valid unified social credit code for the organisation's type."""
    from domain.socialorg.commands import OrgType
    from domain.socialorg.credit_code import CATEGORY, check_character

    first17 = "5" + CATEGORY[OrgType(org_type)] + body
    return {
        "type": "RegisterOrganisation",
        "certificate_number": "沪浦社证字第0123号",
        "credit_code": first17 + check_character(first17),
    }


def org_report(year: int, recipient: str) -> dict[str, Any]:
    return {"type": "FileAnnualReport", "year": year, "recipient": recipient}


# --- social assistance (社会救助) ----------------------------------------------------------------

STREET_OFFICE = "潍坊新村街道"
RELIEF_OPERATOR = Actor(user_id="op-qin", role=Role.OPERATOR, unit=STREET_OFFICE)
RELIEF_CASEWORKER = Actor(user_id="sw-tang", role=Role.CASEWORKER, unit=STREET_OFFICE)
RELIEF_APPROVER = Actor(user_id="head-song", role=Role.APPROVER, unit=STREET_OFFICE)
RELIEF_REVIEWER = Actor(user_id="sup-ma", role=Role.SUPERVISOR, unit="浦东新区民政局")
VERIFICATION_CENTRE = Actor(user_id="verification-centre", role=Role.INTEGRATION, unit="核对中心")


def relief_case_id() -> str:
    return f"REL-2026-{uuid.uuid4().int % 10**9:09d}"


def relief_application(**overrides: Any) -> dict[str, Any]:
    """A complete 低保 application of a two-person household that consents to verification."""
    return {
        "type": "ApplyForAssistance",
        "programme": "dibao",
        "unit": STREET_OFFICE,
        "household": {
            "members": [
                {"name": "王某", "id_number": "310115198001011234", "age": 46},
                {"name": "王小某", "relation": "子", "age": 12},
            ],
            "declared_income_fen": 120_000,
        },
        "consent_to_verification": True,
        "papers": ["id_document", "household_register", "income_proof", "asset_declaration"],
        "reason": "失业, 子女就学",
        **overrides,
    }
