"""The social-assistance case workflow (DOMAIN.md §2): the runtime with the relief decider,
plus one effect: each verification request is sent to the centre by an activity that retries
with back-off, without a deadline, under the request's idempotency key. The centre's reply
comes back later through the API as a command; the `verification_reply` clock escalates if it
is late."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.verification_contracts import (
        SEND_VERIFICATION,
        CentreReceipt,
        VerificationSendRequest,
    )
    from domain.messages import Event
    from domain.relief import RELIEF
    from domain.relief.events import VerificationRequested
    from domain.relief.state import ReliefState
    from workflows.contracts import CaseInput, CaseOutcome

from workflows.clock_rules import count_clocks_by_run_rules
from workflows.runtime import CaseWorkflow

# An outage of the centre must never lose a request: retry with back-off, without a deadline
# (policy: at least hourly once the outage is long). The reply clock raises the alarm.
VERIFICATION_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(hours=1),
    non_retryable_error_types=["CentreRejected"],
)
VERIFICATION_ATTEMPT_TIMEOUT = timedelta(seconds=30)


@workflow.defn(name="ReliefCase")
class ReliefCaseWorkflow(CaseWorkflow):
    lifecycle = RELIEF

    @workflow.run
    async def run(self, case: CaseInput) -> CaseOutcome:
        count_clocks_by_run_rules(self)
        return await self.run_case()

    def start_effects(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, VerificationRequested):
                self.spawn(self._send_verification(event.request_key))

    def resume_effects(self) -> None:
        state = self._current
        assert isinstance(state, ReliefState)
        for key in state.requests_to_send():
            self.spawn(self._send_verification(key))

    async def _send_verification(self, key: str) -> None:
        state = self._current
        assert isinstance(state, ReliefState) and state.programme is not None
        household = state.household
        request = VerificationSendRequest(
            idempotency_key=key,
            case_id=state.case_id,
            programme=state.programme.value,
            members=len(household.members) if household else 0,
            declared_income_fen=household.declared_income_fen if household else 0,
        )
        try:
            receipt: CentreReceipt = await workflow.execute_activity(
                SEND_VERIFICATION,
                request,
                result_type=CentreReceipt,
                start_to_close_timeout=VERIFICATION_ATTEMPT_TIMEOUT,
                retry_policy=VERIFICATION_RETRY,
            )
        except ActivityError as failed:
            cause = failed.cause or failed
            await self.run_internal(
                {"type": "RecordVerificationFailure", "request_key": key, "error": str(cause)[:900]}
            )
            return
        await self.run_internal(
            {
                "type": "AcknowledgeVerificationRequest",
                "request_key": key,
                "centre_ref": receipt.centre_ref,
            }
        )
