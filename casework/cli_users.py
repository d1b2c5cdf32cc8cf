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
    """新建或修改用户（姓名、角色、单位、密码）。"""
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
