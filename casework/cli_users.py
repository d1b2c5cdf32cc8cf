"""`casework users …`: who may sign in (administrators)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from casework import render
from casework.cli_common import JsonOpt, call
from casework.cli_errors import ChineseCommand, ChineseGroup
from domain.actors import Role
from domain.catalogue import ROLES

app = typer.Typer(cls=ChineseGroup, help="用户：角色和单位。", no_args_is_help=True)

ROLE_ZH = ROLES


@app.command("add", cls=ChineseCommand)
def add(
    user: Annotated[str, typer.Option(help="用户名，如 op-zhang")],
    name: Annotated[str, typer.Option(help="姓名")],
    role: Annotated[Role, typer.Option(help="角色：" + " | ".join(ROLES))],
    unit: Annotated[str, typer.Option(help="单位")] = "",
    password: Annotated[
        str,
        typer.Option(prompt="密码", hide_input=True, confirmation_prompt=True, help="密码"),
    ] = "",
    json_out: JsonOpt = False,
) -> None:
    """新建或修改用户（姓名、角色、单位、密码）；其令牌随即失效。

    密码至少 15 个字符，不得是常见密码，不得包含用户名。
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
            f"已保存用户 {saved['user_id']}（{ROLE_ZH.get(saved['role'], saved['role'])}）"
        )


@app.command("list", cls=ChineseCommand)
def list_all(json_out: JsonOpt = False) -> None:
    """全部用户及其角色和单位。"""
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


@app.command("deactivate", cls=ChineseCommand)
def deactivate(
    user: Annotated[str, typer.Argument(help="用户名")], json_out: JsonOpt = False
) -> None:
    """停用用户：不能再登录，其持有的令牌立即失效。"""
    _change(user, {"active": False}, "已停用用户", json_out)


@app.command("activate", cls=ChineseCommand)
def activate(
    user: Annotated[str, typer.Argument(help="用户名")], json_out: JsonOpt = False
) -> None:
    """重新启用用户（停用前的令牌仍然无效）。"""
    _change(user, {"active": True}, "已启用用户", json_out)


@app.command("move", cls=ChineseCommand)
def move(
    user: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[Role | None, typer.Option(help="新角色：" + " | ".join(ROLES))] = None,
    unit: Annotated[str | None, typer.Option(help="新单位")] = None,
    json_out: JsonOpt = False,
) -> None:
    """调整用户的角色或单位；用户须重新登录。"""
    change: dict[str, object] = {}
    if role is not None:
        change["role"] = role.value
    if unit is not None:
        change["unit"] = unit
    _change(user, change, "已调整用户", json_out)


@app.command("lockouts", cls=ChineseCommand)
def lockouts(json_out: JsonOpt = False) -> None:
    """因登录失败次数过多而被锁定的用户名和地址。"""
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


@app.command("unlock", cls=ChineseCommand)
def unlock(
    user: Annotated[str | None, typer.Argument(help="要解锁的用户名")] = None,
    address: Annotated[str | None, typer.Option(help="或要解锁的地址 (IP)")] = None,
) -> None:
    """解除用户名或地址的登录锁定。"""
    if (user is None) == (address is None):
        render.errors.print("请给出用户名或 --address，二者取一")
        raise typer.Exit(2)
    path = f"/lockouts/users/{user}" if user is not None else f"/lockouts/addresses/{address}"
    call(lambda api: api.request_bytes("DELETE", path))
    render.console.print(f"已解除锁定: {user or address}")


@app.command("token", cls=ChineseCommand)
def service_token(
    user: Annotated[str, typer.Argument(help="外部系统账户，如 verification-centre")],
    days: Annotated[int, typer.Option(min=1, max=366, help="有效天数")] = 90,
) -> None:
    """为外部系统账户签发长期令牌（打印出来；账户变更或停用时失效）。"""
    issued = call(lambda api: api.request("POST", f"/users/{user}/token", params={"days": days}))
    print(issued["access_token"])
