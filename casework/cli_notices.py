"""`casework notices check`: read the holiday notices the workers would load, and say which
files are refused and why, before a worker ever sees them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from casework import render
from config.settings import get_settings

app = typer.Typer(help="Holiday notices (节假日安排) for years the calendar library lacks.")


@app.command()
def check(
    folder: Annotated[
        Path | None, typer.Argument(help="Default: CASEWORK_HOLIDAY_NOTICES, then the packaged")
    ] = None,
) -> None:
    """List the notices that load and the files refused (exit 1 if any is refused)."""
    from activities.calendar import PACKAGED_NOTICES, load_notices

    loaded = load_notices(PACKAGED_NOTICES, folder or get_settings().holiday_notices_dir)
    table = Table(title="节假日安排通知")
    for header in ("年度", "文号", "放假", "调休上班", "文件"):
        table.add_column(header)
    for notice in loaded.notices:
        table.add_row(
            str(notice.year),
            notice.source,
            str(len(notice.holidays)),
            str(len(notice.makeup_workdays)),
            str(loaded.sources[notice.year]),
        )
    render.console.print(table)
    for refused in loaded.refused:
        render.errors.print(f"[red]拒绝 / refused[/red] {escape(refused.reason)}")
    if loaded.refused:
        raise typer.Exit(1)
