"""Anchored evidence end to end: anchors on demand and on the Temporal schedule, an export whose
proof an auditor checks offline with the public key, and the tamper test of issue 11 — a
database superuser rewrites a case's chain consistently; `/verify` still says valid,
`casework audit verify` names the stream and the anchor and exits non-zero."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner, Result

from activities.anchoring import AnchorActivities
from api.auth import mint_token
from api.deps import Services
from api.gateway import CaseGateway
from casework.cli import app as cli
from casework.settings import Settings, get_settings
from domain.actors import Actor
from store.evidence import _digest, _dump, verify_export
from store.ledger import Ledger
from store.publisher import DirectoryPublisher
from store.signing import Signer, public_pem
from tests.api.conftest import SECRET, bearer, serving
from tests.factories import AUDITOR, CASEWORKER, OPERATOR, SUPERVISOR, classify, intake, report
from tests.store.tampering import rewrite_consistently, superuser_url
from workers.anchoring import ensure_anchor_schedule
from workers.worker import build_worker
from workflows.anchoring import ANCHOR_SCHEDULE_ID


@dataclass
class Anchored:
    url: str
    http: httpx.AsyncClient
    engine: AsyncEngine
    anchors: Path
    public_key: Path
    superuser_url: str

    @property
    def database_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=False)


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
async def anchored(
    dev_env: WorkflowEnvironment,
    own_engine: AsyncEngine,
    task_queue: str,
    tmp_path: Path,
    server_url: str,
) -> AsyncIterator[Anchored]:
    """A database of its own (the audit reads every stream), a worker that anchors with a key
    from a file, and the API on a real port."""
    async with own_engine.begin() as conn:  # case numbers no other test's workflow holds
        await conn.execute(
            text("INSERT INTO case_numbers VALUES ('RSC', 2026, :n)"),
            {"n": 700_000 + uuid.uuid4().int % 90_000},
        )
    signer = Signer.generate(tmp_path / "secret" / "anchor-signing-key.pem")
    public_key = tmp_path / "anchor-public.pem"
    public_key.write_bytes(public_pem(signer.public_key))
    anchors = tmp_path / "anchors"
    ledger = Ledger(own_engine)
    settings = Settings.model_validate(
        {
            "CASEWORK_SECRET_KEY": SECRET,
            "CASEWORK_ENV": "development",
            "CASEWORK_ANCHOR_DIR": anchors,
        }
    )
    services = Services(
        settings=settings,
        engine=own_engine,
        ledger=ledger,
        gateway=CaseGateway(dev_env.client, task_queue),
    )
    anchoring = AnchorActivities(own_engine, signer, DirectoryPublisher(anchors))
    worker = build_worker(dev_env.client, ledger, task_queue, anchoring=anchoring)
    async with worker, serving(services) as url, httpx.AsyncClient(base_url=url) as http:
        yield Anchored(
            url, http, own_engine, anchors, public_key, superuser_url(server_url, own_engine)
        )
    await ledger.close()


async def casework(url: str, actor: Actor, *args: str) -> Result:
    env = {"CASEWORK_API_URL": url, "CASEWORK_TOKEN": mint_token(actor, SECRET, timedelta(hours=1))}

    def invoke() -> Result:
        get_settings.cache_clear()
        return CliRunner().invoke(cli, list(args), env=env)

    return await asyncio.to_thread(invoke)


async def _open_case(http: httpx.AsyncClient) -> str:
    opened = await http.post("/cases", json=report(), headers=bearer(OPERATOR))
    assert opened.status_code == 201, opened.text
    case_id: str = opened.json()["case_id"]
    for command, actor in ((intake(), OPERATOR), (classify(), CASEWORKER)):
        sent = await http.post(f"/cases/{case_id}/commands", json=command, headers=bearer(actor))
        assert sent.status_code == 200, sent.text
    return case_id


def _reforged(export: bytes, change: Any) -> bytes:
    """An export altered by someone who also recomputes its digest and canonical form."""
    document = json.loads(export)
    change(document)
    document.pop("digest")
    document["digest"] = _digest(document)
    return _dump(document)


async def test_a_consistent_superuser_rewrite_is_found_by_the_anchors(
    anchored: Anchored, tmp_path: Path
) -> None:
    http = anchored.http
    case_id, *others = [await _open_case(http) for _ in range(3)]
    none_yet = await http.get("/audit/anchors/latest", headers=bearer(AUDITOR))
    assert none_yet.status_code == 404 and none_yet.json()["code"] == "no_anchor"
    refused = await http.post("/audit/anchors", headers=bearer(OPERATOR))
    assert refused.status_code == 403

    history = (await http.get(f"/cases/{case_id}/history", headers=bearer(AUDITOR))).json()
    once = {**bearer(SUPERVISOR), "Idempotency-Key": f"anchor-{uuid.uuid4()}"}
    made = await http.post("/audit/anchors", headers=once)
    assert made.status_code == 201, made.text
    anchor = made.json()
    assert (await http.post("/audit/anchors", headers=once)).json() == anchor  # a retry
    assert anchor["streams"] == 3 and anchor["max_position"] >= 3 * len(history)
    latest = (await http.get("/audit/anchors/latest", headers=bearer(AUDITOR))).json()
    assert latest["anchor_id"] == anchor["anchor_id"] and latest["signature"]

    # The export carries the proof; an auditor checks it offline with the public key.
    export = (await http.get(f"/cases/{case_id}/export", headers=bearer(AUDITOR))).content
    keys = {anchor["key_id"]: Signer.from_file(next((tmp_path / "secret").iterdir())).public_key}
    checked = verify_export(export, keys)
    assert checked.valid and checked.anchor_checked, checked
    assert checked.anchored_version == checked.events == len(history)
    good = tmp_path / "good.json"
    good.write_bytes(export)
    key_args = ["--public-key", str(anchored.public_key)]
    offline = await casework(anchored.url, AUDITOR, "audit", "verify-export", str(good), *key_args)
    assert offline.exit_code == 0 and "已锚定" in offline.output, offline.output

    # A tampered proof, or none at all, fails even with a recomputed digest.
    def flip_path(document: dict[str, Any]) -> None:
        path = document["anchor"]["path"]
        path[0] = ("0" if path[0][0] != "0" else "1") + path[0][1:]

    bad = tmp_path / "bad.json"
    bad.write_bytes(_reforged(export, flip_path))
    failed = await casework(anchored.url, AUDITOR, "audit", "verify-export", str(bad), *key_args)
    assert failed.exit_code == 1 and "inclusion proof" in failed.output, failed.output
    unanchored = verify_export(_reforged(export, lambda d: d.update(anchor=None)), keys)
    assert not unanchored.valid and "no anchor proof" in (unanchored.problem or "")
    assert verify_export(_reforged(export, lambda d: d.update(anchor=None))).valid  # no key

    # The ledger agrees with its anchor.
    verify_args = ["--database-url", anchored.database_url, "--anchors", str(anchored.anchors)]
    clean = await casework(anchored.url, AUDITOR, "audit", "verify", *verify_args, *key_args)
    assert clean.exit_code == 0 and "valid" in clean.output, clean.output

    # A superuser changes the intake's age and recomputes the chain from there.
    def older(payload: dict[str, Any]) -> dict[str, Any]:
        person = {**payload["person"], "age": payload["person"]["age"] + 1}
        return {**payload, "person": person}

    await rewrite_consistently(anchored.superuser_url, case_id, 2, older)
    verified = (await http.get(f"/cases/{case_id}/verify", headers=bearer(AUDITOR))).json()
    assert verified["valid"] is True  # the chain alone cannot tell

    found = await casework(
        anchored.url, AUDITOR, "audit", "verify", *verify_args, *key_args, "--json"
    )
    assert found.exit_code == 1, found.output
    findings = json.loads(found.stdout)["findings"]
    assert [(f["anchor_id"], f["stream_id"]) for f in findings] == [
        (anchor["anchor_id"], case_id)
    ]  # and not the other cases
    assert case_id not in others
    table = await casework(anchored.url, AUDITOR, "audit", "verify", *verify_args, *key_args)
    assert table.exit_code == 1 and case_id in table.output and "INVALID" in table.output

    # An export made now no longer reaches what was anchored.
    rewritten = (await http.get(f"/cases/{case_id}/export", headers=bearer(AUDITOR))).content
    after = verify_export(rewritten, keys)
    assert not after.valid and "differs from what was anchored" in (after.problem or "")


async def test_the_cli_anchors_on_demand_and_the_schedule_anchors_on_its_own(
    anchored: Anchored, dev_env: WorkflowEnvironment, task_queue: str
) -> None:
    case_id = await _open_case(anchored.http)
    history = (await anchored.http.get(f"/cases/{case_id}/history")).json()
    made = await casework(anchored.url, SUPERVISOR, "audit", "anchor", "--json")
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["streams"] == 1
    refused = await casework(anchored.url, CASEWORKER, "audit", "anchor")
    assert refused.exit_code != 0

    await ensure_anchor_schedule(dev_env.client, task_queue, timedelta(hours=1))
    await ensure_anchor_schedule(dev_env.client, task_queue, timedelta(hours=2))  # second worker
    schedule = dev_env.client.get_schedule_handle(ANCHOR_SCHEDULE_ID)
    try:
        described = await schedule.describe()
        assert described.schedule.spec.intervals[0].every == timedelta(hours=2)
        await schedule.trigger()
        publisher = DirectoryPublisher(anchored.anchors)
        async with asyncio.timeout(60):
            while len(await publisher.anchors()) < 2:
                await asyncio.sleep(0.1)
    finally:
        await schedule.delete()
    anchors = await publisher.anchors()
    heads = await publisher.heads(anchors[-1].anchor_id)
    assert heads is not None and [h.stream_id for h in heads] == [case_id]
    assert heads[0].version == len(history)


async def test_a_worker_without_the_key_refuses_to_anchor_and_says_what_is_missing(
    api: httpx.AsyncClient,
) -> None:
    answer = await api.post("/audit/anchors", headers=bearer(SUPERVISOR))
    assert answer.status_code == 503
    assert answer.json()["code"] == "anchoring_unavailable"
    assert "CASEWORK_ANCHOR_KEY_FILE" in answer.json()["details"]["error"]
