"""Every code staff can meet has a Chinese label in the one catalogue (domain/catalogue).

The codes are collected from the code itself, not from a list kept beside it: the command and
event unions of every lifecycle, every DomainError code raised anywhere (an AST scan), every
clock a rule can start, every field of every command, event and state, and every enumeration
those fields use. A new code without a label fails here.
"""

from __future__ import annotations

import ast
import enum
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from domain import catalogue
from domain.actors import Role
from domain.case import AUDIT_ONLY_EVENTS
from domain.clocks import RUNG_LABELS_ZH, ClockSpec, ClockUnit, Rung
from domain.registry import LIFECYCLES
from domain.relief.state import Stage as ReliefStage
from domain.rescue.plan import service_clock_name
from domain.rescue.state import Stage as RescueStage
from domain.rescue.weather import ACTIVE, ENDED
from domain.socialorg import rules as org_rules
from domain.socialorg.cycle import RECTIFICATION_PREFIX
from domain.socialorg.state import Stage as OrgStage
from domain.socialorg.timers import TIMERS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    p for folder in ("domain", "api", "workflows") for p in (ROOT / folder).rglob("*.py")
)
# Refusals and error answers, and which positional argument is their code.
CODE_ARGUMENT = {
    "DomainError": 0,
    "CommandRefused": 0,
    "PaperFileStepRefused": 0,
    "PaperFileRefused": 1,
    "_answer": 1,
}
# Functions whose first argument is a clock's name.
CLOCK_FACTORIES = frozenset({"report_deadline", "months_spec", "timer"})


def _parsed() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"), filename=str(p))) for p in SOURCES]


def _called(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _string_constants() -> dict[str, str]:
    """Module-level NAME = "text" assignments anywhere in the scanned code."""
    found: dict[str, str] = {}
    for _, tree in _parsed():
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = node.value.value
    return found


def refusal_codes() -> dict[str, str]:
    """code -> where: every DomainError / CommandRefused raised with a literal code, and the
    workflow's ApplicationError types that reach the API."""
    codes: dict[str, str] = {}
    for path, tree in _parsed():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called(node)
            literal: ast.expr | None = None
            suffix = ""
            if name in CODE_ARGUMENT:
                index = CODE_ARGUMENT[name]
                literal = node.args[index] if len(node.args) > index else None
            elif name in ("ApplicationError", "Problem", "problem_body"):
                keyword = "type" if name == "ApplicationError" else "code"
                literal = next((k.value for k in node.keywords if k.arg == keyword), None)
                if literal is None and name == "problem_body" and node.args:
                    literal = node.args[0]
            elif name == "ServiceUnavailable" and node.args:
                literal, suffix = node.args[0], "_unavailable"  # answered as <service>_unavailable
            if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
                codes.setdefault(literal.value + suffix, f"{path.relative_to(ROOT)}:{node.lineno}")
    return codes


def clock_names() -> tuple[set[str], list[str]]:
    """Every clock name a rule can start, and the f-string names (clock families) seen."""
    constants = _string_constants()
    names: set[str] = set(TIMERS)
    families: list[str] = []
    for path, tree in _parsed():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = _called(node)
            arg: ast.expr | None = None
            if called == "ClockSpec":
                arg = next((k.value for k in node.keywords if k.arg == "name"), None)
            elif called in CLOCK_FACTORIES and node.args:
                arg = node.args[0]
            if arg is None:
                continue
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names.add(arg.value)
            elif isinstance(arg, ast.Name | ast.Attribute):
                key = arg.id if isinstance(arg, ast.Name) else arg.attr
                if key in constants:
                    names.add(constants[key])
            elif isinstance(arg, ast.JoinedStr | ast.Call):  # a name made per instance
                families.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return names, families


def _event_types() -> set[str]:
    types = set(AUDIT_ONLY_EVENTS)
    for lifecycle in LIFECYCLES.values():
        for cls in get_args(get_args(lifecycle.event_union)[0]):
            types.add(cls.model_fields["type"].default)
    return types


def _models_fields_enums() -> tuple[set[str], dict[str, type[enum.Enum]]]:
    seen: set[type[BaseModel]] = set()
    fields: set[str] = set()
    enums: dict[str, type[enum.Enum]] = {}

    def walk_type(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            walk(annotation)
        elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            enums[annotation.__name__] = annotation
        for inner in get_args(annotation):
            walk_type(inner)

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            fields.add(name)
            walk_type(info.annotation)

    for lifecycle in LIFECYCLES.values():
        walk(lifecycle.state_type)
        for cls in lifecycle.command_types:
            walk(cls)
        for cls in get_args(get_args(lifecycle.event_union)[0]):
            walk(cls)
    for cls in AUDIT_ONLY_EVENTS.values():
        walk(cls)
    return fields, enums


def test_every_command_of_every_lifecycle_has_a_label() -> None:
    types = {
        cls.model_fields["type"].default
        for lifecycle in LIFECYCLES.values()
        for cls in lifecycle.command_types
    }
    assert len(types) > 80
    assert sorted(types - set(catalogue.COMMANDS)) == []


def test_every_event_of_every_lifecycle_has_a_label() -> None:
    types = _event_types()
    assert len(types) > 100
    assert sorted(types - set(catalogue.EVENTS)) == []


def test_every_stage_of_every_lifecycle_has_a_label() -> None:
    stages = {
        "rescue": {s.value for s in RescueStage},
        "relief": {s.value for s in ReliefStage},
        "social_org": {s.value for s in OrgStage},
        "weather": {"new", ACTIVE, ENDED},
    }
    assert set(stages) == set(LIFECYCLES) == set(catalogue.STAGES) == set(catalogue.KINDS)
    for kind, known in stages.items():
        assert sorted(known - set(catalogue.STAGES[kind])) == [], kind
        assert LIFECYCLES[kind].stage_labels_zh == catalogue.STAGES[kind]


def test_every_refusal_code_raised_has_a_chinese_reason() -> None:
    codes = refusal_codes()
    assert {"escort_required", "four_eyes", "wrong_stage", "case_not_found"} <= set(codes)
    assert len(codes) > 100
    missing = {code: where for code, where in codes.items() if code not in catalogue.ERRORS}
    assert missing == {}


def test_every_domain_refusal_names_its_code_literally() -> None:
    """A code computed at run time would escape the scan above: there is none."""
    computed = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in _parsed()
        if path.is_relative_to(ROOT / "domain")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _called(node) == "DomainError"
        and not (node.args and isinstance(node.args[0], ast.Constant))
    ]
    assert computed == []


def test_every_clock_a_rule_can_start_has_a_label() -> None:
    names, families = clock_names()
    assert {"family_search_notice", "whole_process", "authority_report", "next_cycle"} <= names
    assert sorted(n for n in names if catalogue.clock_label(n) == n) == []
    # Clocks named per instance: each f-string name seen must belong to a labelled family.
    assert len(families) == 2, families
    assert catalogue.clock_label(service_clock_name("S1")) == "一人一策服务 S1"
    year_clock = org_rules.rectification(90, RECTIFICATION_PREFIX, 2025)
    assert year_clock.label_zh == catalogue.clock_label(year_clock.name) == "2025年度年检整改"


def test_a_new_clock_spec_takes_its_label_from_the_catalogue() -> None:
    spec = ClockSpec(name="stay_limit", unit=ClockUnit.CALENDAR_DAYS, amount=10, rule="x")
    assert spec.label_zh == "在站期限"
    # A stored spec keeps the label it was written with.
    stored = ClockSpec(name="stay_limit", label_zh="旧名", unit=ClockUnit.HOURS, amount=1, rule="x")
    assert stored.label_zh == "旧名"


def test_every_field_of_every_command_event_and_state_has_a_label() -> None:
    fields, _ = _models_fields_enums()
    assert {"source", "person", "household", "credit_code"} <= fields
    assert sorted(fields - set(catalogue.FIELDS)) == []


def test_every_value_of_every_enumeration_in_use_has_a_label() -> None:
    _, enums = _models_fields_enums()
    assert {"ReportSource", "Programme", "OrgType", "Rung"} <= set(enums)
    missing = {
        name: sorted(str(m.value) for m in cls if str(m.value) not in catalogue.ENUMS.get(name, {}))
        for name, cls in enums.items()
    }
    assert {name: values for name, values in missing.items() if values} == {}


def test_roles_rungs_and_levels_have_labels() -> None:
    assert sorted(r.value for r in Role if r.value not in catalogue.ROLES) == []
    assert all(RUNG_LABELS_ZH[r] == catalogue.rung_label(r.value) for r in Rung)
    assert [catalogue.level_label(n) for n in range(4)] == [
        "正常",
        "到期(L1)",
        "逾期(L2)",
        "逾期(L3)",
    ]


def test_every_label_is_chinese() -> None:
    def chinese(text: str) -> bool:
        return any("\u4e00" <= ch <= "\u9fff" for ch in text)

    tables: dict[str, dict[str, str]] = {
        "commands": catalogue.COMMANDS,
        "events": catalogue.EVENTS,
        "clocks": catalogue.CLOCKS,
        "errors": catalogue.ERRORS,
        "fields": catalogue.FIELDS,
        "roles": catalogue.ROLES,
        **{f"stages.{k}": v for k, v in catalogue.STAGES.items()},
        **{f"enums.{k}": v for k, v in catalogue.ENUMS.items() if k != "Grade"},
    }
    english = {
        f"{t}.{k}": v for t, table in tables.items() for k, v in table.items() if not chinese(v)
    }
    assert english == {}


def test_the_catalogue_check_catches_a_missing_label() -> None:
    """The scans find codes in source text: a refusal nobody labelled would be reported."""
    tree = ast.parse('raise DomainError("brand_new_rule", "x")')
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    assert _called(call) == "DomainError"
    assert catalogue.error_label("brand_new_rule") is None
