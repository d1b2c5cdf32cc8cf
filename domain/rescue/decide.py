"""The rescue decider: which rule each command meets, and how the events fold (`evolve`)."""

from __future__ import annotations

from typing import assert_never

from domain.case import (
    EscalateClock,
    GrantExtension,
    RecomputeClocks,
    decide_clock_command,
    recompute_clocks,
)
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.rescue.commands import (
    ClassifyPerson,
    CloseReport,
    DenyAssistance,
    RecordHelpRefused,
    RegisterIntake,
    ReportPerson,
    RescueCommand,
)
from domain.rescue.commands_care import (
    ApproveIndividualPlan,
    ApproveStayExtension,
    AssignHousing,
    CancelPlanService,
    CompletePlanService,
    DraftIndividualPlan,
    NoteDistrictWeather,
    PublishFamilySearchNotice,
    RecordDnaCollected,
    RecordIdentityEstablished,
    RecordPoliceIdentityAnswer,
    RecordWeeklyReview,
    RefuseStayExtension,
    RequestDnaCollection,
    RequestIdentityCheck,
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
    RecordPoliceAcknowledgement,
    RecordSelfExit,
    RecordUnauthorisedDeparture,
    StartEscortedReturn,
    TerminateAssistance,
    TransferToHospital,
)
from domain.rescue.evolve import evolve
from domain.rescue.exits import decide_exit
from domain.rescue.identity import decide_identity, placement_prompts
from domain.rescue.plan import decide_plan
from domain.rescue.state import RescueState
from domain.rescue.stay import decide_stay
from domain.rescue.street import decide_housing, decide_street, decide_weather, derived_categories

__all__ = ["decide", "derived_categories", "evolve"]


def decide(state: RescueState, command: RescueCommand, ctx: DecisionContext) -> list[Event]:
    match command:
        case (
            ReportPerson()
            | RecordHelpRefused()
            | RegisterIntake()
            | DenyAssistance()
            | ClassifyPerson()
            | CloseReport()
        ):
            return decide_street(state, command, ctx)
        case AssignHousing():
            return decide_housing(state, command, ctx)
        case NoteDistrictWeather():
            return decide_weather(state, command, ctx)
        case (
            RequestIdentityCheck()
            | RecordPoliceIdentityAnswer()
            | PublishFamilySearchNotice()
            | RequestDnaCollection()
            | RecordDnaCollected()
            | RecordIdentityEstablished()
        ):
            return decide_identity(state, command, ctx)
        case (
            DraftIndividualPlan()
            | ApproveIndividualPlan()
            | ReturnIndividualPlan()
            | CompletePlanService()
            | CancelPlanService()
        ):
            return decide_plan(state, command, ctx)
        case (
            RecordWeeklyReview()
            | RequestStayExtension()
            | ApproveStayExtension()
            | RefuseStayExtension()
        ):
            return decide_stay(state, command, ctx)
        case (
            HandOverToFamily()
            | StartEscortedReturn()
            | AcknowledgeHandover()
            | RecordSelfExit()
            | RecordUnauthorisedDeparture()
            | RecordPoliceAcknowledgement()
            | PlacePerson()
            | TransferToHospital()
            | RecordHospitalDischarge()
            | TerminateAssistance()
            | RecordDeath()
            | RecordFollowUpVisit()
            | CloseRescueCase()
        ):
            return decide_exit(state, command, ctx)
        case EscalateClock():
            if state.closed:
                raise DomainError("case_closed", "the case is closed")
            escalated = decide_clock_command(state, command, ctx)
            return [*escalated, *placement_prompts(command, escalated, ctx)]
        case GrantExtension():
            if state.closed:
                raise DomainError("case_closed", "the case is closed")
            return decide_clock_command(state, command, ctx)
        case RecomputeClocks():
            return recompute_clocks(state, command, ctx)
        case _:
            assert_never(command)
