"""The append-only, hash-chained ledger and the cases read model.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE events (
            position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            stream_id      text        NOT NULL,
            version        integer     NOT NULL CHECK (version >= 1),
            event_id       uuid        NOT NULL UNIQUE,
            type           text        NOT NULL,
            schema_version smallint    NOT NULL,
            payload        jsonb       NOT NULL,
            actor_id       text        NOT NULL,
            actor_role     text        NOT NULL,
            actor_unit     text        NOT NULL,
            occurred_at    timestamptz NOT NULL,
            recorded_at    timestamptz NOT NULL DEFAULT now(),
            workflow_id    text,
            run_id         text,
            trace_id       text,
            prev_hash      bytea       NOT NULL CHECK (length(prev_hash) = 32),
            hash           bytea       NOT NULL CHECK (length(hash) = 32),
            txid           xid8        NOT NULL DEFAULT pg_current_xact_id(),
            CONSTRAINT events_stream_version_key UNIQUE (stream_id, version)
        )
    """)
    op.execute("CREATE INDEX events_type_idx ON events (type)")
    op.execute("""
        CREATE FUNCTION casework_reject_ledger_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the ledger is append-only: % on events is not allowed', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$
    """)
    op.execute("""
        CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION casework_reject_ledger_change()
    """)
    op.execute("""
        CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
        FOR EACH STATEMENT EXECUTE FUNCTION casework_reject_ledger_change()
    """)
    op.execute("""
        CREATE TABLE cases (
            case_id          text        PRIMARY KEY,
            kind             text        NOT NULL,
            stage            text        NOT NULL,
            unit             text        NOT NULL DEFAULT '',
            assignee         text,
            opened_at        timestamptz,
            next_due_at      timestamptz,
            escalation_level smallint    NOT NULL DEFAULT 0,
            closed           boolean     NOT NULL DEFAULT false,
            version          integer     NOT NULL,
            last_position    bigint      NOT NULL,
            updated_at       timestamptz NOT NULL
        )
    """)
    op.execute("CREATE INDEX cases_kind_stage_idx ON cases (kind, stage)")
    op.execute("CREATE INDEX cases_due_idx ON cases (next_due_at) WHERE NOT closed")
    op.execute("CREATE INDEX cases_unit_idx ON cases (unit)")
    op.execute("""
        CREATE TABLE case_numbers (
            prefix      text    NOT NULL,
            year        integer NOT NULL,
            last_number integer NOT NULL,
            PRIMARY KEY (prefix, year)
        )
    """)
    # The application's own role may only read and append to the ledger (ARCHITECTURE rule 4).
    op.execute("""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'casework_app') THEN
                CREATE ROLE casework_app NOLOGIN;
            END IF;
        END $$
    """)
    op.execute("REVOKE ALL ON events FROM PUBLIC")
    op.execute("GRANT SELECT, INSERT ON events TO casework_app")
    op.execute("GRANT SELECT, INSERT, UPDATE ON cases, case_numbers TO casework_app")


def downgrade() -> None:
    op.execute("DROP TABLE case_numbers")
    op.execute("DROP TABLE cases")
    op.execute("DROP TABLE events")
    op.execute("DROP FUNCTION casework_reject_ledger_change()")

