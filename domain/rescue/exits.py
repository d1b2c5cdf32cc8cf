"""Leaving the station's care by every route of DOMAIN.md §1.7, the follow-up and the close."""

from __future__ import annotations

from typing import assert_never

from domain.actors import Role, require_role
from domain.case import ClockPaused, ClockResumed
from domain.clocks import pause_clock, resume_clock
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.rescue import rules
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
from domain.rescue.events import CaseClosed
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
from domain.rescue.guards import (
    DECIDERS,
    FRONT_LINE,
    STATION_STAFF,
    require_stage,
    start,
    stop_all_clocks,
    stop_clocks,
)
from domain.rescue.state import IN_CARE, RescueState, Stage
from domain.rescue.vocabulary import Category, DischargeOutcome, ExitRoute, Placement

ExitCommand = (
    HandOverToFamily
    | StartEscortedReturn
    | AcknowledgeHandover
    | RecordSelfExit
    | RecordUnauthorisedDeparture
    | RecordPoliceAcknowledgement
    | PlacePerson
    | TransferToHospital
    | RecordHospitalDischarge
    | TerminateAssistance
    | RecordDeath
    | RecordFollowUpVisit
    | CloseRescueCase
)
# A person leaves from the station or from off-site care; from hospital only by the discharge
# notice (or death).
LEAVING_FROM = (Stage.IN_STAY, Stage.OFF_SITE_CARE)
STAY_CLOCKS = (rules.STAY_LIMIT.name, rules.WEEKLY_REVIEW.name)
CLOSERS = (Role.CASEWORKER, Role.APPROVER, Role.SUPERVISOR)


def decide_exit(state: RescueState, command: ExitCommand, ctx: DecisionContext) -> list[Event]:
    now = ctx.now
    match command:
        case HandOverToFamily():
            require_stage(state, LEAVING_FROM, "handing the person to family")
            require_role(ctx.actor, FRONT_LINE, "handing the person to family")
            if not command.collector_id_checked:
                raise DomainError(
                    "collector_id_unchecked",
                    "check the collector's ID before handing the person to family",
                )
            return [
                HandedOverToFamily(
                    collector=command.collector, id_checked_by=ctx.actor.user_id, at=now
                ),
                *_leave(state, ExitRoute.FAMILY_COLLECTED, ctx),
                *_follow_up(command.at_risk, ctx),
            ]
        case StartEscortedReturn():
            require_stage(state, LEAVING_FROM, "starting an escorted return")
            require_role(ctx.actor, FRONT_LINE, "starting an escorted return")
            events: list[Event] = [
                EscortedReturnStarted(
                    destination=command.destination,
                    receiving_bureau=command.receiving_bureau,
                    cross_region=command.cross_region,
                    escorts=command.escorts,
                    at_risk=command.at_risk,
                    at=now,
                ),
                *_leave(state, ExitRoute.ESCORTED_RETURN, ctx),
            ]
            if command.cross_region:
                events.append(start(rules.HANDOVER_ACK, ctx))
            return events
        case AcknowledgeHandover():
            require_stage(state, (Stage.RETURNING,), "recording the handover acknowledgement")
            require_role(ctx.actor, FRONT_LINE, "recording the handover acknowledgement")
            assert state.handover is not None  # set when the return started
            return [
                HandoverAcknowledged(
                    receiving_bureau=state.handover.receiving_bureau,
                    receipt_ref=command.receipt_ref,
                    at=now,
                ),
                *stop_clocks(state, [rules.HANDOVER_ACK.name], "acknowledged"),
                *_follow_up(state.handover.at_risk, ctx),
            ]
        case RecordSelfExit():
            require_stage(state, LEAVING_FROM, "recording a self-exit")
            require_role(ctx.actor, STATION_STAFF, "recording a self-exit")
            return _self_exit(state, command, ctx)
        case RecordUnauthorisedDeparture():
            require_stage(state, LEAVING_FROM, "recording an unauthorised departure")
            require_role(ctx.actor, FRONT_LINE, "recording an unauthorised departure")
            events = [UnauthorisedDepartureRecorded(last_seen=command.last_seen, at=now)]
            if not (state.is_minor or state.lacks_capacity):
                return [*events, *_leave(state, ExitRoute.UNAUTHORISED_DEPARTURE, ctx)]
            who = "未成年人" if state.is_minor else "无民事行为能力人"
            return [
                *events,
                MissingPersonReportedToPolice(
                    reason=f"{who}擅自离站（《未成年人保护法》第九十二至九十四条）",
                    reported_to=command.police_station,
                    channel=command.report_channel,
                    reported_by=ctx.actor.user_id,
                    at=now,
                ),
                *_leave(state, ExitRoute.UNAUTHORISED_DEPARTURE, ctx),
                *_awaiting_police_reference(state, ctx),
            ]
        case RecordPoliceAcknowledgement():
            require_role(ctx.actor, STATION_STAFF, "recording the police reference")
            if not state.police_report_pending:
                raise DomainError(
                    "no_police_report_pending", "no missing-person report waits for a reference"
                )
            return [
                PoliceReportAcknowledged(
                    police_ref=command.police_ref, recorded_by=ctx.actor.user_id, at=now
                ),
                *stop_clocks(state, [rules.POLICE_REPORT_ACK.name], "police reference received"),
            ]
        case PlacePerson():
            require_stage(state, LEAVING_FROM, "placing the person")  # before fields: offers.py
            require_role(ctx.actor, DECIDERS, "deciding a placement")
            return _place(state, command, ctx)
        case TransferToHospital():
            require_stage(state, LEAVING_FROM, "transferring to hospital")
            require_role(ctx.actor, FRONT_LINE, "transferring to hospital")
            return [
                TransferredToHospital(hospital=command.hospital, reason=command.reason, at=now),
                *[
                    ClockPaused(clock=pause_clock(c, now, ctx.calendar), reason="转介医疗期间")
                    for n, c in sorted(state.clocks.items())
                    if n in STAY_CLOCKS and c.running
                ],
            ]
        case RecordHospitalDischarge():
            require_stage(state, (Stage.IN_HOSPITAL,), "recording the discharge notice")
            require_role(ctx.actor, FRONT_LINE, "recording the discharge notice")
            notice = HospitalDischargeNoticeReceived(
                hospital=state.hospital or "",
                outcome=command.outcome,
                notice_ref=command.notice_ref,
                discharged_to=command.discharged_to,
                at=now,
            )
            if command.outcome is DischargeOutcome.RETURNED_TO_STATION:
                return [
                    notice,
                    *[
                        ClockResumed(clock=resume_clock(c, now, ctx.calendar))
                        for n, c in sorted(state.clocks.items())
                        if n in STAY_CLOCKS and not c.running
                    ],
                ]
            return [notice, *_leave(state, ExitRoute.MEDICAL_TRANSFER, ctx)]
        case TerminateAssistance():
            require_stage(state, LEAVING_FROM, "terminating the assistance")
            require_role(ctx.actor, DECIDERS, "terminating the assistance")
            return [
                AssistanceTerminated(reasons=command.reasons, at=now),
                *_leave(state, ExitRoute.TERMINATION, ctx),
            ]
        case RecordDeath():
            require_stage(state, IN_CARE, "recording a death")
            require_role(ctx.actor, CLOSERS, "recording a death")
            return _death(state, command, ctx)
        case RecordFollowUpVisit():
            require_stage(state, (Stage.FOLLOW_UP,), "recording the follow-up visit")
            require_role(ctx.actor, FRONT_LINE, "recording the follow-up visit")
            return [
                FollowUpVisited(visited_by=ctx.actor.user_id, outcome=command.outcome, at=now),
                *stop_clocks(state, [rules.FOLLOW_UP.name], "visited"),
            ]
        case CloseRescueCase():
            require_role(ctx.actor, CLOSERS, "closing the case")
            _require_closable(state)
            route = state.exit_route.value if state.exit_route else "?"
            return [
                *stop_all_clocks(state, "case closed"),
                CaseClosed(reason=f"{route}: {command.summary}", at=now),
            ]
        case _:
            assert_never(command)


def _leave(state: RescueState, route: ExitRoute, ctx: DecisionContext) -> list[Event]:
    """The person is out of the station's care: stay and tracing clocks stop; the plan's
    service clocks run on until each service is completed or cancelled."""
    ending = [n for n in state.clocks if not n.startswith("service:")]
    return [
        *stop_clocks(state, ending, f"left the station ({route.value})"),
        StationExited(route=route, at=ctx.now),
    ]


def _awaiting_police_reference(state: RescueState, ctx: DecisionContext) -> list[Event]:
    """The report is an outside step: its answer (the police reference) has a clock. Cases
    that run under older rules (their histories replay unchanged) went without it."""
    if state.ruleset < rules.OUTSIDE_ANSWERS_RULESET:
        return []
    return [start(rules.POLICE_REPORT_ACK, ctx)]


def _follow_up(at_risk: bool, ctx: DecisionContext) -> list[Event]:
    if not at_risk:
        return []
    return [FollowUpScheduled(at=ctx.now), start(rules.FOLLOW_UP, ctx)]


def _self_exit(state: RescueState, command: RecordSelfExit, ctx: DecisionContext) -> list[Event]:
    if state.is_minor:
        raise DomainError(
            "minor_cannot_self_exit",
            "未保法 Art 92: a minor is under the station's temporary guardianship and never "
            "leaves on their own",
        )
    if not command.declaration_signed:
        raise DomainError("declaration_required", "a self-exit needs the signed declaration")
    consent_needed = state.lacks_capacity or Category.ADULT not in state.categories
    if consent_needed and ctx.actor.role not in DECIDERS:
        raise DomainError(
            "station_consent_required",
            "a person lacking capacity (or of unknown age) leaves only with the station's "
            "consent: an approver or supervisor records it",
        )
    return [
        SelfExitDeclared(
            station_consent_by=ctx.actor.user_id if consent_needed else None, at=ctx.now
        ),
        *_leave(state, ExitRoute.SELF_EXIT, ctx),
    ]


def _place(state: RescueState, command: PlacePerson, ctx: DecisionContext) -> list[Event]:
    now = ctx.now
    if command.placement is Placement.OFF_SITE_CARE:
        require_stage(state, (Stage.IN_STAY,), "arranging off-site care")
        events: list[Event] = [
            OffSiteCareArranged(facility=command.facility, at=now),
            *stop_clocks(
                state,
                [rules.STAY_LIMIT.name, rules.UNIDENTIFIED_PLACEMENT.name],
                "off-site care arranged",
            ),
        ]
        if rules.WEEKLY_REVIEW.name not in state.clocks:
            events.append(start(rules.WEEKLY_REVIEW, ctx))
        return events
    require_stage(state, LEAVING_FROM, "placing the person")
    if command.placement is Placement.LONG_TERM and not command.hukou_registered:
        raise DomainError(
            "hukou_registration_required",
            "救助管理机构工作规程: long-term placement follows 户籍 registration",
        )
    return [
        PersonPlaced(
            placement=command.placement,
            facility=command.facility,
            hukou_registered=command.hukou_registered,
            at=now,
        ),
        *_leave(state, ExitRoute.PLACEMENT, ctx),
    ]


def _death(state: RescueState, command: RecordDeath, ctx: DecisionContext) -> list[Event]:
    now = ctx.now
    family: Event
    if command.family_notified:
        family = FamilyNotifiedOfDeath(at=now)
    elif command.family_not_reached_reason:
        family = FamilyNotReachedAfterDeath(reason=command.family_not_reached_reason, at=now)
    else:
        raise DomainError(
            "family_notice_required",
            "notify the family of the death, or record why they cannot be reached",
        )
    return [
        PersonDied(cause=command.cause, at=now),
        PoliceNotifiedOfDeath(notice_ref=command.police_notice_ref, at=now),
        family,
        *_leave(state, ExitRoute.DEATH, ctx),
    ]


def _require_closable(state: RescueState) -> None:
    match state.stage:
        case Stage.IN_HOSPITAL:
            raise DomainError(
                "awaiting_discharge_notice",
                "a medical transfer keeps the case open until the hospital's discharge notice",
            )
        case Stage.RETURNING:
            raise DomainError(
                "awaiting_handover_ack", "the receiving bureau has not acknowledged the handover"
            )
        case Stage.FOLLOW_UP:
            raise DomainError("follow_up_pending", "the follow-up visit is still due")
        case _ if state.police_report_pending:
            raise DomainError(
                "awaiting_police_reference",
                "the police have not given a reference for the missing-person report yet",
            )
        case Stage.EXITED:
            pass
        case _:
            require_stage(state, (Stage.EXITED,), "closing the case")
    if open_services := state.open_services:
        raise DomainError(
            "open_plan_services",
            f"complete or cancel (with a reason) the open service(s) {', '.join(open_services)}",
        )
