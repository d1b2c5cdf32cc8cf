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

app = typer.Typer(
    help="Audit: evidence export and offline verification (审计).", no_args_is_help=True
)


@app.command()
def export(
    case_id: str,
    out: Annotated[
        Path | None, typer.Option(help="File to write (default CASE-evidence.json)")
    ] = None,
) -> None:
    """Download a case's evidence file: events, hash chain and digest."""
    target = out or Path(f"{case_id}-evidence.json")
    body = call(lambda api: api.request_bytes("GET", f"/cases/{case_id}/export"))
    target.write_bytes(body)
    render.console.print(f"已导出 {case_id} → {target} ({len(body)} bytes)")


app.command("anchor")(cli_anchors.anchor)
app.command("verify")(cli_anchors.verify)
app.command("public-key")(cli_anchors.public_key)
app.command("keygen")(cli_anchors.keygen)


@app.command("verify-export")
def verify_export(file: Path, keys: PublicKeysOpt = None, json_out: JsonOpt = False) -> None:
    """Verify an evidence file offline (no server needed); exits 1 when it was altered.

    With --public-key the file's anchor proof is checked too (and required).
    """
    from store.evidence import verify_export as verify

    result = verify(file.read_bytes(), public_keys(keys) if keys else None)
    if json_out:
        render.as_json(result.model_dump())
    elif result.valid:
        render.console.print(
            f"[green]校验通过 valid[/green] {result.case_id}: {result.events} events, head hash {result.head_hash}"
        )
        if result.anchor_checked:
            render.console.print(
                f"[green]已锚定 anchored[/green] up to version {result.anchored_version} "
                f"of {result.events} in {result.anchor_id} (signature and inclusion proof checked)"
            )
        else:
            render.console.print(
                "[yellow]未校验锚定 anchor not checked[/yellow] (give --public-key)"
                if result.anchor_id
                else "[yellow]无锚定证明 no anchor proof in the file[/yellow]"
            )
    else:
        where = []
        if result.version is not None:
            where.append(f"event version {result.version}")
        if result.byte_offset is not None:
            where.append(f"byte {result.byte_offset}")
        render.console.print(
            f"[red]校验失败 INVALID[/red] {escape(result.problem or '')} ({', '.join(where) or 'whole file'})"
        )
    if not result.valid:
        raise typer.Exit(1)


@app.command()
def diff(
    case_id: str,
    from_version: Annotated[int, typer.Option("--from", min=0)],
    to_version: Annotated[int, typer.Option("--to", min=1)],
    json_out: JsonOpt = False,
) -> None:
    """What changed in the case's state between two versions."""
    result = call(
        lambda api: api.get(
            f"/cases/{case_id}/diff", from_version=from_version, to_version=to_version
        )
    )
    if json_out:
        render.as_json(result)
        return
    table = Table(
        title=f"{case_id} 版本 {from_version} → {to_version}: {', '.join(result['events'])}"
    )
    for header in ("字段", "之前", "之后"):
        table.add_column(header)
    for change in result["changes"]:
        table.add_row(change["path"], str(change["before"]), str(change["after"]))
    render.console.print(table)


@app.command()
def runs(case_id: str, json_out: JsonOpt = False) -> None:
    """The Temporal runs that carried the case (ids and Temporal UI links)."""
    result = call(lambda api: api.get(f"/cases/{case_id}/runs"))
    if json_out:
        render.as_json(result)
        return
    table = Table(title=f"{case_id} 运行记录")
    for header in ("run id", "状态", "开始", "版本", "Temporal UI"):
        table.add_column(header)
    for run in result:
        versions = f"{run['first_version']}–{run['last_version']}" if run["first_version"] else ""
        table.add_row(
            run["run_id"], run["status"], run["started_at"] or "", versions, run["temporal_ui"]
        )
    render.console.print(table)
