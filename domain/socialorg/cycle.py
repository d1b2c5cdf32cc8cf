"""The yearly cycle (年检 / 年报): due dates, reminders, misses, results, rectification, lists
and zombie organisations (DOMAIN.md §3.2-3.3)."""

from __future__ import annotations

from datetime import date, timedelta

from domain.actors import require_role
from domain.calendar import local_date
from domain.case import ClockStarted
from domain.catalogue import enum_label
from domain.clocks import Clock, ClockSpec, start_clock
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.socialorg import lists, rules, timers
from domain.socialorg.commands import (
    FileAnnualReport,
    InspectionResult,
    OrgType,
    Recipient,
    RecordInspectionResult,
    RecordRectification,
)
from domain.socialorg.common import FRONT_LINE, REVIEWERS, require_stage, stop
from domain.socialorg.dates import fixed_date, months_before
from domain.socialorg.events import (
    AnnualCycleOpened,
    AnnualReportFiled,
    AnnualReportMissed,
    InspectionConcluded,
    RectificationAccepted,
    RectificationFailed,
    ReportReminderSent,
    WarningIssued,
)
from domain.socialorg.grading import downgrade
from domain.socialorg.registration import next_cycle_timer
from domain.socialorg.state import Inspection, SocialOrgState, Stage

SPONSOR_REPORT = "sponsor_report"
AUTHORITY_REPORT = "authority_report"
REPORT_CLOCKS = {Recipient.SPONSOR: SPONSOR_REPORT, Recipient.AUTHORITY: AUTHORITY_REPORT}
RECIPIENT_OF = {name: recipient for recipient, name in REPORT_CLOCKS.items()}
NOTICE_TIMERS = {
    Recipient.SPONSOR: timers.SPONSOR_REPORT_NOTICE,
    Recipient.AUTHORITY: timers.AUTHORITY_REPORT_NOTICE,
}
RECIPIENT_OF_NOTICE = {name: recipient for recipient, name in NOTICE_TIMERS.items()}
RECTIFICATION_PREFIX = "rectification_"


def report_specs(state: SocialOrgState) -> dict[Recipient, ClockSpec]:
    """The deadlines an organisation of this type reports against every year."""
    specs: dict[Recipient, ClockSpec] = {}
    if state.org_type is OrgType.FOUNDATION:
        specs[Recipient.AUTHORITY] = rules.report_deadline(
            AUTHORITY_REPORT,
            rules.FOUNDATION_REPORT_DUE,
            "基金会条例 Art 36: report to the registration authority by 31 March [law]",
        )
        return specs
    if state.sponsor_unit is not None:
        specs[Recipient.SPONSOR] = rules.report_deadline(
            SPONSOR_REPORT,
            rules.SPONSOR_REPORT_DUE,
            "社团条例 Art 28, 民非条例 Art 23: report to the sponsor unit by 31 March [law]",
        )
    specs[Recipient.AUTHORITY] = rules.report_deadline(
        AUTHORITY_REPORT,
        rules.AUTHORITY_REPORT_DUE,
        "社团条例 Art 28, 民非条例 Art 23: report to the registration authority by 31 May [law]",
    )
    return specs


def skips_year(registered_on: date, year: int) -> bool:
    """Registered less than 6 months before 31 December of `year`: that year is skipped [local]."""
    return registered_on > months_before(date(year, 12, 31), rules.NEW_ORGANISATION_GRACE_MONTHS)


def open_cycle(state: SocialOrgState, timer: Clock, ctx: DecisionContext) -> list[Event]:
    """1 January: close last year's clocks, open the inspection of the year just ended."""
    opened_on = local_date(timer.due_at)
    year = opened_on.year - 1
    events: list[Event] = stop(
        state,
        [*REPORT_CLOCKS.values(), *NOTICE_TIMERS.values()],
        f"inspection year {state.cycle_year} closed",
    )
    if state.registered_on is None or skips_year(state.registered_on, year):
        events.append(
            AnnualCycleOpened(
                year=year, sponsor_due_on=None, authority_due_on=None, skipped=True, at=ctx.now
            )
        )
    else:
        specs = report_specs(state)
        due = {r: fixed_date(opened_on.year, spec.amount) for r, spec in specs.items()}
        events.append(
            AnnualCycleOpened(
                year=year,
                sponsor_due_on=due.get(Recipient.SPONSOR),
                authority_due_on=due[Recipient.AUTHORITY],
                at=ctx.now,
            )
        )
        for recipient, spec in specs.items():
            # From 1 January itself, even if the case woke up late: the dates stay the law's.
            deadline = start_clock(spec, timer.due_at, ctx.calendar, ctx.clock_rules)
            events.append(ClockStarted(clock=deadline))
            early = timers.start_of_day(due[recipient] - timedelta(days=rules.EARLY_REMINDER_DAYS))
            if early > ctx.now:
                rule = f"policy: reminder {rules.EARLY_REMINDER_DAYS} days before {due[recipient]}"
                notice = timers.timer(NOTICE_TIMERS[recipient], rule, ctx.now, early)
                events.append(ClockStarted(clock=notice))
    events.append(ClockStarted(clock=next_cycle_timer(opened_on.year + 1, ctx)))
    return events


def _inspection(state: SocialOrgState, year: int) -> Inspection:
    inspection = state.inspections.get(year)
    if inspection is None or inspection.skipped:
        raise DomainError("no_inspection_year", f"no annual inspection is open for {year}")
    return inspection


def _due_on(inspection: Inspection, recipient: Recipient) -> date | None:
    if recipient is Recipient.SPONSOR:
        return inspection.sponsor_due_on
    return inspection.authority_due_on


def file_report(
    state: SocialOrgState, command: FileAnnualReport, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.REGISTERED,), "filing an annual report")
    require_role(ctx.actor, FRONT_LINE, "receiving an annual report")
    inspection = _inspection(state, command.year)
    due_on = _due_on(inspection, command.recipient)
    if due_on is None:
        raise DomainError("no_sponsor_report", "this organisation reports to the authority only")
    filed = (
        inspection.sponsor_filed
        if command.recipient is Recipient.SPONSOR
        else inspection.authority_filed
    )
    if filed:
        raise DomainError("already_filed", f"the {command.year} report is already filed there")
    if (
        command.recipient is Recipient.AUTHORITY
        and inspection.sponsor_due_on is not None
        and not inspection.sponsor_filed
    ):
        raise DomainError(
            "sponsor_review_first",
            "社团条例 Art 28, 民非条例 Art 23: the sponsor unit reviews the report before the "
            "registration authority receives it",
        )
    events: list[Event] = [
        AnnualReportFiled(
            year=command.year,
            recipient=command.recipient,
            late=local_date(ctx.now) > due_on,
            at=ctx.now,
        )
    ]
    if command.year == state.cycle_year:
        names = [REPORT_CLOCKS[command.recipient], NOTICE_TIMERS[command.recipient]]
        events += stop(state, names, "report filed")
    return events


def record_result(
    state: SocialOrgState, command: RecordInspectionResult, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.REGISTERED,), "recording an inspection result")
    require_role(ctx.actor, REVIEWERS, "recording an inspection result")
    inspection = _inspection(state, command.year)
    if inspection.result is not None:
        raise DomainError("already_concluded", f"the {command.year} inspection has a result")
    if not inspection.authority_filed:
        if not inspection.authority_missed:
            raise DomainError(
                "no_report",
                "an inspection result needs the annual report, or its recorded miss after the due date",
            )
        if command.result is not InspectionResult.FAIL:
            raise DomainError(
                "no_report_no_pass", "an organisation that filed no annual report cannot pass"
            )
    events: list[Event] = [
        InspectionConcluded(
            year=command.year, result=command.result, findings=command.findings, at=ctx.now
        )
    ]
    if command.year == state.cycle_year:
        events += stop(
            state, [*REPORT_CLOCKS.values(), *NOTICE_TIMERS.values()], "inspection concluded"
        )
    if command.result is InspectionResult.FAIL:
        spec = rules.rectification(command.rectification_days, RECTIFICATION_PREFIX, command.year)
        events += [
            WarningIssued(reason=f"{command.year} annual inspection failed (不合格)", at=ctx.now),
            ClockStarted(clock=start_clock(spec, ctx.now, ctx.calendar, ctx.clock_rules)),
            *downgrade(state, f"{command.year} annual inspection failed", ctx),
        ]
    return events


def record_rectification(
    state: SocialOrgState, command: RecordRectification, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.REGISTERED,), "recording a rectification")
    require_role(ctx.actor, REVIEWERS, "checking a rectification")
    inspection = _inspection(state, command.year)
    if inspection.rectification != "pending":
        raise DomainError("no_rectification_pending", f"no rectification for {command.year} is due")
    clock = [f"{RECTIFICATION_PREFIX}{command.year}"]
    if command.accepted:
        return [
            RectificationAccepted(year=command.year, note=command.note, at=ctx.now),
            *stop(state, clock, "rectification accepted"),
        ]
    return [
        RectificationFailed(year=command.year, note=command.note, at=ctx.now),
        *stop(state, clock, "rectification failed"),
        *_failed_rectification(state, command.year, ctx),
    ]


def _failed_rectification(state: SocialOrgState, year: int, ctx: DecisionContext) -> list[Event]:
    reason = f"{year}年度整改不合格"
    return [WarningIssued(reason=reason, at=ctx.now), *lists.list_abnormal(state, reason, ctx)]


# --- what the cycle's clocks mean when they fire ------------------------------------------


def on_report_rung(
    state: SocialOrgState, name: str, reminder: bool, due: bool, ctx: DecisionContext
) -> list[Event]:
    """The 7-day reminder rung and the due rung of a report deadline."""
    inspection = state.current_inspection
    clock = state.clocks.get(name)
    if inspection is None or clock is None:
        return []
    recipient = RECIPIENT_OF[name]
    due_on = local_date(clock.due_at - timedelta(microseconds=1))  # extended: the new date
    events: list[Event] = []
    if reminder:
        events.append(
            ReportReminderSent(
                year=inspection.year,
                recipient=recipient,
                due_on=due_on,
                days_before=rules.LAST_REMINDER_DAYS,
                at=ctx.now,
            )
        )
    missed = (
        inspection.sponsor_missed if recipient is Recipient.SPONSOR else inspection.authority_missed
    )
    if due and not missed:  # an extended deadline reaching its new date misses only once
        events += _missed(state, inspection, recipient, due_on, ctx)
    return events


def _missed(
    state: SocialOrgState,
    inspection: Inspection,
    recipient: Recipient,
    due_on: date,
    ctx: DecisionContext,
) -> list[Event]:
    year = inspection.year
    reason = f"{year}年度工作报告未在 {due_on} 前报送{enum_label('Recipient', recipient.value)}"
    events: list[Event] = [
        AnnualReportMissed(year=year, recipient=recipient, due_on=due_on, at=ctx.now),
        WarningIssued(reason=reason, at=ctx.now),
    ]
    if recipient is Recipient.AUTHORITY:
        events += lists.list_abnormal(state, reason, ctx)
        before = state.inspections.get(year - 1)
        if before is not None and before.without_inspection:
            grounds = f"{year - 1}、{year}年度连续2年未参加年检"
            events += lists.flag_zombie(state, grounds, ctx)
    return events


def on_report_notice(state: SocialOrgState, name: str, ctx: DecisionContext) -> list[Event]:
    """30 days before a due date (policy)."""
    inspection = state.current_inspection
    recipient = RECIPIENT_OF_NOTICE[name]
    due_on = _due_on(inspection, recipient) if inspection is not None else None
    if inspection is None or due_on is None:
        return []
    return [
        ReportReminderSent(
            year=inspection.year,
            recipient=recipient,
            due_on=due_on,
            days_before=rules.EARLY_REMINDER_DAYS,
            at=ctx.now,
        )
    ]


def on_rectification_due(state: SocialOrgState, name: str, ctx: DecisionContext) -> list[Event]:
    year = int(name.removeprefix(RECTIFICATION_PREFIX))
    return [
        RectificationFailed(year=year, note="rectification deadline passed", at=ctx.now),
        *stop(state, [name], "rectification deadline passed"),
        *_failed_rectification(state, year, ctx),
    ]
