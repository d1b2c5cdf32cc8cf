"""Anchoring the ledger, as a workflow: the Temporal schedule `casework-ledger-anchor` starts
one at every interval, and `POST /audit/anchors` starts one on demand. Either way the signing
key stays with the workers; Temporal gives one schedule however many workers run, retries an
anchor whose worker died, and never runs two scheduled anchors at once."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.anchoring_contracts import ANCHOR_LEDGER, AnchorRequest, AnchorSummary

ANCHOR_WORKFLOW = "LedgerAnchor"
ANCHOR_SCHEDULE_ID = "casework-ledger-anchor"


@workflow.defn(name=ANCHOR_WORKFLOW)
class LedgerAnchorWorkflow:
    @workflow.run
    async def run(self, request: AnchorRequest) -> AnchorSummary:
        summary: AnchorSummary = await workflow.execute_activity(
            ANCHOR_LEDGER,
            request,
            result_type=AnchorSummary,
            start_to_close_timeout=timedelta(minutes=10),
            retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=1), maximum_attempts=10),
        )
        return summary
