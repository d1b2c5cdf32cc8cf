"""Lifecycle subcommands generated from the command models: one shape, in one place.

Each command's pydantic model gives the subcommand its options: scalars and dates as options,
booleans as flags, enumerations as choices (the English code or its Chinese label), lists as
repeatable options, nested models flattened into their fields, lists of models as repeatable
`a|b|c` values (or JSON), amounts in fen as yuan. Help comes from the catalogue. The built
command is validated against the model before it is sent, so a typo is one line, in Chinese.
"""

from __future__ import annotations

import enum
import inspect
import json
import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Union, get_args, get_origin

import typer
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from rich.cells import cell_len

from casework import render
from casework.cli_common import call, send
from casework.cli_errors import ChineseCommand
from casework.cli_names import OPTION_NAMES, cli_name
from domain.calendar import SHANGHAI
from domain.catalogue import CLOCKS, ENUMS, command_label, field_label
from domain.catalogue.errors import VALIDATION
from domain.lifecycle import Lifecycle

MONEY_SUFFIX = "_fen"
HELP_WIDTH = 26  # cells: what the help column holds in an 80-column terminal
LIST_SEPARATOR = "|"


class InputError(Exception):
    """A value the staff member typed cannot become the command: said in one line."""


def fen(yuan: str) -> int:
    """'1820.5' yuan → 182050 fen, exactly; anything finer than a fen is refused."""
    try:
        amount = Decimal(yuan) * 100
    except InvalidOperation:
        raise InputError(f"“{yuan}”不是以元为单位的金额") from None
    if amount != amount.to_integral_value() or amount < 0:
        raise InputError(f"“{yuan}”：金额应不小于0，精确到分")
    return int(amount)


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside Optional/Annotated, and whether None is allowed."""
    nullable = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            inner = [a for a in get_args(annotation) if a is not type(None)]
            nullable = nullable or len(inner) < len(get_args(annotation))
            annotation = inner[0] if len(inner) == 1 else str
        else:
            return annotation, nullable


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def _enum_value(enum_type: type[enum.Enum], text: str) -> str:
    """Accept the English code or its Chinese label."""
    for value, label in ENUMS.get(enum_type.__name__, {}).items():
        short = label.partition("（")[0]  # 最低生活保障（低保）: either part will do
        aside = label.partition("（")[2].removesuffix("）")
        if text in (label, short, aside):
            return value
    return text


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


@dataclass(frozen=True)
class Option:
    """One CLI option and where its value goes in the command."""

    param: str  # the Python parameter name (unique in the subcommand)
    flag: str  # --option-name
    path: tuple[str, ...]  # ("person", "sex")
    tp: Any  # the field's inner type
    is_list: bool
    required: bool
    nullable: bool
    help: str
    default_true: bool = False  # a flag that is on unless turned off: offer --no-…

    @property
    def is_flag(self) -> bool:
        return self.tp is bool and not self.is_list

    def convert(self, raw: Any) -> Any:
        values = list(raw) if self.is_list else [raw]
        converted = [self._one(v) for v in values]
        return converted if self.is_list else converted[0]

    def _one(self, raw: Any) -> Any:
        if self.path[-1].endswith(MONEY_SUFFIX) and self.tp is int:
            return fen(str(raw))
        if _is_enum(self.tp):
            return _enum_value(self.tp, str(raw))
        if self.path[-1] == "clock" and self.tp is str:  # a clock by its Chinese name, too
            return next((n for n, label in CLOCKS.items() if label == raw), raw)
        if _is_model(self.tp):
            return _model_value(self.tp, str(raw), self.flag)
        return raw


def _model_value(model: type[BaseModel], text: str, flag: str) -> Any:
    """`S1|medical|体检|cw-li|2026-12-01` in the model's field order, or a JSON object."""
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except ValueError:
            raise InputError(f"{flag}：不是有效的 JSON") from None
    names = list(model.model_fields)
    parts = [p.strip() for p in text.split(LIST_SEPARATOR)]
    if len(parts) > len(names):
        raise InputError(f"{flag}：最多 {len(names)} 项，用“{LIST_SEPARATOR}”分隔")
    keyed = [p.partition("=") for p in parts]
    if all(sep and key in names for key, sep, _ in keyed):  # name=王某|age=46
        pairs = [(key, part) for key, _, part in keyed]
    else:
        pairs = list(zip(names, parts, strict=False))
    value: dict[str, Any] = {}
    for name, part in pairs:
        if part == "":
            continue
        tp, _ = _unwrap(model.model_fields[name].annotation)
        if name.endswith(MONEY_SUFFIX) and tp is int:
            value[name] = fen(part)
        elif tp is bool:
            value[name] = part.lower() in ("1", "true", "yes", "y", "是")
        elif _is_enum(tp):
            value[name] = _enum_value(tp, part)
        else:
            value[name] = part
    return value


def _item_format(model: type[BaseModel]) -> str:
    return LIST_SEPARATOR.join(field_label(n) for n in model.model_fields)


def _help(label: str, name: str, tp: Any, is_list: bool, required: bool) -> str:
    """Help for one option, in short lines: the help column cuts a long line, it never wraps
    a run of Chinese (it has no spaces to wrap at)."""
    head = label
    if name.endswith(MONEY_SUFFIX) and tp is int:
        head += "（元）"
    if is_list:
        head += "，可重复"
    if required and tp is not bool:
        head += " [必填]"
    lines = [head]
    if _is_enum(tp):
        labels = ENUMS.get(tp.__name__, {})
        lines += [f"{m.value} {labels.get(str(m.value), '')}".strip() for m in tp]
    elif _is_model(tp):
        lines += ["格式：" + _item_format(tp), "（可写 字段=值，或 JSON）"]
    elif tp is date:
        lines.append("YYYY-MM-DD" + ("，默认今天" if required else ""))
    elif tp is datetime:
        lines.append("YYYY-MM-DDTHH:MM")
    return "\n\n".join(piece for line in lines for piece in _short(line))


def _short(line: str, width: int = HELP_WIDTH) -> list[str]:
    """A line cut into pieces of at most `width` cells, at a separator where one is near."""
    pieces: list[str] = []
    while cell_len(line) > width:
        cut = 1
        while cut < len(line) and cell_len(line[: cut + 1]) <= width:
            cut += 1
        soft = max(line.rfind(sep, 0, cut) for sep in ("|", "、", "，", " "))
        cut = soft + 1 if soft > cut // 2 else cut
        pieces.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    return [*pieces, line] if line else pieces


Leaf = tuple[tuple[str, ...], FieldInfo, str]  # path, field, the model that holds it


def _fields(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[Leaf]:
    """The leaf fields of a command, nested models flattened (their fields under the parent)."""
    leaves: list[Leaf] = []
    for name, info in model.model_fields.items():
        if not prefix and name == "type":
            continue
        tp, _ = _unwrap(info.annotation)
        if _is_model(tp):
            leaves += _fields(tp, (*prefix, name))
        else:
            leaves.append(((*prefix, name), info, model.__name__))
    return leaves


def options_of(model: type[BaseModel]) -> list[Option]:
    """Every option of a command's subcommand, named without their parents unless two clash."""
    leaves = _fields(model)
    names = [_list_aware_name(path, info) for path, info, _ in leaves]
    options: list[Option] = []
    for (path, info, owner), name in zip(leaves, names, strict=True):
        if names.count(name) > 1:
            name = "_".join((*path[:-1], name))
        tp, nullable = _unwrap(info.annotation)
        is_list = get_origin(tp) is list
        if is_list:
            tp, _ = _unwrap(get_args(tp)[0])
        required = info.is_required() and all(_parent_required(model, path))
        money = path[-1].endswith(MONEY_SUFFIX) and tp is int
        if money:
            name = name.removesuffix(MONEY_SUFFIX)
        options.append(
            Option(
                param=name,
                flag="--" + name.replace("_", "-"),
                path=path,
                tp=tp,
                is_list=is_list,
                required=required,
                nullable=nullable,
                help=_help(field_label(path[-1], owner), path[-1], tp, is_list, required),
                default_true=info.default is True,
            )
        )
    return options


def _list_aware_name(path: tuple[str, ...], info: FieldInfo) -> str:
    if path[-1] in OPTION_NAMES:
        return OPTION_NAMES[path[-1]]
    tp, _ = _unwrap(info.annotation)
    return _singular(path[-1]) if get_origin(tp) is list else path[-1]


def _parent_required(model: type[BaseModel], path: tuple[str, ...]) -> list[bool]:
    required: list[bool] = []
    current: Any = model
    for name in path[:-1]:
        info = current.model_fields[name]
        required.append(info.is_required())
        current, _ = _unwrap(info.annotation)
    return required


def _metavar(option: Option) -> str:
    if option.path[-1].endswith(MONEY_SUFFIX) and option.tp is int:
        return "金额"
    if _is_enum(option.tp):
        return "选项"
    if _is_model(option.tp):
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


def build(model: type[BaseModel], options: list[Option], given: dict[str, Any]) -> dict[str, Any]:
    """The command's body from the options given; absent options leave the model's defaults."""
    body: dict[str, Any] = {"type": model.model_fields["type"].default}
    _required_parts(model, body)
    for option in options:
        raw = given.get(option.param)
        if raw is None or (option.is_list and not raw):
            if option.tp is date and option.required and not option.is_list:
                raw = datetime.now(SHANGHAI).date().isoformat()  # a step done today
            elif option.nullable and option.required:
                raw = None
            else:
                continue
        target = body
        for name in option.path[:-1]:
            target = target.setdefault(name, {})
        target[option.path[-1]] = None if raw is None else option.convert(raw)
    return body


def _required_parts(model: type[BaseModel], into: dict[str, Any]) -> None:
    """A required nested model is there even when none of its fields was given (its fields
    may all have defaults: RegisterIntake's person when nothing is known)."""
    for name, info in model.model_fields.items():
        tp, _ = _unwrap(info.annotation)
        if _is_model(tp) and info.is_required():
            _required_parts(tp, into.setdefault(name, {}))


def one_line(error: ValidationError, options: list[Option]) -> str:
    """The first problem of a command's fields, in Chinese, naming the option to fix."""
    first = error.errors(include_url=False)[0]
    loc = tuple(str(p) for p in first["loc"] if not isinstance(p, int))
    if loc and loc[0][:1].isupper():  # the union's tag: the command type itself
        loc = loc[1:]
    option = next((o for o in options if o.path == loc[: len(o.path)]), None)
    where = option.flag if option else ".".join(loc) or "输入"
    label = field_label(loc[-1]) if loc else ""
    template = VALIDATION.get(first["type"])
    ctx = {k: v for k, v in (first.get("ctx") or {}).items()}
    reason = template.format(**ctx) if template else first["msg"]
    return f"输入有误：{where}（{label}）{reason}"


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
