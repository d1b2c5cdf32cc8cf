"""The only writer of the ledger: appends a case's events, its read model and the notifications
the events call for (the outbox), in one transaction."""

from __future__ import annotations

from opentelemetry import trace
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.contracts import APPEND_EVENTS, AppendRequest, AppendResult
from activities.notifications import planned_notifications
from store.errors import ConcurrencyConflict, IdempotencyMismatch, InvalidEventData
from store.ledger import Ledger


def _trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


class LedgerActivities:
    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger

    @activity.defn(name=APPEND_EVENTS)
    async def append(self, request: AppendRequest) -> AppendResult:
        """Append with the expected version; a retry after commit returns the original result.

        A database outage raises, and Temporal retries with back-off until it is back.
        """
        info = activity.info()
        try:
            result = await self._ledger.append(
                request.stream_id,
                request.expected_version,
                request.events,
                request.summary,
                expected_hash=request.expected_hash,
                workflow_id=info.workflow_id,
                run_id=info.workflow_run_id,
                trace_id=_trace_id(),
                notifications=planned_notifications(
                    request.stream_id, request.events, request.summary
                ),
            )
        except ConcurrencyConflict as conflict:
            raise ApplicationError(
                str(conflict), type="ConcurrencyConflict", non_retryable=True
            ) from None
        except InvalidEventData as invalid:
            # Bad data will not get better by retrying: fail the command, never wedge the case.
            raise ApplicationError(
                str(invalid), type="InvalidEventData", non_retryable=True
            ) from None
        except IdempotencyMismatch as mismatch:
            raise ApplicationError(
                str(mismatch), type="IdempotencyMismatch", non_retryable=True
            ) from None
        activity.logger.info(
            "appended", extra={"case_id": request.stream_id, "version": result.last_version}
        )
        return result
