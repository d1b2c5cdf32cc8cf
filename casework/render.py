"""Human output for civil-affairs staff (Chinese labels) and `--json` output for scripts."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table

from domain.catalogue import (
    KINDS,
    clock_label,
    event_label,
    field_label,
    level_label,
    role_label,
    rung_label,
    stage_label,
)
from domain.summaries import deadline_time, local_time, summary, value_label

console = Console()
errors = Console(stderr=True)


def as_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def case_list(items: list[dict[str, Any]], total: str | None = None) -> None:
    table = Table(title="案件列表" + (f"（共 {total} 件）" if total else ""))
    for header in ("案件编号", "类型", "阶段", "单位", "督办级别", "下一到期", "超期"):
        table.add_column(header, no_wrap=header == "案件编号")  # an id is read whole
    for item in items:
        table.add_row(
            item["case_id"],
            KINDS.get(item["kind"], item["kind"]),
            item.get("stage_label") or stage_label(item["kind"], item["stage"]),
            item.get("unit", ""),
            level_label(item["escalation_level"]),
            deadline_time(item.get("next_due_at")),
            "是" if item.get("overdue") else "",
        )
    console.print(table)


def clocks(items: list[dict[str, Any]]) -> None:
    """A case's clocks: what each counts from, its last day and due instant (Asia/Shanghai)."""
    table = Table(title="期限")
    for header in ("期限", "截止日", "到期时刻", "已到", "日历依据"):
        table.add_column(header, overflow="fold", no_wrap=header == "截止日")
    for c in items:
        table.add_row(
            clock_label(c["name"]) + ("" if c["running"] else "（暂停）"),
            c["due_on"],
            deadline_time(c["due_at"]),
            rung_label(c["reached"]),
            ("⚠ " if c.get("fallback") else "") + c.get("basis_zh", c["basis"]),
        )
    console.print(table)


def inspection_schedule(items: list[dict[str, Any]]) -> None:
    """An organisation's inspection years ahead: due dates, or why a year is skipped."""
    table = Table(title="年检安排")
    for header in ("年度", "开启", "业务主管单位截止", "登记管理机关截止", "说明"):
        table.add_column(header, overflow="fold")
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
        table.add_column(header, no_wrap=header in ("版本", "哈希"))
    for e in events:
        table.add_row(
            str(e["version"]),
            _time(e["occurred_at"]),
            _actor(e),
            e.get("type_label") or event_label(e["type"]),
            e.get("summary") or summary(e["type"], e["payload"]),
            e["hash"][:12],
        )
    console.print(table)


def state(kind: str, body: dict[str, Any]) -> None:
    """A case's state for staff: every field by its label, values by theirs, times local."""
    for line in _state_lines(kind, body, 0):
        console.print(line, soft_wrap=True, markup=False, highlight=False)


def _state_lines(kind: str, value: Any, depth: int, key: str = "") -> list[str]:
    pad = "  " * depth
    if isinstance(value, dict):
        lines: list[str] = []
        for name, inner in value.items():
            if inner in (None, "", [], {}):
                continue
            label = field_label(name)
            if name == "clocks" and isinstance(inner, dict):
                lines.append(f"{pad}{label}：")
                lines += [f"{pad}  {_clock(key, clock)}" for key, clock in inner.items()]
                continue
            if isinstance(inner, dict | list):
                lines.append(f"{pad}{label}：")
                lines += _state_lines(kind, inner, depth + 1, name)
            else:
                lines.append(f"{pad}{label}：{_value(kind, name, inner)}")
        return lines
    if isinstance(value, list):
        lines = []
        for item in value:
            if isinstance(item, dict | list):
                lines.append(f"{pad}-")
                lines += _state_lines(kind, item, depth + 1, key)
            else:
                lines.append(f"{pad}- {_value(kind, key, item)}")
        return lines
    return [f"{pad}{_value(kind, key, value)}"]


def _clock(name: str, clock: dict[str, Any]) -> str:
    """One running clock in a line: its name, when it is due, where it stands on the ladder."""
    line = f"{clock_label(name)}：{deadline_time(clock.get('due_at'))} 到期，{rung_label(clock['reached'])}"
    return line + ("（已暂停）" if clock.get("paused_at") else "")


def _value(kind: str, name: str, value: Any) -> str:
    if name == "stage" and isinstance(value, str):
        return stage_label(kind, value)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        return local_time(value)  # an instant: Shanghai time
    return value_label(name, value)


def verification(result: dict[str, Any]) -> None:
    if result["valid"]:
        console.print(
            f"[green]校验通过[/green] {result['stream_id']}: {result['events']} 条事件, 链尾 {result['head_hash'][:16]}"
        )
    else:
        console.print(
            f"[red]校验失败[/red] {result['stream_id']}: 第 {result.get('first_bad_version')} 版 — {result.get('problem')}"
        )


def _actor(entry: dict[str, Any]) -> str:
    if entry["actor_role"] == "system":
        return role_label("system")
    return f"{entry['actor']}（{role_label(entry['actor_role'])}）"


def command_result(result: dict[str, Any]) -> None:
    if result.get("status") == "pending":
        console.print(f"[yellow]已受理，待记录[/yellow] {result['case_id']}：数据库恢复后自动记录")
        return
    console.print(
        f"[green]已记录[/green] {result['case_id']} 版本 {result['version']} "
        f"阶段 {stage_label(_kind(result['case_id']), result['stage'])}: "
        + "、".join(event_label(e) for e in result["events"])
    )


def _kind(case_id: str) -> str:
    from domain.errors import DomainError
    from domain.registry import kind_of_case

    try:
        return kind_of_case(case_id).kind
    except DomainError:
        return ""


def _time(value: str | None) -> str:
    return local_time(value)
