"""A refusal notice sent by post (or otherwise) is served only when its proof comes back
(送达回证); until then a clock runs, and the appeal period counts from service."""

from __future__ import annotations

from datetime import date

from domain.calendar import end_of_day, local_date
from domain.clocks import Rung
from domain.relief import rules
from domain.relief.commands import (
    DeliverRefusalNotice,
    RefuseAssistance,
    SendRefusalNotice,
    ServiceMethod,
)
from domain.relief.events import RefusalNoticeDelivered, RefusalNoticeSent
from domain.relief.state import Stage
from tests.domain.relief_support import CALENDAR, OPERATOR, Story, deciding, types


def refused() -> Story:
    story = deciding()
    story.do(RefuseAssistance(reasons=["家庭收入超过低保标准"]))
    return story


def test_sending_the_notice_meets_its_deadline_and_starts_the_service_clock() -> None:
    story = refused()
    events = story.do(SendRefusalNotice(method=ServiceMethod.POST))
    assert events[0] == RefusalNoticeSent(
        decision_no=1,
        method=ServiceMethod.POST,
        states_appeal_right=True,
        sent_by=OPERATOR.user_id,
        at=story.now,
    )
    assert "refusal_notice" not in story.state.clocks
    service = story.state.clocks[rules.REFUSAL_NOTICE_SERVICE.name]
    assert service.due_at == end_of_day(CALENDAR.add_working_days(story.now.date(), 10))
    assert story.state.stage == Stage.REFUSAL_NOTICE


def test_no_proof_of_service_escalates() -> None:
    story = refused()
    story.do(SendRefusalNotice(method=ServiceMethod.POST))
    story.wait(days=30)
    escalated = [e for e in story.tick() if e.type == "ClockEscalated"]
    assert [e.rung for e in escalated] == [
        Rung.REMINDER,
        Rung.L1_DUE,
        Rung.L2_OVERDUE,
        Rung.L3_LEADERSHIP,
    ]


def test_a_sent_notice_is_served_only_with_its_proof() -> None:
    story = refused()
    story.do(SendRefusalNotice(method=ServiceMethod.POST))
    story.refuses(DeliverRefusalNotice(), code="proof_of_service_required")
    story.wait(days=4)
    events = story.do(DeliverRefusalNotice(proof_ref="EMS-1180-7721"))
    served = events[0]
    assert isinstance(served, RefusalNoticeDelivered)
    assert (served.method, served.proof_ref) == (ServiceMethod.POST, "EMS-1180-7721")
    # from service on 14 March (not counted), not sending: until 24:00 of 13 May
    assert local_date(story.now) == date(2026, 3, 14)
    assert served.appeal_until == end_of_day(date(2026, 5, 13))
    assert rules.REFUSAL_NOTICE_SERVICE.name not in story.state.clocks
    assert story.state.stage == Stage.REFUSED


def test_a_notice_handed_over_in_person_is_delivered_at_once() -> None:
    story = refused()
    story.refuses(SendRefusalNotice(method=ServiceMethod.DIRECT), code="served_directly")
    events = story.do(DeliverRefusalNotice(method=ServiceMethod.DIRECT))
    assert types(events)[:2] == ["RefusalNoticeDelivered", "ClockStopped"]


def test_a_notice_is_sent_once() -> None:
    story = refused()
    story.do(SendRefusalNotice(method=ServiceMethod.ELECTRONIC))
    story.refuses(SendRefusalNotice(method=ServiceMethod.POST), code="notice_already_sent")
