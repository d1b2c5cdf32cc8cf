"""The dispatcher against real receivers: an SMTP server (aiosmtpd), an HTTP server that
verifies the HMAC signature, and a dispatcher process killed mid-delivery."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.channels import InboxChannel, SmtpChannel, WebhookChannel
from domain.actors import Role
from domain.clocks import Rung
from store.ledger import Ledger
from store.outbox import Endpoint, OutboxRow, list_notifications, resend, save_endpoint
from tests.outbox_support import (
    append,
    escalation,
    open_case,
    own_database,
    police_report,
    rescue,
    staff,
    unit,
)
from tests.workers.receivers import WebhookReceiver, smtp_server
from workers.dispatcher import Dispatcher, RetryPolicy

SECRET = "receiver-and-bureau-share-this-secret"


@pytest.fixture
async def database(server_url: str) -> AsyncIterator[tuple[AsyncEngine, Ledger]]:
    """A database per test: every pending row in it is this test's own."""
    async with own_database(server_url) as both:
        yield both


async def drain(dispatcher: Dispatcher) -> None:
    """Dispatch until no row is due now."""
    while await dispatcher.dispatch_one():
        pass


async def rows_of(engine: AsyncEngine, case: str) -> list[OutboxRow]:
    return await list_notifications(engine, case_id=case)


async def webhook_row(engine: AsyncEngine, case: str) -> OutboxRow:
    return next(r for r in await rows_of(engine, case) if r.channel == "webhook")


async def seconds_until_retry(engine: AsyncEngine, row: OutboxRow) -> float:
    async with engine.connect() as conn:
        wait = await conn.scalar(
            text(
                "SELECT extract(epoch FROM next_attempt_at - now()) FROM notifications "
                "WHERE notification_id = :id"
            ),
            {"id": row.notification_id},
        )
    return float(wait)


async def skip_wait(engine: AsyncEngine, row: OutboxRow) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE notifications SET next_attempt_at = now() WHERE notification_id = :id"),
            {"id": row.notification_id},
        )


async def police_endpoint(engine: AsyncEngine, url: str) -> None:
    await save_endpoint(
        engine, Endpoint(endpoint_id="police-duty", party="police", channel="webhook", address=url)
    )


async def test_escalation_email_reaches_a_real_smtp_server_once(
    database: tuple[AsyncEngine, Ledger],
) -> None:
    engine, ledger = database
    place = unit()
    supervisor = await staff(engine, Role.SUPERVISOR, place, email="sup@example.test")
    case = await open_case(ledger, place)
    await append(ledger, case, 1, [escalation(Rung.L2_OVERDUE)], rescue(case, place))

    with smtp_server() as (port, messages):
        channels = {
            "email": SmtpChannel("127.0.0.1", port, "casework@bureau.test"),
            "inbox": InboxChannel(),
        }
        dispatcher = Dispatcher(engine, channels)
        await drain(dispatcher)
        await drain(dispatcher)  # nothing left: a second pass sends nothing

    assert len(messages) == 1
    mail = messages[0]
    assert mail["To"] == "sup@example.test"
    assert "在站期限" in str(mail["Subject"])
    email_row = next(r for r in await rows_of(engine, case) if r.channel == "email")
    assert mail["Message-ID"] == f"<{email_row.delivery_key}@casework>"
    assert case in mail.get_payload(decode=True).decode()
    rows = await rows_of(engine, case)
    assert {(r.recipient, r.channel, r.status) for r in rows} == {
        (supervisor, "email", "delivered"),
        (supervisor, "inbox", "delivered"),
    }


async def test_webhook_is_signed_and_retried_with_back_off(
    database: tuple[AsyncEngine, Ledger],
) -> None:
    engine, ledger = database
    receiver = WebhookReceiver(SECRET)
    receiver.fail_next = 2
    await police_endpoint(engine, receiver.url)
    case = await open_case(ledger, unit())
    await append(ledger, case, 1, [police_report()], rescue(case, "x"))
    dispatcher = Dispatcher(
        engine, {"webhook": WebhookChannel(SECRET)}, retry=RetryPolicy(first=timedelta(minutes=1))
    )

    async with receiver.running():
        for attempt, back_off in ((1, 60), (2, 120)):
            await drain(dispatcher)
            row = await webhook_row(engine, case)
            assert (row.status, row.attempts, row.last_error) == ("pending", attempt, "HTTP 503")
            wait = await seconds_until_retry(engine, row)
            assert back_off - 10 < wait <= back_off  # exponential back-off, not hammering
            await skip_wait(engine, row)  # time passes
        await drain(dispatcher)

    webhook = next(r for r in await rows_of(engine, case) if r.channel == "webhook")
    assert (webhook.status, webhook.attempts) == ("delivered", 3)
    assert receiver.received[str(webhook.delivery_key)] == 3
    body = receiver.processed[str(webhook.delivery_key)]
    assert body["case_id"] == case and body["rule"] == "police_report"
    assert receiver.bad_signatures == 0


async def test_a_wrong_secret_is_refused_by_the_receiver_and_ends_a_dead_letter(
    database: tuple[AsyncEngine, Ledger],
) -> None:
    engine, ledger = database
    receiver = WebhookReceiver(SECRET)
    await police_endpoint(engine, receiver.url)
    case = await open_case(ledger, unit())
    await append(ledger, case, 1, [police_report()], rescue(case, "x"))
    dispatcher = Dispatcher(engine, {"webhook": WebhookChannel("not-the-shared-secret")})

    async with receiver.running():
        await drain(dispatcher)

    row = next(r for r in await rows_of(engine, case) if r.channel == "webhook")
    assert (row.status, row.last_error) == ("dead", "HTTP 401")  # permanent: not retried
    assert receiver.bad_signatures == 1 and not receiver.processed

    # An administrator fixes the secret and re-sends the dead letter: same delivery key.
    assert (await resend(engine, row.notification_id)) is not None
    async with receiver.running():
        await drain(Dispatcher(engine, {"webhook": WebhookChannel(SECRET)}))
    assert list(receiver.processed) == [str(row.delivery_key)]


async def test_a_dispatcher_killed_mid_delivery_sends_nothing_twice(
    database: tuple[AsyncEngine, Ledger], server_url: str
) -> None:
    engine, ledger = database
    receiver = WebhookReceiver(SECRET)
    await police_endpoint(engine, receiver.url)
    cases = [await open_case(ledger, unit()) for _ in range(8)]
    for case in cases:
        await append(ledger, case, 1, [police_report()], rescue(case, "x"))
    webhooks = [next(r for r in await rows_of(engine, c) if r.channel == "webhook") for c in cases]
    in_flight = webhooks[3]
    receiver.hold.add(str(in_flight.delivery_key))
    url = engine.url.render_as_string(hide_password=False)

    async with receiver.running():
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.workers.dispatcher_process",
            url,
            SECRET,
            env={**os.environ},
            stdout=asyncio.subprocess.PIPE,
        )
        try:
            await asyncio.wait_for(receiver.holding.wait(), 60)
            process.send_signal(signal.SIGKILL)  # mid-delivery: the receiver holds its request
            await asyncio.wait_for(process.wait(), 30)
        finally:
            if process.returncode is None:
                process.kill()
        before = {str(r.delivery_key): r.status for r in await _webhook_rows(engine)}
        assert before[str(in_flight.delivery_key)] == "pending"  # its transaction died
        assert [before[str(w.delivery_key)] for w in webhooks[:3]] == ["delivered"] * 3
        receiver.release.set()

        await drain(Dispatcher(engine, {"webhook": WebhookChannel(SECRET)}))

    keys = [str(w.delivery_key) for w in webhooks]
    assert sorted(receiver.processed) == sorted(keys)  # each once, after dedupe
    # Only the delivery under way when the process died was sent again, with its own key;
    # everything recorded as delivered was never sent a second time.
    assert {k: n for k, n in receiver.received.items() if n > 1} == {str(in_flight.delivery_key): 2}
    assert all(r.status == "delivered" for r in await _webhook_rows(engine))


async def _webhook_rows(engine: AsyncEngine) -> list[OutboxRow]:
    return [r for r in await list_notifications(engine, limit=1000) if r.channel == "webhook"]


async def test_two_dispatchers_never_take_the_same_row(
    database: tuple[AsyncEngine, Ledger],
) -> None:
    engine, ledger = database
    receiver = WebhookReceiver(SECRET)
    await police_endpoint(engine, receiver.url)
    for _ in range(12):
        case = await open_case(ledger, unit())
        await append(ledger, case, 1, [police_report()], rescue(case, "x"))
    dispatchers = [Dispatcher(engine, {"webhook": WebhookChannel(SECRET)}) for _ in range(3)]

    async with receiver.running():
        await asyncio.gather(*(drain(d) for d in dispatchers), drain(dispatchers[0]))

    assert len(receiver.processed) == 12
    assert set(receiver.received.values()) == {1}
    async with engine.connect() as conn:
        attempts = (
            (
                await conn.execute(
                    text("SELECT DISTINCT attempts FROM notifications WHERE channel = 'webhook'")
                )
            )
            .scalars()
            .all()
        )
    assert attempts == [1]
