"""Accounts that can be stopped: a token version per user (raised on every change, so older
tokens stop working at once) and sign-in throttling per user id and per address.

Revision ID: 0101_security
Revises: 0100_security
Create Date: 2026-12-01
"""

from alembic import op

revision = "0101_security"
down_revision = "0100_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0")
    # One row per throttled key: 'user:<id>' or 'address:<ip>'. The application role gets its
    # rights from 0100's default privileges.
    op.execute("""
        CREATE TABLE login_throttle (
            key              text        PRIMARY KEY,
            failures         integer     NOT NULL,
            window_started   timestamptz NOT NULL,
            locked_until     timestamptz
        )
    """)


def downgrade() -> None:
    op.execute("DROP TABLE login_throttle")
    op.execute("ALTER TABLE users DROP COLUMN token_version")
