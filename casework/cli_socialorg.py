"""`casework social-org …`: social organisations from registration to deregistration
(社会组织), generated from the command models (casework/cli_schema.py), and the bureau's
yearly batch view of inspections."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from casework import render
from casework.cli_common import JsonOpt, call
from casework.cli_errors import ChineseCommand, ChineseGroup
from casework.cli_schema import add_lifecycle_commands
from domain.calendar import SHANGHAI
from domain.catalogue import ENUMS
from domain.socialorg import SOCIAL_ORG
from domain.summaries import deadline_time

app = typer.Typer(
    cls=ChineseGroup,
    help="社会组织：登记、年检、评估、注销。",
    no_args_is_help=True,
)
add_lifecycle_commands(app, SOCIAL_ORG)

STATUS_ZH = ENUMS["InspectionStatus"]
LISTS_ZH = ENUMS["OrgList"]
ORG_TYPES_ZH = ENUMS["OrgType"]


def _time(value: str | None) -> str:
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(SHANGHAI).strftime("%Y-%m-%d")


@app.command(cls=ChineseCommand)
def batch(
    year: Annotated[int | None, typer.Option(help="年检年度（默认当前年度）")] = None,
    status: Annotated[str | None, typer.Option(help=" | ".join(STATUS_ZH))] = None,
    on_list: Annotated[str | None, typer.Option("--list", help=" | ".join(LISTS_ZH))] = None,
    org_type: Annotated[str | None, typer.Option(help=" | ".join(ORG_TYPES_ZH))] = None,
    unit: Annotated[str | None, typer.Option(help="单位")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="最多条数")] = 100,
    json_out: JsonOpt = False,
) -> None:
    """年检批量视图：哪些组织待报、逾期、列入名录。"""
    params: dict[str, Any] = {
        "year": year,
        "status": status,
        "list": on_list,
        "org_type": org_type,
        "unit": unit,
        "limit": limit,
    }
    items = call(lambda api: api.get("/social-orgs/inspections", **params))
    if json_out:
        render.as_json(items)
        return
    table = Table(title="社会组织年检" + (f" {year} 年度" if year else ""))
    for header in (
        "案件编号",
        "类型",
        "年度",
        "状态",
        "名录",
        "等级",
        "僵尸",
        "下一到期",
        "年检安排",
    ):
        table.add_column(header)
    for item in items:
        table.add_row(
            item["case_id"],
            ORG_TYPES_ZH.get(item.get("org_type") or "", item.get("org_type") or ""),
            str(item.get("inspection_year") or ""),
            item.get("status_label") or "",
            "、".join(LISTS_ZH.get(x, x) for x in item.get("lists", [])),
            item.get("grade") or "",
            "是" if item.get("zombie") else "",
            deadline_time(item.get("next_due_at")),
            _schedule_line(item.get("schedule", [])),
        )
    render.console.print(table)


def _schedule_line(items: list[dict[str, Any]]) -> str:
    """The next inspection years in one cell: skipped years, then the first with its dates."""
    parts: list[str] = []
    for i in items:
        if i["skipped"]:
            parts.append(f"{i['year']}年度免检")
            continue
        sponsor = f"主管 {i['sponsor_due_on']} / " if i.get("sponsor_due_on") else ""
        parts.append(f"{i['year']}年度: {sponsor}登记 {i['authority_due_on']}")
        break
    return "; ".join(parts)


@app.command(cls=ChineseCommand)
def schedule(
    case_id: Annotated[str, typer.Argument(help="组织的案件编号，如 ORG-2026-000001")],
    json_out: JsonOpt = False,
) -> None:
    """年检安排：今后各年度的报送截止日；免于年检的年度及原因。"""
    detail = call(lambda api: api.get(f"/cases/{case_id}"))
    items = detail.get("details", {}).get("inspection_schedule", [])
    render.as_json(items) if json_out else render.inspection_schedule(items)


@app.command(cls=ChineseCommand)
def summary(
    year: Annotated[int | None, typer.Option(help="年检年度（默认当前年度）")] = None,
    unit: Annotated[str | None, typer.Option(help="单位")] = None,
    json_out: JsonOpt = False,
) -> None:
    """年检汇总：待报、逾期、已报、各结论和各名录的数量。"""
    counts = call(lambda api: api.get("/social-orgs/inspections/summary", year=year, unit=unit))
    if json_out:
        render.as_json(counts)
        return
    render.console.print(f"社会组织年检汇总 {year or '（当前年度）'}：共 {counts['total']} 家")
    table = Table()
    table.add_column("项目")
    table.add_column("数量", justify="right")
    for status, n in counts["by_status"].items():
        table.add_row(STATUS_ZH.get(status, status), str(n))
    for listing, n in counts["by_list"].items():
        table.add_row(LISTS_ZH.get(listing, listing), str(n))
    render.console.print(table)
