"""The social-organisation case workflow (DOMAIN.md §3): the runtime with the social-organisation
decider, continuing as new at every yearly cycle so that a case can run for decades."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.socialorg import SOCIAL_ORG
    from workflows.contracts import CaseInput, CaseOutcome

from workflows.clock_rules import count_clocks_by_run_rules
from workflows.runtime import CaseWorkflow


@workflow.defn(name="SocialOrgCase")
class SocialOrgCaseWorkflow(CaseWorkflow):
    lifecycle = SOCIAL_ORG
    _run_cycle: int | None = None  # the inspection year open when this run started

    @workflow.run
    async def run(self, case: CaseInput) -> CaseOutcome:
        self._run_cycle = (case.state or {}).get("cycle_year")
        count_clocks_by_run_rules(self)
        return await self.run_case()

    def wants_new_run(self) -> bool:
        """One run per yearly cycle: once 1 January opened the next inspection year, the state
        is carried into a new run, so no run's history outgrows a year of the case."""
        cycle_year: int | None = getattr(self._current, "cycle_year", None)
        return cycle_year != self._run_cycle
