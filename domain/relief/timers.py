"""Clock commands with the relief rules on top: a notice ends when its 7 days are up, the
appeal window closes the case, and extensions stay within their statutory limits."""

from __future__ import annotations

from domain.case import ClockEscalated, EscalateClock, GrantExtension, decide_clock_command
from domain.clocks import Rung
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.relief import rules
from domain.relief.common import close, start, stop_clocks
from domain.relief.events import AppealWindowClosed, NoticePeriodEnded
from domain.relief.evolve import fold
from domain.relief.state import ReliefState, Stage

# Clocks whose due time is an ending, not a lateness: at L1 something happens instead.
ENDINGS = ("public_notice", "appeal_window")
EXTENSION_LIMITS = {
    "whole_process": rules.WHOLE_PROCESS_EXTENSION_LIMIT,
    "appeal_review": rules.APPEAL_REVIEW_EXTENSION_LIMIT,
}


def escalate(state: ReliefState, command: EscalateClock, ctx: DecisionContext) -> list[Event]:
    events = decide_clock_command(state, command, ctx)
    if command.clock not in ENDINGS:
        return events
    before_due: list[Event] = [
        e for e in events if isinstance(e, ClockEscalated) and e.rung < Rung.L1_DUE
    ]
    if len(before_due) == len(events):
        return events  # only the reminder
    after = fold(state, before_due)
    if command.clock == "public_notice" and state.stage == Stage.NOTICE:
        return [
            *before_due,
            NoticePeriodEnded(notice_no=state.notices, at=ctx.now),
            *stop_clocks(after, ["public_notice"], "notice period over, no objection"),
            start(rules.DECISION, ctx),
        ]
    return [
        *before_due,
        AppealWindowClosed(at=ctx.now),
        *close(after, "decided; the window to seek review has closed", ctx),
    ]


def extend(state: ReliefState, command: GrantExtension, ctx: DecisionContext) -> list[Event]:
    limit = EXTENSION_LIMITS.get(command.clock)
    if command.clock in ENDINGS:
        raise DomainError("not_extendable", f"{command.clock} is not a deadline staff can move")
    if limit is not None and state.extended.get(command.clock, 0) + command.by > limit:
        granted = state.extended.get(command.clock, 0)
        raise DomainError(
            "extension_limit",
            f"{command.clock} may be extended by {limit} at most; {granted} granted already",
        )
    return decide_clock_command(state, command, ctx)
