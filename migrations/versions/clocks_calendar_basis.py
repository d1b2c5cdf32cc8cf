"""The calendar basis of a case's clocks in the read model, for supervisors to find the cases
counted on the Monday-Friday fallback once a holiday notice is loaded (GET /cases?basis=).

Existing rows stay NULL until their case's next append or `casework rebuild-read-models`
(store/projections.py) recomputes them from the ledger.

Revision ID: 0100_clocks
Revises: 0140_notify
Create Date: 2026-12-01
"""

from alembic import op

revision = "0100_clocks"
down_revision = "0140_notify"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE cases ADD COLUMN clock_basis text")
    op.execute(
        "CREATE INDEX cases_fallback_basis_idx ON cases (case_id) WHERE clock_basis = 'fallback'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX cases_fallback_basis_idx")
    op.execute("ALTER TABLE cases DROP COLUMN clock_basis")
