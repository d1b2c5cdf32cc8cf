"""Rules per organisation type: each comes from the regulation of the type it applies to, and
the schedule of inspections an officer reads at registration."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.calendar import SHANGHAI
from domain.clocks import ClockRules
from domain.socialorg import SOCIAL_ORG, org_rules, timers
from domain.socialorg.commands import OrgType, RecordChangeApproval
from domain.socialorg.schedule import inspection_schedule
from tests.domain.socialorg_support import Org, application, registered, registration, types

ALL_TYPES = list(OrgType)


def test_only_social_groups_arm_the_one_year_no_activity_ground() -> None:
    group = registered(org_type=OrgType.SOCIAL_GROUP, active=False)
    assert timers.FIRST_ACTIVITY in group.state.clocks
    for org_type in (OrgType.SOCIAL_SERVICE_AGENCY, OrgType.FOUNDATION):
        org = registered(org_type=org_type, active=False, sponsor_unit=None)
        assert timers.FIRST_ACTIVITY not in org.state.clocks, org_type
        # and a year without activity flags nothing (社团条例 Art 29 is not their regulation)
        assert "ZombieFlagged" not in types(org.on(date(2027, 3, 3)))
        assert not org.state.zombie


def test_cases_counted_before_keep_arming_the_timer_for_every_type() -> None:
    org = Org(datetime(2026, 3, 2, 10, tzinfo=SHANGHAI))
    org.send(application(OrgType.FOUNDATION, None))
    org.state = org.state.model_copy(update={"clock_rules": ClockRules.EXACT_INSTANTS})
    org.send(registration(OrgType.FOUNDATION))
    assert timers.FIRST_ACTIVITY in org.state.clocks


@pytest.mark.parametrize("org_type", ALL_TYPES)
def test_two_consecutive_missed_inspections_flag_every_type(org_type: OrgType) -> None:
    org = registered(org_type=org_type, sponsor_unit=None)
    org.on(date(2027, 6, 1))
    assert not org.state.zombie
    fired = org.on(date(2028, 6, 1))
    assert {"ZombieFlagged", "RevocationProposed"} <= set(types(fired))
    assert org.state.zombie and org.state.revocation is not None
    # the proposal cites the type's own revocation article (社团 Art 30, 民非 Art 25, 基金会 Art 42)
    assert org_rules.REVOCATION[org_type] in org.state.revocation.grounds[-1]


@pytest.mark.parametrize(
    ("org_type", "source"),
    [
        (OrgType.SOCIAL_GROUP, "社团条例 Art 18"),
        (OrgType.SOCIAL_SERVICE_AGENCY, "民非条例 Art 15"),
        (OrgType.FOUNDATION, "基金会条例 Art 15"),
    ],
)
def test_a_late_change_registration_cites_the_types_own_regulation(
    org_type: OrgType, source: str
) -> None:
    org = registered(org_type=org_type, sponsor_unit=None)
    org.send(RecordChangeApproval(matters=["住所"], approved_on=date(2026, 3, 2)))
    org.on(date(2026, 4, 2))
    assert any(source in w for w in org.state.warnings), org.state.warnings


def test_every_per_type_rule_names_a_source_for_the_types_it_covers() -> None:
    tables = [
        org_rules.CHANGE_REGISTRATION,
        org_rules.DEREGISTRATION_APPLICATION,
        org_rules.REVOCATION,
    ]
    for table in tables:
        assert set(table) == set(OrgType)
    assert set(org_rules.NO_ACTIVITY_GROUND) == {OrgType.SOCIAL_GROUP}


# --- the schedule at registration --------------------------------------------------------------


def test_an_organisation_registered_in_spring_reports_on_its_first_year_next_spring() -> None:
    org = registered(on=datetime(2026, 3, 2, 10, tzinfo=SHANGHAI))  # a group with a sponsor
    first, second = inspection_schedule(org.state)
    assert (first.year, first.skipped) == (2026, False)
    assert (first.sponsor_due_on, first.authority_due_on) == (date(2027, 3, 31), date(2027, 5, 31))
    assert first.opens_on == date(2027, 1, 1)
    assert (second.year, second.authority_due_on) == (2027, date(2028, 5, 31))


def test_an_organisation_registered_in_autumn_skips_its_first_year_and_says_why() -> None:
    org = registered(on=datetime(2026, 8, 3, 10, tzinfo=SHANGHAI))
    skipped, first, _ = inspection_schedule(org.state)
    assert skipped.year == 2026 and skipped.skipped
    assert skipped.sponsor_due_on is None and skipped.authority_due_on is None
    assert skipped.reason is not None and "less than 6 months" in skipped.reason
    assert skipped.reason_zh is not None and "免于年检" in skipped.reason_zh
    assert (first.year, first.authority_due_on) == (2027, date(2028, 5, 31))


def test_a_foundation_reports_to_the_authority_by_31_march_and_has_no_sponsor_date() -> None:
    org = registered(org_type=OrgType.FOUNDATION, sponsor_unit=None)
    first = inspection_schedule(org.state)[0]
    assert (first.sponsor_due_on, first.authority_due_on) == (None, date(2027, 3, 31))


def test_the_schedule_is_in_the_read_model_and_the_case_view() -> None:
    org = registered(on=datetime(2026, 8, 3, 10, tzinfo=SHANGHAI))
    attributes = SOCIAL_ORG.attributes(org.state)
    assert attributes["inspection_status"] == "scheduled"
    assert attributes["inspections"] == {
        "2026": "skipped",
        "2027": "scheduled",
        "2028": "scheduled",
    }
    assert attributes["schedule"][0]["skipped"] is True
    details = SOCIAL_ORG.details(org.state)
    assert details["inspection_schedule"][1]["authority_due_on"] == "2028-05-31"


def test_once_the_year_opens_the_schedule_moves_on() -> None:
    org = registered()
    org.on(date(2027, 1, 2))
    assert [s.year for s in inspection_schedule(org.state)] == [2027, 2028]
