"""Anchoring: sign a digest of every stream's head and publish it beyond the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.anchoring_contracts import ANCHOR_LEDGER, AnchorRequest, AnchorSummary
from store.anchors import make_anchor
from store.publisher import AnchorPublisher
from store.signing import Signer, public_pem


class AnchorActivities:
    """Built with the database, the signing key (or None when anchoring is not configured on
    this worker) and the publisher."""

    def __init__(
        self,
        engine: AsyncEngine,
        signer: Signer | None,
        publisher: AnchorPublisher | None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._engine = engine
        self._signer = signer
        self._publisher = publisher
        self._clock = clock

    @activity.defn(name=ANCHOR_LEDGER)
    async def anchor(self, request: AnchorRequest) -> AnchorSummary:
        """Compute, sign and publish one anchor; a retry makes a new one (harmless)."""
        if self._signer is None or self._publisher is None:
            raise ApplicationError(
                "anchoring is not configured on this worker "
                "(CASEWORK_ANCHOR_KEY_FILE and CASEWORK_ANCHOR_DIR)",
                type="AnchoringNotConfigured",
                non_retryable=True,
            )
        anchor, heads = await make_anchor(self._engine, self._signer, self._clock())
        await self._publisher.publish_public_key(
            self._signer.key_id, public_pem(self._signer.public_key)
        )
        await self._publisher.publish(anchor, heads)
        activity.logger.info(
            "ledger anchored",
            extra={
                "anchor_id": anchor.anchor_id,
                "streams": anchor.streams,
                "requested_by": request.requested_by or "schedule",
            },
        )
        return AnchorSummary.model_validate(anchor.model_dump(exclude={"signature"}), strict=False)
