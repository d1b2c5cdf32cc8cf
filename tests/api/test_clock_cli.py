"""`casework cases …` for time, against the real API on a local port and real servers: the
fallback list, each clock's last day, and one command that recomputes once a notice is loaded."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment

from activities.verification import FakeVerificationCentre
from api.deps import Services
from api.gateway import CaseGateway
from api.holiday_notices import BureauNotices
from casework.settings import get_settings
from domain.actors import Actor, Role
from store.ledger import Ledger
from tests.api.conftest import bearer, serving, settings
from tests.api.test_socialorg_cli import casework, parsed
from tests.factories import RELIEF_REVIEWER, relief_application
from workers.worker import build_worker


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def test_a_supervisor_finds_and_recomputes_the_fallback_cases_from_the_command_line(
    dev_env: WorkflowEnvironment,
    ledger: Ledger,
    engine: AsyncEngine,
    task_queue: str,
    tmp_path: Path,
) -> None:
    unit = f"街道-{uuid.uuid4().hex[:8]}"
    operator = Actor(user_id="op-fan", role=Role.OPERATOR, unit=unit)
    notices = tmp_path / "notices"
    notices.mkdir()
    centre = FakeVerificationCentre(tmp_path / "centre.sqlite", latency=timedelta(days=30))
    worker = build_worker(dev_env.client, ledger, task_queue, notices, verification_centre=centre)
    gateway = CaseGateway(
        dev_env.client, task_queue, holiday_notices=BureauNotices(notices).current
    )
    app_settings = settings().model_copy(update={"holiday_notices_dir": notices})
    services = Services(settings=app_settings, engine=engine, ledger=ledger, gateway=gateway)
    async with worker, serving(services) as url, httpx.AsyncClient(base_url=url) as api:
        opened = await api.post(
            "/cases", json=relief_application(unit=unit), headers=bearer(operator)
        )
        case_id = opened.json()["case_id"]
        accept = {"type": "AcceptAssistanceApplication"}
        accepted = await api.post(
            f"/cases/{case_id}/commands", json=accept, headers=bearer(operator)
        )
        assert accepted.status_code == 200, accepted.text

        listed = parsed(
            await casework(url, RELIEF_REVIEWER, "cases", "list", "--basis", "fallback",
                           "--unit", unit, "--json")
        )  # fmt: skip
        assert [i["case_id"] for i in listed] == [case_id]
        shown = await casework(url, RELIEF_REVIEWER, "cases", "show", case_id)
        assert shown.exit_code == 0, shown.output
        table = re.sub(r"[\s│┃]", "", shown.stdout)  # a narrow terminal folds the cells
        assert "截止日" in table and "按周一至周五推定" in table

        # nothing learned yet: the case says so, and the command says what did not change
        unchanged = await casework(url, RELIEF_REVIEWER, "cases", "recompute", "--unit", unit)
        assert unchanged.exit_code == 0 and "未变更" in unchanged.stdout
        # the bureau loads the notice of the year the clock guessed; one command recomputes
        detail = (await api.get(f"/cases/{case_id}", headers=bearer(operator))).json()
        whole = next(c for c in detail["clocks"] if c["name"] == "whole_process")
        for part in whole["basis"].split("; "):
            year = int(part.split(":")[0])
            if "fallback" in part:
                holiday = next(
                    date(year, 1, d) for d in range(2, 9) if date(year, 1, d).weekday() < 5
                )
                notice = {
                    "year": year,
                    "source": f"测试通知{year}",
                    "holidays": [holiday.isoformat()],
                }
                (notices / f"{year}.json").write_text(json.dumps(notice), encoding="utf-8")
        done = parsed(
            await casework(url, RELIEF_REVIEWER, "cases", "recompute", "--unit", unit, "--json")
        )
        assert [r["case_id"] for r in done] == [case_id]
        assert "ClockRecomputed" in done[0]["events"]
        history = await casework(url, RELIEF_REVIEWER, "cases", "history", case_id)
        assert "重新计算" in history.stdout
        left = parsed(
            await casework(url, RELIEF_REVIEWER, "cases", "list", "--basis", "fallback",
                           "--unit", unit, "--json")
        )  # fmt: skip
        assert left == []
    await dev_env.client.get_workflow_handle(case_id).terminate("test over")
