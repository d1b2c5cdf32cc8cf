"""Human output for civil-affairs staff (Chinese labels) and `--json` output for scripts."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table

from domain.clocks import RUNG_LABELS_ZH, Rung

console = Console()
errors = Console(stderr=True)

KIND_ZH = {"rescue": "救助", "relief": "社会救助", "social_org": "社会组织"}
LEVEL_ZH = {0: "正常", 1: "到期(L1)", 2: "逾期(L2)", 3: "逾期(L3)"}


def as_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def case_list(items: list[dict[str, Any]], total: str | None = None) -> None:
    table = Table(title="案件列表" + (f"（共 {total} 件）" if total else ""))
    for header in ("案件编号", "类型", "阶段", "单位", "督办级别", "下一到期", "超期"):
        table.add_column(header)
    for item in items:
        table.add_row(
            item["case_id"],
            KIND_ZH.get(item["kind"], item["kind"]),
            item.get("stage_label", item["stage"]),
            item.get("unit", ""),
            LEVEL_ZH.get(item["escalation_level"], str(item["escalation_level"])),
            due(item.get("next_due_at")),
            "是" if item.get("overdue") else "",
        )
    console.print(table)


def clocks(items: list[dict[str, Any]]) -> None:
    """A case's clocks: what each counts from, its last day and due instant (Asia/Shanghai)."""
    table = Table(title="期限")
    for header in ("期限", "起算", "截止日", "到期时刻", "已到", "日历依据"):
        table.add_column(header)
    for c in items:
        table.add_row(
            c["label_zh"] + ("" if c["running"] else " (暂停)"),
            c.get("starts", ""),
            c["due_on"],
            due(c["due_at"]),
            RUNG_LABELS_ZH.get(Rung(c["reached"]), str(c["reached"])),
            ("[yellow]工作日推定[/yellow] " if c.get("fallback") else "") + c["basis"],
        )
    console.print(table)


def inspection_schedule(items: list[dict[str, Any]]) -> None:
    """An organisation's inspection years ahead: due dates, or why a year is skipped."""
    table = Table(title="年检安排")
    for header in ("年度", "开启", "业务主管单位截止", "登记管理机关截止", "说明"):
        table.add_column(header)
    for i in items:
        table.add_row(
            str(i["year"]),
            i["opens_on"],
            i.get("sponsor_due_on") or "—",
            i.get("authority_due_on") or "—",
            i.get("reason_zh") or "",
        )
    console.print(table)


def history(case_id: str, events: list[dict[str, Any]]) -> None:
    table = Table(title=f"{case_id} 历史记录")
    for header in ("版本", "时间", "操作人", "事件", "摘要", "哈希"):
        table.add_column(header)
    for e in events:
        table.add_row(
            str(e["version"]),
            _time(e["occurred_at"]),
            f"{e['actor']} ({e['actor_role']})",
            e["type"],
            summary(e["type"], e["payload"]),
            e["hash"][:12],
        )
    console.print(table)


def summary(type_: str, payload: dict[str, Any]) -> str:
    """A one-line summary of an event, without personal data."""
    if type_ == "ClockStarted":
        clock = payload["clock"]
        return f"{clock['spec']['label_zh']} 截止 {_due_day(clock)}"
    if type_ == "ClockRecomputed":
        return (
            f"{payload['clock']['spec']['label_zh']} 重新计算: {payload['old_due_on']} → "
            f"{payload['new_due_on']} ({payload['new_basis']})"
        )
    if type_ == "ClockEscalated":
        return f"{payload['clock']}: {RUNG_LABELS_ZH.get(Rung(payload['rung']), payload['rung'])}"
    if type_ == "ClockExtended":
        return f"{payload['clock']['spec']['label_zh']} 延期至 {_due_day(payload['clock'])}"
    if type_ == "ClockStopped":
        return f"{payload['clock']} 停止"
    for key in ("reason", "reasons", "stage", "categories", "source"):
        if key in payload:
            return f"{key}: {payload[key]}"
    return ""


def verification(result: dict[str, Any]) -> None:
    if result["valid"]:
        console.print(
            f"[green]校验通过[/green] {result['stream_id']}: {result['events']} 条事件, 链尾 {result['head_hash'][:16]}"
        )
    else:
        console.print(
            f"[red]校验失败[/red] {result['stream_id']}: 第 {result.get('first_bad_version')} 版 — {result.get('problem')}"
        )


def command_result(result: dict[str, Any]) -> None:
    if result.get("status") == "pending":
        console.print(f"[yellow]已受理，待记录[/yellow] {result['case_id']}: {result['message']}")
        return
    console.print(
        f"[green]已记录[/green] {result['case_id']} 版本 {result['version']} 阶段 {result['stage']}: "
        + ", ".join(result["events"])
    )


def _due_day(clock: dict[str, Any]) -> str:
    """The last day a clock covers and its due instant; old events lack `due_on`."""
    return due(clock["due_at"])


def due(value: str | None) -> str:
    """A deadline as the law states it: an instant at midnight is 24:00 of the day before."""
    if not value:
        return ""
    from datetime import datetime, timedelta

    from domain.calendar import SHANGHAI

    moment = datetime.fromisoformat(value).astimezone(SHANGHAI)
    if (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0):
        return f"{(moment - timedelta(days=1)).date().isoformat()} 24:00"
    return moment.strftime("%Y-%m-%d %H:%M")


def _time(value: str | None) -> str:
    if not value:
        return ""
    from datetime import datetime

    from domain.calendar import SHANGHAI

    return datetime.fromisoformat(value).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
