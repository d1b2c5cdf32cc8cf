"""What the bureau's dashboards count, read from the ledger and read models at scrape time, so
every figure is the same whichever process (or how many workers) produced it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

_OPEN_CASES = text("SELECT kind, stage, count(*) FROM cases WHERE NOT closed GROUP BY kind, stage")
# Served by the partial index events_escalations (migration notify_outbox).
_ESCALATIONS = text("""
    SELECT split_part(stream_id, '-', 1), payload->>'rung', count(*) FROM events
    WHERE type = 'ClockEscalated' GROUP BY 1, 2
""")
_NOTIFICATIONS = text("""
    SELECT channel, status, count(*),
           coalesce(sum(attempts - CASE WHEN status = 'delivered' THEN 1 ELSE 0 END), 0)
    FROM notifications GROUP BY channel, status
""")
# The verification centre's last word: up unless its latest answer was a failure.
_VERIFICATION = text("""
    SELECT type FROM events
    WHERE type IN ('VerificationAcknowledged', 'VerificationReplyRecorded',
                   'VerificationRequestFailed')
    ORDER BY position DESC LIMIT 1
""")


@dataclass
class DomainFigures:
    open_cases: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, stage)
    escalations: dict[tuple[str, str], int] = field(default_factory=dict)  # (prefix, rung)
    notifications: dict[tuple[str, str], int] = field(default_factory=dict)  # (channel, status)
    failed_attempts: dict[str, int] = field(default_factory=dict)  # channel
    verification_up: bool | None = None  # None: never asked


async def domain_figures(engine: AsyncEngine) -> DomainFigures:
    figures = DomainFigures()
    async with engine.connect() as conn:
        for kind, stage, n in (await conn.execute(_OPEN_CASES)).all():
            figures.open_cases[(kind, stage)] = int(n)
        for prefix, rung, n in (await conn.execute(_ESCALATIONS)).all():
            figures.escalations[(prefix, str(rung))] = int(n)
        for channel, status, n, failed in (await conn.execute(_NOTIFICATIONS)).all():
            figures.notifications[(channel, status)] = int(n)
            figures.failed_attempts[channel] = figures.failed_attempts.get(channel, 0) + int(failed)
        last = (await conn.execute(_VERIFICATION)).scalar()
    if last is not None:
        figures.verification_up = last != "VerificationRequestFailed"
    return figures
