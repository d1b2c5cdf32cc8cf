"""Which clock rules a case's run counts by: the current ones, except in histories recorded
before periods ended where the law ends them (those replay with exact instants)."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.clocks import CURRENT_RULES, ClockRules

from workflows.case_record import CaseRecord

# Runs that carry this marker count periods by 民事诉讼法 Art 85 (domain/periods.py), start the
# stay and appeal clocks at the statute's start event and apply the social-group-only rules.
STATUTORY_PERIODS_PATCH = "statutory-period-ends"


def count_clocks_by_run_rules(case: CaseRecord) -> None:
    """Fix the clock rules this run decides by (called once, as each run starts).

    A command admitted before the run's body started (it may carry its own calendar) keeps its
    decision: only the recorded state's rules change, and the admitted decisions fold on top.
    """
    rules = (
        CURRENT_RULES if workflow.patched(STATUTORY_PERIODS_PATCH) else ClockRules.EXACT_INSTANTS
    )
    if case._recorded.clock_rules != rules:
        case._recorded = case._recorded.model_copy(update={"clock_rules": rules})
        case._refold()
