"""Notification outbox: rows written with the events they tell of; endpoints of outside
parties; an e-mail address per user.

Revision ID: 0140_notify
Revises: 0100_anchor
Create Date: 2026-12-01
"""

from alembic import op

revision = "0140_notify"
down_revision = "0100_frontdoor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE users ADD COLUMN email text")
    op.execute("""
        CREATE TABLE notification_endpoints (
            endpoint_id text        PRIMARY KEY,
            party       text        NOT NULL,
            channel     text        NOT NULL CHECK (channel IN ('webhook', 'email')),
            address     text        NOT NULL,
            active      boolean     NOT NULL DEFAULT true,
            created_at  timestamptz NOT NULL DEFAULT now()
        )
    """)
    op.execute("CREATE INDEX notification_endpoints_party ON notification_endpoints (party)")
    op.execute("""
        CREATE TABLE notifications (
            notification_id bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            delivery_key    uuid        NOT NULL UNIQUE,
            event_id        uuid        NOT NULL,  -- the event it tells of (same statement)
            case_id         text        NOT NULL,
            event_version   integer     NOT NULL,
            rule            text        NOT NULL,
            spec            jsonb       NOT NULL,
            recipient_kind  text        NOT NULL CHECK (recipient_kind IN ('user', 'endpoint', 'none')),
            recipient       text        NOT NULL,
            channel         text        NOT NULL CHECK (channel IN ('inbox', 'email', 'webhook', 'none')),
            address         text,
            message         jsonb       NOT NULL,
            status          text        NOT NULL DEFAULT 'pending'
                                        CHECK (status IN ('pending', 'delivered', 'dead')),
            attempts        integer     NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL DEFAULT now(),
            last_error      text,
            created_at      timestamptz NOT NULL DEFAULT now(),
            delivered_at    timestamptz,
            read_at         timestamptz,
            UNIQUE (event_id, recipient, channel)
        )
    """)
    op.execute(
        "CREATE INDEX notifications_due ON notifications (next_attempt_at) "
        "WHERE status = 'pending'"
    )
    op.execute(
        "CREATE INDEX notifications_inbox ON notifications (recipient, created_at DESC) "
        "WHERE channel = 'inbox'"
    )
    op.execute("CREATE INDEX notifications_case ON notifications (case_id)")
    # Metrics count escalations by lifecycle and rung at every scrape: only those rows.
    op.execute(
        "CREATE INDEX events_escalations ON events (stream_id) WHERE type = 'ClockEscalated'"
    )
    op.execute("GRANT SELECT, INSERT, UPDATE ON notifications TO casework_app")
    op.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON notification_endpoints TO casework_app")


def downgrade() -> None:
    op.execute("DROP INDEX events_escalations")
    op.execute("DROP TABLE notifications")
    op.execute("DROP TABLE notification_endpoints")
    op.execute("ALTER TABLE users DROP COLUMN email")
