"""Applications, acceptance, the one notice of missing papers, and proactive-discovery leads."""

from __future__ import annotations

from datetime import timedelta

from domain.calendar import end_of_day
from domain.case import ClockPaused, ClockResumed, ClockStarted, GrantExtension
from domain.clocks import Rung
from domain.relief.commands import (
    AcceptAssistanceApplication,
    ApplyOnBehalf,
    CloseDiscoveryLead,
    OpenDiscoveryLead,
    SubmitMissingPapers,
    WithdrawAssistanceApplication,
)
from domain.relief.events import MissingPapersNotified, VerificationRequested
from domain.relief.household import Paper, Programme
from domain.relief.state import Stage
from tests.domain.relief_support import (
    AUDITOR,
    CALENDAR,
    CASE_ID,
    NOW,
    SUPERVISOR,
    Story,
    accepted,
    application,
    household,
    types,
)


def test_an_application_not_accepted_in_five_working_days_raises_the_alarm() -> None:
    story = Story()
    story.do(application())
    story.wait(days=7, hours=15)  # 5 working days after a Monday morning: Monday night
    assert [e.rung for e in story.tick()] == [Rung.REMINDER, Rung.L1_DUE]  # type: ignore[attr-defined]


def test_an_application_needs_consent_to_verification() -> None:
    Story().refuses(application(consent_to_verification=False), "consent_required")


def test_the_fast_track_is_for_temporary_assistance_only() -> None:
    Story().refuses(application(Programme.DIBAO, emergency=True), "emergency_is_temporary")


def test_an_auditor_cannot_record_an_application() -> None:
    Story().refuses(application(), "role_not_allowed", by=AUDITOR)


def test_acceptance_with_all_papers_starts_the_clock_and_asks_the_centre() -> None:
    story = Story()
    story.do(application())
    events = story.do(AcceptAssistanceApplication())
    assert types(events) == [
        "ApplicationAccepted",
        "ClockStopped",  # acceptance (policy: 5 working days)
        "ClockStarted",
        "VerificationRequested",
        "ClockStarted",
    ]
    assert isinstance(events[3], VerificationRequested)
    assert events[3].request_key == f"{CASE_ID}/V1"
    clock = story.state.clocks["whole_process"]
    assert clock.due_at == end_of_day(CALENDAR.add_working_days(NOW.date(), 30))
    assert story.state.stage == Stage.VERIFICATION
    assert story.state.requests_to_send() == [f"{CASE_ID}/V1"]


def test_missing_papers_get_one_notice_listing_all_and_pause_the_clock() -> None:
    story = Story()
    story.do(application(papers=["id_document"]))
    events = story.do(AcceptAssistanceApplication())
    notice = next(e for e in events if isinstance(e, MissingPapersNotified))
    assert notice.missing == sorted(
        [Paper.ASSET_DECLARATION, Paper.HOUSEHOLD_REGISTER, Paper.INCOME_PROOF]
    )
    assert any(isinstance(e, ClockPaused) for e in events)
    assert story.state.stage == Stage.AWAITING_PAPERS
    assert not story.state.clocks["whole_process"].running
    assert story.state.requests == {}


def test_the_clock_resumes_with_the_time_it_had_left_when_the_last_paper_arrives() -> None:
    story = Story()
    story.do(application(papers=["id_document"]))
    story.do(AcceptAssistanceApplication())
    story.wait(days=14)
    partial = story.do(SubmitMissingPapers(papers=["household_register"]))
    assert types(partial) == ["PapersReceived"]
    story.refuses(SubmitMissingPapers(papers=["incapacity_proof"]), "not_requested")
    story.wait(days=7)
    rest = story.do(SubmitMissingPapers(papers=["income_proof", "asset_declaration"]))
    assert types(rest) == [
        "PapersReceived",
        "ClockResumed",
        "VerificationRequested",
        "ClockStarted",
    ]
    resumed = next(e for e in rest if isinstance(e, ClockResumed)).clock
    # 30 working days counted from the day the papers were complete, none lost while waiting
    assert resumed.due_at == end_of_day(CALENDAR.add_working_days(story.now.date(), 30))
    assert story.state.stage == Stage.VERIFICATION


def test_the_whole_process_extends_to_45_working_days_and_no_further() -> None:
    story = accepted()
    extend = GrantExtension(clock="whole_process", by=10, reason="特殊情况: 异地核对")
    story.do(extend, by=SUPERVISOR)
    story.refuses(extend, "extension_limit", by=SUPERVISOR)
    story.do(extend.model_copy(update={"by": 5}), by=SUPERVISOR)
    assert story.state.extended["whole_process"] == 15


def test_a_withdrawn_application_closes_with_every_clock_stopped() -> None:
    story = accepted()
    events = story.do(WithdrawAssistanceApplication(reason="申请人撤回"))
    assert types(events)[0] == "ApplicationWithdrawn" and types(events)[-1] == "CaseClosed"
    assert story.state.closed and story.state.clocks == {}
    story.refuses(AcceptAssistanceApplication(), "case_closed")


# --- proactive discovery (政策找人) -------------------------------------------------------------


def lead(**fields: object) -> OpenDiscoveryLead:
    defaults: dict[str, object] = {
        "unit": "潍坊新村街道",
        "household_ref": "MON-2026-0815",
        "per_capita_income_fen": 200_000,
        "line_fen": 151_000,
    }
    return OpenDiscoveryLead.model_validate({**defaults, **fields})


def test_a_lead_needs_income_below_one_and_a_half_times_the_line() -> None:
    Story().refuses(lead(per_capita_income_fen=226_500), "no_alert")
    events = Story().do(lead(per_capita_income_fen=226_499))
    assert types(events) == ["LeadOpened", "ClockStarted"]
    started = events[1]
    assert isinstance(started, ClockStarted)
    assert started.clock.due_at == end_of_day(CALENDAR.add_working_days(NOW.date(), 10))


def test_a_lead_closed_with_reasons_closes_the_case() -> None:
    story = Story()
    story.do(lead())
    events = story.do(CloseDiscoveryLead(reasons=["入户核实: 收入已超过低保标准"]))
    assert types(events) == ["LeadClosed", "ClockStopped", "CaseClosed"]
    assert story.state.closed


def test_a_lead_becomes_an_application_on_the_households_behalf() -> None:
    story = Story()
    story.do(lead())
    story.wait(days=3)
    events = story.do(
        ApplyOnBehalf(
            programme=Programme.DIBAO,
            household=household(),
            consent_to_verification=True,
            papers=["id_document"],
        )
    )
    assert types(events) == [
        "LeadConverted",
        "ClockStopped",
        "ApplicationSubmitted",
        "ClockStarted",
    ]
    assert set(story.state.clocks) == {"acceptance"}
    assert story.state.on_behalf and story.state.stage == Stage.APPLIED
    assert story.state.unit == "潍坊新村街道"
    assert story.state.opened_at == NOW
    story.do(AcceptAssistanceApplication())
    assert story.state.stage == Stage.AWAITING_PAPERS
    assert story.state.opened_at + timedelta(days=3) == story.now
