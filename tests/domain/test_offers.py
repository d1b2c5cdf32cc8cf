"""What a case offers now agrees with what its decider does with real commands.

At every step of a story, every real command of the story is decided by its usual actor: a
command refused on stage alone is never offered, and a command that is not offered is always
refused on stage or for having nothing to act on (no draft waits, no service is open). A command offered to other roles only is
refused to its sender for the role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from domain.actors import Actor
from domain.case import CaseState
from domain.errors import DomainError
from domain.lifecycle import Lifecycle
from domain.messages import Command, DecisionContext
from domain.offers import NOT_ON_OFFER, ROLE_CODES, STAGE_CODES, offered_commands
from domain.relief import RELIEF
from domain.relief.commands import (
    AcceptAssistanceApplication,
    ApproveAssistance,
    FileAssistanceAppeal,
    ObjectionRoute,
    PublishAssistanceNotice,
    RecordHomeInvestigation,
    RecordNoticeObjection,
    RefuseAssistance,
    WithdrawAssistanceApplication,
)
from domain.rescue import RESCUE
from domain.rescue.commands import ClassifyPerson, CloseReport, DenyAssistance, RecordHelpRefused
from domain.rescue.commands_care import (
    ApproveIndividualPlan,
    AssignHousing,
    CompletePlanService,
    RecordWeeklyReview,
    ReturnIndividualPlan,
)
from domain.rescue.commands_exit import CloseRescueCase, PlacePerson, RecordSelfExit
from domain.rescue.vocabulary import HousingArea, Placement
from domain.socialorg import SOCIAL_ORG
from domain.socialorg.commands import (
    FileAnnualReport,
    ProposeRevocation,
    RecordOrgActivity,
    StartLiquidation,
)
from tests.domain import relief_support as relief
from tests.domain import rescue_story as rescue
from tests.domain import socialorg_support as org

Step = tuple[CaseState, datetime]


def check(
    lifecycle: Lifecycle[Any],
    steps: Iterable[Step],
    pool: list[Command],
    usual_actor: Callable[[Command], Actor],
    calendar: Any,
) -> int:
    """Hold offers and decider to each other at every step; returns the checks made."""
    checked = 0
    for state, now in steps:
        for command in pool:
            actor = usual_actor(command)
            ctx = DecisionContext(now, actor, calendar)
            offers = offered_commands(lifecycle, state, ctx)
            code = None
            try:
                lifecycle.decide(state, command, ctx)
            except DomainError as refused:
                code = refused.code
            where = f"{command.type} by {actor.user_id} at stage {state.stage}: {code}"
            if code in STAGE_CODES:
                assert command.type not in offers.all, f"offered but refused: {where}"
            if command.type not in offers.all:
                assert code in NOT_ON_OFFER, f"not offered but not refused on stage: {where}"
            if command.type in offers.other_roles:
                assert code in ROLE_CODES, f"offered to others only, yet: {where}"
            checked += 1
    return checked


def test_rescue_offers_match_the_decider_through_a_stay() -> None:
    service = rescue.service("S1", due=date(2026, 3, 20))
    story: list[Command] = [
        rescue.report(),
        rescue.intake(),
        ClassifyPerson(observed=[]),
        AssignHousing(area=HousingArea.SINGLE_ROOM),
        rescue.plan(service),
        ApproveIndividualPlan(version=1),
        CompletePlanService(service_id="S1", outcome="已联系家属"),
        RecordSelfExit(declaration_signed=True),
        CloseRescueCase(summary="自行离站, 服务完成"),
    ]
    extra: list[Command] = [
        RecordHelpRefused(),
        CloseReport(reason="未找到当事人"),
        DenyAssistance(reasons=["不符合条件"]),
        ReturnIndividualPlan(version=1, reason="目标不具体"),
        ApproveIndividualPlan(version=2),
        RecordWeeklyReview(notes="情况稳定"),
        PlacePerson(placement=Placement.WELFARE_INSTITUTION, facility="浦东福利院"),
    ]
    steps: list[Step] = [(RESCUE.initial(rescue.CASE_ID), rescue.NOW)]
    state = steps[0][0]
    for command in story:
        ctx = DecisionContext(rescue.NOW, rescue.usual_actor(command), rescue.CALENDAR)
        offers = offered_commands(RESCUE, state, ctx)
        assert command.type in offers.yours, f"{command.type} not offered at {state.stage}"
        state = RESCUE.fold(RESCUE.decide(state, command, ctx), state)
        steps.append((state, rescue.NOW))
    assert state.closed
    assert check(RESCUE, steps, story + extra, rescue.usual_actor, rescue.CALENDAR) > 100


def test_an_operator_is_offered_intake_but_not_the_plan_approval() -> None:
    state = rescue.given(rescue.report()).state
    ctx = DecisionContext(rescue.NOW, rescue.OPERATOR, rescue.CALENDAR)
    offers = offered_commands(RESCUE, state, ctx)
    assert "RegisterIntake" in offers.yours
    assert "ReportPerson" not in offers.all  # the case is open already
    assert "ApproveIndividualPlan" not in offers.all  # no plan waits
    drafted = rescue.in_stay().then(rescue.plan(rescue.service(due=date(2026, 3, 20)))).state
    assert "ApproveIndividualPlan" in offered_commands(RESCUE, drafted, ctx).other_roles
    approver = DecisionContext(rescue.NOW, rescue.APPROVER, rescue.CALENDAR)
    assert "ApproveIndividualPlan" in offered_commands(RESCUE, drafted, approver).yours


def test_relief_offers_match_the_decider_from_application_to_appeal() -> None:
    story = relief.Story()
    pool: list[Command] = [
        relief.application(),
        AcceptAssistanceApplication(),
        RecordHomeInvestigation(findings="入户核实: 家庭困难属实", recommendation="eligible"),
        PublishAssistanceNotice(),
        RecordNoticeObjection(summary="邻居反映有收入", route=ObjectionRoute.INVESTIGATION),
        ApproveAssistance(),
        RefuseAssistance(reasons=["收入超标"]),
        WithdrawAssistanceApplication(reason="已就业"),
        FileAssistanceAppeal(decision_no=1, grounds="不服决定"),
    ]
    steps: list[Step] = [(story.state, story.now)]
    relief.deciding(story)
    steps.append((story.state, story.now))
    story.do(ApproveAssistance())
    steps.append((story.state, story.now))
    story.do(FileAssistanceAppeal(decision_no=1, grounds="金额有误"))
    steps.append((story.state, story.now))
    assert check(RELIEF, steps, pool, relief.usual_actor, relief.CALENDAR) > 30


def test_social_org_offers_match_the_decider_from_registration_to_liquidation() -> None:
    case = org.Org(org.DEFAULT_REGISTRATION)
    steps: list[Step] = [(case.state, case.now)]
    pool: list[Command] = [
        org.application(),
        org.registration(),
        RecordOrgActivity(description="成立大会", held_on=date(2026, 3, 2)),
        FileAnnualReport(year=2026, recipient="sponsor"),
        ProposeRevocation(grounds=["连续两年未年检"]),
        StartLiquidation(),
    ]
    case.send(org.application())
    steps.append((case.state, case.now))
    case.send(org.registration())
    steps.append((case.state, case.now))
    case.send(RecordOrgActivity(description="成立大会", held_on=date(2026, 3, 2)))
    steps.append((case.state, case.now))
    assert check(SOCIAL_ORG, steps, pool, org.usual_actor, org.CALENDAR) > 20
