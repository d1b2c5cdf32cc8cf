"""What staff type on the command line, made into a command's JSON values.

Amounts in fen are typed in yuan; enumerations by their code or their Chinese label; a list of
small models as `a|b|c` in the model's field order, `name=value|…`, or a JSON object.
"""

from __future__ import annotations

import enum
import json
import types
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from domain.catalogue import CLOCKS, ENUMS

MONEY_SUFFIX = "_fen"
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


def unwrap(annotation: Any) -> tuple[Any, bool]:
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


def is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def enum_value(enum_type: type[enum.Enum], text: str) -> str:
    """Accept the English code or its Chinese label."""
    for value, label in ENUMS.get(enum_type.__name__, {}).items():
        short = label.partition("（")[0]  # 最低生活保障（低保）: either part will do
        aside = label.partition("（")[2].removesuffix("）")
        if text in (label, short, aside):
            return value
    return text


def model_value(model: type[BaseModel], text: str, flag: str) -> Any:
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
        tp, _ = unwrap(model.model_fields[name].annotation)
        if name.endswith(MONEY_SUFFIX) and tp is int:
            value[name] = fen(part)
        elif tp is bool:
            value[name] = part.lower() in ("1", "true", "yes", "y", "是")
        elif is_enum(tp):
            value[name] = enum_value(tp, part)
        else:
            value[name] = part
    return value


def is_money(field: str, tp: Any) -> bool:
    return field.endswith(MONEY_SUFFIX) and tp is int


def typed_value(tp: Any, field: str, raw: Any, flag: str) -> Any:
    """One typed value as the command's field wants it."""
    if is_money(field, tp):
        return fen(str(raw))
    if is_enum(tp):
        return enum_value(tp, str(raw))
    if field == "clock" and tp is str:  # a clock by its Chinese name, too
        return next((n for n, label in CLOCKS.items() if label == raw), raw)
    if is_model(tp):
        return model_value(tp, str(raw), flag)
    return raw
