"""The rescue case workflow (DOMAIN.md §1): the runtime with the rescue decider."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.rescue import RESCUE
    from workflows.contracts import CaseInput, CaseOutcome

from workflows.runtime import CaseWorkflow


@workflow.defn(name="RescueCase")
class RescueCaseWorkflow(CaseWorkflow):
    lifecycle = RESCUE

    @workflow.run
    async def run(self, case: CaseInput) -> CaseOutcome:
        return await self.run_case()
