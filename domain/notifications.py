"""Who is told of which event: the notification rule, pure.

An event that calls for a notification (a rung of a clock's ladder, a report to the police,
a handover to another bureau, a notice to an applicant, a four-eyes request waiting for an
approver) maps to recipient specs — a role in a unit, a named assignee, or an outside party —
and a minimal message. The store resolves the specs to people and addresses in the same
transaction that records the event, so who was told is fixed at that moment.

A message carries the minimum a recipient needs to act: the case id, what happened, the clock,
its rung and due instant. Never a name, an ID number or anything about health.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, model_validator

from domain.actors import Role
from domain.case import ClockEscalated
from domain.catalogue import clock_label, rung_label
from domain.clocks import Rung
from domain.messages import Event
from domain.relief import rules as relief_rules
from domain.relief.commands import ServiceMethod
from domain.relief.events import (
    AppealFiled,
    AssistanceRefused,
    MissingPapersNotified,
    RefusalNoticeSent,
)
from domain.rescue import rules as rescue_rules
from domain.rescue.events_care import IndividualPlanDrafted, StayExtensionRequested
from domain.rescue.events_exit import EscortedReturnStarted, MissingPersonReportedToPolice
from domain.rescue.vocabulary import PoliceReportChannel
from domain.socialorg.events import GradeProposed, RevocationProposed


class Party(StrEnum):
    """Outside parties; each is reached through the endpoints the bureau registered for it."""

    POLICE = "police"  # the public-security bureau's duty desk (未保法 Art 92-94 reports)
    RECEIVING_BUREAU = "bureau"  # another region's civil-affairs bureau: `bureau:<its name>`
    APPLICANT_NOTICES = "applicant_notices"  # the bureau's notice service (post/SMS) to applicants


class Recipient(BaseModel):
    """Whom to tell: staff by role (in a unit, or district-wide), a named user, or a party."""

    model_config = ConfigDict(frozen=True)

    role: Role | None = None
    unit: str | None = None  # None: any unit (district-wide roles)
    user_id: str | None = None
    party: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Recipient:
        staff = self.role is not None or self.user_id is not None
        if staff == (self.party is not None):
            raise ValueError("a recipient is staff (role and/or user) or an outside party")
        return self


class CaseFacts(BaseModel):
    """What the rule may know of the case: its read-model fields after the event."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    kind: str
    stage: str
    unit: str = ""
    assignee: str | None = None


class Message(BaseModel):
    """The minimum a recipient needs; `title_zh` is for staff, the rest for machines."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    kind: str
    event_type: str
    title_zh: str
    unit: str = ""
    clock: str | None = None
    rung: str | None = None
    due_at: datetime | None = None


class Notification(BaseModel):
    """One rule's outcome for one event: the message and everyone it goes to."""

    model_config = ConfigDict(frozen=True)

    rule: str  # why: e.g. "clock_escalated", "police_report"; shown to administrators
    recipients: tuple[Recipient, ...]
    message: Message


def unit_role(case: CaseFacts, role: Role) -> Recipient:
    return Recipient(role=role, unit=case.unit)


def assignee_or_unit(case: CaseFacts) -> tuple[Recipient, ...]:
    """The case's assignee, or, while nobody is assigned, the unit's caseworkers."""
    if case.assignee:
        return (Recipient(user_id=case.assignee),)
    return (unit_role(case, Role.CASEWORKER),)


def ladder_recipients(case: CaseFacts, rung: Rung) -> tuple[Recipient, ...]:
    """DOMAIN.md, clocks: reminder → assignee; L1 → assignee and team lead; L2 → district
    supervisor; L3 → bureau leadership (the `admin` role, as in the work queue)."""
    match rung:
        case Rung.REMINDER:
            return assignee_or_unit(case)
        case Rung.L1_DUE:
            return (*assignee_or_unit(case), unit_role(case, Role.APPROVER))
        case Rung.L2_OVERDUE:
            return (Recipient(role=Role.SUPERVISOR),)
        case Rung.L3_LEADERSHIP:
            return (Recipient(role=Role.ADMIN),)
        case Rung.NONE:
            return ()


def _message(case: CaseFacts, event: Event, title: str, **fields: object) -> Message:
    return Message.model_validate(
        {
            "case_id": case.case_id,
            "kind": case.kind,
            "event_type": event.type,
            "title_zh": f"案件 {case.case_id}：{title}",
            "unit": case.unit,
            **fields,
        }
    )


def _approval(case: CaseFacts, event: Event, what_zh: str) -> Notification:
    """A four-eyes request: the unit's approvers (the drafter is one of them at most; the
    decider refuses the drafter's own approval)."""
    return Notification(
        rule="four_eyes_request",
        recipients=(unit_role(case, Role.APPROVER),),
        message=_message(case, event, f"{what_zh}，待审批"),
    )


def notifications_for(event: Event, case: CaseFacts) -> list[Notification]:
    """The notifications an event calls for (none for most events)."""
    match event:
        case ClockEscalated(clock=clock, rung=rung, due_at=due_at):
            label = clock_label(clock)
            return [
                Notification(
                    rule="clock_escalated",
                    recipients=ladder_recipients(case, rung),
                    message=_message(
                        case,
                        event,
                        f"{label} {rung_label(rung)}",
                        clock=clock,
                        rung=rung.name,
                        due_at=due_at,
                    ),
                )
            ]
        case MissingPersonReportedToPolice(channel=channel):
            # The police's duty desk gets the bureau's own message unless staff reported by
            # other means (110, in person, in writing); the station's lead and the district
            # are told either way, and the police reference has a clock of its own.
            police = (
                (Recipient(party=Party.POLICE.value),)
                if channel in (None, PoliceReportChannel.SYSTEM)
                else ()
            )
            return [
                Notification(
                    rule="police_report",
                    recipients=(
                        *police,
                        unit_role(case, Role.APPROVER),
                        Recipient(role=Role.SUPERVISOR),
                    ),
                    message=_message(
                        case,
                        event,
                        "受助人员擅自离站，已报警，待警方回执",
                        clock=rescue_rules.POLICE_REPORT_ACK.name,
                    ),
                )
            ]
        case EscortedReturnStarted(cross_region=True, receiving_bureau=bureau):
            return [
                Notification(
                    rule="handover",
                    recipients=(Recipient(party=f"{Party.RECEIVING_BUREAU.value}:{bureau}"),),
                    message=_message(
                        case, event, "护送返乡交接，请回执", clock=rescue_rules.HANDOVER_ACK.name
                    ),
                )
            ]
        case AssistanceRefused():
            return [
                Notification(
                    rule="applicant_notice",
                    recipients=assignee_or_unit(case),
                    message=_message(
                        case,
                        event,
                        "不予救助，请书面通知申请人",
                        clock=relief_rules.REFUSAL_NOTICE.name,
                    ),
                )
            ]
        case RefusalNoticeSent(method=method) if method is not ServiceMethod.PUBLIC_NOTICE:
            # The bureau's notice service posts (or e-mails) it; proof of service has a clock.
            return [
                Notification(
                    rule="applicant_notice",
                    recipients=(Recipient(party=Party.APPLICANT_NOTICES.value),),
                    message=_message(
                        case,
                        event,
                        "不予救助通知书，请送达并回执",
                        clock=relief_rules.REFUSAL_NOTICE_SERVICE.name,
                    ),
                )
            ]
        case MissingPapersNotified():
            return [
                Notification(
                    rule="applicant_notice",
                    recipients=(Recipient(party=Party.APPLICANT_NOTICES.value),),
                    message=_message(case, event, "一次性告知：请补齐材料"),
                )
            ]
        case IndividualPlanDrafted():
            return [_approval(case, event, "一人一策")]
        case StayExtensionRequested():
            return [_approval(case, event, "延长在站申请")]
        case GradeProposed():
            return [_approval(case, event, "等级评估结果")]
        case RevocationProposed():
            return [_approval(case, event, "撤销登记建议")]
        case AppealFiled():
            return [_approval(case, event, "复议申请")]
        case _:
            return []
