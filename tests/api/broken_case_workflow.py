"""A deployment gone wrong: a "RescueCase" that fails every workflow task it runs. Its code no
longer matches the case's history (it sleeps where the real one loads the holiday notices), and
its command handler raises a bug (an exception that fails the task, not the update)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.contracts import COMMAND_UPDATE, CaseInput, CaseOutcome, CommandRequest


@workflow.defn(name="RescueCase")
class NondeterministicRescueCase:
    @workflow.run
    async def run(self, case: CaseInput) -> CaseOutcome:
        await workflow.sleep(timedelta(days=1))
        return CaseOutcome(case_id=case.case_id, version=0, stage="broken")

    @workflow.update(name=COMMAND_UPDATE)
    async def command(self, request: CommandRequest) -> None:
        raise RuntimeError("a bug in the deployed code")
