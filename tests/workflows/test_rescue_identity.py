"""The police identity check on real servers: an outage is retried with back-off, an overdue
answer escalates, and the case keeps working meanwhile (先行救助)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.identity import FakePoliceIdentitySystem, OutageWindow
from api.gateway import CaseGateway
from domain.rescue import RESCUE
from store.ledger import Ledger
from tests.factories import APPROVER, CASEWORKER, OPERATOR, classify, intake, report
from tests.workflows.rescue_helpers import (
    KNOWN_ID,
    assert_ledger_is_the_case,
    end_open_cases,
    escalations,
    new_case_id,
    plan_command,
    recorded,
    shanghai_date,
    story,
    until,
)
from workers.worker import build_worker

ALWAYS = OutageWindow(datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


@pytest.fixture
def police() -> FakePoliceIdentitySystem:
    return FakePoliceIdentitySystem(outages=[ALWAYS])


@pytest.fixture
async def station(
    skipping_env: WorkflowEnvironment,
    ledger: Ledger,
    task_queue: str,
    police: FakePoliceIdentitySystem,
) -> AsyncIterator[CaseGateway]:
    """A worker whose police population system is down until the test says otherwise; the
    cases a test leaves open end with it."""
    async with build_worker(skipping_env.client, ledger, task_queue, identity_system=police):
        yield CaseGateway(skipping_env.client, task_queue)
    await end_open_cases(skipping_env.client)


async def test_an_outage_is_retried_escalated_and_the_case_works_on(
    skipping_env: WorkflowEnvironment,
    station: CaseGateway,
    ledger: Ledger,
    police: FakePoliceIdentitySystem,
) -> None:
    case_id = new_case_id()
    await station.open_case(RESCUE, case_id, OPERATOR, report(), datetime.now(UTC))
    person = {"id_number": KNOWN_ID, "name": "王某"}
    await station.send(case_id, OPERATOR, intake(person=person, information="provided"))
    # The population system is down, and the station works on: classification, the plan.
    await station.send(case_id, CASEWORKER, classify())
    today = shanghai_date(await skipping_env.get_current_time())
    await station.send(case_id, CASEWORKER, plan_command(today + timedelta(days=4), "S1"))
    await station.send(case_id, APPROVER, {"type": "ApproveIndividualPlan", "version": 1})

    await skipping_env.sleep(timedelta(hours=30))  # the answer is overdue: it escalates
    history = await ledger.read_stream(case_id)
    assert escalations(history, "identity_check")[:2] == [(0, "system"), (1, "system")]
    assert not await recorded(ledger, case_id, "PoliceIdentityConfirmed")
    assert police.calls > 3, "the workflow retried with back-off"

    police.outages = ()  # the system is back
    await skipping_env.sleep(timedelta(minutes=20))  # the next retry falls due
    await until(lambda: recorded(ledger, case_id, "PoliceIdentityConfirmed"))

    history = await ledger.read_stream(case_id)
    assert story(history)[:7] == [
        "PersonReported",
        "IntakeRegistered",
        "IdentityCheckRequested",
        "PersonClassified",
        "IndividualPlanDrafted",
        "IndividualPlanApproved",
        "PoliceIdentityConfirmed",
    ]
    confirmed = next(e for e in history if e.type == "PoliceIdentityConfirmed")
    assert confirmed.actor.user_id == "system"
    stopped = [e.payload["clock"] for e in history if e.type == "ClockStopped"]
    assert "identity_check" in stopped
    assert sum(e.type == "PoliceIdentityConfirmed" for e in history) == 1
    await assert_ledger_is_the_case(station, ledger, case_id)


async def test_police_who_do_not_know_the_person_start_family_tracing(
    station: CaseGateway, ledger: Ledger, police: FakePoliceIdentitySystem
) -> None:
    police.outages = ()
    case_id = new_case_id()
    await station.open_case(RESCUE, case_id, OPERATOR, report(), datetime.now(UTC))
    stranger = {"id_number": "310115199001011234", "name": "赵某"}  # not a valid number
    await station.send(case_id, OPERATOR, intake(person=stranger, information="provided"))
    await until(lambda: recorded(ledger, case_id, "PoliceIdentityNotFound"))

    history = await ledger.read_stream(case_id)
    assert story(history) == [
        "PersonReported",
        "IntakeRegistered",
        "IdentityCheckRequested",
        "PoliceIdentityNotFound",
        "FamilyTracingStarted",
    ]
    started = {e.payload["clock"]["spec"]["name"] for e in history if e.type == "ClockStarted"}
    assert {"family_search_notice", "dna_request", "unidentified_placement"} <= started
    await assert_ledger_is_the_case(station, ledger, case_id)
