"""The schema as SQLAlchemy Core tables; Alembic revisions are what create it."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Identity,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("position", BigInteger, Identity(always=True), primary_key=True),
    Column("stream_id", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("type", Text, nullable=False),
    Column("schema_version", SmallInteger, nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("actor_id", Text, nullable=False),
    Column("actor_role", Text, nullable=False),
    Column("actor_unit", Text, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    # Set by the writer before hashing (the hash covers it); no default since migration 0100_anchor.
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("workflow_id", Text),
    Column("run_id", Text),
    Column("trace_id", Text),
    Column("prev_hash", LargeBinary, nullable=False),
    Column("hash", LargeBinary, nullable=False),
    Column("hash_version", SmallInteger, nullable=False),  # store/hashing.py; 1 before 0100_anchor
    # Also `txid xid8 DEFAULT pg_current_xact_id()` (see migration 0001): readers that follow
    # `position` stop below the oldest transaction still in progress, so an event that commits
    # late is never skipped. SQLAlchemy has no xid8 type; queries compare it in SQL only.
    UniqueConstraint("stream_id", "version", name="events_stream_version_key"),
)

cases = Table(
    "cases",
    metadata,
    Column("case_id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("stage", Text, nullable=False),
    Column("unit", Text, nullable=False, server_default=""),
    Column("assignee", Text),
    Column("opened_at", DateTime(timezone=True)),
    Column("next_due_at", DateTime(timezone=True)),
    Column("escalation_level", SmallInteger, nullable=False, server_default="0"),
    Column("closed", Boolean, nullable=False, server_default="false"),
    Column("version", Integer, nullable=False),
    Column("last_position", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("attributes", JSONB, nullable=False, server_default="{}"),  # migration 0002
    # fallback | calendar | NULL (no deadline runs): migration clocks_calendar_basis
    Column("clock_basis", Text),
)

case_numbers = Table(
    "case_numbers",
    metadata,
    Column("prefix", Text, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last_number", Integer, nullable=False),
)

# Idempotency keys of the front door (migration 0100_frontdoor): the first request's fingerprint,
# the command id it became, an opening's reserved case id, and the final answer once known.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("principal", Text, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("fingerprint", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("command_id", Text, nullable=False, unique=True),
    Column("case_id", Text),
    Column("status_code", SmallInteger),
    Column("answer", JSONB),
    Column("lease_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
