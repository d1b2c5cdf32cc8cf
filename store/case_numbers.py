"""Human-readable case ids: RSC-2026-000123, numbered per prefix and year."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from store.tables import case_numbers


async def next_case_id(engine: AsyncEngine, prefix: str, year: int) -> str:
    """Allocate the next number atomically; concurrent callers never get the same id."""
    insert = pg_insert(case_numbers).values(prefix=prefix, year=year, last_number=1)
    stmt = insert.on_conflict_do_update(
        index_elements=[case_numbers.c.prefix, case_numbers.c.year],
        set_={"last_number": case_numbers.c.last_number + 1},
    ).returning(case_numbers.c.last_number)
    async with engine.begin() as conn:
        number = (await conn.execute(stmt)).scalar_one()
    return f"{prefix}-{year}-{number:06d}"
