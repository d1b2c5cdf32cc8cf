"""Hash versions: every event says which canonical form its hash covers; the writer fixes
recorded_at before hashing (version 2 covers it), so the column loses its default.

Rows written before this revision keep hash version 1 and verify with the old algorithm.

Revision ID: 0100_anchor
Revises: 0003
Create Date: 2026-12-01
"""

from alembic import op

revision = "0100_anchor"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A constant default fills the existing rows without rewriting them (no UPDATE, so the
    # append-only triggers stay untouched); then new rows must say their version.
    op.execute(
        "ALTER TABLE events ADD COLUMN hash_version smallint NOT NULL DEFAULT 1 "
        "CHECK (hash_version >= 1)"
    )
    op.execute("ALTER TABLE events ALTER COLUMN hash_version DROP DEFAULT")
    op.execute("ALTER TABLE events ALTER COLUMN recorded_at DROP DEFAULT")


def downgrade() -> None:
    op.execute("ALTER TABLE events ALTER COLUMN recorded_at SET DEFAULT now()")
    op.execute("ALTER TABLE events DROP COLUMN hash_version")
