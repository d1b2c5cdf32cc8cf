"""`casework social-org …` against the real API on a local port: commands, refusals, batch view."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner, Result

from api.auth import mint_token
from api.deps import Services
from api.gateway import CaseGateway
from casework.cli import app as cli
from casework.settings import get_settings
from domain.actors import Actor, Role
from store.ledger import Ledger
from tests.api.conftest import SECRET, serving, settings
from tests.factories import org_registration


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def casework(url: str, actor: Actor, *args: str) -> Result:
    """Run the CLI in a thread (its HTTP client is synchronous; the API serves in this loop)."""
    env = {"CASEWORK_API_URL": url, "CASEWORK_TOKEN": mint_token(actor, SECRET, timedelta(hours=1))}

    def invoke() -> Result:
        get_settings.cache_clear()
        return CliRunner().invoke(cli, list(args), env=env)

    return await asyncio.to_thread(invoke)


def parsed(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


async def test_an_organisation_from_the_command_line(
    gateway: CaseGateway, ledger: Ledger, engine: AsyncEngine
) -> None:
    unit = f"登记管理机关-{uuid.uuid4().hex[:8]}"
    operator = Actor(user_id="op-zhou", role=Role.OPERATOR, unit=unit)
    approver = Actor(user_id="head-lin", role=Role.APPROVER, unit=unit)
    supervisor = Actor(user_id="sup-he", role=Role.SUPERVISOR, unit="浦东新区民政局")
    services = Services(settings=settings(), engine=engine, ledger=ledger, gateway=gateway)
    async with serving(services) as url:
        opened = parsed(
            await casework(
                url, operator, "social-org", "apply", "--org-type", "social_service_agency",
                "--org-name", "浦东新区阳光社工服务社", "--unit", unit, "--json",
                *(f"--document={d}" for d in ("application_form", "articles", "capital_proof")),
                "--document=premises_proof", "--document=leaders_info",
            )
        )  # fmt: skip
        case_id = opened["case_id"]
        assert case_id.startswith("ORG-") and opened["stage"] == "under_review"

        code = org_registration("social_service_agency")["credit_code"]
        refused = await casework(
            url, operator, "social-org", "register", case_id,
            "--certificate-number", "沪浦民证字第1号", "--credit-code", code,
        )  # fmt: skip
        assert refused.exit_code == 1 and "role_not_allowed" in refused.output
        registered = await casework(
            url, approver, "social-org", "register", case_id,
            "--certificate-number", "沪浦民证字第1号", "--credit-code", code, "--json",
        )  # fmt: skip
        assert parsed(registered)["stage"] == "registered"
        activity = await casework(
            url, operator, "social-org", "activity", case_id, "--description", "开业服务", "--json"
        )
        # an agency has no 1-year no-activity timer to stop (社团条例 Art 29 is the groups')
        assert parsed(activity)["events"] == ["OrgActivityRecorded"]
        no_year = await casework(
            url,
            operator,
            "social-org",
            "report",
            case_id,
            "--year",
            "2026",
            "--recipient",
            "登记管理机关",
        )
        assert no_year.exit_code == 1 and "no_inspection_year" in no_year.output

        batch = await casework(url, supervisor, "social-org", "batch", "--unit", unit, "--json")
        # registered this year: its first inspection opens 1 January, and the batch view says
        # when its reports fall due (or that the year is skipped, and why)
        (scheduled,) = parsed(batch)
        assert scheduled["case_id"] == case_id and scheduled["status"] == "scheduled"
        assert scheduled["schedule"][0]["opens_on"].endswith("-01-01")
        table = await casework(url, supervisor, "social-org", "batch", "--unit", unit)
        assert "年度" in table.stdout and "待开启" in table.stdout
        shown = await casework(url, supervisor, "social-org", "schedule", case_id, "--json")
        assert parsed(shown) == scheduled["schedule"]
        summary = await casework(url, supervisor, "social-org", "summary", "--unit", unit)
        assert summary.exit_code == 0 and "共 1 家" in summary.stdout
    await gateway.client.get_workflow_handle(case_id).terminate("test over")
