"""Which clock rules a case's run counts by: the current ones, except in histories recorded
before periods ended where the law ends them (those replay with exact instants)."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.case import CaseState
    from domain.clocks import CURRENT_RULES, ClockRules

# Runs that carry this marker count periods by 民事诉讼法 Art 85 (domain/periods.py), start the
# stay and appeal clocks at the statute's start event and apply the social-group-only rules.
STATUTORY_PERIODS_PATCH = "statutory-period-ends"


def clock_rules_for_run(state: CaseState) -> CaseState:
    """The state with the clock rules this run decides by (called once as each run starts)."""
    rules = (
        CURRENT_RULES if workflow.patched(STATUTORY_PERIODS_PATCH) else ClockRules.EXACT_INSTANTS
    )
    return state.model_copy(update={"clock_rules": rules})
