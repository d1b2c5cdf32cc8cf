"""Audit: evidence export verified offline, one altered byte found; diffs; Temporal runs."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from casework.cli import app as cli
from store.evidence import verify_export
from tests.api.conftest import bearer
from tests.factories import CASEWORKER, OPERATOR, classify, intake, report


async def _case_with_history(api: httpx.AsyncClient) -> str:
    opened = await api.post("/cases", json=report(), headers=bearer(OPERATOR))
    case_id: str = opened.json()["case_id"]
    await api.post(f"/cases/{case_id}/commands", json=intake(), headers=bearer(OPERATOR))
    await api.post(f"/cases/{case_id}/commands", json=classify(), headers=bearer(CASEWORKER))
    return case_id


async def test_evidence_export_verifies_and_any_altered_byte_is_found(
    api: httpx.AsyncClient, tmp_path: Path
) -> None:
    case_id = await _case_with_history(api)
    response = await api.get(f"/cases/{case_id}/export")
    assert response.status_code == 200
    original = response.content
    result = verify_export(original)
    events = (await api.get(f"/cases/{case_id}/history")).json()
    assert result.valid and result.events == len(events)
    assert result.head_hash == (await api.get(f"/cases/{case_id}/verify")).json()["head_hash"]

    # One byte inside the second event's payload: the age 45 becomes 46.
    at = original.index(b'"age": 45') + len('"age": 4')
    in_event = original[:at] + b"6" + original[at + 1 :]
    broken = verify_export(in_event)
    intake_version = next(e["version"] for e in events if e["type"] == "IntakeRegistered")
    assert not broken.valid and broken.version == intake_version
    assert "hash" in (broken.problem or "")

    # A byte of the header (the exporter's name): the digest catches it.
    at = original.index(b'"exported_by": "') + len('"exported_by": "')
    header = original[:at] + bytes([original[at] ^ 1]) + original[at + 1 :]
    assert not verify_export(header).valid and "digest" in (verify_export(header).problem or "")

    # A byte of insignificant whitespace: the canonical form names the byte.
    at = original.index(b"\n ") + 1
    spaced = original[:at] + b"\t" + original[at + 1 :]
    assert verify_export(spaced).byte_offset == at

    # The documented command, offline.
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_bytes(original)
    bad.write_bytes(in_event)
    runner = CliRunner()
    assert runner.invoke(cli, ["audit", "verify-export", str(good)]).exit_code == 0
    failed = runner.invoke(cli, ["audit", "verify-export", str(bad)])
    assert failed.exit_code == 1 and "第 2 版事件" in failed.output


@pytest.mark.parametrize("cut", [1, 100, 2000])
def test_truncated_or_garbled_exports_are_invalid(cut: int) -> None:
    assert not verify_export(b'{"format": "casework-evidence/1", "events": []}'[:cut]).valid


async def test_diff_between_versions(api: httpx.AsyncClient) -> None:
    case_id = await _case_with_history(api)
    diff = (
        await api.get(f"/cases/{case_id}/diff", params={"from_version": 1, "to_version": 5})
    ).json()
    assert diff["events"][0] == "IntakeRegistered"
    changed = {c["path"]: c for c in diff["changes"]}
    assert changed["/stage"]["before"] == "reported" and changed["/stage"]["after"] == "intake"
    assert "/clocks/plan_approval" in changed
    bad = await api.get(f"/cases/{case_id}/diff", params={"from_version": 5, "to_version": 2})
    assert bad.status_code == 409
    beyond = await api.get(f"/cases/{case_id}/diff", params={"from_version": 1, "to_version": 99})
    assert beyond.status_code == 409


async def test_runs_that_carried_the_case(api: httpx.AsyncClient) -> None:
    case_id = await _case_with_history(api)
    runs = (await api.get(f"/cases/{case_id}/runs")).json()
    assert len(runs) == 1
    assert runs[0]["workflow_id"] == case_id and runs[0]["status"] == "RUNNING"
    last = len((await api.get(f"/cases/{case_id}/history")).json())
    assert (runs[0]["first_version"], runs[0]["last_version"]) == (1, last)
    assert runs[0]["run_id"] in runs[0]["temporal_ui"]
