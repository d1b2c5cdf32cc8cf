"""Users who sign in: a role and a unit each, a salted password hash.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE users (
            user_id       text        PRIMARY KEY,
            display_name  text        NOT NULL,
            role          text        NOT NULL,
            unit          text        NOT NULL DEFAULT '',
            password_hash text        NOT NULL,
            active        boolean     NOT NULL DEFAULT true,
            created_at    timestamptz NOT NULL DEFAULT now()
        )
    """)
    op.execute("GRANT SELECT ON users TO casework_app")


def downgrade() -> None:
    op.execute("DROP TABLE users")
