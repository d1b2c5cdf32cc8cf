"""One organisation through 12 simulated years on the time-skipping server: registration,
inspections with every result, two missed years and a revocation proposal, a grade awarded,
downgraded and expiring, a late change registration, then voluntary deregistration; one run per
yearly cycle, one ledger stream, the state as of any date."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from api.gateway import CaseGateway
from domain.calendar import SHANGHAI, local_date
from domain.socialorg import SOCIAL_ORG
from store.ledger import Ledger
from store.replay import state_as_of
from tests.factories import (
    ORG_APPROVER,
    ORG_APPROVER_2,
    ORG_CASEWORKER,
    ORG_OPERATOR,
    org_application,
    org_case_id,
    org_registration,
    org_report,
)
from tests.workflows.socialorg_time import next_date, own_skipping_server, sleep_until
from workflows.contracts import CaseOutcome

pytestmark = pytest.mark.slow

MAX_RUN_HISTORY = 300  # a year of this case (57-196 here) against Temporal's ~10k suggestion


@pytest.fixture(scope="module")
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """This module's own time-skipping server (see tests/workflows/socialorg_time.py)."""
    async with own_skipping_server() as env:
        yield env


class Life:
    """The organisation's case and the server's calendar, told in Shanghai dates."""

    def __init__(
        self, env: WorkflowEnvironment, gateway: CaseGateway, ledger: Ledger, case_id: str, y0: int
    ) -> None:
        self.env, self.gateway, self.ledger, self.case_id, self.y0 = (
            env,
            gateway,
            ledger,
            case_id,
            y0,
        )

    async def on(self, year: int, month: int, day: int) -> None:
        await sleep_until(self.env, datetime(self.y0 + year, month, day, 10, tzinfo=SHANGHAI))

    async def send(self, actor: Any, command: dict[str, Any]) -> list[str]:
        return (await self.gateway.send(self.case_id, actor, command)).events

    async def today(self) -> str:
        return local_date(await self.env.get_current_time()).isoformat()

    async def inspect(self, year: int, result: str, **extra: Any) -> list[str]:
        """The year's reports in February and April, the result in June."""
        await self.on(year + 1, 2, 20)
        await self.send(ORG_OPERATOR, org_report(self.y0 + year, "sponsor"))
        await self.on(year + 1, 4, 20)
        await self.send(ORG_OPERATOR, org_report(self.y0 + year, "authority"))
        await self.on(year + 1, 6, 15)
        command = {"type": "RecordInspectionResult", "year": self.y0 + year, "result": result}
        events = await self.send(ORG_CASEWORKER, {**command, **extra})
        await self.state_matches_the_ledger()
        return events

    async def state_matches_the_ledger(self) -> None:
        """The run's state (carried over at every 1 January) is the fold of the ledger."""
        view = await self.gateway.view(self.case_id)
        folded, version = await state_as_of(self.ledger, SOCIAL_ORG, self.case_id)
        assert (view.version, view.state) == (version, folded.model_dump(mode="json"))


async def run_chain(env: WorkflowEnvironment, case_id: str, first_run: str) -> list[Any]:
    """Every run of the case, oldest first, following each run's continue-as-new."""
    histories, run_id = [], first_run
    while True:
        history = await env.client.get_workflow_handle(case_id, run_id=run_id).fetch_history()
        histories.append(history)
        last = history.events[-1]
        if last.event_type != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
            return histories
        run_id = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id


async def test_twelve_years_of_one_organisation(
    skipping_env: WorkflowEnvironment, skipping_gateway: CaseGateway, ledger: Ledger
) -> None:
    env, gateway = skipping_env, skipping_gateway
    await sleep_until(env, next_date(await env.get_current_time(), 3, 2))
    y0 = local_date(await env.get_current_time()).year
    case_id = org_case_id()
    life = Life(env, gateway, ledger, case_id, y0)

    # Year 0: registration (登记) and a first activity
    opened = await gateway.open_case(
        SOCIAL_ORG, case_id, ORG_OPERATOR, org_application(), await env.get_current_time()
    )
    assert opened.stage == "under_review"
    await life.send(ORG_APPROVER, org_registration())
    activity = {
        "type": "RecordOrgActivity",
        "description": "成立大会",
        "held_on": await life.today(),
    }
    await life.send(ORG_OPERATOR, activity)
    first_run = (await ledger.read_stream(case_id))[0].run_id
    assert first_run is not None

    # Inspection of year 0: 合格; of year 1: 基本合格
    assert "InspectionConcluded" in await life.inspect(0, "pass")
    await life.inspect(1, "basic_pass")

    # Year 2: 2 full years registered → grade evaluation, 3A after a quiet notice
    await life.send(ORG_OPERATOR, {"type": "ApplyForGradeEvaluation"})
    await life.send(ORG_CASEWORKER, {"type": "ProposeGrade", "grade": "3A"})
    await life.on(2, 6, 25)
    graded = (await gateway.view(case_id)).state
    assert graded["grade"] == "3A"

    # Inspection of year 2: 不合格 → rectification, warning, downgrade to 2A; rectified
    events = await life.inspect(2, "fail", rectification_days=60)
    assert "GradeDowngraded" in events and "WarningIssued" in events
    await life.on(3, 7, 20)
    await life.send(
        ORG_CASEWORKER, {"type": "RecordRectification", "year": y0 + 2, "accepted": True}
    )

    # Year 3: a change approved by the sponsor, registered late (after 30 days) → warning
    change = {
        "type": "RecordChangeApproval",
        "matters": ["住所"],
        "approved_on": await life.today(),
    }
    await life.send(ORG_OPERATOR, change)
    await life.on(3, 8, 25)
    assert (await life.send(ORG_CASEWORKER, {"type": "RegisterOrgChange"})) == [
        "OrgChangeRegistered",
        "ClockStopped",
    ]

    # Years 3 and 4 go by without any report: abnormal list, then zombie → revocation proposal
    await life.on(4, 6, 2)
    after_first_miss = (await gateway.view(case_id)).state
    assert after_first_miss["lists"] and not after_first_miss["zombie"]
    await life.on(5, 6, 2)
    zombie = (await gateway.view(case_id)).state
    assert zombie["zombie"] and zombie["revocation"]["proposed_by"] == "system"
    # The organisation turns up: the approver rejects the revocation, it files late, is delisted
    await life.send(
        ORG_APPROVER, {"type": "DecideRevocation", "approve": False, "reason": "已恢复活动"}
    )
    await life.send(ORG_OPERATOR, org_report(y0 + 4, "sponsor"))
    await life.send(ORG_OPERATOR, org_report(y0 + 4, "authority"))
    await life.send(
        ORG_CASEWORKER, {"type": "RecordInspectionResult", "year": y0 + 4, "result": "basic_pass"}
    )
    await life.send(
        ORG_APPROVER_2, {"type": "RemoveFromAbnormalList", "reason": "已补报年报并通过年检"}
    )

    # Years 5 to 10: 合格 every year; the grade's 5 years run out in year 7
    for year in range(5, 11):
        await life.inspect(year, "pass")
    # Year 12: the sponsor approves deregistration; liquidation, application, certificate back
    await life.on(12, 2, 10)
    await life.send(
        ORG_OPERATOR, {"type": "RecordDeregistrationApproval", "approved_on": await life.today()}
    )
    await life.send(ORG_OPERATOR, {"type": "StartLiquidation"})
    await life.on(12, 5, 10)
    await life.send(ORG_OPERATOR, {"type": "FinishLiquidation"})
    # Not on 20 May at 10:00: the application clock's reminder fires at that very instant, and
    # the time-skipping test server fails an update that lands in the same task as a timer
    # ("invalid history builder state for action"), a test-server fault, not casework's.
    await life.on(12, 5, 18)
    await life.send(ORG_OPERATOR, {"type": "ApplyForDeregistration"})
    await life.send(
        ORG_OPERATOR, {"type": "RecordCertificateReturned", "certificate": True, "seals": True}
    )
    closed = await life.send(
        ORG_APPROVER, {"type": "CompleteDeregistration", "notice_reference": "浦民社注〔2038〕7号"}
    )
    assert closed[-1] == "OrganisationDeregistered"
    outcome = await env.client.get_workflow_handle(case_id, result_type=CaseOutcome).result()
    assert outcome.stage == "deregistered"

    # --- the ledger: one stream, one chain, every year told -------------------------------------
    stream = await ledger.read_stream(case_id)
    assert [e.version for e in stream] == list(range(1, len(stream) + 1))
    assert {e.workflow_id for e in stream} == {case_id}
    assert (await ledger.verify(case_id)).valid
    types = Counter(e.type for e in stream)
    assert types["AnnualCycleOpened"] == 12
    assert types["InspectionConcluded"] == 10  # years 0-2, 4-10 (year 3 was never inspected)
    assert types["ReportReminderSent"] == 8  # 30 and 7 days before both dates, years 3 and 4
    assert types["AnnualReportMissed"] == 4  # sponsor and authority, years 3 and 4
    assert types["ZombieFlagged"] == 1 and types["RevocationRejected"] == 1
    assert types["GradeAwarded"] == 1 and types["GradeDowngraded"] == 1
    assert types["GradeExpired"] == 1
    results = [e.payload["result"] for e in stream if e.type == "InspectionConcluded"]
    assert {"pass", "basic_pass", "fail"} <= set(results)
    warnings = [e.payload["reason"] for e in stream if e.type == "WarningIssued"]
    assert any("30 days" in w for w in warnings), "the late change registration was warned"
    assert stream[-1].type == "OrganisationDeregistered"

    # --- the runs: one per yearly cycle, each history small ------------------------------------
    runs = await run_chain(env, case_id, first_run)
    assert len(runs) == 13  # the first year, then one per 1 January
    assert {e.run_id for e in stream} <= {h.run_id for h in runs}
    sizes = [len(h.events) for h in runs]
    assert max(sizes) < MAX_RUN_HISTORY, sizes

    # --- the state as of any date, folded from the ledger ---------------------------------------
    def at(year: int, month: int, day: int) -> datetime:
        return datetime(y0 + year, month, day, 12, tzinfo=SHANGHAI)

    as_of_grade, _ = await state_as_of(ledger, SOCIAL_ORG, case_id, as_of=at(2, 12, 31))
    assert as_of_grade.grade == "3A"  # type: ignore[attr-defined]
    as_of_zombie, _ = await state_as_of(ledger, SOCIAL_ORG, case_id, as_of=at(5, 6, 1))
    assert as_of_zombie.zombie and as_of_zombie.revocation is not None  # type: ignore[attr-defined]
    as_of_expired, _ = await state_as_of(ledger, SOCIAL_ORG, case_id, as_of=at(7, 12, 31))
    assert as_of_expired.grade is None  # type: ignore[attr-defined]
    final, version = await state_as_of(ledger, SOCIAL_ORG, case_id)
    assert version == len(stream) and final.stage == "deregistered" and final.clocks == {}
    assert final.inspections[y0 + 3].status == "late"  # type: ignore[attr-defined]
    assert timedelta(days=12 * 365) < stream[-1].occurred_at - stream[0].occurred_at
