"""Remedies point at the decision they review or correct, and settle the money month by month."""

from __future__ import annotations

from datetime import timedelta

from domain.case import GrantExtension
from domain.relief.commands import (
    ApproveAssistance,
    DecideAssistanceAppeal,
    DecideCorrection,
    DeliverRefusalNotice,
    FileAssistanceAppeal,
    RecordFraud,
    RefuseAssistance,
    ReopenForCorrection,
    ToleranceCriteria,
)
from domain.relief.events import (
    AppealDecided,
    AppealFiled,
    AssistanceRedecided,
    BackPaymentOrdered,
    CorrectionDecided,
    CorrectionOpened,
    FineImposed,
    RecoveryOrdered,
)
from domain.relief.state import Stage
from tests.domain.relief_support import (
    APPROVER,
    CASEWORKER,
    SUPERVISOR,
    Story,
    deciding,
    types,
)

TOLERATED = ToleranceCriteria(
    good_faith=True,
    duties_done=True,
    objective_cause=True,
    corrected_in_time=True,
    no_serious_harm=True,
)


def refused() -> Story:
    story = deciding()  # decided on 2026-03-11
    story.do(RefuseAssistance(reasons=["核对显示收入超标"]))
    story.wait(days=1)
    story.do(DeliverRefusalNotice())
    return story


def approved(monthly: int = 100_000) -> Story:
    story = deciding()
    story.do(ApproveAssistance(monthly_amount_fen=monthly))  # from April 2026
    return story


def appeal(decision_no: int = 1) -> FileAssistanceAppeal:
    return FileAssistanceAppeal(decision_no=decision_no, grounds="核对数据有误: 存款为代管")


def test_an_appeal_points_at_the_decision_event_it_reviews() -> None:
    story = refused()
    decision_version = story.state.decisions[0].version
    assert story.history[decision_version - 1].type == "AssistanceRefused"
    events = story.do(appeal())
    filed = events[0]
    assert isinstance(filed, AppealFiled)
    assert (filed.decision_no, filed.decision_version) == (1, decision_version)
    assert types(events) == ["AppealFiled", "ClockStopped", "ClockStarted"]
    assert story.state.stage == Stage.APPEAL and set(story.state.clocks) == {"appeal_review"}


def test_an_appeal_after_the_window_is_refused_with_the_reason() -> None:
    story = refused()
    closes = story.state.decisions[0].appeal_until
    assert closes is not None
    story.at(closes + timedelta(seconds=1))
    refusal = story.refuses(appeal(), "appeal_out_of_time")
    assert "Art 20" in refusal.message
    story.refuses(appeal(decision_no=7), "no_such_decision")


def test_someone_who_took_part_in_the_decision_may_not_review_it() -> None:
    story = refused()
    story.do(appeal())
    upheld = DecideAssistanceAppeal(outcome="upheld", reasons=["维持"])
    story.refuses(upheld, "four_eyes", by=APPROVER)  # made the decision
    story.refuses(upheld, "role_not_allowed", by=CASEWORKER)


def test_an_upheld_refusal_closes_the_case() -> None:
    story = refused()
    story.do(appeal())
    events = story.do(DecideAssistanceAppeal(outcome="upheld", reasons=["原决定正确"]))
    assert types(events) == ["AppealDecided", "ClockStopped", "CaseClosed"]
    assert story.state.appeals[0].outcome == "upheld"


def test_an_overturned_refusal_pays_back_from_the_original_start_month() -> None:
    story = refused()  # would have paid from April 2026
    story.do(appeal())
    story.wait(days=75)  # decided on 2026-05-27: April and May are due
    events = story.do(
        DecideAssistanceAppeal(
            outcome="overturned", reasons=["存款为代管, 不计入"], monthly_amount_fen=150_000
        )
    )
    decided, _stopped, redecided, back_pay = events[:4]
    assert isinstance(decided, AppealDecided) and decided.decision_no == 1
    assert isinstance(redecided, AssistanceRedecided)
    assert (redecided.decision_no, redecided.reviews_decision_no) == (2, 1)
    assert redecided.reviews_version == story.state.decisions[0].version
    assert isinstance(back_pay, BackPaymentOrdered)
    assert [(x.month, x.difference_fen) for x in back_pay.lines] == [
        ("2026-04", 150_000),
        ("2026-05", 150_000),
    ]
    assert back_pay.total_fen == 300_000
    assert story.state.stage == Stage.IN_PAYMENT
    assert "periodic_review" in story.state.clocks
    # a re-decision on review goes to court next, not to another appeal
    story.refuses(appeal(decision_no=2), "not_appealable")


def test_a_varied_approval_recovers_what_was_overpaid() -> None:
    story = approved(monthly=100_000)
    story.do(appeal())
    story.wait(days=90)  # 2026-06-09: April to June were paid at 1000.00
    events = story.do(
        DecideAssistanceAppeal(outcome="varied", reasons=["人口核减"], monthly_amount_fen=80_000),
        by=SUPERVISOR,
    )
    recovery = next(e for e in events if isinstance(e, RecoveryOrdered))
    assert recovery.total_fen == -60_000 and len(recovery.lines) == 3
    assert story.state.stage == Stage.IN_PAYMENT


def test_appeal_review_extends_by_thirty_days_at_most() -> None:
    story = refused()
    story.do(appeal())
    story.do(GrantExtension(clock="appeal_review", by=30, reason="案情复杂"), by=SUPERVISOR)
    story.refuses(
        GrantExtension(clock="appeal_review", by=1, reason="再延"), "extension_limit", by=SUPERVISOR
    )


# --- 容错纠错 ----------------------------------------------------------------------------------


def test_a_late_correction_recovers_month_by_month_and_points_at_the_decision() -> None:
    story = approved(monthly=100_000)  # April 2026 on
    story.wait(days=160)  # found in August 2026
    opened = story.do(
        ReopenForCorrection(decision_no=1, error="漏计赡养费收入", error_by="sw-wang"),
        by=CASEWORKER,
    )[0]
    assert isinstance(opened, CorrectionOpened) and opened.decision_version == 1 + [
        e.type for e in story.history
    ].index("AssistanceApproved")
    assert story.state.stage == Stage.CORRECTION
    correction = DecideCorrection(
        criteria=TOLERATED.model_copy(update={"corrected_in_time": False}),
        corrected_amount_fen=70_000,
    )
    story.refuses(correction, "role_not_allowed", by=CASEWORKER)
    events = story.do(correction)
    decided = events[0]
    assert isinstance(decided, CorrectionDecided)
    assert (decided.corrects_decision_no, decided.tolerated) == (1, False)
    recovery = events[1]
    assert isinstance(recovery, RecoveryOrdered)
    assert [x.month for x in recovery.lines] == [
        "2026-04",
        "2026-05",
        "2026-06",
        "2026-07",
        "2026-08",
    ]
    assert all(x.difference_fen == -30_000 for x in recovery.lines)
    assert recovery.total_fen == -150_000
    assert story.state.stage == Stage.IN_PAYMENT
    assert story.state.corrections[0].tolerated is False
    # the original decision stays as it was
    assert story.history[story.state.decisions[0].version - 1].monthly_amount_fen == 100_000  # type: ignore[attr-defined]


def test_whoever_reopened_a_case_may_not_decide_its_correction() -> None:
    story = approved()
    story.do(
        ReopenForCorrection(decision_no=1, error="金额计算错误", error_by="system"), by=SUPERVISOR
    )
    story.refuses(
        DecideCorrection(criteria=TOLERATED, corrected_amount_fen=1), "four_eyes", by=SUPERVISOR
    )


def test_a_dibao_correction_can_recompute_from_the_corrected_income() -> None:
    story = approved(monthly=100_000)
    story.wait(days=40)
    story.do(
        ReopenForCorrection(decision_no=1, error="收入录入错误", error_by="op-li"), by=CASEWORKER
    )
    events = story.do(DecideCorrection(criteria=TOLERATED, corrected_household_income_fen=50_000))
    decided = events[0]
    assert isinstance(decided, CorrectionDecided) and decided.tolerated
    assert decided.amount_fen == 2 * 151_000 - 50_000
    back_pay = events[1]
    assert isinstance(back_pay, BackPaymentOrdered) and back_pay.total_fen == 152_000
    story.refuses(DecideCorrection(criteria=TOLERATED), "wrong_stage")


def test_a_refusal_found_wrong_is_corrected_into_payment_with_back_pay() -> None:
    story = refused()
    story.wait(days=30)
    story.do(
        ReopenForCorrection(decision_no=1, error="核对中心数据错配", error_by="centre"),
        by=CASEWORKER,
    )
    events = story.do(DecideCorrection(criteria=TOLERATED, corrected_amount_fen=120_000))
    assert [type(e).__name__ for e in events][:2] == ["CorrectionDecided", "BackPaymentOrdered"]
    assert story.state.stage == Stage.IN_PAYMENT
    assert "periodic_review" in story.state.clocks and "appeal_window" not in story.state.clocks


# --- fraud (Art 68) --------------------------------------------------------------------------


def test_fraud_stops_the_benefit_recovers_it_and_fines_one_to_three_times() -> None:
    story = approved(monthly=100_000)
    story.wait(days=130)  # July 2026
    events = story.do(RecordFraud(from_month="2026-05", fine_percent=150, findings="隐瞒经营收入"))
    assert types(events)[:3] == ["FraudSanctioned", "RecoveryOrdered", "FineImposed"]
    recovery, fined = events[1], events[2]
    assert isinstance(recovery, RecoveryOrdered) and recovery.total_fen == -300_000
    assert isinstance(fined, FineImposed) and fined.amount_fen == 450_000
    assert story.state.stage == Stage.STOPPED and story.state.fines_fen == 450_000
    assert set(story.state.clocks) == {"appeal_window"}
    # a stopped benefit can still be appealed; fraud recorded twice is refused
    story.refuses(
        RecordFraud(from_month="2026-05", fine_percent=150, findings="再次"), "nothing_paid"
    )
