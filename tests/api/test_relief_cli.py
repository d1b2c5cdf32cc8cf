"""`casework relief …` against the real API on a local port: amounts in yuan become exact fen,
refusals print the rule's reason and exit 1."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner, Result

from activities.verification import FakeVerificationCentre
from api.auth import mint_token
from api.deps import Services
from casework.cli import app as cli
from casework.cli_values import InputError, fen
from casework.settings import get_settings
from domain.actors import Actor
from store.ledger import Ledger
from tests.api.conftest import SECRET, serving, settings
from tests.factories import RELIEF_CASEWORKER, RELIEF_OPERATOR, STREET_OFFICE
from tests.workflows.relief_harness import relief_harness


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def casework(url: str, actor: Actor, *args: str) -> Result:
    env = {"CASEWORK_API_URL": url, "CASEWORK_TOKEN": mint_token(actor, SECRET, timedelta(hours=1))}

    def invoke() -> Result:
        get_settings.cache_clear()
        return CliRunner().invoke(cli, list(args), env=env)

    return await asyncio.to_thread(invoke)


def parsed(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_yuan_become_exact_fen() -> None:
    assert fen("1820.5") == 182_050
    assert fen("0.01") == 1
    with pytest.raises(InputError, match="精确到分"):
        fen("1.001")


async def test_an_application_from_the_command_line(
    dev_env: WorkflowEnvironment,
    ledger: Ledger,
    engine: AsyncEngine,
    task_queue: str,
    tmp_path: Path,
) -> None:
    centre = FakeVerificationCentre(tmp_path / "centre.sqlite")
    async with relief_harness(dev_env.client, ledger, engine, task_queue, centre) as relief:
        services = Services(
            settings=settings(), engine=engine, ledger=ledger, gateway=relief.gateway
        )
        async with serving(services) as url:
            opened = parsed(
                await casework(
                    url,
                    RELIEF_OPERATOR,
                    "relief",
                    "apply",
                    "--programme",
                    "dibao",
                    "--unit",
                    STREET_OFFICE,
                    "--member",
                    "王某||本人|46",
                    "--member",
                    "name=王小某|relation=子|age=12",
                    "--declared-income",
                    "1200.00",
                    "--consent",
                    "--paper",
                    "id_document",
                    "--json",
                )
            )
            case_id = opened["case_id"]
            relief.opened.append(case_id)
            accepted = parsed(
                await casework(url, RELIEF_OPERATOR, "relief", "accept", case_id, "--json")
            )
            assert accepted["stage"] == "awaiting_papers"
            refused = await casework(
                url, RELIEF_OPERATOR, "relief", "papers", case_id, "--paper", "incapacity_proof"
            )
            assert refused.exit_code == 1 and "not_requested" in refused.output
            early = await casework(url, RELIEF_CASEWORKER, "relief", "notice", case_id)
            assert early.exit_code == 1 and "wrong_stage" in early.output
            money = parsed(
                await casework(url, RELIEF_OPERATOR, "relief", "money", case_id, "--json")
            )
            assert money["programme"] == "dibao"
    submitted = (await ledger.read_stream(case_id))[0]
    assert submitted.payload["household"]["declared_income_fen"] == 120_000
    assert [m["age"] for m in submitted.payload["household"]["members"]] == [46, 12]
