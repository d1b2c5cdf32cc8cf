"""`casework audit …`: evidence exports that anyone can verify offline, diffs and runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from casework import cli_anchors, render
from casework.cli_anchors import PublicKeysOpt, public_keys
from casework.cli_common import JsonOpt, call
from casework.cli_errors import ChineseCommand, ChineseGroup
from domain.catalogue import event_label
from domain.summaries import local_time

app = typer.Typer(cls=ChineseGroup, help="审计：证据导出、离线校验。", no_args_is_help=True)


@app.command(cls=ChineseCommand)
def export(
    case_id: str,
    out: Annotated[
        Path | None, typer.Option(help="写入的文件（默认 案件编号-evidence.json）")
    ] = None,
) -> None:
    """下载案件的证据文件：事件、哈希链和摘要。"""
    target = out or Path(f"{case_id}-evidence.json")
    body = call(lambda api: api.request_bytes("GET", f"/cases/{case_id}/export"))
    target.write_bytes(body)
    render.console.print(f"已导出 {case_id} → {target} ({len(body)} bytes)")


app.command("anchor", cls=ChineseCommand)(cli_anchors.anchor)
app.command("verify", cls=ChineseCommand)(cli_anchors.verify)
app.command("public-key", cls=ChineseCommand)(cli_anchors.public_key)
app.command("keygen", cls=ChineseCommand)(cli_anchors.keygen)


@app.command("verify-export", cls=ChineseCommand)
def verify_export(
    file: Annotated[Path, typer.Argument(help="证据文件，如 RSC-2026-000001-evidence.json")],
    keys: PublicKeysOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """离线校验证据文件（无需服务器）；文件被改动时退出码为 1。

    给出 --public-key 时同时校验文件中的锚定证明（且必须有）。
    """
    from store.evidence import verify_export as verify

    try:
        content = file.read_bytes()
    except OSError as error:
        reason = "文件不存在" if isinstance(error, FileNotFoundError) else "无法读取"
        render.errors.print(f"无法校验 {file}：{reason}", soft_wrap=True, markup=False)
        raise typer.Exit(2) from None
    result = verify(content, public_keys(keys) if keys else None)
    if json_out:
        render.as_json(result.model_dump())
    elif result.valid:
        render.console.print(
            f"[green]校验通过[/green] {result.case_id}：{result.events} 条事件，链尾 {result.head_hash}"
        )
        if result.anchor_checked:
            render.console.print(
                f"[green]已锚定[/green] 前 {result.anchored_version} 版（共 {result.events} 版）"
                f"在 {result.anchor_id} 中（签名和包含证明已校验）"
            )
        else:
            render.console.print(
                "[yellow]未校验锚定[/yellow]（请给出 --public-key）"
                if result.anchor_id
                else "[yellow]文件中没有锚定证明[/yellow]"
            )
    else:
        where = []
        if result.version is not None:
            where.append(f"第 {result.version} 版事件")
        if result.byte_offset is not None:
            where.append(f"第 {result.byte_offset} 字节")
        render.console.print(
            f"[red]校验失败[/red] {'，'.join(where) or '整个文件'}：{escape(result.problem or '')}"
        )
    if not result.valid:
        raise typer.Exit(1)


@app.command(cls=ChineseCommand)
def diff(
    case_id: str,
    from_version: Annotated[int, typer.Option("--from", min=0, help="起始版本")],
    to_version: Annotated[int, typer.Option("--to", min=1, help="结束版本")],
    json_out: JsonOpt = False,
) -> None:
    """两个版本之间案件状态的变化。"""
    result = call(
        lambda api: api.get(
            f"/cases/{case_id}/diff", from_version=from_version, to_version=to_version
        )
    )
    if json_out:
        render.as_json(result)
        return
    table = Table(
        title=f"{case_id} 版本 {from_version} → {to_version}："
        + "、".join(event_label(e) for e in result["events"])
    )
    for header in ("字段", "之前", "之后"):
        table.add_column(header)
    for change in result["changes"]:
        table.add_row(change["path"], str(change["before"]), str(change["after"]))
    render.console.print(table)


RUN_STATUS = {
    "RUNNING": "运行中",
    "COMPLETED": "已完成",
    "CONTINUED_AS_NEW": "已续新",
    "FAILED": "失败",
    "CANCELED": "已取消",
    "TERMINATED": "已终止",
    "TIMED_OUT": "已超时",
}


@app.command(cls=ChineseCommand)
def runs(case_id: str, json_out: JsonOpt = False) -> None:
    """承载该案件的 Temporal 运行记录（运行编号和 Temporal UI 链接）。"""
    result = call(lambda api: api.get(f"/cases/{case_id}/runs"))
    if json_out:
        render.as_json(result)
        return
    # Fits 80 columns: the run id in full, the rest short; one link to the workflow's page.
    table = Table(title=f"{case_id} 运行记录")
    for header in ("运行编号", "状态", "开始", "版本"):
        table.add_column(header, no_wrap=True)
    for run in result:
        versions = f"{run['first_version']}–{run['last_version']}" if run["first_version"] else ""
        started = local_time(run["started_at"])[5:] if run["started_at"] else ""
        status = RUN_STATUS.get(run["status"], run["status"])
        table.add_row(run["run_id"], status, started, versions)
    render.console.print(table)
    if result:
        page = result[-1]["temporal_ui"].split(f"/{result[-1]['run_id']}", 1)[0]
        render.console.print(f"Temporal UI：{page}", soft_wrap=True)
