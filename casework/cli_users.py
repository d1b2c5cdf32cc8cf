"""`casework users …`: who may sign in (administrators)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from casework import render
from casework.cli_common import JsonOpt, call
from domain.actors import Role

app = typer.Typer(help="Users, roles and units (用户).", no_args_is_help=True)

ROLE_ZH = {
    "operator": "经办人",
    "caseworker": "社工",
    "approver": "审批人",
    "supervisor": "督办",
    "auditor": "审计",
    "admin": "管理员",
    "integration": "对接系统",
}


@app.command("add")
def add(
    user: Annotated[str, typer.Option(help="User id, e.g. op-zhang")],
    name: Annotated[str, typer.Option(help="Display name")],
    role: Annotated[Role, typer.Option()],
    unit: Annotated[str, typer.Option()] = "",
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
    json_out: JsonOpt = False,
) -> None:
    """Create a user or change one (name, role, unit, password); its tokens end.

    Passwords: at least 15 characters, not a common password, not containing the user id.
    """
    body = {
        "user_id": user,
        "display_name": name,
        "role": role.value,
        "unit": unit,
        "password": password,
    }
    saved = call(lambda api: api.post("/users", body))
    if json_out:
        render.as_json(saved)
    else:
        render.console.print(
            f"已保存用户 {saved['user_id']} ({ROLE_ZH.get(saved['role'], saved['role'])})"
        )


@app.command("list")
def list_all(json_out: JsonOpt = False) -> None:
    """Every user with role and unit."""
    rows = call(lambda api: api.get("/users"))
    if json_out:
        render.as_json(rows)
        return
    table = Table(title="用户")
    for header in ("用户", "姓名", "角色", "单位", "状态"):
        table.add_column(header)
    for u in rows:
        table.add_row(
            u["user_id"],
            u["display_name"],
            ROLE_ZH.get(u["role"], u["role"]),
            u["unit"],
            "启用" if u["active"] else "停用",
        )
    render.console.print(table)


def _change(user: str, change: dict[str, object], done: str, json_out: bool) -> None:
    saved = call(lambda api: api.request("PATCH", f"/users/{user}", json=change))
    if json_out:
        render.as_json(saved)
    else:
        render.console.print(f"{done} {saved['user_id']}；其已签发的令牌立即失效")


@app.command("deactivate")
def deactivate(user: Annotated[str, typer.Argument()], json_out: JsonOpt = False) -> None:
    """Stop a user: it can no longer sign in, and every token it holds stops working."""
    _change(user, {"active": False}, "已停用用户", json_out)


@app.command("activate")
def activate(user: Annotated[str, typer.Argument()], json_out: JsonOpt = False) -> None:
    """Let a stopped user sign in again (old tokens stay void)."""
    _change(user, {"active": True}, "已启用用户", json_out)


@app.command("move")
def move(
    user: Annotated[str, typer.Argument()],
    role: Annotated[Role | None, typer.Option()] = None,
    unit: Annotated[str | None, typer.Option()] = None,
    json_out: JsonOpt = False,
) -> None:
    """Change a user's role and/or unit; it signs in again to act in the new one."""
    change: dict[str, object] = {}
    if role is not None:
        change["role"] = role.value
    if unit is not None:
        change["unit"] = unit
    _change(user, change, "已调整用户", json_out)


@app.command("lockouts")
def lockouts(json_out: JsonOpt = False) -> None:
    """User ids and addresses locked now after too many failed sign-ins."""
    rows = call(lambda api: api.get("/lockouts"))
    if json_out:
        render.as_json(rows)
        return
    table = Table(title="登录锁定")
    for header in ("对象", "失败次数", "锁定至"):
        table.add_column(header)
    for lock in rows:
        table.add_row(lock["key"], str(lock["failures"]), lock["locked_until"])
    render.console.print(table)


@app.command("unlock")
def unlock(
    user: Annotated[str | None, typer.Argument(help="User id to unlock")] = None,
    address: Annotated[str | None, typer.Option(help="Or an address (IP) to unlock")] = None,
) -> None:
    """Lift a sign-in lockout of a user id or of an address."""
    if (user is None) == (address is None):
        render.errors.print("name a user id or --address, one of the two")
        raise typer.Exit(2)
    path = f"/lockouts/users/{user}" if user is not None else f"/lockouts/addresses/{address}"
    call(lambda api: api.request_bytes("DELETE", path))
    render.console.print(f"已解除锁定: {user or address}")


@app.command("token")
def service_token(
    user: Annotated[str, typer.Argument(help="An integration account, e.g. verification-centre")],
    days: Annotated[int, typer.Option(min=1, max=366)] = 90,
) -> None:
    """Issue a long-lived token for an integration account (printed; it ends when the account
    changes or is deactivated)."""
    issued = call(lambda api: api.request("POST", f"/users/{user}/token", params={"days": days}))
    print(issued["access_token"])
