"""Registration told as stories: documents, the 60-day decision, refusal, certificate and code."""

from __future__ import annotations

from datetime import date, timedelta

from domain.calendar import end_of_day
from domain.case import ClockStarted
from domain.clocks import Rung
from domain.socialorg import timers
from domain.socialorg.commands import (
    Document,
    OrgType,
    RecordOrgActivity,
    RefuseOrgRegistration,
    RegisterOrganisation,
    SubmitRegistrationDocuments,
)
from domain.socialorg.events import DocumentsMissing, OrganisationRegistered
from domain.socialorg.state import Stage
from tests.domain.socialorg_support import (
    APPROVER,
    AUDITOR,
    CASEWORKER,
    OPERATOR,
    SUPERVISOR,
    Org,
    application,
    credit_code,
    of_type,
    registered,
    registration,
    shanghai,
    types,
)

START = shanghai(2026, 3, 2)


def test_a_complete_application_starts_the_60_day_decision_clock() -> None:
    org = Org(START)
    events = org.send(application())
    assert types(events) == ["RegistrationApplied", "DocumentsCompleted", "ClockStarted"]
    clock = org.state.clocks["registration_decision"]
    # the 60th day after 2 March is 1 May, a holiday (1-5 May 2026): the period ends on the
    # next working day, 6 May, at 24:00 (民事诉讼法 Art 85)
    assert clock.due_at == end_of_day(date(2026, 5, 6))
    assert clock.due_on == date(2026, 5, 6)
    assert org.state.stage == Stage.UNDER_REVIEW
    assert org.state.application_received_by == OPERATOR.user_id


def test_an_incomplete_application_lists_everything_missing_at_once() -> None:
    org = Org(START)
    events = org.send(application(documents=[Document.APPLICATION_FORM]))
    (notice,) = of_type(events, "DocumentsMissing")
    assert notice == DocumentsMissing(
        missing=sorted(set(Document) - {Document.APPLICATION_FORM}), at=START
    )
    assert org.state.stage == Stage.APPLYING and not org.state.clocks


def test_a_directly_registered_organisation_needs_no_sponsor_approval() -> None:
    org = Org(START)
    org.send(application(sponsor_unit=None))
    assert org.state.stage == Stage.UNDER_REVIEW


def test_the_decision_clock_starts_when_the_last_document_arrives() -> None:
    org = Org(START)
    org.send(application(documents=[Document.APPLICATION_FORM, Document.ARTICLES]))
    org.after(timedelta(days=20))
    events = org.send(SubmitRegistrationDocuments(documents=[Document.CAPITAL_PROOF]))
    assert types(events) == ["DocumentsSubmitted", "DocumentsMissing"]
    org.after(timedelta(days=5))
    events = org.send(SubmitRegistrationDocuments(documents=list(Document)))
    assert types(events) == ["DocumentsSubmitted", "DocumentsCompleted", "ClockStarted"]
    assert org.state.clocks["registration_decision"].started_at == START + timedelta(days=25)
    org.refuses(SubmitRegistrationDocuments(documents=[Document.ARTICLES]), "wrong_stage")


def test_registration_records_certificate_and_code_and_arms_the_yearly_cycle() -> None:
    org = Org(START)
    org.send(application())
    org.after(timedelta(days=30))
    events = org.send(registration())
    registered_event = of_type(events, "OrganisationRegistered")[0]
    assert registered_event == OrganisationRegistered(
        certificate_number="沪浦社证字第0123号",
        credit_code=credit_code(),
        registered_on=date(2026, 4, 1),
        at=org.now,
    )
    assert types(events)[0] == "ClockStopped"  # the 60-day decision clock
    started = {e.clock.name: e.clock for e in events if isinstance(e, ClockStarted)}
    assert started[timers.NEXT_CYCLE].due_at == timers.start_of_day(date(2027, 1, 1))
    # registered 1 April 2026: the year ends at 24:00 of 1 April 2027 (社团条例 Art 29)
    assert started[timers.FIRST_ACTIVITY].due_at == end_of_day(date(2027, 4, 1))
    assert set(started[timers.NEXT_CYCLE].rungs) == {Rung.L1_DUE}  # a timer, not a deadline
    assert org.state.stage == Stage.REGISTERED and org.state.next_due_at is None


def test_the_credit_code_must_fit_the_organisation_type_and_its_check_character() -> None:
    org = Org(START)
    org.send(application(org_type=OrgType.FOUNDATION))
    org.refuses(registration(OrgType.SOCIAL_GROUP), "invalid_credit_code")
    good = credit_code(OrgType.FOUNDATION)
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    org.refuses(
        RegisterOrganisation(certificate_number="沪基证字第9号", credit_code=wrong_check),
        "invalid_credit_code",
    )
    org.send(registration(OrgType.FOUNDATION))


def test_whoever_took_the_application_may_not_decide_it() -> None:
    org = Org(START)
    org.send(application(), by=SUPERVISOR)
    org.refuses(registration(), "four_eyes", by=SUPERVISOR)
    org.refuses(registration(), "role_not_allowed", by=CASEWORKER)
    org.send(registration(), by=APPROVER)


def test_a_refusal_with_reasons_closes_the_case_and_stops_its_clock() -> None:
    org = Org(START)
    org.send(application())
    events = org.send(RefuseOrgRegistration(reasons=["宗旨违反社会公德 (社团条例 Art 13)"]))
    assert types(events) == ["ClockStopped", "RegistrationRefused"]
    assert org.state.closed and org.state.stage == Stage.REFUSED and not org.state.clocks
    org.refuses(registration(), "case_closed")


def test_an_undecided_application_escalates_after_60_days() -> None:
    org = Org(START)
    org.send(application())
    fired = org.at(shanghai(2026, 5, 6, 23))  # the 60th day, 1 May, is a holiday: due 6 May
    assert [e.rung for e in of_type(fired, "ClockEscalated")] == [Rung.REMINDER]
    fired = org.at(end_of_day(date(2026, 5, 6)))
    assert [e.rung for e in of_type(fired, "ClockEscalated")] == [Rung.L1_DUE]
    fired = org.at(end_of_day(date(2026, 5, 7)))  # the first working day after due has ended
    assert [e.rung for e in of_type(fired, "ClockEscalated")] == [Rung.L2_OVERDUE]
    assert org.state.escalation_level == 2


def test_only_front_line_staff_receive_applications() -> None:
    Org(START).refuses(application(), "role_not_allowed", by=AUDITOR)


def test_an_activity_stops_the_one_year_no_activity_timer() -> None:
    org = registered(active=False)
    org.after(timedelta(days=40))
    events = org.send(RecordOrgActivity(description="第一次会员大会", held_on=date(2026, 4, 5)))
    assert types(events) == ["OrgActivityRecorded", "ClockStopped"]
    assert timers.FIRST_ACTIVITY not in org.state.clocks
    org.refuses(RecordOrgActivity(description="未来活动", held_on=date(2027, 1, 1)), "future_date")
