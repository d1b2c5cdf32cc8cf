"""The outbox dispatcher: runs in every worker process beside the Temporal worker.

Why here and not as a Temporal workflow: the outbox already is durable state in PostgreSQL,
written in the ledger's own statement; a workflow per notification would copy that state into
a second store and still need something to poll the table to start it. Rows are claimed one
at a time with FOR UPDATE SKIP LOCKED, so any number of worker processes share the work and no
two hold the same row; the lock lives in the claiming transaction, so a dispatcher that dies
mid-delivery leaves the row pending and the next one retries it with the same delivery key
(the key the receiver dedupes on). Failures retry with exponential back-off, then become
dead letters an administrator can re-send.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from activities.channels import Channel, DeliveryFailed, InboxChannel, SmtpChannel, WebhookChannel
from config.settings import Settings
from store.outbox import claim_one

log = logging.getLogger("casework.dispatcher")


@dataclass(frozen=True)
class RetryPolicy:
    first: timedelta = timedelta(seconds=5)
    cap: timedelta = timedelta(minutes=30)
    max_attempts: int = 10  # then a dead letter

    def next_retry(self, attempts_so_far: int) -> timedelta | None:
        """The wait before the next attempt after `attempts_so_far + 1` failed; None: give up."""
        if attempts_so_far + 1 >= self.max_attempts:
            return None
        wait: timedelta = min(self.first * (2**attempts_so_far), self.cap)
        return wait


class Dispatcher:
    def __init__(
        self,
        engine: AsyncEngine,
        channels: Mapping[str, Channel],
        *,
        retry: RetryPolicy | None = None,
        poll_interval: float = 1.0,
        lanes: int = 2,
    ) -> None:
        self._engine = engine
        self._channels = dict(channels)
        self._retry = retry or RetryPolicy()
        self._poll_interval = poll_interval
        self._lanes = lanes

    async def dispatch_one(self) -> bool:
        """Deliver the next due row, if any; True when a row was handled."""
        async with claim_one(self._engine) as claim:
            if claim is None:
                return False
            row = claim.row
            channel = self._channels.get(row.channel)
            try:
                if channel is None:
                    raise DeliveryFailed(f"channel {row.channel} is not configured")
                await channel.deliver(row)
            except DeliveryFailed as failure:
                retry_in = None if failure.permanent else self._retry.next_retry(row.attempts)
                await claim.failed(str(failure), retry_in)
                log.warning(
                    "notification not delivered",
                    extra={
                        "case_id": row.case_id,
                        "notification_id": row.notification_id,
                        "channel": row.channel,
                        "dead": retry_in is None,
                    },
                )
            except Exception as error:  # a bug in a channel must not stop the dispatcher
                retry_in = self._retry.next_retry(row.attempts)
                await claim.failed(f"{type(error).__name__}: {error}", retry_in)
                log.exception("channel error", extra={"notification_id": row.notification_id})
            else:
                await claim.delivered()
            return True

    async def _lane(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                handled = await self.dispatch_one()
            except Exception:  # the database is away: wait and try again
                log.exception("outbox unavailable")
                handled = False
            if not handled:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._poll_interval)

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until `stop` is set; a delivery under way finishes first."""
        log.info("dispatcher running with channels %s", ", ".join(sorted(self._channels)))
        await asyncio.gather(*(self._lane(stop) for _ in range(self._lanes)))


def build_channels(settings: Settings) -> dict[str, Channel]:
    """The channels settings configure: the inbox always; webhooks with a signing secret;
    e-mail with an SMTP host. A row for a missing channel fails visibly, then dies."""
    channels: dict[str, Channel] = {"inbox": InboxChannel()}
    if settings.webhook_secret:
        channels["webhook"] = WebhookChannel(settings.webhook_secret)
    if settings.smtp_host:
        channels["email"] = SmtpChannel(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_sender,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=settings.smtp_password,
            console_url=settings.api_url,
        )
    return channels


def build_dispatcher(engine: AsyncEngine, settings: Settings) -> Dispatcher:
    return Dispatcher(
        engine,
        build_channels(settings),
        retry=RetryPolicy(
            first=timedelta(seconds=settings.dispatch_first_retry_seconds),
            max_attempts=settings.dispatch_max_attempts,
        ),
        poll_interval=settings.dispatch_poll_seconds,
    )
