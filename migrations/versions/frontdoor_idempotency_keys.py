"""Idempotency keys: one row per (principal, key), with the first request's final answer.

Revision ID: 0100_frontdoor
Revises: 0100_anchor
Create Date: 2026-12-01
"""

from alembic import op

revision = "0100_frontdoor"
down_revision = "0100_anchor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE idempotency_keys (
            principal    text        NOT NULL,
            key          text        NOT NULL,
            fingerprint  text        NOT NULL,
            target       text        NOT NULL,
            command_id   text        NOT NULL UNIQUE,
            case_id      text,
            status_code  smallint,
            answer       jsonb,
            lease_until  timestamptz,
            created_at   timestamptz NOT NULL DEFAULT now(),
            expires_at   timestamptz NOT NULL,
            PRIMARY KEY (principal, key)
        )
    """)
    # Pruning looks for expired rows; the status resource looks rows up by case and command.
    op.execute("CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at)")
    op.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO casework_app")


def downgrade() -> None:
    op.execute("DROP TABLE idempotency_keys")
