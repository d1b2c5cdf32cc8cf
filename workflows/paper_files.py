"""Paper files: a case's known history recorded in one update, each step decided as of its date."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.case import PaperFileEntered
    from domain.timeline import (
        PaperFileRefused,
        PaperStep,
        Step,
        replay_paper_file,
    )
    from workflows.contracts import (
        PAPER_FILE_UPDATE,
        CommandResult,
        PaperFileRequest,
    )

from workflows.case_calendar import CaseCalendar


class PaperFiles(CaseCalendar):
    """The paper-file update of every case workflow."""

    @workflow.update(name=PAPER_FILE_UPDATE)
    async def paper_file(self, request: PaperFileRequest) -> CommandResult:
        """Record a paper file's known history, each step decided as of its own date."""
        if request.command_id is not None and request.command_id in self._answered:
            return self._answered[request.command_id]
        if request.holiday_notices is None and not self._calendar_loaded:
            await workflow.wait_condition(lambda: self._calendar_loaded)
        self._adopt_calendar(request.holiday_notices)
        steps = self._replay_paper_file(request)
        entered = PaperFileEntered(steps=len(request.steps), reference=request.reference)
        steps.insert(
            0,
            Step(
                at=workflow.now(), actor=request.entered_by, events=[entered], state=self._current
            ),
        )
        decision = self._admit_steps(steps, request.command_id)
        await self._record(decision)
        self._wake_if_alarm_moved()
        result = CommandResult(
            case_id=self._case_id,
            version=self._version,
            stage=self._recorded.stage,
            events=[e.type for s in steps for e in s.events],
        )
        self._remember(request.command_id, result)
        self.start_effects([e for s in steps[1:] for e in s.events])
        return result

    @paper_file.validator
    def validate_paper_file(self, request: PaperFileRequest) -> None:
        """A paper file with a step the rules refuse is rejected whole; nothing is written."""
        if request.command_id is not None and request.command_id in self._answered:
            return
        self._replay_paper_file(request)

    def _replay_paper_file(self, request: PaperFileRequest) -> list[Step]:
        steps = [PaperStep(command=s.command, actor=s.actor, at=s.at) for s in request.steps]
        try:
            return replay_paper_file(
                self.lifecycle,
                self._current,
                steps,
                workflow.now(),
                self._calendar_of(request.holiday_notices),
                self._last_step_at,
                # what fell due after the last step is caught up by the run loop, one instant
                # (and, for yearly cycles, one run) at a time: no append grows with the years
                catch_up=False,
            )
        except PaperFileRefused as refused:
            raise ApplicationError(
                refused.message,
                {"code": refused.step_code, "step": refused.index},
                type=refused.step_code,
                non_retryable=True,
            ) from None
