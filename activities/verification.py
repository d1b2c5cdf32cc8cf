"""The economic-verification centre (家庭经济状况核对中心): the adapter the relief workflow calls,
and a fake that is slow, goes down and delivers twice, for development and tests.

The centre answers a request with a receipt at once and with its reply days later; the reply
reaches the case through the API (`POST /relief/verification-replies`), as the real centre's
callback would. Every request carries an idempotency key: the fake keeps its keys in a small
SQLite file, so a restarted fake still knows what it was sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, ConfigDict
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.verification_contracts import (
    SEND_VERIFICATION,
    CentreReceipt,
    VerificationSendRequest,
)

if TYPE_CHECKING:  # settings are read lazily: activities never import the CLI at import time
    from config.settings import Settings

log = logging.getLogger("casework.verification")


class CentreRequest(BaseModel):
    """A request as the centre receives it: the workflow's request and when it was sent."""

    model_config = ConfigDict(frozen=True)

    idempotency_key: str
    case_id: str
    programme: str
    members: int
    declared_income_fen: int
    sent_at: datetime


class CentreReply(BaseModel):
    """The centre's findings, as it delivers them to casework's API."""

    case_id: str
    request_key: str
    reply_id: str
    verified_income_fen: int
    verified_assets_fen: int = 0
    findings: list[str] = []


class CentreUnavailable(Exception):
    """The centre is down or unreachable: try again later."""


class CentreRejected(Exception):
    """The centre refused the request for good (malformed, not authorised)."""


class VerificationCentre(Protocol):
    async def submit(self, request: CentreRequest) -> CentreReceipt:
        """Hand a request over; the same idempotency key twice is one request."""
        ...


ReplySink = Callable[[CentreReply], Awaitable[None]]


@dataclass(frozen=True)
class Outage:
    """The centre is down from `start` until `end` (by the time a request is sent)."""

    start: datetime
    end: datetime

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


class RequestRecord(BaseModel):
    """What the fake remembers of one idempotency key."""

    key: str
    case_id: str
    centre_ref: str
    received_at: datetime
    reply_due_at: datetime
    submissions: int
    deliveries: int
    delivered: bool
    verified_income_fen: int


_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    key TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    centre_ref TEXT NOT NULL,
    received_at TEXT NOT NULL,
    reply_due_at TEXT NOT NULL,
    submissions INTEGER NOT NULL,
    deliveries INTEGER NOT NULL DEFAULT 0,
    delivered INTEGER NOT NULL DEFAULT 0,
    verified_income_fen INTEGER NOT NULL
)
"""


class FakeVerificationCentre:
    """A stand-in for the centre, behind the same interface, with failure and latency injection.

    - `latency`: how long after receiving a request its reply is due;
    - `outages`: windows in which `submit` fails as if the centre were down (also `down = True`);
    - `duplicate_replies`: every reply is delivered twice;
    - `lose_receipts`: the first N submissions are recorded but their receipt is lost on the
      way back (the caller sees an error and retries: the key makes it one request).
    Replies go to `sink` when `deliver_due` runs: tests call it with the time they choose;
    with `auto_deliver` a background loop calls it by the wall clock (development).
    """

    def __init__(
        self,
        store: Path | None = None,
        *,
        latency: timedelta = timedelta(seconds=30),
        outages: Sequence[Outage] = (),
        duplicate_replies: bool = False,
        lose_receipts: int = 0,
        sink: ReplySink | None = None,
        income_found: Callable[[CentreRequest], int] | None = None,
        auto_deliver: bool = False,
    ) -> None:
        self.store = store
        self.latency = latency
        self.outages = list(outages)
        self.duplicate_replies = duplicate_replies
        self.lose_receipts = lose_receipts
        self.sink = sink
        self.auto_deliver = auto_deliver  # deliver by the wall clock in the background
        self.down = False
        self._income_found = income_found or (lambda request: request.declared_income_fen)
        self._memory: sqlite3.Connection | None = None
        self._delivery: asyncio.Task[None] | None = None

    # --- storage ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        if self.store is None:
            if self._memory is None:
                self._memory = sqlite3.connect(":memory:", check_same_thread=False)
                self._memory.execute(_SCHEMA)
            with self._memory:
                yield self._memory
            return
        self.store.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.store, timeout=10)
        try:
            with conn:
                conn.execute(_SCHEMA)
                yield conn
        finally:
            conn.close()

    def has_undelivered(self) -> bool:
        if self.store is not None and not self.store.exists():
            return False
        with self._db() as db:
            return db.execute("SELECT 1 FROM requests WHERE delivered = 0").fetchone() is not None

    def record(self, key: str) -> RequestRecord | None:
        with self._db() as db:
            row = db.execute(
                "SELECT key, case_id, centre_ref, received_at, reply_due_at, submissions, "
                "deliveries, delivered, verified_income_fen FROM requests WHERE key = ?",
                (key,),
            ).fetchone()
        return None if row is None else _as_record(row)

    def records(self) -> list[RequestRecord]:
        with self._db() as db:
            rows = db.execute(
                "SELECT key, case_id, centre_ref, received_at, reply_due_at, submissions, "
                "deliveries, delivered, verified_income_fen FROM requests ORDER BY received_at"
            ).fetchall()
        return [_as_record(r) for r in rows]

    # --- the centre's side -------------------------------------------------------------------

    def is_down(self, moment: datetime) -> bool:
        return self.down or any(o.covers(moment) for o in self.outages)

    async def submit(self, request: CentreRequest) -> CentreReceipt:
        if self.is_down(request.sent_at):
            raise CentreUnavailable("the verification centre is not answering (outage)")
        with self._db() as db:
            row = db.execute(
                "SELECT centre_ref FROM requests WHERE key = ?", (request.idempotency_key,)
            ).fetchone()
            if row is not None:
                db.execute(
                    "UPDATE requests SET submissions = submissions + 1 WHERE key = ?",
                    (request.idempotency_key,),
                )
                receipt = CentreReceipt(
                    idempotency_key=request.idempotency_key, centre_ref=row[0], repeated=True
                )
            else:
                count = db.execute("SELECT COUNT(*) FROM requests").fetchone()[0]
                centre_ref = f"HD-{count + 1:06d}"
                db.execute(
                    "INSERT INTO requests (key, case_id, centre_ref, received_at, reply_due_at, "
                    "submissions, verified_income_fen) VALUES (?, ?, ?, ?, ?, 1, ?)",
                    (
                        request.idempotency_key,
                        request.case_id,
                        centre_ref,
                        request.sent_at.isoformat(),
                        (request.sent_at + self.latency).isoformat(),
                        self._income_found(request),
                    ),
                )
                receipt = CentreReceipt(
                    idempotency_key=request.idempotency_key, centre_ref=centre_ref
                )
        if self.lose_receipts > 0:
            self.lose_receipts -= 1
            raise CentreUnavailable("connection reset before the receipt arrived")
        if self.auto_deliver and self.sink is not None:
            self.start_delivery()
        return receipt

    async def deliver_due(self, now: datetime) -> list[CentreReply]:
        """Deliver every reply that is due by `now` and not delivered yet (twice if so set)."""
        if self.sink is None:
            raise RuntimeError("the fake centre has nowhere to deliver replies")
        due = [
            r
            for r in self.records()
            if not r.delivered and r.reply_due_at <= now and not self.is_down(now)
        ]
        delivered: list[CentreReply] = []
        for record in due:
            reply = CentreReply(
                case_id=record.case_id,
                request_key=record.key,
                reply_id=f"{record.centre_ref}-R",
                verified_income_fen=record.verified_income_fen,
                findings=["银行、税务、车辆、住房核对完成"],
            )
            for _ in range(2 if self.duplicate_replies else 1):
                await self.sink(reply)
                with self._db() as db:
                    db.execute(
                        "UPDATE requests SET deliveries = deliveries + 1 WHERE key = ?",
                        (record.key,),
                    )
            with self._db() as db:
                db.execute("UPDATE requests SET delivered = 1 WHERE key = ?", (record.key,))
            delivered.append(reply)
        return delivered

    def start_delivery(self, interval: timedelta = timedelta(seconds=2)) -> None:
        """Deliver due replies in the background, by the wall clock (development)."""
        if self._delivery is not None and not self._delivery.done():
            return
        self._delivery = asyncio.get_running_loop().create_task(self._deliver_forever(interval))

    async def _deliver_forever(self, interval: timedelta) -> None:
        while True:
            try:
                await self.deliver_due(datetime.now(UTC))
            except Exception as error:  # the API may be down: try again next round
                log.warning("verification replies not delivered yet: %s", error)
            await asyncio.sleep(interval.total_seconds())

    async def stop_delivery(self) -> None:
        if self._delivery is not None:
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery
            self._delivery = None


def _as_record(row: tuple[object, ...]) -> RequestRecord:
    keys = (
        "key",
        "case_id",
        "centre_ref",
        "received_at",
        "reply_due_at",
        "submissions",
        "deliveries",
        "delivered",
        "verified_income_fen",
    )
    return RequestRecord.model_validate(dict(zip(keys, row, strict=True)))


def http_sink(api_url: str, token: str) -> ReplySink:
    """Deliver replies to casework's API as the centre's callback (bearer: an integration token)."""
    import httpx

    async def deliver(reply: CentreReply) -> None:
        async with httpx.AsyncClient(base_url=api_url, timeout=15) as client:
            response = await client.post(
                "/relief/verification-replies",
                json=reply.model_dump(mode="json"),
                headers={"Authorization": f"Bearer {token}"},
            )
        if response.status_code >= 500 or response.status_code in (401, 403):
            raise CentreUnavailable(f"casework answered {response.status_code}")
        if response.status_code >= 400:
            log.warning("reply %s not taken: %s", reply.request_key, response.text[:200])

    return deliver


class VerificationActivities:
    """The activity the relief workflow calls; Temporal retries it with back-off on outages."""

    def __init__(self, centre: VerificationCentre) -> None:
        self.centre = centre

    @activity.defn(name=SEND_VERIFICATION)
    async def send(self, request: VerificationSendRequest) -> CentreReceipt:
        """Send one request; an outage raises and is retried, a rejection is final."""
        info = activity.info()
        centre_request = CentreRequest(
            **request.model_dump(), sent_at=info.current_attempt_scheduled_time
        )
        try:
            receipt = await self.centre.submit(centre_request)
        except CentreUnavailable as down:
            activity.logger.warning(
                "verification centre unavailable",
                extra={"case_id": request.case_id, "attempt": info.attempt},
            )
            raise ApplicationError(str(down), type="CentreUnavailable") from None
        except CentreRejected as rejected:
            raise ApplicationError(
                str(rejected), type="CentreRejected", non_retryable=True
            ) from None
        activity.logger.info(
            "verification request taken",
            extra={"case_id": request.case_id, "centre_ref": receipt.centre_ref},
        )
        return receipt


def default_centre(settings: Settings | None = None) -> FakeVerificationCentre:
    """The fake centre from settings, delivering to this deployment's API.

    Its store lives in the deployment's data folder (`--data-dir` of `casework dev`) unless
    CASEWORK_VERIFICATION_STORE names another file. It delivers with
    `CASEWORK_VERIFICATION_TOKEN` (issued by an administrator for a registered integration
    account); in development, without one, it mints its own.
    """
    from config.settings import get_settings
    from config.tokens import mint_token
    from domain.actors import Actor, Role

    settings = settings or get_settings()
    outages = []
    if settings.verification_down_from and settings.verification_down_until:
        outages.append(Outage(settings.verification_down_from, settings.verification_down_until))
    sink = None
    token = settings.verification_token
    if token is None and settings.development:
        centre = Actor(user_id="verification-centre", role=Role.INTEGRATION, unit="核对中心")
        token = mint_token(centre, settings.secret_key, timedelta(days=3650))
    if settings.verification_deliver and token is None:
        log.warning(
            "verification replies are not delivered: set CASEWORK_VERIFICATION_TOKEN "
            "(casework users token verification-centre)"
        )
    if settings.verification_deliver and token is not None:
        sink = http_sink(settings.api_url, token)
    fake = FakeVerificationCentre(
        settings.verification_store or settings.data_dir / "verification-centre.sqlite",
        latency=timedelta(seconds=settings.verification_latency_seconds),
        outages=outages,
        duplicate_replies=settings.verification_duplicate_replies,
        sink=sink,
        auto_deliver=sink is not None,
    )
    if sink is not None and fake.has_undelivered():
        with contextlib.suppress(RuntimeError):  # no running loop: delivery starts on first use
            fake.start_delivery()
    return fake
