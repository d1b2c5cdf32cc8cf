"""Lifecycle-specific read-model fields (lists an organisation is on, the inspection year, …).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE cases ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}'::jsonb")
    op.execute("CREATE INDEX cases_attributes_idx ON cases USING gin (attributes)")


def downgrade() -> None:
    op.execute("DROP INDEX cases_attributes_idx")
    op.execute("ALTER TABLE cases DROP COLUMN attributes")
