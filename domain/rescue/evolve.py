"""How each rescue event changes the case: one `match`, no decisions."""

from __future__ import annotations

from typing import assert_never

from domain.case import (
    ClockEscalated,
    ClockExtended,
    ClockPaused,
    ClockRecomputed,
    ClockResumed,
    ClockStarted,
    ClockStopped,
    evolve_clock_event,
)
from domain.rescue.events import (
    AssistanceDenied,
    CaseClosed,
    EmergencyServiceCalled,
    HelpRefused,
    IntakeRegistered,
    PersonClassified,
    PersonReported,
    ProvisionalAssistanceGranted,
    ReferredToHospital,
    ReferredToPolice,
    RescueEvent,
    TemporaryGuardianshipAssumed,
)
from domain.rescue.events_care import (
    DistrictWeatherNoted,
    DnaCollected,
    DnaCollectionRequested,
    FamilySearchNoticePublished,
    FamilyTracingStarted,
    HousingAssigned,
    IdentityCheckRequested,
    IdentityEstablished,
    IndividualPlanApproved,
    IndividualPlanDrafted,
    IndividualPlanReturned,
    LongTermPlacementPrompted,
    OffSiteCareDecisionPrompted,
    PlanServiceCancelled,
    PlanServiceCompleted,
    PoliceIdentityConfirmed,
    PoliceIdentityNotFound,
    StayExtensionApproved,
    StayExtensionRefused,
    StayExtensionRequested,
    WeeklyReviewRecorded,
)
from domain.rescue.events_exit import (
    AssistanceTerminated,
    EscortedReturnStarted,
    FamilyNotifiedOfDeath,
    FamilyNotReachedAfterDeath,
    FollowUpScheduled,
    FollowUpVisited,
    HandedOverToFamily,
    HandoverAcknowledged,
    HospitalDischargeNoticeReceived,
    MissingPersonReportedToPolice,
    OffSiteCareArranged,
    PersonDied,
    PersonPlaced,
    PoliceNotifiedOfDeath,
    PoliceReportAcknowledged,
    SelfExitDeclared,
    StationExited,
    TransferredToHospital,
    UnauthorisedDepartureRecorded,
)
from domain.rescue.rules import FULL_LIFECYCLE_RULESET, OUTSIDE_ANSWERS_RULESET
from domain.rescue.state import (
    Handover,
    PlanStatus,
    PlanVersion,
    RescueState,
    ServiceRecord,
    ServiceStatus,
    Stage,
    StayExtensionRequest,
)
from domain.rescue.vocabulary import DischargeOutcome, ExitRoute


def evolve(state: RescueState, event: RescueEvent) -> RescueState:
    match event:
        case PersonReported():
            return state.model_copy(
                update={
                    "stage": Stage.REPORTED,
                    "ruleset": event.ruleset,
                    "source": event.source,
                    "unit": event.unit,
                    "opened_at": event.at,
                }
            )
        case EmergencyServiceCalled():
            return _referred(state, "emergency_120")
        case HelpRefused():
            return state.model_copy(update={"stage": Stage.REFUSED_HELP})
        case IntakeRegistered():
            return state.model_copy(
                update={
                    "stage": Stage.INTAKE,
                    "person": event.person,
                    "information": event.information,
                    "entered_at": event.at,
                    # The proof path took an ID number on trust; now the police confirm it.
                    "identified": event.identified and state.ruleset < FULL_LIFECYCLE_RULESET,
                }
            )
        case ProvisionalAssistanceGranted():
            return state.model_copy(update={"provisional": True})
        case ReferredToHospital():
            return _referred(state, "hospital")
        case ReferredToPolice():
            return _referred(state, "police")
        case AssistanceDenied():
            return state.model_copy(update={"denial_reasons": tuple(event.reasons)})
        case PersonClassified():
            return state.model_copy(
                update={
                    "stage": Stage.IN_STAY,
                    "categories": tuple(event.categories),
                    "housed_with_women": event.housed_with_women,
                    "housing": event.housing,
                }
            )
        case TemporaryGuardianshipAssumed():
            return state.model_copy(update={"under_guardianship": True})
        case CaseClosed():
            return state.model_copy(
                update={
                    "stage": Stage.CLOSED,
                    "closed": True,
                    "closed_reason": event.reason,
                    "pending_identity_check": None,
                    "pending_identity_number": None,
                }
            )
        case HousingAssigned():
            return state.model_copy(update={"housing": event.area})
        case DistrictWeatherNoted():
            return state.model_copy(
                update={"district_weather": event.weather, "weather_episode": event.episode}
            )
        case (
            IdentityCheckRequested()
            | PoliceIdentityConfirmed()
            | PoliceIdentityNotFound()
            | FamilyTracingStarted()
            | FamilySearchNoticePublished()
            | DnaCollectionRequested()
            | DnaCollected()
            | IdentityEstablished()
        ):
            return _identity(state, event)
        case (
            IndividualPlanDrafted()
            | IndividualPlanApproved()
            | IndividualPlanReturned()
            | PlanServiceCompleted()
            | PlanServiceCancelled()
        ):
            return _plan(state, event)
        case StayExtensionRequested():
            request = StayExtensionRequest(
                days=event.days,
                reason=event.reason,
                requested_by=event.requested_by,
                requested_at=event.at,
            )
            return state.model_copy(update={"stay_extension_request": request})
        case StayExtensionApproved() | StayExtensionRefused():
            return state.model_copy(update={"stay_extension_request": None})
        case (
            HandedOverToFamily()
            | EscortedReturnStarted()
            | HandoverAcknowledged()
            | PoliceReportAcknowledged()
            | OffSiteCareArranged()
            | TransferredToHospital()
            | HospitalDischargeNoticeReceived()
            | MissingPersonReportedToPolice()
            | StationExited()
            | FollowUpScheduled()
            | FollowUpVisited()
        ):
            return _movement(state, event)
        case (
            WeeklyReviewRecorded()
            | OffSiteCareDecisionPrompted()
            | LongTermPlacementPrompted()
            | SelfExitDeclared()
            | UnauthorisedDepartureRecorded()
            | PersonPlaced()
            | AssistanceTerminated()
            | PersonDied()
            | PoliceNotifiedOfDeath()
            | FamilyNotifiedOfDeath()
            | FamilyNotReachedAfterDeath()
        ):
            return state  # facts for the record; the clock and exit events carry the changes
        case (
            ClockStarted()
            | ClockEscalated()
            | ClockExtended()
            | ClockPaused()
            | ClockResumed()
            | ClockStopped()
            | ClockRecomputed()
        ):
            return evolve_clock_event(state, event)
        case _:
            assert_never(event)


def _referred(state: RescueState, to: str) -> RescueState:
    return state.model_copy(update={"referrals": (*state.referrals, to)})


def _identity(
    state: RescueState,
    event: IdentityCheckRequested
    | PoliceIdentityConfirmed
    | PoliceIdentityNotFound
    | FamilyTracingStarted
    | FamilySearchNoticePublished
    | DnaCollectionRequested
    | DnaCollected
    | IdentityEstablished,
) -> RescueState:
    match event:
        case IdentityCheckRequested():
            return state.model_copy(
                update={
                    "identity_checks": state.identity_checks + 1,
                    "pending_identity_check": event.request_id,
                    "pending_identity_number": event.id_number,
                }
            )
        case PoliceIdentityConfirmed() | IdentityEstablished():
            person = state.person
            if person is not None and event.hukou:
                person = person.model_copy(update={"hukou": event.hukou})
            return state.model_copy(
                update={
                    "identified": True,
                    "tracing": False,
                    "person": person,
                    "pending_identity_check": None,
                    "pending_identity_number": None,
                }
            )
        case PoliceIdentityNotFound():
            return state.model_copy(
                update={"pending_identity_check": None, "pending_identity_number": None}
            )
        case FamilyTracingStarted():
            return state.model_copy(update={"tracing": True})
        case FamilySearchNoticePublished():
            return state.model_copy(update={"family_search_published": True})
        case DnaCollectionRequested():
            return state.model_copy(update={"dna_requested": True})
        case DnaCollected():
            return state.model_copy(update={"dna_collected": True})
        case _:
            assert_never(event)


def _plan(
    state: RescueState,
    event: IndividualPlanDrafted
    | IndividualPlanApproved
    | IndividualPlanReturned
    | PlanServiceCompleted
    | PlanServiceCancelled,
) -> RescueState:
    match event:
        case IndividualPlanDrafted():
            earlier = tuple(
                p.model_copy(update={"status": PlanStatus.WITHDRAWN})
                if p.status is PlanStatus.DRAFT
                else p
                for p in state.plans
            )
            drafted = PlanVersion(
                version=event.version,
                drafted_by=event.drafted_by,
                drafted_at=event.at,
                assessment=event.assessment,
                goals=tuple(event.goals),
                services=tuple(event.services),
            )
            return state.model_copy(update={"plans": (*earlier, drafted)})
        case IndividualPlanApproved():
            plans = tuple(_approve(p, event) for p in state.plans)
            approved = next(p for p in plans if p.version == event.version)
            services = dict(state.services)
            for s in approved.services:
                known = services.get(s.service_id)
                status = known.status if known is not None else ServiceStatus.ACTIVE
                services[s.service_id] = ServiceRecord(
                    service_id=s.service_id,
                    kind=s.kind,
                    description=s.description,
                    owner=s.owner,
                    due=s.due,
                    plan_version=approved.version,
                    status=status,
                )
            return state.model_copy(update={"plans": plans, "services": services})
        case IndividualPlanReturned():
            plans = tuple(
                p.model_copy(
                    update={
                        "status": PlanStatus.RETURNED,
                        "decided_by": event.returned_by,
                        "decided_at": event.at,
                        "note": event.reason,
                    }
                )
                if p.version == event.version
                else p
                for p in state.plans
            )
            return state.model_copy(update={"plans": plans})
        case PlanServiceCompleted():
            return _end_service(
                state, event.service_id, ServiceStatus.COMPLETED, event.completed_by, event.outcome
            )
        case PlanServiceCancelled():
            return _end_service(
                state, event.service_id, ServiceStatus.CANCELLED, event.cancelled_by, event.reason
            )
        case _:
            assert_never(event)


def _approve(plan: PlanVersion, event: IndividualPlanApproved) -> PlanVersion:
    if plan.version == event.version:
        return plan.model_copy(
            update={
                "status": PlanStatus.APPROVED,
                "decided_by": event.approved_by,
                "decided_at": event.at,
            }
        )
    if plan.status is PlanStatus.APPROVED:
        return plan.model_copy(update={"status": PlanStatus.SUPERSEDED})
    return plan


def _end_service(
    state: RescueState, service_id: str, status: ServiceStatus, by: str, note: str
) -> RescueState:
    ended = state.services[service_id].model_copy(
        update={"status": status, "ended_by": by, "note": note}
    )
    return state.model_copy(update={"services": {**state.services, service_id: ended}})


def _movement(
    state: RescueState,
    event: HandedOverToFamily
    | EscortedReturnStarted
    | HandoverAcknowledged
    | PoliceReportAcknowledged
    | OffSiteCareArranged
    | TransferredToHospital
    | HospitalDischargeNoticeReceived
    | MissingPersonReportedToPolice
    | StationExited
    | FollowUpScheduled
    | FollowUpVisited,
) -> RescueState:
    """Where the person is: in off-site care, in hospital, on the way home, out, visited."""
    match event:
        case HandedOverToFamily():
            return state
        case EscortedReturnStarted():
            handover = Handover(
                receiving_bureau=event.receiving_bureau,
                cross_region=event.cross_region,
                at_risk=event.at_risk,
            )
            return state.model_copy(update={"handover": handover})
        case HandoverAcknowledged():
            assert state.handover is not None
            return state.model_copy(
                update={
                    "stage": Stage.EXITED,
                    "handover": state.handover.model_copy(update={"acknowledged": True}),
                }
            )
        case OffSiteCareArranged():
            return state.model_copy(update={"stage": Stage.OFF_SITE_CARE})
        case TransferredToHospital():
            return state.model_copy(update={"stage": Stage.IN_HOSPITAL, "hospital": event.hospital})
        case HospitalDischargeNoticeReceived():
            back = event.outcome is DischargeOutcome.RETURNED_TO_STATION
            return state.model_copy(
                update={"hospital": None, "stage": Stage.IN_STAY if back else state.stage}
            )
        case MissingPersonReportedToPolice():
            reported = _referred(state, "police_missing_person")
            # Under older rules nothing waited for the police's answer (histories replay).
            pending = state.ruleset >= OUTSIDE_ANSWERS_RULESET
            return reported.model_copy(update={"police_report_pending": pending})
        case PoliceReportAcknowledged():
            return state.model_copy(
                update={"police_report_pending": False, "police_ref": event.police_ref}
            )
        case StationExited():
            returning = event.route is ExitRoute.ESCORTED_RETURN
            return state.model_copy(
                update={
                    "stage": Stage.RETURNING if returning else Stage.EXITED,
                    "exit_route": event.route,
                    "exited_at": event.at,
                    "tracing": False,
                    "stay_extension_request": None,
                }
            )
        case FollowUpScheduled():
            return state.model_copy(update={"stage": Stage.FOLLOW_UP, "follow_up_pending": True})
        case FollowUpVisited():
            return state.model_copy(update={"stage": Stage.EXITED, "follow_up_pending": False})
        case _:
            assert_never(event)
