"""The supervisor's statistics counted in SQL over a real PostgreSQL ledger of known cases.

Cases are told with the real deciders at chosen times and appended as the runtime would (each
event at the moment it happened); the SQL's figures are then held to hand-counted facts and to
the same facts counted in Python from the events themselves.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.actors import SYSTEM, Actor
from domain.calendar import SHANGHAI
from domain.case import ClockEscalated, EscalateClock
from domain.lifecycle import Lifecycle
from domain.messages import Command, DecisionContext, Event
from domain.relief import RELIEF
from domain.relief.commands import (
    AppealOutcome,
    ApproveAssistance,
    DecideAssistanceAppeal,
    FileAssistanceAppeal,
)
from domain.rescue import RESCUE
from domain.rescue.commands import ClassifyPerson
from domain.rescue.commands_exit import CloseRescueCase, RecordSelfExit
from domain.socialorg import SOCIAL_ORG
from domain.socialorg.commands import FileAnnualReport, Recipient
from store.ledger import Ledger
from store.models import NewEvent, summarize
from store.stats import Chart, chart_table
from tests.domain import relief_support as relief
from tests.domain import rescue_story as rescue
from tests.domain import socialorg_support as org

STATION = "浦东救助站"  # the rescue stories' unit
Log = list[tuple[list[Event], datetime, Actor]]


def shanghai(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


class Recorder:
    """A case told command by command at chosen times, firing clock rungs as the runtime does."""

    def __init__(self, lifecycle: Lifecycle[Any], case_id: str, now: datetime) -> None:
        self.lifecycle = lifecycle
        self.state = lifecycle.initial(case_id)
        self.now = now
        self.log: Log = []

    def do(self, command: Command, by: Actor, at: datetime | None = None) -> None:
        self.at(at or self.now)
        self._apply(command, by)

    def at(self, when: datetime) -> None:
        while (alarm := self.state.next_alarm()) is not None and alarm <= when:
            self.now = max(self.now, alarm)
            for name in sorted(self.state.clocks):
                clock = self.state.clocks.get(name)
                if clock is not None and clock.rungs_due(self.now):
                    self._apply(EscalateClock(clock=name), SYSTEM)
        self.now = max(self.now, when)

    def _apply(self, command: Command, by: Actor) -> None:
        ctx = DecisionContext(self.now, by, rescue.CALENDAR)
        events = self.lifecycle.decide(self.state, command, ctx)
        self.state = self.lifecycle.fold(events, self.state)
        self.log.append((events, self.now, by))


class RecordedStory(relief.Story):
    """The relief stories' helper, keeping when and by whom each decision was made."""

    def __init__(self) -> None:
        super().__init__(now=shanghai(3, 2))
        self.log: Log = []

    def do(self, command: Command, by: Actor | None = None) -> list[Event]:
        events = super().do(command, by)
        self.log.append((events, self.now, by or relief.usual_actor(command)))
        return events


class RecordedOrg(org.Org):
    def __init__(self, start: datetime) -> None:
        super().__init__(start)
        self.log: Log = []

    def _apply(self, command: Command, actor: Actor) -> list[Event]:
        events = super()._apply(command, actor)
        self.log.append((events, self.now, actor))
        return events


async def store(ledger: Ledger, lifecycle: Lifecycle[Any], case_id: str, log: Log) -> None:
    state = lifecycle.initial(case_id)
    version = 0
    for events, at, actor in log:
        state = lifecycle.fold(events, state)
        new = [
            NewEvent(
                event_id=uuid.uuid4(),
                type=e.type,
                schema_version=e.schema_version,
                payload=e.payload(),
                actor=actor,
                occurred_at=at,
            )
            for e in events
        ]
        await ledger.append(case_id, version, new, summarize(lifecycle, case_id, state))
        version += len(new)


def rescue_stay(case_id: str, entered: datetime, left: datetime) -> Recorder:
    case = Recorder(RESCUE, case_id, entered)
    case.do(rescue.report(), rescue.OPERATOR)
    case.do(rescue.intake(), rescue.OPERATOR)
    case.do(ClassifyPerson(observed=[]), rescue.CASEWORKER)
    case.do(RecordSelfExit(declaration_signed=True), rescue.OPERATOR, at=left)
    case.do(CloseRescueCase(summary="自行离站"), rescue.CASEWORKER)
    return case


def escalations(logs: list[Log], month: str) -> Counter[int]:
    """The rungs L1-L3 that fired in a month, counted from the events themselves."""
    return Counter(
        int(e.rung)
        for log in logs
        for events, at, _ in log
        for e in events
        if isinstance(e, ClockEscalated)
        and e.rung >= 1
        and at.astimezone(SHANGHAI).strftime("%Y-%m") == month
    )


async def seed(ledger: Ledger) -> list[Log]:
    """Three rescue stays, a relief appeal and an organisation's first inspection year."""
    stays = [
        ("RSC-2026-000001", shanghai(1, 5), shanghai(1, 12)),  # 7 days, leaves in January
        ("RSC-2026-000002", shanghai(2, 2), shanghai(2, 12)),  # 10 days, leaves in February
        ("RSC-2026-000003", shanghai(2, 9), shanghai(2, 13)),  # 4 days, leaves in February
    ]
    logs: list[Log] = []
    for case_id, entered, left in stays:
        case = rescue_stay(case_id, entered, left)
        await store(ledger, RESCUE, case_id, case.log)
        logs.append(case.log)

    appeal = RecordedStory()
    relief.deciding(appeal)
    appeal.do(ApproveAssistance())
    appeal.do(FileAssistanceAppeal(decision_no=1, grounds="金额计算有误"))
    appeal.do(
        DecideAssistanceAppeal(
            outcome=AppealOutcome.VARIED, reasons=["收入核定有误"], monthly_amount_fen=90_000
        ),
        by=relief.REVIEWER,
    )
    await store(ledger, RELIEF, "REL-2026-000001", appeal.log)
    logs.append(appeal.log)

    registered_2025 = RecordedOrg(shanghai(3, 2, year=2025))
    registered_2025.send(org.application())
    registered_2025.send(org.registration())
    registered_2025.send(org.RecordOrgActivity(description="成立大会", held_on=date(2025, 3, 2)))
    registered_2025.on(date(2026, 3, 20))
    registered_2025.send(FileAnnualReport(year=2025, recipient=Recipient.SPONSOR))
    registered_2025.on(date(2026, 6, 10))  # the authority's 31 May passes without the report
    late = registered_2025.send(FileAnnualReport(year=2025, recipient=Recipient.AUTHORITY))
    assert late[0].late  # type: ignore[attr-defined]
    await store(ledger, SOCIAL_ORG, "ORG-2025-000001", registered_2025.log)
    logs.append(registered_2025.log)
    return logs


@pytest.fixture
async def known(own_engine: AsyncEngine) -> AsyncIterator[tuple[AsyncEngine, list[Log]]]:
    ledger = Ledger(own_engine)
    try:
        yield own_engine, await seed(ledger)
    finally:
        await ledger.close()


NOW = shanghai(11, 30)


async def test_cases_opened_and_closed_per_month_lifecycle_and_unit(
    known: tuple[AsyncEngine, list[Log]],
) -> None:
    engine, _ = known
    table = await chart_table(engine, Chart.CASES_BY_MONTH, NOW)
    assert table.columns == ["month", "kind", "unit", "opened", "closed"]
    rows = {(r[0], r[1], r[2]): (r[3], r[4]) for r in table.rows}
    assert rows[("2026-01", "rescue", STATION)] == (1, 1)
    assert rows[("2026-02", "rescue", STATION)] == (2, 2)
    assert rows[("2026-03", "relief", relief.STREET)] == (1, 0)
    assert rows[("2025-03", "social_org", org.REGISTRY)] == (1, 0)
    assert sum(o for o, _ in rows.values()) == 5
    only_street = await chart_table(engine, Chart.CASES_BY_MONTH, NOW, unit=relief.STREET)
    assert [r[2] for r in only_street.rows] == [relief.STREET]


async def test_median_stay_in_the_station_by_month_of_leaving(
    known: tuple[AsyncEngine, list[Log]],
) -> None:
    engine, _ = known
    table = await chart_table(engine, Chart.RESCUE_STAY, NOW)
    assert table.rows == [["2026-01", 1, 7.0], ["2026-02", 2, 7.0]]


async def test_escalations_by_level_match_the_rungs_in_the_events(
    known: tuple[AsyncEngine, list[Log]],
) -> None:
    engine, logs = known
    table = await chart_table(engine, Chart.ESCALATIONS_BY_MONTH, NOW)
    by_month: dict[str, Counter[int]] = {}
    for month, _kind, l1, l2, l3 in table.rows:
        by_month.setdefault(month, Counter()).update({1: l1, 2: l2, 3: l3})
    assert by_month, "the stories let clocks run out"
    for month, counted in by_month.items():
        assert +counted == escalations(logs, month), month
    months = {at.astimezone(SHANGHAI).strftime("%Y-%m") for log in logs for _, at, _ in log}
    assert {m for m in months if escalations(logs, m)} == set(by_month)


async def test_overdue_share_counts_open_cases_with_an_overdue_clock_that_month(
    known: tuple[AsyncEngine, list[Log]],
) -> None:
    engine, logs = known
    table = await chart_table(engine, Chart.OVERDUE_BY_MONTH, NOW)
    rows = {(r[0], r[1]): r[2:] for r in table.rows}
    # January: one rescue case open; February: two.
    assert rows[("2026-01", "rescue")][0] == 1
    assert rows[("2026-02", "rescue")][0] == 2
    assert ("2026-03", "rescue") not in rows  # all three closed by then
    overdue_january = 1 if escalations(logs[:1], "2026-01") else 0
    assert rows[("2026-01", "rescue")][1:] == [overdue_january, float(overdue_january)]
    # The organisation registered in March 2025 is open every month since, up to now.
    assert rows[("2025-03", "social_org")][0] == 1
    assert rows[("2026-11", "social_org")][0] == 1


async def test_appeal_outcomes_and_inspections_per_year(
    known: tuple[AsyncEngine, list[Log]],
) -> None:
    engine, _ = known
    appeals = await chart_table(engine, Chart.APPEAL_OUTCOMES, NOW)
    assert appeals.columns == ["year", "upheld", "overturned", "varied"]
    assert appeals.rows == [["2026", 0, 0, 1]]
    inspections = await chart_table(engine, Chart.INSPECTIONS, NOW)
    assert inspections.columns == ["year", "due", "filed", "filed_late", "missed"]
    assert inspections.rows == [[2025, 1, 1, 1, 1]]
