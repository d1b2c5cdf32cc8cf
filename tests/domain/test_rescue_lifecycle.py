"""The whole rescue lifecycle told as stories: identity and tracing, housing, the plan, the stay,
every exit route, the follow-up and the close (DOMAIN.md §1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from domain.actors import SYSTEM
from domain.calendar import end_of_day
from domain.case import ClockExtended, ClockPaused, ClockResumed, EscalateClock
from domain.clocks import Rung
from domain.periods import add_months as months_later
from domain.rescue import RESCUE, rules
from domain.rescue.commands import Category, RecordHelpRefused, Sex
from domain.rescue.commands_care import (
    ApproveIndividualPlan,
    ApproveStayExtension,
    AssignHousing,
    CancelPlanService,
    CompletePlanService,
    NoteDistrictWeather,
    PublishFamilySearchNotice,
    RecordDnaCollected,
    RecordIdentityEstablished,
    RecordPoliceIdentityAnswer,
    RecordWeeklyReview,
    RequestDnaCollection,
    RequestStayExtension,
    ReturnIndividualPlan,
)
from domain.rescue.commands_exit import (
    AcknowledgeHandover,
    CloseRescueCase,
    HandOverToFamily,
    PlacePerson,
    RecordDeath,
    RecordFollowUpVisit,
    RecordHospitalDischarge,
    RecordSelfExit,
    RecordUnauthorisedDeparture,
    StartEscortedReturn,
    TerminateAssistance,
    TransferToHospital,
)
from domain.rescue.events import PersonReported
from domain.rescue.events_care import (
    IdentityCheckRequested,
    LongTermPlacementPrompted,
    OffSiteCareDecisionPrompted,
)
from domain.rescue.events_exit import MissingPersonReportedToPolice, StationExited
from domain.rescue.state import PlanStatus, ServiceStatus, Stage
from domain.rescue.vocabulary import (
    Collector,
    DischargeOutcome,
    ExitRoute,
    HousingArea,
    IdentityMethod,
    Placement,
    WeatherKind,
)
from tests.domain.rescue_story import (
    APPROVER,
    CASEWORKER,
    COLLECTOR_ID,
    KNOWN_ID,
    NOW,
    OPERATOR,
    OTHER_SUPERVISOR,
    SUPERVISOR,
    given,
    in_stay,
    intake,
    later,
    plan,
    report,
    service,
    started,
    types,
    unidentified,
)

COLLECTOR = Collector(name="张父", relation="父亲", id_number=COLLECTOR_ID)


# --- outreach and the district's extreme weather ---------------------------------------------


def test_refusal_while_the_district_is_in_extreme_weather_gets_the_shorter_revisit() -> None:
    case = given(report()).then(NoteDistrictWeather(weather=WeatherKind.COLD_WAVE, episode="WX-1"))
    events = case.when(RecordHelpRefused(supplies_given=["棉衣"]))
    revisit = started(events)["refusal_revisit"].clock
    assert revisit.due_at == NOW + timedelta(hours=rules.EXTREME_WEATHER_REVISIT.amount)
    assert revisit.due_at < NOW + timedelta(hours=rules.REFUSAL_REVISIT.amount)
    assert (
        events[0].type == "HelpRefused" and events[0].payload()["district_weather"] == "cold_wave"
    )


def test_after_the_weather_mode_ends_the_revisit_is_the_usual_24_hours() -> None:
    case = (
        given(report())
        .then(NoteDistrictWeather(weather=WeatherKind.HEAT_WAVE, episode="WX-1"))
        .then(NoteDistrictWeather(weather=None, episode=None))
    )
    events = case.when(RecordHelpRefused(extreme_weather=True))
    assert started(events)["refusal_revisit"].clock.due_at == NOW + timedelta(hours=24)


def test_a_second_refusal_is_the_revisit_and_sets_the_next_one() -> None:
    case = given(report(), RecordHelpRefused(extreme_weather=True))
    events = case.when(RecordHelpRefused(extreme_weather=True), at=later(hours=20))
    assert types(events) == ["ClockStopped", "HelpRefused", "ClockStarted"]
    assert started(events)["refusal_revisit"].clock.due_at == later(hours=44)


def test_only_the_system_notes_the_weather_and_only_when_it_changed() -> None:
    note = NoteDistrictWeather(weather=WeatherKind.COLD_WAVE, episode="WX-1")
    given(report()).refuses(note, by=OPERATOR, code="role_not_allowed")
    given(report()).then(note).refuses(note, code="no_change")


# --- intake: identity check or family tracing --------------------------------------------------


def test_unidentified_person_starts_every_tracing_clock_from_entry() -> None:
    events = given(report()).when(unidentified())
    clocks = {name: c.clock for name, c in started(events).items()}
    assert set(clocks) == {
        "family_search_notice",
        "dna_request",
        "unidentified_placement",
        "long_term_placement",
        "plan_approval",
    }
    assert clocks["family_search_notice"].due_at == NOW + timedelta(hours=24)
    assert clocks["dna_request"].due_at == end_of_day(date(2026, 3, 11))  # 7 working days
    # entry on 2 March is not counted: 10 days end at 24:00 of 12 March, 3 months of 2 June
    assert clocks["unidentified_placement"].due_at == end_of_day(date(2026, 3, 12))
    assert clocks["long_term_placement"].due_at == end_of_day(date(2026, 6, 2))


def test_three_months_are_calendar_months() -> None:
    assert months_later(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert months_later(date(2026, 3, 2), 3) == date(2026, 6, 2)


def test_an_id_number_is_checked_with_the_police_while_the_case_goes_on() -> None:
    events = given(report()).when(intake(id_number=KNOWN_ID))
    requested = [e for e in events if isinstance(e, IdentityCheckRequested)]
    assert requested == [
        IdentityCheckRequested(
            request_id=f"{'RSC-2026-000321'}/identity-1", id_number=KNOWN_ID, at=NOW
        )
    ]
    assert started(events)["identity_check"].clock.due_at == NOW + timedelta(hours=4)
    state = given(report(), intake(id_number=KNOWN_ID)).state
    assert not state.identified and state.pending_identity_check == "RSC-2026-000321/identity-1"


def test_police_confirm_the_identity() -> None:
    case = given(report(), intake(id_number=KNOWN_ID))
    answer = RecordPoliceIdentityAnswer(
        request_id="RSC-2026-000321/identity-1", found=True, hukou="北京东城"
    )
    events = case.when(answer)
    assert types(events) == ["PoliceIdentityConfirmed", "ClockStopped"]
    state = case.then(answer).state
    assert state.identified and state.pending_identity_check is None
    assert state.person is not None and state.person.hukou == "北京东城"


def test_police_do_not_know_the_person_so_tracing_counts_from_entry() -> None:
    case = given(report(), intake(id_number=KNOWN_ID))
    answer = RecordPoliceIdentityAnswer(request_id="RSC-2026-000321/identity-1", found=False)
    events = case.when(answer, at=later(hours=30))
    assert types(events)[:3] == ["PoliceIdentityNotFound", "ClockStopped", "FamilyTracingStarted"]
    search = started(events)["family_search_notice"].clock
    assert search.started_at == NOW and search.due_at == NOW + timedelta(hours=24)
    assert search.rungs_due(later(hours=30)) == [Rung.REMINDER, Rung.L1_DUE]  # already late


def test_only_the_system_records_the_police_answer_and_only_the_one_asked() -> None:
    case = given(report(), intake(id_number=KNOWN_ID))
    answer = RecordPoliceIdentityAnswer(request_id="RSC-2026-000321/identity-1", found=True)
    case.refuses(answer, by=OPERATOR, code="role_not_allowed")
    case.refuses(
        RecordPoliceIdentityAnswer(request_id="RSC-2026-000321/identity-9", found=True),
        code="stale_identity_answer",
    )
    case.then(answer).refuses(answer, code="stale_identity_answer")  # a late duplicate


def test_proof_path_cases_keep_their_rules() -> None:
    old = PersonReported(
        ruleset=rules.PROOF_PATH_RULESET,
        source=report().source,
        unit="浦东救助站",
        location="世纪大道",
        observed=[],
        escorted_to_station=False,
        note="",
        at=NOW,
    )
    events = given(old).when(intake(id_number=KNOWN_ID))
    assert not any(isinstance(e, IdentityCheckRequested) for e in events)
    assert set(started(given(old).when(unidentified()))) == {
        "family_search_notice",
        "plan_approval",
    }


def test_a_stored_version_1_report_reads_as_a_proof_path_case() -> None:
    payload = report().model_dump(mode="json", exclude={"type", "acute_illness"})
    event = RESCUE.parse_event("PersonReported", 1, {**payload, "at": NOW.isoformat()})
    assert isinstance(event, PersonReported) and event.ruleset == rules.PROOF_PATH_RULESET
    assert given(report()).state.ruleset == rules.RULESET


# --- family tracing ----------------------------------------------------------------------------


def test_family_search_notice_and_dna_steps_stop_their_clocks() -> None:
    case = in_stay(unidentified_person=True)
    notice = PublishFamilySearchNotice(channels=["全国救助寻亲网"])
    assert types(case.when(notice)) == ["FamilySearchNoticePublished", "ClockStopped"]
    case = case.then(notice)
    case.refuses(notice, code="already_done")
    requested = case.when(RequestDnaCollection(police_unit="浦东公安分局"))
    assert types(requested) == ["DnaCollectionRequested", "ClockStopped", "ClockStarted"]
    # 1 month from the request on 2 March: until 24:00 of 2 April
    assert started(requested)["dna_collection"].clock.due_at == end_of_day(date(2026, 4, 2))
    case.refuses(RecordDnaCollected(), code="wrong_step")
    case = case.then(RequestDnaCollection(police_unit="浦东公安分局"))
    assert types(case.when(RecordDnaCollected())) == ["DnaCollected", "ClockStopped"]


def test_tracing_steps_are_for_unidentified_persons_only() -> None:
    in_stay(id_number=KNOWN_ID).refuses(
        PublishFamilySearchNotice(channels=["全国救助寻亲网"]), code="not_tracing"
    )


def test_identity_established_ends_the_tracing() -> None:
    case = in_stay(unidentified_person=True)
    done = case.then(RecordIdentityEstablished(method=IdentityMethod.DNA_MATCH, hukou="安徽阜阳"))
    assert done.state.identified and not done.state.tracing
    assert set(done.state.clocks) == {"stay_limit", "plan_approval"}


def test_unidentified_after_ten_days_prompts_the_off_site_care_decision() -> None:
    case = in_stay(unidentified_person=True)
    ten_days_over = end_of_day(date(2026, 3, 12)) + timedelta(minutes=1)
    events = case.when(EscalateClock(clock="unidentified_placement"), at=ten_days_over)
    assert types(events) == ["ClockEscalated", "ClockEscalated", "OffSiteCareDecisionPrompted"]
    assert isinstance(events[-1], OffSiteCareDecisionPrompted)


def test_unidentified_after_three_months_prompts_long_term_placement() -> None:
    case = in_stay(unidentified_person=True)
    three_months_over = end_of_day(date(2026, 6, 2)) + timedelta(minutes=1)
    events = case.when(EscalateClock(clock="long_term_placement"), at=three_months_over)
    assert isinstance(events[-1], LongTermPlacementPrompted)
    reminder_only = case.when(EscalateClock(clock="long_term_placement"), at=later(days=62))
    assert types(reminder_only) == ["ClockEscalated"]


# --- classification and housing: women are housed apart -----------------------------------


@pytest.mark.parametrize(
    ("sex", "age", "area"),
    [
        (Sex.FEMALE, 30, HousingArea.WOMEN),
        (Sex.MALE, 30, HousingArea.MEN),
        (Sex.FEMALE, 12, HousingArea.GIRLS),
        (Sex.MALE, 12, HousingArea.BOYS),
        (Sex.UNKNOWN, 30, HousingArea.SINGLE_ROOM),
        (Sex.FEMALE, None, HousingArea.SINGLE_ROOM),
    ],
)
def test_classification_houses_the_person_apart_by_sex_and_age(
    sex: Sex, age: int | None, area: HousingArea
) -> None:
    assert in_stay(sex=sex, age=age).state.housing is area


def test_a_woman_is_never_housed_with_men() -> None:
    case = in_stay(sex=Sex.FEMALE)
    case.refuses(AssignHousing(area=HousingArea.MEN), code="women_housed_apart")
    assert (
        case.then(AssignHousing(area=HousingArea.SINGLE_ROOM)).state.housing
        is HousingArea.SINGLE_ROOM
    )


def test_a_man_is_never_housed_with_women() -> None:
    in_stay(sex=Sex.MALE).refuses(AssignHousing(area=HousingArea.WOMEN), code="women_housed_apart")


def test_a_person_of_unknown_sex_is_housed_alone() -> None:
    in_stay(sex=Sex.UNKNOWN).refuses(AssignHousing(area=HousingArea.MEN), code="women_housed_apart")


def test_minors_are_housed_apart_from_adults() -> None:
    in_stay(age=15).refuses(AssignHousing(area=HousingArea.MEN), code="minors_housed_apart")
    in_stay(age=40).refuses(AssignHousing(area=HousingArea.BOYS), code="minors_housed_apart")


# --- the individual plan (一人一策) ------------------------------------------------------------


def test_plan_author_cannot_approve_own_plan() -> None:
    case = in_stay().then(plan(service()), by=SUPERVISOR)
    case.refuses(ApproveIndividualPlan(version=1), by=SUPERVISOR, code="four_eyes")
    case.refuses(ApproveIndividualPlan(version=1), by=CASEWORKER, code="role_not_allowed")
    assert case.then(ApproveIndividualPlan(version=1), by=OTHER_SUPERVISOR).state.plan_in_force


def test_approval_starts_a_clock_per_service_and_ends_the_approval_clock() -> None:
    case = in_stay().then(plan(service("S1"), service("S2", due=date(2026, 3, 20))))
    events = case.when(ApproveIndividualPlan(version=1))
    assert types(events) == [
        "IndividualPlanApproved",
        "ClockStopped",
        "ClockStarted",
        "ClockStarted",
    ]
    assert started(events)["service:S1"].clock.due_at == end_of_day(date(2026, 3, 10))
    state = case.then(ApproveIndividualPlan(version=1)).state
    assert state.open_services == ["S1", "S2"] and "plan_approval" not in state.clocks


def test_an_overdue_service_escalates() -> None:
    case = in_stay().then(plan(service())).then(ApproveIndividualPlan(version=1))
    overdue = end_of_day(date(2026, 3, 10)) + timedelta(minutes=5)
    events = case.when(EscalateClock(clock="service:S1"), at=overdue)
    assert [Rung(e.payload()["rung"]) for e in events if e.type == "ClockEscalated"] == [
        Rung.REMINDER,
        Rung.L1_DUE,
    ]


def test_a_revision_is_a_new_version_and_the_old_one_stays_readable() -> None:
    approved = in_stay().then(plan(service())).then(ApproveIndividualPlan(version=1))
    revision = plan(service(due=date(2026, 3, 15)), service("S2"))
    drafted = approved.then(revision)
    assert "plan_revision_approval" in drafted.state.clocks
    assert drafted.state.plan_in_force is not None and drafted.state.plan_in_force.version == 1
    state = drafted.then(ApproveIndividualPlan(version=2)).state
    assert [(p.version, p.status) for p in state.plans] == [
        (1, PlanStatus.SUPERSEDED),
        (2, PlanStatus.APPROVED),
    ]
    assert state.plans[0].services[0].due == date(2026, 3, 10)  # version 1 as it was
    assert state.services["S1"].due == date(2026, 3, 15)
    assert state.clocks["service:S1"].due_at == end_of_day(date(2026, 3, 15))


def test_a_revision_cannot_drop_an_open_service_without_cancelling_it() -> None:
    approved = in_stay().then(plan(service(), service("S2"))).then(ApproveIndividualPlan(version=1))
    approved.refuses(plan(service()), code="service_dropped_without_cancel")
    cancelled = approved.then(CancelPlanService(service_id="S2", reason="家属已联系上"))
    assert cancelled.then(plan(service())).state.draft_plan is not None


def test_a_returned_plan_is_drafted_again() -> None:
    case = in_stay().then(plan(service()))
    returned = case.then(ReturnIndividualPlan(version=1, reason="目标不够具体"))
    assert returned.state.plans[0].status is PlanStatus.RETURNED
    returned.refuses(ApproveIndividualPlan(version=1), code="no_such_draft")
    assert returned.then(plan(service())).state.draft_plan is not None


def test_a_service_ends_completed_or_cancelled_with_a_reason() -> None:
    case = in_stay().then(plan(service(), service("S2"))).then(ApproveIndividualPlan(version=1))
    done = case.then(CompletePlanService(service_id="S1", outcome="已联系户籍地"))
    assert done.state.services["S1"].status is ServiceStatus.COMPLETED
    assert "service:S1" not in done.state.clocks
    with pytest.raises(ValidationError):
        CancelPlanService(service_id="S2", reason="")
    done.refuses(CompletePlanService(service_id="S1", outcome="再次"), code="no_such_service")


def test_a_service_cannot_be_due_in_the_past() -> None:
    in_stay().refuses(plan(service(due=date(2026, 3, 1))), code="service_due_in_past")


# --- the stay ----------------------------------------------------------------------------------


def test_a_stay_extension_is_approved_by_a_supervisor_who_did_not_ask() -> None:
    case = in_stay().then(RequestStayExtension(days=5, reason="等待家属来接"), by=SUPERVISOR)
    case.refuses(ApproveStayExtension(), by=SUPERVISOR, code="four_eyes")
    case.refuses(ApproveStayExtension(), by=APPROVER, code="role_not_allowed")
    events = case.when(ApproveStayExtension(), by=OTHER_SUPERVISOR)
    assert types(events) == ["StayExtensionApproved", "ClockExtended"]
    extended = events[1]
    assert isinstance(extended, ClockExtended)
    assert extended.clock.due_at == end_of_day(date(2026, 3, 17))  # 12 March + 5 days


def test_a_weekly_review_sets_the_next_one_a_week_later() -> None:
    case = in_stay(observed=[Category.MENTAL_OR_INTELLECTUAL])
    events = case.when(RecordWeeklyReview(notes="情绪稳定"), at=later(days=6))
    # reviewed on 8 March: the 7th day after is Sunday 15 March, so the next is due Monday
    assert started(events)["weekly_review"].clock.due_at == end_of_day(date(2026, 3, 16))
    in_stay().refuses(RecordWeeklyReview(notes="情绪稳定"), code="no_weekly_review")


# --- exits -------------------------------------------------------------------------------------


def test_minor_cannot_self_exit() -> None:
    case = in_stay(age=15)
    case.refuses(RecordSelfExit(declaration_signed=True), code="minor_cannot_self_exit")
    case.refuses(
        RecordSelfExit(declaration_signed=True), by=SUPERVISOR, code="minor_cannot_self_exit"
    )


def test_an_adult_leaves_with_a_signed_declaration() -> None:
    case = in_stay()
    case.refuses(RecordSelfExit(declaration_signed=False), code="declaration_required")
    events = case.when(RecordSelfExit(declaration_signed=True))
    assert events[0].type == "SelfExitDeclared" and events[-1] == StationExited(
        route=ExitRoute.SELF_EXIT, at=NOW
    )
    state = case.then(RecordSelfExit(declaration_signed=True)).state
    assert state.stage is Stage.EXITED and state.clocks == {}


def test_a_person_lacking_capacity_leaves_only_with_the_stations_consent() -> None:
    case = in_stay(observed=[Category.MENTAL_OR_INTELLECTUAL])
    case.refuses(RecordSelfExit(declaration_signed=True), code="station_consent_required")
    events = case.when(RecordSelfExit(declaration_signed=True), by=APPROVER)
    assert (
        events[0].type == "SelfExitDeclared"
        and events[0].payload()["station_consent_by"] == APPROVER.user_id
    )


def test_unauthorised_departure_of_a_minor_is_reported_to_police_at_once() -> None:
    events = in_stay(age=12).when(RecordUnauthorisedDeparture(last_seen="站门口"))
    assert types(events)[:2] == ["UnauthorisedDepartureRecorded", "MissingPersonReportedToPolice"]
    assert StationExited(route=ExitRoute.UNAUTHORISED_DEPARTURE, at=NOW) in events
    adult = in_stay().when(RecordUnauthorisedDeparture(last_seen="站门口"))
    assert not any(isinstance(e, MissingPersonReportedToPolice) for e in adult)


def test_collector_id_is_checked_before_handing_the_person_to_family() -> None:
    case = in_stay()
    unchecked = HandOverToFamily(collector=COLLECTOR, collector_id_checked=False)
    case.refuses(unchecked, code="collector_id_unchecked")
    events = case.when(HandOverToFamily(collector=COLLECTOR, collector_id_checked=True))
    assert (
        events[0].type == "HandedOverToFamily"
        and events[0].payload()["id_checked_by"] == OPERATOR.user_id
    )
    with pytest.raises(ValidationError):
        Collector(name="张父", relation="父亲", id_number="not-an-id")


def test_at_risk_person_returned_home_gets_a_follow_up_at_thirty_days() -> None:
    case = in_stay().then(
        HandOverToFamily(collector=COLLECTOR, collector_id_checked=True, at_risk=True)
    )
    assert case.state.stage is Stage.FOLLOW_UP
    assert case.state.clocks["follow_up"].due_at == end_of_day(date(2026, 4, 1))
    case.refuses(CloseRescueCase(summary="已返家"), code="follow_up_pending")
    visited = case.then(RecordFollowUpVisit(outcome="生活稳定"), at=later(days=29))
    assert visited.state.stage is Stage.EXITED and visited.state.clocks == {}
    assert visited.then(CloseRescueCase(summary="已返家")).state.closed


def test_cross_region_return_waits_for_the_receiving_bureau() -> None:
    escort = StartEscortedReturn(
        destination="安徽阜阳",
        receiving_bureau="阜阳市救助站",
        cross_region=True,
        escorts=["sw-li"],
    )
    case = in_stay().then(escort)
    assert case.state.stage is Stage.RETURNING and set(case.state.clocks) == {"handover_ack"}
    case.refuses(CloseRescueCase(summary="返乡"), code="awaiting_handover_ack")
    acknowledged = case.then(AcknowledgeHandover(receipt_ref="FY-2026-031"))
    assert acknowledged.state.stage is Stage.EXITED and acknowledged.state.clocks == {}


def test_medical_transfer_keeps_the_case_open_until_the_discharge_notice() -> None:
    case = in_stay().then(TransferToHospital(hospital="浦东医院", reason="肺炎"))
    assert case.state.stage is Stage.IN_HOSPITAL
    assert not case.state.clocks["stay_limit"].running  # the stay pauses in hospital
    case.refuses(CloseRescueCase(summary="转医"), code="awaiting_discharge_notice")
    case.refuses(RecordSelfExit(declaration_signed=True), code="wrong_stage")
    notice = RecordHospitalDischarge(outcome=DischargeOutcome.DISCHARGED, notice_ref="出院-17")
    discharged = case.then(notice, at=later(days=3))
    assert discharged.state.exit_route is ExitRoute.MEDICAL_TRANSFER
    assert discharged.then(CloseRescueCase(summary="出院")).state.closed


def test_returning_from_hospital_resumes_the_stay() -> None:
    case = in_stay().then(TransferToHospital(hospital="浦东医院", reason="外伤"))
    back = RecordHospitalDischarge(
        outcome=DischargeOutcome.RETURNED_TO_STATION, notice_ref="出院-9"
    )
    events = case.when(back, at=later(days=4))
    assert types(events) == ["HospitalDischargeNoticeReceived", "ClockResumed"]
    resumed = events[1]
    # paused on 2 March with its 10 days left, resumed on 6 March: until 24:00 of 16 March
    assert isinstance(resumed, ClockResumed)
    assert resumed.clock.due_at == end_of_day(date(2026, 3, 16))
    assert case.then(back).state.stage is Stage.IN_STAY
    assert not any(isinstance(e, ClockPaused) for e in events)


def test_a_case_cannot_close_while_a_plan_service_is_open() -> None:
    case = (
        in_stay()
        .then(plan(service(), service("S2")))
        .then(ApproveIndividualPlan(version=1))
        .then(CompletePlanService(service_id="S1", outcome="已完成"))
        .then(RecordSelfExit(declaration_signed=True))
    )
    case.refuses(CloseRescueCase(summary="自行离站"), code="open_plan_services")
    assert "service:S2" in case.state.clocks  # still escalates after the exit
    cancelled = case.then(CancelPlanService(service_id="S2", reason="本人已离站"))
    closed = cancelled.then(CloseRescueCase(summary="自行离站")).state
    assert closed.closed and closed.clocks == {}


def test_death_notifies_police_and_family() -> None:
    case = in_stay()
    no_family = RecordDeath(cause="心脏骤停", police_notice_ref="110-88", family_notified=False)
    case.refuses(no_family, code="family_notice_required")
    events = case.when(
        RecordDeath(cause="心脏骤停", police_notice_ref="110-88", family_notified=True)
    )
    assert types(events)[:3] == ["PersonDied", "PoliceNotifiedOfDeath", "FamilyNotifiedOfDeath"]
    unknown_family = RecordDeath(
        cause="心脏骤停",
        police_notice_ref="110-88",
        family_notified=False,
        family_not_reached_reason="身份不明, 寻亲公告中",
    )
    assert types(case.when(unknown_family))[2] == "FamilyNotReachedAfterDeath"


def test_termination_has_written_reasons_and_is_decided_by_an_approver() -> None:
    case = in_stay()
    case.refuses(TerminateAssistance(reasons=["违反站规"]), by=OPERATOR, code="role_not_allowed")
    events = case.when(TerminateAssistance(reasons=["违反站规"]))
    assert events[0].type == "AssistanceTerminated" and events[0].payload()["reasons"] == [
        "违反站规"
    ]
    with pytest.raises(ValidationError):
        TerminateAssistance(reasons=[])


def test_off_site_care_keeps_the_case_open_and_long_term_placement_needs_hukou() -> None:
    case = in_stay(unidentified_person=True).then(
        PlacePerson(placement=Placement.OFF_SITE_CARE, facility="惠南托养点")
    )
    assert case.state.stage is Stage.OFF_SITE_CARE and not case.state.closed
    assert {"long_term_placement", "weekly_review"} <= set(case.state.clocks)
    assert "stay_limit" not in case.state.clocks
    long_term = PlacePerson(placement=Placement.LONG_TERM, facility="福利院")
    case.refuses(long_term, code="hukou_registration_required")
    placed = case.then(long_term.model_copy(update={"hukou_registered": True}))
    assert placed.state.exit_route is ExitRoute.PLACEMENT and placed.state.clocks == {}


def test_escalation_is_the_systems_and_a_closed_case_takes_no_more() -> None:
    closed = (
        in_stay()
        .then(RecordSelfExit(declaration_signed=True))
        .then(CloseRescueCase(summary="离站"))
    )
    closed.refuses(CloseRescueCase(summary="离站"), code="wrong_stage")
    closed.refuses(EscalateClock(clock="stay_limit"), by=SYSTEM, code="case_closed")


def test_nobody_closes_a_case_still_in_the_station() -> None:
    in_stay().refuses(CloseRescueCase(summary="结案"), code="wrong_stage")
    given(report(), intake()).refuses(ApproveStayExtension(), code="wrong_stage")
    in_stay().refuses(AcknowledgeHandover(receipt_ref="x"), code="wrong_stage")
