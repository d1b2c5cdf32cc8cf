"""Applications, proactive-discovery leads, acceptance and the one notice of missing papers."""

from __future__ import annotations

from domain.actors import require_role
from domain.case import ClockPaused, ClockResumed, ClockStarted
from domain.clocks import pause_clock, resume_clock, start_clock
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.relief import rules
from domain.relief.commands import (
    AcceptAssistanceApplication,
    ApplyForAssistance,
    ApplyOnBehalf,
    CloseDiscoveryLead,
    OpenDiscoveryLead,
    SubmitMissingPapers,
    WithdrawAssistanceApplication,
)
from domain.relief.common import (
    FRONT_LINE,
    PRE_DECISION,
    close,
    process_clock,
    programme_of,
    request_verification,
    require_stage,
    start,
    stop_clocks,
)
from domain.relief.events import (
    ApplicationAccepted,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    LeadClosed,
    LeadConverted,
    LeadOpened,
    MissingPapersNotified,
    PapersReceived,
)
from domain.relief.household import Household, Paper, Programme
from domain.relief.money import yuan
from domain.relief.state import ReliefState, Stage


def _submitted(
    command: ApplyForAssistance | ApplyOnBehalf,
    unit: str,
    emergency: bool,
    on_behalf: bool,
    ctx: DecisionContext,
) -> ApplicationSubmitted:
    if not command.consent_to_verification:
        raise DomainError(
            "consent_required",
            "最低生活保障审核确认办法: the household must authorise the check of its economic "
            "situation (授权核对) before an application can be taken",
        )
    if emergency and command.programme is not Programme.TEMPORARY:
        raise DomainError(
            "emergency_is_temporary", "the 急难 fast-track is for temporary assistance only"
        )
    household: Household = command.household
    return ApplicationSubmitted(
        programme=command.programme,
        unit=unit,
        household=household,
        papers=list(dict.fromkeys(command.papers)),
        emergency=emergency,
        on_behalf=on_behalf,
        reason=command.reason,
        by=ctx.actor.user_id,
        at=ctx.now,
    )


def apply(state: ReliefState, command: ApplyForAssistance, ctx: DecisionContext) -> list[Event]:
    require_stage(state, (Stage.NEW,), "applying")
    require_role(ctx.actor, FRONT_LINE, "recording an application")
    return [
        _submitted(command, command.unit, command.emergency, False, ctx),
        start(rules.ACCEPTANCE, ctx),
    ]


def open_lead(state: ReliefState, command: OpenDiscoveryLead, ctx: DecisionContext) -> list[Event]:
    require_stage(state, (Stage.NEW,), "opening a discovery lead")
    require_role(ctx.actor, FRONT_LINE, "opening a discovery lead")
    numerator, denominator = rules.MONITORING_MULTIPLE
    if command.per_capita_income_fen * denominator >= command.line_fen * numerator:
        raise DomainError(
            "no_alert",
            f"per-capita income {yuan(command.per_capita_income_fen)} is not below "
            f"{numerator}/{denominator} of the line {yuan(command.line_fen)}: no monitoring alert",
        )
    return [
        LeadOpened(
            unit=command.unit,
            household_ref=command.household_ref,
            per_capita_income_fen=command.per_capita_income_fen,
            line_fen=command.line_fen,
            source=command.source,
            at=ctx.now,
        ),
        start(rules.LEAD_VERIFICATION, ctx),
    ]


def close_lead(
    state: ReliefState, command: CloseDiscoveryLead, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.LEAD,), "closing a lead")
    require_role(ctx.actor, FRONT_LINE, "closing a lead")
    return [
        LeadClosed(reasons=command.reasons, at=ctx.now),
        *close(state, "lead closed: " + "; ".join(command.reasons), ctx),
    ]


def apply_on_behalf(
    state: ReliefState, command: ApplyOnBehalf, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.LEAD,), "applying on the household's behalf")
    require_role(ctx.actor, FRONT_LINE, "applying on the household's behalf")
    submitted = _submitted(command, state.unit, False, True, ctx)
    return [
        LeadConverted(at=ctx.now),
        *stop_clocks(state, ["lead_verification"], "lead verified: application on behalf"),
        submitted,
        start(rules.ACCEPTANCE, ctx),
    ]


def accept(
    state: ReliefState, command: AcceptAssistanceApplication, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.APPLIED,), "accepting an application")
    require_role(ctx.actor, FRONT_LINE, "accepting an application")
    programme = programme_of(state)
    missing = sorted(rules.REQUIRED_PAPERS[programme] - set(state.papers_received))
    events: list[Event] = [
        ApplicationAccepted(by=ctx.actor.user_id, at=ctx.now),
        *stop_clocks(state, ["acceptance"], "accepted"),
    ]
    if missing:
        events.append(MissingPapersNotified(missing=missing, at=ctx.now))
    if state.emergency:
        # help first: nothing waits for papers or the centre, only the help itself
        return [*events, start(rules.EMERGENCY_GRANT, ctx)]
    clock = start_clock(process_clock(programme), ctx.now, ctx.calendar, ctx.clock_rules)
    events.append(ClockStarted(clock=clock))
    if missing:
        paused = pause_clock(clock, ctx.now, ctx.calendar)
        events.append(ClockPaused(clock=paused, reason="一次性告知，等待补正材料"))
        return events
    return [*events, *request_verification(state, ctx)]


def submit_papers(
    state: ReliefState, command: SubmitMissingPapers, ctx: DecisionContext
) -> list[Event]:
    require_stage(
        state,
        (Stage.AWAITING_PAPERS, Stage.EMERGENCY, Stage.FOLLOW_UP),
        "handing in missing papers",
    )
    require_role(ctx.actor, FRONT_LINE, "handing in missing papers")
    papers = list(dict.fromkeys(command.papers))
    unasked: list[Paper] = [p for p in papers if p not in state.papers_missing]
    if unasked:
        listed = ", ".join(state.papers_missing) or "nothing"
        raise DomainError(
            "not_requested",
            f"{', '.join(unasked)} were not asked for; the one notice listed: {listed}",
        )
    complete = set(state.papers_missing) <= set(papers)
    events: list[Event] = [PapersReceived(papers=papers, complete=complete, at=ctx.now)]
    if complete and state.stage == Stage.AWAITING_PAPERS:
        name = process_clock(programme_of(state)).name
        resumed = resume_clock(state.clocks[name], ctx.now, ctx.calendar)
        events.append(ClockResumed(clock=resumed))
        events.extend(request_verification(state, ctx))
    return events


def withdraw(
    state: ReliefState, command: WithdrawAssistanceApplication, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, PRE_DECISION, "withdrawing an application")
    require_role(ctx.actor, FRONT_LINE, "recording a withdrawal")
    return [
        ApplicationWithdrawn(reason=command.reason, at=ctx.now),
        *close(state, "application withdrawn", ctx),
    ]
