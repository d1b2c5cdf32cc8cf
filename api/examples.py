"""Example request bodies for the OpenAPI schema: what staff send, one lifecycle at a time."""

from __future__ import annotations

from typing import Any

OPENING_EXAMPLES: dict[str, dict[str, Any]] = {
    "rescue": {
        "summary": "A grid patrol reports a person in need (救助)",
        "value": {
            "type": "ReportPerson",
            "source": "grid_patrol",
            "unit": "浦东新区救助管理站",
            "location": "世纪大道地铁站 3 号口",
            "observed": ["elderly"],
            "escorted_to_station": False,
            "acute_illness": False,
        },
    },
    "relief": {
        "summary": "A household applies for 低保",
        "value": {
            "type": "ApplyForAssistance",
            "programme": "dibao",
            "unit": "潍坊新村街道",
            "household": {"members": [{"name": "王某", "age": 46}], "declared_income_fen": 120000},
            "consent_to_verification": True,
            "papers": ["id_document", "household_register", "income_proof", "asset_declaration"],
        },
    },
    "social_org": {
        "summary": "A social group applies for registration (社会团体登记)",
        "value": {
            "type": "ApplyForOrgRegistration",
            "org_type": "social_group",
            "org_name": "浦东新区青少年科技教育促进会",
            "unit": "浦东新区社会组织管理局",
            "sponsor_unit": "浦东新区科学技术委员会",
            "documents": [
                "application_form",
                "articles",
                "capital_proof",
                "premises_proof",
                "leaders_info",
                "sponsor_approval",
            ],
        },
    },
}

COMMAND_EXAMPLES: dict[str, dict[str, Any]] = {
    "intake": {
        "summary": "Rescue: intake, the person cannot give information (先行救助)",
        "value": {
            "type": "RegisterIntake",
            "information": "unable",
            "person": {"sex": "male", "age": 72, "age_estimated": True},
        },
    },
    "classify": {
        "summary": "Rescue: classify the person",
        "value": {"type": "ClassifyPerson", "observed": []},
    },
    "accept": {
        "summary": "Relief: accept the application (starts the 30-working-day clock)",
        "value": {"type": "AcceptAssistanceApplication"},
    },
    "report": {
        "summary": "Social organisation: file the annual report to the authority",
        "value": {"type": "FileAnnualReport", "year": 2026, "recipient": "authority"},
    },
    "extension": {
        "summary": "Any case: a supervisor grants an extension (延期)",
        "value": {
            "type": "GrantExtension",
            "clock": "stay_limit",
            "by": 3,
            "reason": "等待家属接领",
        },
    },
    "recompute": {
        "summary": "Any case: a supervisor recomputes its clocks after a holiday notice loaded",
        "value": {"type": "RecomputeClocks", "reason": "2027年节假日安排已公布"},
    },
    "delivered": {
        "summary": "Relief: the refusal notice reached the applicant on a given day",
        "value": {"type": "DeliverRefusalNotice", "delivered_on": "2026-12-01"},
    },
}
