"""Least privilege: the application's role reads and appends the ledger and nothing more.

Even with the API or a worker taken over, whoever holds casework_app's login cannot rewrite,
delete or truncate events, switch the append-only triggers off, alter the table or make the
server skip triggers; it still writes the read models, and tables later revisions create.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ledger import Ledger
from tests.store.factories import new_events

DENIED = [
    "UPDATE events SET payload = '{}' WHERE stream_id = :s",
    "DELETE FROM events WHERE stream_id = :s",
    "TRUNCATE events",
    "ALTER TABLE events DISABLE TRIGGER events_no_update_delete",
    "ALTER TABLE events DISABLE TRIGGER ALL",
    "DROP TRIGGER events_no_update_delete ON events",
    "DROP TRIGGER events_no_truncate ON events",
    "DROP FUNCTION casework_reject_ledger_change() CASCADE",
    "ALTER TABLE events ADD COLUMN note text",
    "ALTER TABLE events OWNER TO casework_app",
    "DROP TABLE events",
    "SET session_replication_role = replica",
    "SET LOCAL session_replication_role = replica",
    "CREATE TABLE shadow_events (LIKE events)",
    "CREATE TRIGGER sneak BEFORE INSERT ON events FOR EACH ROW "
    "EXECUTE FUNCTION casework_reject_ledger_change()",
    "UPDATE alembic_version SET version_num = 'x'",
]


async def _refused(engine: AsyncEngine, statement: str, stream_id: str) -> str:
    with pytest.raises(DBAPIError) as raised:
        async with engine.begin() as conn:
            await conn.execute(text(statement), {"s": stream_id})
    return str(raised.value.orig)


@pytest.mark.parametrize("statement", DENIED)
async def test_the_application_role_cannot_rewrite_the_ledger(
    ledger: Ledger, stream_id: str, statement: str
) -> None:
    await ledger.append(stream_id, 0, new_events(2))
    message = await _refused(ledger.engine, statement, stream_id)
    # Refused for lack of privilege, not by the triggers (which the owner alone could drop).
    assert "append-only" not in message
    assert "permission denied" in message or "must be owner" in message, message
    assert [e.version for e in await ledger.read_stream(stream_id)] == [1, 2]
    assert (await ledger.verify(stream_id)).valid


async def test_the_application_logs_in_as_its_own_role(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT current_user, r.rolsuper, r.rolcreaterole, r.rolbypassrls "
                    "FROM pg_roles r WHERE r.rolname = current_user"
                )
            )
        ).one()
    assert tuple(row) == ("casework_app", False, False, False)


async def test_the_application_role_writes_read_models(engine: AsyncEngine) -> None:
    case_id = f"RSC-1999-{uuid.uuid4().int % 10**6:06d}"
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO cases (case_id, kind, stage, version, last_position, updated_at) "
                "VALUES (:c, 'rescue', 'reported', 1, 1, now())"
            ),
            {"c": case_id},
        )
        await conn.execute(
            text("UPDATE cases SET stage = 'intake' WHERE case_id = :c"), {"c": case_id}
        )
        await conn.execute(text("DELETE FROM cases WHERE case_id = :c"), {"c": case_id})


async def test_tables_of_later_revisions_are_writable_but_events_stay_append_only(
    owner_engine: AsyncEngine, engine: AsyncEngine
) -> None:
    """A revision run later by the owner creates a table: no GRANT needed (default privileges)."""
    table = f"later_{uuid.uuid4().hex[:8]}"
    async with owner_engine.begin() as conn:
        await conn.execute(
            text(f"CREATE TABLE {table} (id bigint GENERATED ALWAYS AS IDENTITY, v text)")
        )
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f"INSERT INTO {table} (v) VALUES ('a')"))
            await conn.execute(text(f"UPDATE {table} SET v = 'b'"))
            assert (await conn.execute(text(f"SELECT v FROM {table}"))).scalar_one() == "b"
            await conn.execute(text(f"DELETE FROM {table}"))
        async with engine.connect() as conn:
            granted = (
                (
                    await conn.execute(
                        text(
                            "SELECT privilege_type FROM information_schema.role_table_grants "
                            "WHERE grantee = 'casework_app' AND table_name = 'events' ORDER BY 1"
                        )
                    )
                )
                .scalars()
                .all()
            )
        assert granted == ["INSERT", "SELECT"]
    finally:
        async with owner_engine.begin() as conn:
            await conn.execute(text(f"DROP TABLE {table}"))


async def test_every_table_of_the_schema_is_reachable_by_the_application(
    engine: AsyncEngine,
) -> None:
    """Whatever revisions (of any branch) created, casework_app can read it."""
    async with engine.connect() as conn:
        unreadable = (
            (
                await conn.execute(
                    text(
                        "SELECT c.relname FROM pg_class c "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') "
                        "AND NOT has_table_privilege('casework_app', c.oid, 'SELECT')"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert unreadable == []


async def test_a_revision_that_granted_less_keeps_its_choice(engine: AsyncEngine) -> None:
    """notifications (the outbox) was granted without DELETE by its own revision."""
    async with engine.connect() as conn:
        granted = (
            (
                await conn.execute(
                    text(
                        "SELECT privilege_type FROM information_schema.role_table_grants "
                        "WHERE grantee = 'casework_app' AND table_name = 'notifications' "
                        "ORDER BY 1"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert granted == ["INSERT", "SELECT", "UPDATE"]
