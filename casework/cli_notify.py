"""`casework inbox` (my notifications) and `casework notifications` (the outbox, for
administrators: failures, dead letters, re-sending, outside parties' endpoints)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from casework import render
from casework.cli_common import JsonOpt, call

inbox_app = typer.Typer(help="我的通知 (inbox)", no_args_is_help=False, invoke_without_command=True)
app = typer.Typer(help="通知发件箱 (the notification outbox, administrators)", no_args_is_help=True)


@inbox_app.callback()
def my_inbox(
    ctx: typer.Context,
    unread: Annotated[bool, typer.Option(help="Only unread")] = False,
    json_out: JsonOpt = False,
) -> None:
    """My notifications, unread first."""
    if ctx.invoked_subcommand is not None:
        return
    body: dict[str, Any] = call(lambda api: api.get("/inbox", unread_only=unread))
    if json_out:
        render.as_json(body)
        return
    table = Table(title=f"收件箱（未读 {body['unread']} 条）")
    for column in ("编号", "", "时间", "案件", "内容"):
        table.add_column(column)
    for item in body["items"]:
        table.add_row(
            str(item["notification_id"]),
            "" if item["read"] else "●",
            item["created_at"][:16],
            item["case_id"],
            item["title_zh"],
        )
    render.console.print(table)


@inbox_app.command("read")
def mark_read(ids: Annotated[list[int], typer.Argument(help="Notification ids")]) -> None:
    """Mark notifications read."""
    body = call(lambda api: api.post("/inbox/read", {"ids": ids}))
    render.console.print(f"已读 {body['marked']} 条，未读 {body['unread']} 条")


@app.command("list")
def list_outbox(
    status: Annotated[str | None, typer.Option(help="pending | delivered | dead")] = None,
    failing: Annotated[bool, typer.Option(help="Only rows whose last attempt failed")] = False,
    case_id: Annotated[str | None, typer.Option("--case")] = None,
    json_out: JsonOpt = False,
) -> None:
    """The outbox, newest first."""
    rows: list[dict[str, Any]] = call(
        lambda api: api.get(
            "/notifications", status=status, failing=failing or None, case_id=case_id
        )
    )
    if json_out:
        render.as_json(rows)
        return
    table = Table(title="通知发件箱")
    for column in ("编号", "案件", "规则", "收件人", "渠道", "状态", "次数", "错误"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            str(r["notification_id"]),
            r["case_id"],
            r["rule"],
            r["recipient"],
            r["channel"],
            r["status"],
            str(r["attempts"]),
            r["last_error"] or "",
        )
    render.console.print(table)


@app.command()
def resend(notification_id: int) -> None:
    """Queue a notification again (same delivery key: receivers dedupe it)."""
    row = call(lambda api: api.post(f"/notifications/{notification_id}/resend", {}))
    render.console.print(
        f"已重新排队 {row['notification_id']} → {row['recipient']} ({row['channel']})"
    )


@app.command()
def endpoint(
    endpoint_id: str,
    party: Annotated[str, typer.Option(help="police | applicant_notices | bureau:<name>")],
    address: Annotated[str, typer.Option(help="Webhook URL or e-mail address")],
    channel: Annotated[str, typer.Option(help="webhook | email")] = "webhook",
) -> None:
    """Register or change where an outside party is reached."""
    body = {"party": party, "channel": channel, "address": address}
    call(lambda api: api.request("PUT", f"/notifications/endpoints/{endpoint_id}", json=body))
    render.console.print(f"{endpoint_id}: {party} ← {channel} {address}")


@app.command()
def email(user_id: str, address: Annotated[str | None, typer.Argument()] = None) -> None:
    """Set (or clear) the address a user's notifications are also e-mailed to."""
    call(lambda api: api.request("PUT", f"/users/{user_id}/email", json={"email": address}))
    render.console.print(f"{user_id}: {address or '(无邮箱)'}")
