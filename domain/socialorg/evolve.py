"""How each social-organisation event folds into the state."""

from __future__ import annotations

from typing import assert_never

from domain.calendar import local_date
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
from domain.socialorg.commands import InspectionResult, Recipient
from domain.socialorg.events import (
    AnnualCycleOpened,
    AnnualReportFiled,
    AnnualReportMissed,
    CertificateReturned,
    ChangeApprovedBySponsor,
    DeregistrationApplied,
    DeregistrationApprovedBySponsor,
    DocumentsCompleted,
    DocumentsMissing,
    DocumentsSubmitted,
    GradeAwarded,
    GradeDowngraded,
    GradeEvaluationApplied,
    GradeEvaluationClosed,
    GradeExpired,
    GradeObjectionFiled,
    GradeProposed,
    InspectionConcluded,
    LiquidationFinished,
    LiquidationStarted,
    OrgActivityRecorded,
    OrganisationDeregistered,
    OrganisationRegistered,
    OrgChangeRegistered,
    OrgDelisted,
    OrgListed,
    OrgPenaltyRecorded,
    RectificationAccepted,
    RectificationFailed,
    RegistrationApplied,
    RegistrationRefused,
    RegistrationRevoked,
    ReportReminderSent,
    RevocationProposed,
    RevocationRejected,
    SocialOrgEvent,
    WarningIssued,
    ZombieFlagged,
)
from domain.socialorg.state import (
    Grading,
    Inspection,
    Penalty,
    PendingChange,
    RevocationDraft,
    SocialOrgState,
    Stage,
)


def _inspection(state: SocialOrgState, year: int, **changes: object) -> SocialOrgState:
    return state.with_inspection(state.inspections[year].model_copy(update=changes))


def _grading(state: SocialOrgState, **changes: object) -> SocialOrgState:
    assert state.grading is not None
    return state.model_copy(update={"grading": state.grading.model_copy(update=changes)})


def evolve(state: SocialOrgState, event: SocialOrgEvent) -> SocialOrgState:
    match event:
        case RegistrationApplied():
            return state.model_copy(
                update={
                    "stage": Stage.APPLYING,
                    "org_type": event.org_type,
                    "org_name": event.org_name,
                    "unit": event.unit,
                    "sponsor_unit": event.sponsor_unit,
                    "documents": tuple(event.documents),
                    "application_received_by": event.received_by,
                    "opened_at": event.at,
                }
            )
        case DocumentsMissing() | ReportReminderSent():
            return state
        case DocumentsSubmitted():
            documents = tuple(sorted({*state.documents, *event.documents}))
            return state.model_copy(update={"documents": documents})
        case DocumentsCompleted():
            return state.model_copy(update={"stage": Stage.UNDER_REVIEW})
        case OrganisationRegistered():
            return state.model_copy(
                update={
                    "stage": Stage.REGISTERED,
                    "certificate_number": event.certificate_number,
                    "credit_code": event.credit_code,
                    "registered_on": event.registered_on,
                }
            )
        case RegistrationRefused():
            return _closed(state, Stage.REFUSED, "registration refused (不予登记)")
        case OrgActivityRecorded():
            return state.model_copy(update={"activity_seen": True})
        case AnnualCycleOpened():
            opened = Inspection(
                year=event.year,
                skipped=event.skipped,
                sponsor_due_on=event.sponsor_due_on,
                authority_due_on=event.authority_due_on,
            )
            return state.with_inspection(opened).model_copy(update={"cycle_year": event.year})
        case AnnualReportFiled():
            field = "sponsor_filed" if event.recipient is Recipient.SPONSOR else "authority_filed"
            return _inspection(state, event.year, **{field: True})
        case AnnualReportMissed():
            field = "sponsor_missed" if event.recipient is Recipient.SPONSOR else "authority_missed"
            return _inspection(state, event.year, **{field: True})
        case InspectionConcluded():
            failed = event.result is InspectionResult.FAIL
            state = _inspection(
                state, event.year, result=event.result, rectification="pending" if failed else None
            )
            return state if failed else state.model_copy(update={"zombie": False})
        case RectificationAccepted():
            return _inspection(state, event.year, rectification="accepted")
        case RectificationFailed():
            return _inspection(state, event.year, rectification="failed")
        case WarningIssued():
            return state.model_copy(update={"warnings": (*state.warnings, event.reason)})
        case OrgListed():
            lists = {**state.lists, event.listing: local_date(event.at)}
            return state.model_copy(update={"lists": lists})
        case OrgDelisted():
            lists = {k: v for k, v in state.lists.items() if k != event.listing}
            return state.model_copy(update={"lists": lists})
        case ZombieFlagged():
            return state.model_copy(update={"zombie": True})
        case GradeEvaluationApplied():
            return state.model_copy(update={"grading": Grading(applied_at=event.at)})
        case GradeProposed():
            return _grading(state, proposed=event.grade, proposed_by=event.proposed_by)
        case GradeObjectionFiled():
            return _grading(state, objection=event.reason)
        case GradeAwarded():
            return state.model_copy(
                update={
                    "grade": event.grade,
                    "grade_valid_until": event.valid_until,
                    "grading": None,
                }
            )
        case GradeEvaluationClosed():
            return state.model_copy(update={"grading": None})
        case GradeDowngraded():
            valid_until = state.grade_valid_until if event.to_grade is not None else None
            return state.model_copy(
                update={"grade": event.to_grade, "grade_valid_until": valid_until}
            )
        case GradeExpired():
            return state.model_copy(update={"grade": None, "grade_valid_until": None})
        case OrgPenaltyRecorded():
            penalty = Penalty(kind=event.kind, on=local_date(event.at))
            return state.model_copy(update={"penalties": (*state.penalties, penalty)})
        case ChangeApprovedBySponsor():
            change = PendingChange(matters=tuple(event.matters), approved_on=event.approved_on)
            return state.model_copy(update={"change": change})
        case OrgChangeRegistered():
            return state.model_copy(update={"change": None})
        case DeregistrationApprovedBySponsor():
            return state.model_copy(update={"deregistration_approved_on": event.approved_on})
        case LiquidationStarted():
            return state.model_copy(update={"stage": Stage.LIQUIDATING})
        case LiquidationFinished():
            return state.model_copy(update={"liquidation_finished": True})
        case DeregistrationApplied():
            return state.model_copy(update={"stage": Stage.DEREGISTERING})
        case CertificateReturned():
            return state.model_copy(
                update={
                    "certificate_returned": state.certificate_returned or event.certificate,
                    "seals_returned": state.seals_returned or event.seals,
                }
            )
        case OrganisationDeregistered():
            return _closed(
                state, Stage.DEREGISTERED, f"deregistered (注销), {event.notice_reference}"
            )
        case RevocationProposed():
            draft = RevocationDraft(
                kind=event.kind, grounds=tuple(event.grounds), proposed_by=event.proposed_by
            )
            return state.model_copy(update={"revocation": draft})
        case RevocationRejected():
            return state.model_copy(update={"revocation": None})
        case RegistrationRevoked():
            revoked = _closed(state, Stage.REVOKED, f"{event.kind.value}: {event.reason}")
            return revoked.model_copy(update={"revocation": None})
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


def _closed(state: SocialOrgState, stage: Stage, reason: str) -> SocialOrgState:
    return state.model_copy(update={"stage": stage, "closed": True, "closed_reason": reason})
