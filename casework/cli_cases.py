"""`casework cases …`: lists, state, history, verification and extensions."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape

from casework import render
from casework.cli_common import JsonOpt, call, send

app = typer.Typer(help="List, read, audit and verify cases (案件).", no_args_is_help=True)


@app.command("list")
def list_cases(
    kind: Annotated[str | None, typer.Option(help="rescue | relief | social_org")] = None,
    stage: Annotated[str | None, typer.Option()] = None,
    unit: Annotated[str | None, typer.Option()] = None,
    overdue: Annotated[bool | None, typer.Option("--overdue/--not-overdue")] = None,
    escalation_level: Annotated[int | None, typer.Option(min=0, max=3)] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    json_out: JsonOpt = False,
) -> None:
    """Cases, most urgent first."""
    items = call(
        lambda api: api.get(
            "/cases",
            kind=kind,
            stage=stage,
            unit=unit,
            overdue=overdue,
            escalation_level=escalation_level,
            limit=limit,
        )
    )
    render.as_json(items) if json_out else render.case_list(items)


@app.command()
def show(
    case_id: str,
    as_of: Annotated[
        str | None, typer.Option(help="ISO time, e.g. 2026-11-29T09:00 (Shanghai)")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """A case's state from its ledger, now or as of a moment."""
    detail = call(lambda api: api.get(f"/cases/{case_id}", as_of=as_of))
    if json_out:
        render.as_json(detail)
        return
    render.console.print(
        f"{detail['case_id']}  阶段: {detail['stage_label']}  版本: {detail['version']}"
    )
    render.as_json(detail["state"])


@app.command()
def history(case_id: str, json_out: JsonOpt = False) -> None:
    """Every event of a case: when, who, what, and its hash."""
    events = call(lambda api: api.get(f"/cases/{case_id}/history"))
    render.as_json(events) if json_out else render.history(case_id, events)


@app.command()
def verify(case_id: str, json_out: JsonOpt = False) -> None:
    """Recompute the case's hash chain; exits 1 when it was altered."""
    result = call(lambda api: api.get(f"/cases/{case_id}/verify"))
    render.as_json(result) if json_out else render.verification(result)
    if not result["valid"]:
        raise typer.Exit(1)


@app.command()
def extend(
    case_id: str,
    clock: Annotated[str, typer.Option(help="The clock's name, e.g. stay_limit")],
    by: Annotated[
        int, typer.Option(help="How many units (days, working days, hours) of the clock")
    ],
    reason: Annotated[str, typer.Option()],
    json_out: JsonOpt = False,
) -> None:
    """Grant an extension (延期) of a clock: supervisors only."""
    send(case_id, {"type": "GrantExtension", "clock": clock, "by": by, "reason": reason}, json_out)


@app.command()
def queue(json_out: JsonOpt = False) -> None:
    """My work queue: open cases escalated to my level (督办队列)."""
    items = call(lambda api: api.get("/queue"))
    render.as_json(items) if json_out else render.case_list(items)


@app.command("import")
def import_paper_file(
    file: Annotated[
        typer.FileText,
        typer.Argument(
            help='纸质档案 JSON：{"reference": …, "steps": [{"command", "actor", "at"}]}'
        ),
    ],
    case_id: Annotated[str | None, typer.Option(help="续录到已有案件（不填则新开案件）")] = None,
    json_out: JsonOpt = False,
) -> None:
    """录入纸质档案：每一步按其真实日期依次判定，一次写入（失败则全部不写）。"""
    try:
        body = json.load(file)
    except json.JSONDecodeError as invalid:
        render.errors.print(f"[red]文件不是有效的 JSON[/red]: {escape(str(invalid))}")
        raise typer.Exit(2) from None
    path = f"/cases/{case_id}/import" if case_id else "/cases/import"
    result = call(lambda api: api.post(path, body))
    render.as_json(result) if json_out else render.command_result(result)
