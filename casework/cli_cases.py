"""`casework cases …`: lists, state, history, verification and extensions."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape

from casework import render
from casework.api_client import ApiProblem
from casework.cli_common import JsonOpt, call, client
from casework.cli_errors import ChineseCommand, ChineseGroup
from casework.cli_schema import command_function
from domain.case import GrantExtension
from domain.catalogue import KINDS, STAGES, command_label
from domain.rescue import RESCUE

KIND_HELP = "案件类型：" + " | ".join(f"{code}（{label}）" for code, label in KINDS.items())


def kind_code(kind: str) -> str:
    for code, label in KINDS.items():
        if kind in (code, label):
            return code
    return kind


app = typer.Typer(cls=ChineseGroup, help="案件：列表、状态、历史、校验。", no_args_is_help=True)


def stage_code(stage: str, kind: str | None) -> str:
    """A stage as staff name it (在站) or as its code (in_stay); one line when it is unclear."""
    kinds = [kind] if kind else list(STAGES)
    codes = {
        code for k in kinds for code, label in STAGES.get(k, {}).items() if stage in (code, label)
    }
    if len(codes) == 1:
        return codes.pop()
    if not codes:
        render.errors.print(f"没有名为“{stage}”的阶段", soft_wrap=True, markup=False)
    else:
        render.errors.print(
            f"“{stage}”在多种案件中含义不同，请同时指定 --kind", soft_wrap=True, markup=False
        )
    raise typer.Exit(2)


@app.command("list", cls=ChineseCommand)
def list_cases(
    kind: Annotated[str | None, typer.Option(help=KIND_HELP)] = None,
    stage: Annotated[
        str | None, typer.Option(help="阶段，中文名称或代码，如 在站 / in_stay")
    ] = None,
    unit: Annotated[str | None, typer.Option(help="单位")] = None,
    overdue: Annotated[
        bool | None, typer.Option("--overdue/--not-overdue", help="只看超期 / 未超期")
    ] = None,
    escalation_level: Annotated[int | None, typer.Option(min=0, max=3, help="督办级别 0–3")] = None,
    basis: Annotated[
        str | None,
        typer.Option(help="日历依据：fallback（按周一至周五推定，待节假日通知后重算）| calendar"),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="最多条数")] = 50,
    json_out: JsonOpt = False,
) -> None:
    """案件列表，最紧急的在前。"""
    kind = kind_code(kind) if kind else None
    stage = stage_code(stage, kind) if stage else None
    items = call(
        lambda api: api.get(
            "/cases",
            kind=kind,
            stage=stage,
            unit=unit,
            overdue=overdue,
            escalation_level=escalation_level,
            basis=basis,
            limit=limit,
        )
    )
    render.as_json(items) if json_out else render.case_list(items)


@app.command(cls=ChineseCommand)
def show(
    case_id: str,
    as_of: Annotated[
        str | None, typer.Option(help="某一时刻（上海时间），如 2026-11-29T09:00")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """案件状态（按账本折叠），可查看某一时刻的状态。"""
    detail = call(lambda api: api.get(f"/cases/{case_id}", as_of=as_of))
    if json_out:
        render.as_json(detail)
        return
    render.console.print(
        f"{detail['case_id']}  阶段：{detail['stage_label']}  版本：{detail['version']}"
    )
    render.state(detail["kind"], detail["state"])
    if detail.get("clocks"):
        render.clocks(detail["clocks"])
    schedule = detail.get("details", {}).get("inspection_schedule")
    if schedule:
        render.inspection_schedule(schedule)


@app.command(cls=ChineseCommand)
def history(case_id: str, json_out: JsonOpt = False) -> None:
    """案件的全部事件：时间、操作人、事件、摘要和哈希。"""
    events = call(lambda api: api.get(f"/cases/{case_id}/history"))
    render.as_json(events) if json_out else render.history(case_id, events)


@app.command(cls=ChineseCommand)
def verify(case_id: str, json_out: JsonOpt = False) -> None:
    """重新计算案件的哈希链；被改动时退出码为 1。"""
    result = call(lambda api: api.get(f"/cases/{case_id}/verify"))
    render.as_json(result) if json_out else render.verification(result)
    if not result["valid"]:
        raise typer.Exit(1)


app.command("extend", help=command_label("GrantExtension"), cls=ChineseCommand)(
    command_function(RESCUE, GrantExtension)  # GrantExtension is the same in every lifecycle
)


@app.command(cls=ChineseCommand)
def recompute(
    case_ids: Annotated[
        list[str] | None, typer.Argument(help="要重算的案件；不填则为全部按工作日推定的案件")
    ] = None,
    reason: Annotated[str, typer.Option(help="理由")] = "节假日安排已更新",
    unit: Annotated[str | None, typer.Option(help="只重算该单位的案件（不指定案件时）")] = None,
    json_out: JsonOpt = False,
) -> None:
    """按现有日历重算期限（督办）：每一项变更都记入历史。不指定案件时，重算全部按工作日推定的在办案件。"""
    targets = list(case_ids or [])
    if not targets:
        listed = call(
            lambda api: api.get(
                "/cases", basis="fallback", unit=unit, include_closed=False, limit=500
            )
        )
        targets = [item["case_id"] for item in listed]
    results: list[dict[str, Any]] = []
    api = client()
    for case_id in targets:
        command = {"type": "RecomputeClocks", "reason": reason}
        try:
            results.append(api.post(f"/cases/{case_id}/commands", command))
        except ApiProblem as problem:  # one case refusing stops nothing else
            if problem.exit_code == 3:
                raise typer.Exit(3) from None
            results.append(
                {"case_id": case_id, "refused": problem.code, "message": problem.message}
            )
    if json_out:
        render.as_json(results)
        return
    if not results:
        render.console.print("没有按工作日推定计算的期限")
    for result in results:
        if "refused" in result:
            render.console.print(
                f"{result['case_id']}: 未变更 [{result['refused']}] {result['message']}"
            )
        else:
            render.command_result(result)
    if any("refused" in r and r["refused"] != "clocks_current" for r in results):
        raise typer.Exit(1)


@app.command(cls=ChineseCommand)
def queue(json_out: JsonOpt = False) -> None:
    """我的督办队列：升级到我这一级的未结案件。"""
    items = call(lambda api: api.get("/queue"))
    render.as_json(items) if json_out else render.case_list(items)


@app.command("import", cls=ChineseCommand)
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
