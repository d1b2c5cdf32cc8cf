"""Delivery channels for the notification outbox: signed webhook, e-mail over SMTP, the
console's inbox. Each delivery carries the row's delivery key, which a receiver dedupes on: a
dispatcher that died after sending but before recording it sends the same key again."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Protocol

import httpx

from store.outbox import OutboxRow

DELIVERY_HEADER = "X-Casework-Delivery"
TIMESTAMP_HEADER = "X-Casework-Timestamp"
SIGNATURE_HEADER = "X-Casework-Signature"


class DeliveryFailed(Exception):
    """A delivery that did not go through; `permanent` ones are not retried."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Channel(Protocol):
    name: str

    async def deliver(self, row: OutboxRow) -> None:
        """Deliver or raise `DeliveryFailed` (any other exception counts as retryable)."""


def body_of(row: OutboxRow) -> dict[str, object]:
    """What leaves the bureau: the delivery key, the rule and the minimal message."""
    return {
        "delivery_key": str(row.delivery_key),
        "case_id": row.case_id,
        "event_version": row.event_version,
        "rule": row.rule,
        "recipient": row.recipient,
        "message": row.message,
    }


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over `timestamp.body`, as the receiver recomputes it (`sha256=<hex>`)."""
    digest = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(
    secret: bytes, timestamp: str, body: bytes, signature: str, *, now: datetime, tolerance: int
) -> bool:
    """The receiver's check: the signature matches and the timestamp is recent (no replays
    of an old capture beyond `tolerance` seconds)."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now.timestamp() - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


class WebhookChannel:
    """POST the message as JSON, signed; 2xx is delivered, 4xx (but 408/429) is permanent."""

    name = "webhook"

    def __init__(self, secret: str, *, timeout: float = 10.0) -> None:
        self._secret = secret.encode()
        self._client = httpx.AsyncClient(timeout=timeout)

    async def deliver(self, row: OutboxRow) -> None:
        if not row.address:
            raise DeliveryFailed("endpoint has no URL", permanent=True)
        body = json.dumps(body_of(row), ensure_ascii=False, sort_keys=True).encode()
        timestamp = str(int(datetime.now(UTC).timestamp()))
        headers = {
            "content-type": "application/json",
            DELIVERY_HEADER: str(row.delivery_key),
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(self._secret, timestamp, body),
        }
        try:
            response = await self._client.post(row.address, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise DeliveryFailed(f"{type(error).__name__}: {error}") from None
        if response.is_success:
            return
        permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 429)
        raise DeliveryFailed(f"HTTP {response.status_code}", permanent=permanent)

    async def close(self) -> None:
        await self._client.aclose()


class SmtpChannel:
    """Plain-text e-mail; the Message-ID is the delivery key, so mail systems dedupe it."""

    name = "email"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        console_url: str = "",
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._starttls, self._username, self._password = starttls, username, password
        self._timeout = timeout
        self._console_url = console_url.rstrip("/")

    def message(self, row: OutboxRow) -> EmailMessage:
        if not row.address:
            raise DeliveryFailed("recipient has no e-mail address", permanent=True)
        mail = EmailMessage()
        mail["From"] = self._sender
        mail["To"] = row.address
        mail["Subject"] = str(row.message.get("title_zh", row.case_id))
        mail["Message-ID"] = f"<{row.delivery_key}@casework>"
        mail[DELIVERY_HEADER] = str(row.delivery_key)
        lines = [str(row.message.get("title_zh", ""))]
        if due := row.message.get("due_at"):
            lines.append(f"期限：{due}")
        lines.append(f"案件：{self._console_url}/console#/case/{row.case_id}")
        mail.set_content("\n".join(lines) + "\n")
        return mail

    async def deliver(self, row: OutboxRow) -> None:
        mail = self.message(row)
        try:
            await asyncio.to_thread(self._send, mail)
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryFailed(f"recipient refused: {error}", permanent=True) from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryFailed(f"{type(error).__name__}: {error}") from None

    def _send(self, mail: EmailMessage) -> None:
        with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
            if self._starttls:
                smtp.starttls()
            if self._username:
                smtp.login(self._username, self._password or "")
            smtp.send_message(mail)


class InboxChannel:
    """The console's own inbox: delivered is the row itself becoming visible to its user,
    in the claiming transaction, so it happens exactly once."""

    name = "inbox"

    async def deliver(self, row: OutboxRow) -> None:
        if row.recipient_kind != "user":
            raise DeliveryFailed("only users have an inbox", permanent=True)
