"""Read models are views of the ledger: dropping and rebuilding them changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from api.gateway import CaseGateway
from domain.rescue import RESCUE
from store.ledger import Ledger
from store.projections import rebuild_cases
from store.tables import cases
from tests.factories import CASEWORKER, OPERATOR, classify, intake, report, rescue_case_id


async def _rows(ledger: Ledger) -> dict[str, dict[str, object]]:
    async with ledger.engine.connect() as conn:
        result = await conn.execute(select(cases).where(cases.c.case_id.like("RSC-%")))
        return {
            r.case_id: {k: v for k, v in r._mapping.items() if k != "updated_at"} for r in result
        }


async def test_rebuilding_the_cases_table_from_position_zero_gives_the_same_rows(
    gateway: CaseGateway, ledger: Ledger
) -> None:
    first, second = rescue_case_id(), rescue_case_id()
    await gateway.open_case(RESCUE, first, OPERATOR, report(), datetime.now(UTC))
    await gateway.open_case(RESCUE, second, OPERATOR, report(), datetime.now(UTC))
    await gateway.send(second, OPERATOR, intake())
    await gateway.send(second, CASEWORKER, classify())
    before = await _rows(ledger)

    rebuilt = await rebuild_cases(ledger)

    after = await _rows(ledger)
    assert rebuilt >= 2
    assert after == before
    assert after[second]["stage"] == "in_stay"
    assert after[second]["version"] == await ledger.stream_version(second)
