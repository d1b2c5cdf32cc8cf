"""Least privilege: the application's role casework_app may INSERT and SELECT events and
nothing more there; it reads and writes every other table, including tables later revisions
create (default privileges); it never owns, alters or creates anything.

Run every revision as the schema owner (the role that ran 0001): default privileges apply to
tables created by the role that set them. A later table that must stay append-only (like
events) revokes UPDATE and DELETE from casework_app in its own revision.

Revision ID: 0100_security
Revises: 0100_clocks
Create Date: 2026-12-01
"""

from alembic import op

revision = "0100_security"
down_revision = "0100_perf_indexes"
branch_labels = None
depends_on = None

WRITES = "SELECT, INSERT, UPDATE, DELETE"


def upgrade() -> None:
    op.execute("""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'casework_app') THEN
                CREATE ROLE casework_app NOLOGIN;
            END IF;
        END $$
    """)
    # Nobody but the owner creates objects here (PostgreSQL < 15 let PUBLIC do so).
    op.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    op.execute("GRANT USAGE ON SCHEMA public TO casework_app")
    # Read models (rebuilt from position 0 by deleting them), case numbers, and users (the API
    # manages them).
    op.execute(f"GRANT {WRITES} ON cases, case_numbers, users TO casework_app")
    # Tables earlier revisions (of any branch) created without a word about casework_app get
    # what later ones get by default; a revision that granted it less keeps its choice.
    op.execute(f"""
        DO $$
        DECLARE t regclass;
        BEGIN
            FOR t IN
                SELECT c.oid::regclass FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                  AND NOT EXISTS (
                      SELECT 1 FROM information_schema.role_table_grants g
                      WHERE g.grantee = 'casework_app' AND g.table_schema = 'public'
                        AND g.table_name = c.relname)
            LOOP
                EXECUTE format('GRANT {WRITES} ON %s TO casework_app', t);
            END LOOP;
        END $$
    """)
    op.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO casework_app")
    # Tables and sequences later revisions create get the same rights without a GRANT.
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {WRITES} ON TABLES TO casework_app")
    op.execute(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO casework_app"
    )
    # The ledger: read and append, nothing else (ARCHITECTURE, ledger rules 4 and 8).
    op.execute("REVOKE ALL ON events FROM PUBLIC")
    op.execute("REVOKE ALL ON events FROM casework_app")
    op.execute("GRANT SELECT, INSERT ON events TO casework_app")
    # Which revision the schema is at is the owner's business.
    op.execute("REVOKE ALL ON alembic_version FROM casework_app")
    op.execute("GRANT SELECT ON alembic_version TO casework_app")


def downgrade() -> None:
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE {WRITES} ON TABLES FROM casework_app")
    op.execute(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM casework_app"
    )
    op.execute("REVOKE DELETE ON cases, case_numbers, users FROM casework_app")
    op.execute("REVOKE INSERT, UPDATE ON users FROM casework_app")
