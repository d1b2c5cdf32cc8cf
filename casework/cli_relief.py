"""`casework relief …`: social assistance (社会救助: 低保, 特困, 临时救助), appeals, corrections
and proactive discovery. The commands are generated from the command models
(casework/cli_schema.py); amounts are typed in yuan (e.g. 1820.00) and sent as exact fen."""

from __future__ import annotations

from typing import Annotated

import typer

from casework import render
from casework.cli_common import JsonOpt, call
from casework.cli_errors import ChineseCommand, ChineseGroup
from casework.cli_schema import add_lifecycle_commands
from casework.cli_values import InputError, fen
from domain.catalogue import enum_label
from domain.relief import RELIEF

app = typer.Typer(
    cls=ChineseGroup,
    help="社会救助：低保、特困、临时救助。",
    no_args_is_help=True,
)
add_lifecycle_commands(app, RELIEF)

Assets = Annotated[str, typer.Option("--assets", help="核对家庭财产（元）")]


@app.command(cls=ChineseCommand)
def reply(
    case_id: str,
    key: Annotated[str, typer.Option(help="核对请求编号")],
    reply_id: Annotated[str, typer.Option(help="答复编号")],
    income: Annotated[str, typer.Option(help="核对家庭月收入（元）")],
    assets: Assets = "0",
    finding: Annotated[list[str] | None, typer.Option(help="核对情况，可重复")] = None,
    json_out: JsonOpt = False,
) -> None:
    """登记纸质送达的家庭经济状况核对结果（督办；核对中心通过接口送达）。"""
    try:
        income_fen, assets_fen = fen(income), fen(assets)
    except InputError as problem:
        render.errors.print(f"输入有误：{problem}", soft_wrap=True, markup=False)
        raise typer.Exit(2) from None
    body = {
        "case_id": case_id,
        "request_key": key,
        "reply_id": reply_id,
        "verified_income_fen": income_fen,
        "verified_assets_fen": assets_fen,
        "findings": finding or [],
    }
    result = call(lambda api: api.post("/relief/verification-replies", body))
    render.as_json(result) if json_out else render.console.print(
        REPLY_STATUS.get(result["status"], result["status"])
    )


@app.command(cls=ChineseCommand)
def money(case_id: str, json_out: JsonOpt = False) -> None:
    """每月应发金额、补发、追回和罚款。"""
    result = call(lambda api: api.get(f"/relief/{case_id}/money"))
    if json_out:
        render.as_json(result)
        return
    for segment in result["entitlement"]:
        render.console.print(f"{segment['from_month']} 起：每月 {_yuan(segment['monthly_fen'])}")
    for settled in result["settlements"]:
        kind = "补发" if settled["total_fen"] > 0 else "追回"
        render.console.print(
            f"第 {settled['decision_no']} 号决定（{enum_label('SettlementReason', settled['reason'])}）："
            f"{kind} {_yuan(settled['total_fen'])}"
        )
    if result["fines_fen"]:
        render.console.print(f"罚款：{_yuan(result['fines_fen'])}")


def _yuan(fen_amount: int) -> str:
    sign = "-" if fen_amount < 0 else ""
    whole, cents = divmod(abs(fen_amount), 100)
    return f"{sign}¥{whole}.{cents:02d}"


# What the verification-reply door answers (codes of the API), for staff.
REPLY_STATUS = {
    "recorded": "已登记",
    "pending": "已受理，待记录",
    "duplicate_reply": "该结果已登记过，未作变更",
    "already_verified": "已核对完毕，未作变更",
    "case_closed": "案件已结案，未作变更",
}
