"""Indexes for every filter of the case list (GET /cases, GET /queue), each leading to the
default order (most urgent first) so a page is an index range, not a sort of every match.

Measured in docs/benchmarks.md ("Audit reads"): at 100 k cases a filtered page without them
scans the whole table.

Revision ID: 0100_perf_indexes
Revises: 0100_clocks
Create Date: 2026-12-01
"""

from alembic import op

revision = "0100_perf_indexes"
down_revision = "0100_clocks"  # the newest head on main at merge time: one head
branch_labels = None
depends_on = None

# name -> definition. The urgency order is (next_due_at ASC NULLS LAST, escalation_level
# DESC, case_id); open cases get a partial index since overdue, the queue and the boards ask
# only for them (`NOT closed` is a top-level condition of those filters). Kind and stage keep
# 0001's (kind, stage) index (PostgreSQL 18 skip-scans it for a stage alone).
INDEXES = {
    "cases_urgency_idx": "(next_due_at, escalation_level DESC, case_id)",
    "cases_open_urgency_idx": "(next_due_at, escalation_level DESC, case_id) WHERE NOT closed",
    "cases_escalation_idx": "(escalation_level DESC, next_due_at, case_id)",
    "cases_unit_urgency_idx": "(unit, next_due_at, escalation_level DESC, case_id)",
    "cases_assignee_idx": "(assignee, next_due_at) WHERE assignee IS NOT NULL",
}
# 0001's indexes that the ones above make redundant (each a prefix of a new one).
SUPERSEDED = {
    "cases_due_idx": "(next_due_at) WHERE NOT closed",
    "cases_unit_idx": "(unit)",
}


def upgrade() -> None:
    for name, definition in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON cases {definition}")
    for name in SUPERSEDED:
        op.execute(f"DROP INDEX {name}")


def downgrade() -> None:
    for name, definition in SUPERSEDED.items():
        op.execute(f"CREATE INDEX {name} ON cases {definition}")
    for name in INDEXES:
        op.execute(f"DROP INDEX {name}")
