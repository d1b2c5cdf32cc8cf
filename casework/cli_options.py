"""A command model's fields as CLI options: names, help from the catalogue, and back again.

Nested models are flattened into their fields (named without the parent unless two clash),
lists become repeatable options, and the options given are built into the command's body.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from rich.cells import cell_len

from casework.cli_names import OPTION_NAMES
from casework.cli_values import (
    LIST_SEPARATOR,
    MONEY_SUFFIX,
    is_enum,
    is_model,
    is_money,
    typed_value,
    unwrap,
)
from domain.calendar import SHANGHAI
from domain.catalogue import ENUMS, field_label
from domain.catalogue.errors import VALIDATION

HELP_WIDTH = 20  # cells: what the help column holds in an 80-column terminal


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
    default_true: bool = False  # on unless turned off, or to be said either way: offer --no-…

    @property
    def is_flag(self) -> bool:
        return self.tp is bool and not self.is_list

    def convert(self, raw: Any) -> Any:
        values = list(raw) if self.is_list else [raw]
        converted = [typed_value(self.tp, self.path[-1], v, self.flag) for v in values]
        return converted if self.is_list else converted[0]


def _item_format(model: type[BaseModel]) -> str:
    return LIST_SEPARATOR.join(field_label(n) for n in model.model_fields)


def _help(label: str, name: str, tp: Any, is_list: bool, required: bool) -> str:
    """Help for one option, in short lines: the help column cuts a long line, it never wraps
    a run of Chinese (it has no spaces to wrap at)."""
    head = label
    if is_money(name, tp):  # stored in fen, typed in yuan
        head = head.replace("（分）", "") + "（元）"
    if is_list:
        head += "，可重复"
    if required and tp is not bool:
        head += " [必填]"
    lines = [head]
    if is_enum(tp):
        labels = ENUMS.get(tp.__name__, {})
        lines += [f"{m.value} {labels.get(str(m.value), '')}".strip() for m in tp]
    elif is_model(tp):
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
        tp, _ = unwrap(info.annotation)
        if is_model(tp):
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
        tp, nullable = unwrap(info.annotation)
        is_list = get_origin(tp) is list
        if is_list:
            tp, _ = unwrap(get_args(tp)[0])
        required = info.is_required() and all(_parent_required(model, path))
        if is_money(path[-1], tp):
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
                default_true=info.default is True or info.is_required(),
            )
        )
    return options


def _list_aware_name(path: tuple[str, ...], info: FieldInfo) -> str:
    if path[-1] in OPTION_NAMES:
        return OPTION_NAMES[path[-1]]
    tp, _ = unwrap(info.annotation)
    return _singular(path[-1]) if get_origin(tp) is list else path[-1]


def _parent_required(model: type[BaseModel], path: tuple[str, ...]) -> list[bool]:
    required: list[bool] = []
    current: Any = model
    for name in path[:-1]:
        info = current.model_fields[name]
        required.append(info.is_required())
        current, _ = unwrap(info.annotation)
    return required


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
        tp, _ = unwrap(info.annotation)
        if is_model(tp) and info.is_required():
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
