"""Lifecycle subcommands generated from the command models: one shape, in one place.

Each command's pydantic model gives the subcommand its options: scalars and dates as options,
booleans as flags, enumerations as choices (the English code or its Chinese label), lists as
repeatable options, nested models flattened into their fields, lists of models as repeatable
`a|b|c` values (or JSON), amounts in fen as yuan. Help comes from the catalogue. The built
command is validated against the model before it is sent, so a typo is one line, in Chinese.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ValidationError

from casework import render
from casework.cli_common import call, send
from casework.cli_errors import ChineseCommand
from casework.cli_names import cli_name
from casework.cli_options import Option, build, one_line, options_of
from casework.cli_values import InputError, is_enum, is_model, is_money
from domain.catalogue import command_label
from domain.lifecycle import Lifecycle


def _metavar(option: Option) -> str:
    if is_money(option.path[-1], option.tp):
        return "金额"
    if is_enum(option.tp):
        return "选项"
    if is_model(option.tp):
        return "条目"
    return {int: "整数", date: "日期", datetime: "时间"}.get(option.tp, "文字")


def _typer_parameter(option: Option) -> inspect.Parameter:
    if option.is_flag:
        flag = f"{option.flag}/--no-{option.flag[2:]}" if option.default_true else option.flag
        annotation: Any = Annotated[bool | None, typer.Option(flag, help=option.help)]
    elif option.is_list:
        annotation = Annotated[
            list[str] | None,
            typer.Option(option.flag, help=option.help, metavar=_metavar(option)),
        ]
    else:
        annotation = Annotated[
            str | None, typer.Option(option.flag, help=option.help, metavar=_metavar(option))
        ]
    return inspect.Parameter(
        option.param, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
    )


def _runner(
    lifecycle: Lifecycle[Any], model: type[BaseModel], options: list[Option], opening: bool
) -> Callable[..., None]:
    def run(**given: Any) -> None:
        json_out = bool(given.pop("json_out", False))
        case_id = given.pop("case_id", None)
        try:
            body = lifecycle.parse_command(build(model, options, given)).model_dump(mode="json")
        except InputError as problem:
            render.errors.print(f"输入有误：{problem}", soft_wrap=True, markup=False)
            raise typer.Exit(2) from None
        except ValidationError as invalid:
            render.errors.print(one_line(invalid, options), soft_wrap=True, markup=False)
            raise typer.Exit(2) from None
        if opening:
            result = call(lambda api: api.post("/cases", body))
            render.as_json(result) if json_out else render.command_result(result)
        else:
            send(str(case_id), body, json_out)

    return run


def command_function(lifecycle: Lifecycle[Any], model: type[BaseModel]) -> Callable[..., None]:
    """A function Typer can register: its signature is the command's options."""
    type_ = model.model_fields["type"].default
    opening = type_ in lifecycle.opening_commands
    options = options_of(model)
    params: list[inspect.Parameter] = []
    if not opening:
        params.append(
            inspect.Parameter(
                "case_id",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=Annotated[
                    str, typer.Argument(help="如 RSC-2026-000001", metavar="案件编号")
                ],
            )
        )
    params += [_typer_parameter(o) for o in options]
    params.append(
        inspect.Parameter(
            "json_out",
            inspect.Parameter.KEYWORD_ONLY,
            default=False,
            annotation=Annotated[bool, typer.Option("--json", help="输出 JSON（供脚本使用）")],
        )
    )
    run = _runner(lifecycle, model, options, opening)
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params}
    run.__doc__ = command_label(type_) + (f"（{type_}）")
    run.__name__ = cli_name(type_)
    return run


def add_lifecycle_commands(app: typer.Typer, lifecycle: Lifecycle[Any]) -> None:
    """Register a subcommand for every command of the lifecycle staff may send."""
    from casework.cli_names import SYSTEM_ONLY

    for model in lifecycle.command_types:
        type_ = model.model_fields["type"].default
        if type_ in SYSTEM_ONLY:
            continue
        app.command(cli_name(type_), help=command_label(type_), cls=ChineseCommand)(
            command_function(lifecycle, model)
        )
