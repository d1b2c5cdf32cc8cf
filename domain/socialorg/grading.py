"""Grade evaluation (等级评估): eligibility, bars, notice and objection, 5-year grades, downgrade."""

from __future__ import annotations

from datetime import date, timedelta

from domain.actors import require_role, require_uninvolved
from domain.calendar import end_of_day, local_date
from domain.case import ClockStarted
from domain.clocks import start_clock
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.socialorg import rules, timers
from domain.socialorg.commands import (
    ApplyForGradeEvaluation,
    DecideGradeObjection,
    FileGradeObjection,
    Grade,
    InspectionResult,
    PenaltyKind,
    ProposeGrade,
    RecordOrgPenalty,
)
from domain.socialorg.common import DECIDERS, FRONT_LINE, REVIEWERS, require_stage, stop
from domain.socialorg.dates import add_years
from domain.socialorg.events import (
    GradeAwarded,
    GradeDowngraded,
    GradeEvaluationApplied,
    GradeEvaluationClosed,
    GradeExpired,
    GradeObjectionFiled,
    GradeProposed,
    OrgPenaltyRecorded,
)
from domain.socialorg.state import SocialOrgState, Stage

GRADES = list(Grade)  # 1A … 5A, lowest first


def eligibility_problem(state: SocialOrgState, today: date) -> str | None:
    """Why the organisation may not apply for an evaluation today, or None."""
    if state.grade is not None and state.grade_valid_until is not None:
        if state.grade_valid_until - today > rules.GRADE_RENEWAL_WINDOW:
            return (
                f"its {state.grade} grade is valid until {state.grade_valid_until}; "
                "re-evaluation opens in the grade's last year"
            )
    elif (
        state.registered_on is None
        or add_years(state.registered_on, rules.GRADE_ELIGIBLE_AFTER_YEARS) > today
    ):
        return (
            f"an evaluation needs {rules.GRADE_ELIGIBLE_AFTER_YEARS} full years since registration"
        )
    return grading_bar(state, today)


def grading_bar(state: SocialOrgState, today: date) -> str | None:
    """What bars an evaluation: a missed or failed inspection, two 基本合格, a penalty [local]."""
    decided = [
        i
        for _, i in sorted(state.inspections.items())
        if not i.skipped and (i.result is not None or i.authority_missed)
    ]
    if decided:
        last = decided[-1]
        if last.result is None:
            return f"the {last.year} annual inspection was missed"
        if last.result is InspectionResult.FAIL:
            return f"the {last.year} annual inspection failed"
    results = [i.result for i in decided if i.result is not None]
    if results[-2:] == [InspectionResult.BASIC_PASS, InspectionResult.BASIC_PASS]:
        return "two 基本合格 in a row"
    first_counted = today.year - rules.PENALTY_BARS_GRADING_YEARS
    if any(p.on.year >= first_counted for p in state.penalties):
        return f"an administrative penalty since {first_counted}"
    return None


def apply(
    state: SocialOrgState, command: ApplyForGradeEvaluation, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.REGISTERED,), "applying for a grade evaluation")
    require_role(ctx.actor, FRONT_LINE, "receiving an evaluation application")
    if state.grading is not None:
        raise DomainError("grading_in_progress", "an evaluation is already under way")
    problem = eligibility_problem(state, local_date(ctx.now))
    if problem is not None:
        raise DomainError("grading_barred", problem)
    return [GradeEvaluationApplied(at=ctx.now)]


def propose(state: SocialOrgState, command: ProposeGrade, ctx: DecisionContext) -> list[Event]:
    require_stage(state, (Stage.REGISTERED,), "proposing a grade")
    require_role(ctx.actor, REVIEWERS, "proposing a grade")
    if state.grading is None:
        raise DomainError("no_evaluation", "no evaluation is under way")
    if state.grading.proposed is not None:
        raise DomainError("already_proposed", f"{state.grading.proposed} is already proposed")
    notice_ends = ctx.now + rules.GRADE_NOTICE
    if ctx.statutory_periods:  # 7 days, the publication day not counted: to 24:00 of the 7th
        notice_ends = end_of_day(local_date(ctx.now) + rules.GRADE_NOTICE)
    rule = "社会组织评估管理办法: the proposed grade is publicly noticed for 7 days [local]"
    return [
        GradeProposed(
            grade=command.grade,
            proposed_by=ctx.actor.user_id,
            notice_ends_at=notice_ends,
            at=ctx.now,
        ),
        ClockStarted(clock=timers.timer(timers.GRADE_NOTICE, rule, ctx.now, notice_ends)),
    ]


def object_to(
    state: SocialOrgState, command: FileGradeObjection, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.REGISTERED,), "objecting to a grade")
    require_role(ctx.actor, FRONT_LINE, "receiving an objection")
    if timers.GRADE_NOTICE not in state.clocks:
        raise DomainError("no_notice", "objections are heard while a proposed grade is noticed")
    return [
        GradeObjectionFiled(reason=command.reason, at=ctx.now),
        *stop(state, [timers.GRADE_NOTICE], "objection filed"),
        ClockStarted(
            clock=start_clock(rules.GRADE_OBJECTION_RESULT, ctx.now, ctx.calendar, ctx.clock_rules)
        ),
    ]


def decide_objection(
    state: SocialOrgState, command: DecideGradeObjection, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.REGISTERED,), "deciding a grade objection")
    require_role(ctx.actor, DECIDERS, "deciding a grade objection")
    grading = state.grading
    if grading is None or grading.objection is None:
        raise DomainError("no_objection", "no objection to a proposed grade is pending")
    require_uninvolved([grading.proposed_by or ""], ctx.actor, "grade proposal")
    events: list[Event] = stop(state, [rules.GRADE_OBJECTION_RESULT.name], "objection decided")
    if command.grade is None:
        return [*events, GradeEvaluationClosed(reason=command.reason, at=ctx.now)]
    return [*events, *award(state, command.grade, ctx)]


def award(state: SocialOrgState, grade: Grade, ctx: DecisionContext) -> list[Event]:
    """A grade for 5 years [local], with the timer at which it expires."""
    last_day = add_years(local_date(ctx.now), rules.GRADE_VALID_YEARS) - timedelta(days=1)
    expires = timers.start_of_day(last_day + timedelta(days=1))
    rule = "社会组织评估管理办法: a grade is valid for 5 years [local]"
    return [
        *stop(state, [timers.GRADE_EXPIRY], "a new grade replaces it"),
        GradeAwarded(grade=grade, valid_until=last_day, at=ctx.now),
        ClockStarted(clock=timers.timer(timers.GRADE_EXPIRY, rule, ctx.now, expires)),
    ]


def on_notice_over(state: SocialOrgState, ctx: DecisionContext) -> list[Event]:
    """The notice ended without an objection: the proposed grade is awarded."""
    grading = state.grading
    if grading is None or grading.proposed is None:
        return []
    return award(state, grading.proposed, ctx)


def on_expiry(state: SocialOrgState, ctx: DecisionContext) -> list[Event]:
    if state.grade is None:
        return []
    return [GradeExpired(grade=state.grade, at=ctx.now)]


def downgrade(state: SocialOrgState, reason: str, ctx: DecisionContext) -> list[Event]:
    """One grade lower after a failed inspection or a penalty; below 1A there is no grade."""
    if state.grade is None:
        return []
    index = GRADES.index(state.grade)
    lower = GRADES[index - 1] if index > 0 else None
    events: list[Event] = [
        GradeDowngraded(from_grade=state.grade, to_grade=lower, reason=reason, at=ctx.now)
    ]
    if lower is None:
        events += stop(state, [timers.GRADE_EXPIRY], "no grade left")
    return events


def record_penalty(
    state: SocialOrgState, command: RecordOrgPenalty, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.REGISTERED,), "recording a penalty")
    require_role(ctx.actor, DECIDERS, "recording an administrative penalty")
    if (command.kind is PenaltyKind.FINE) != (command.fine_fen > 0):
        raise DomainError("fine_amount", "a fine, and only a fine, carries an amount in fen")
    return [
        OrgPenaltyRecorded(
            kind=command.kind, reason=command.reason, fine_fen=command.fine_fen, at=ctx.now
        ),
        *downgrade(state, f"administrative penalty: {command.reason}", ctx),
    ]
