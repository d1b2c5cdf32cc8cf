"""The lifecycle CLI is generated from the command models: every command, its fields, one line
for a typo. These run the CLI without a server: the command is built and checked before any
request is sent (a server-side refusal is tested in tests/api/test_*_cli.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from casework.cli import app
from casework.cli_names import NAMES, SYSTEM_ONLY, cli_name
from casework.cli_options import build, options_of
from domain.registry import LIFECYCLES
from domain.relief.commands import ApplyForAssistance
from domain.rescue.commands import RegisterIntake, ReportPerson
from domain.rescue.commands_care import DraftIndividualPlan

GROUPS = {"rescue": ("rescue", "weather"), "relief": ("relief",), "social-org": ("social_org",)}


def cli(*args: str, **env: str) -> Result:
    # An unreachable API: anything that got as far as a request would say so.
    return CliRunner().invoke(
        app, list(args), env={"CASEWORK_API_URL": "http://127.0.0.1:9", **env}
    )


def _registered(group: str) -> set[str]:
    command = typer.main.get_command(app)
    sub = command.commands[group]  # type: ignore[attr-defined]
    return set(sub.commands)


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_staff_command_of_a_lifecycle_has_a_subcommand(group: str) -> None:
    expected = {
        cli_name(cls.model_fields["type"].default)
        for kind in GROUPS[group]
        for cls in LIFECYCLES[kind].command_types
        if cls.model_fields["type"].default not in SYSTEM_ONLY
    }
    assert expected <= _registered(group)


def test_every_named_command_exists() -> None:
    types = {c.model_fields["type"].default for lc in LIFECYCLES.values() for c in lc.command_types}
    assert set(NAMES) <= types


def _body(model: Any, **given: Any) -> dict[str, Any]:
    return build(model, options_of(model), given)


def test_nested_fields_are_flattened_and_labels_become_codes() -> None:
    body = _body(
        RegisterIntake,
        information="因年龄或残疾无法提供（先行救助）",
        sex="男",
        age="72",
        age_estimated=True,
        to_hospital=True,
    )
    assert body == {
        "type": "RegisterIntake",
        "information": "unable",
        "person": {"sex": "male", "age": "72", "age_estimated": True},
        "screening": {"infectious_critical_or_injured": True},
    }
    assert RegisterIntake.model_validate(body).person.age == 72


def test_lists_repeat_and_lists_of_models_take_pipes_keys_or_json() -> None:
    body = _body(
        DraftIndividualPlan,
        primary="assistance",
        assistance="就医",
        goal=["返乡"],
        service=[
            "S1|medical|体检|sw-li|2026-12-20",
            "service_id=S2|kind=寻亲|description=发布寻亲公告|owner=sw-li|due=2026-12-21",
            '{"service_id": "S3", "kind": "other", "description": "x", "owner": "a", "due": "2026-12-22"}',
        ],
    )
    plan = DraftIndividualPlan.model_validate(body)
    assert [s.kind.value for s in plan.services] == ["medical", "family_tracing", "other"]
    assert plan.goals == ["返乡"]


def test_yuan_are_sent_as_exact_fen() -> None:
    body = _body(
        ApplyForAssistance,
        programme="低保",
        unit="潍坊新村街道",
        member=["王某||本人|46"],
        declared_income="1200.50",
        consent=True,
    )
    assert body["programme"] == "dibao"
    assert body["household"]["declared_income_fen"] == 120_050
    assert body["household"]["members"] == [{"name": "王某", "relation": "本人", "age": "46"}]


def test_a_mistyped_value_prints_one_chinese_line_and_sends_nothing() -> None:
    done = cli("rescue", "intake", "RSC-2026-000001", "--information", "unable", "--age", "200")
    assert done.exit_code == 2
    lines = done.output.strip().splitlines()
    assert lines == ["输入有误：--age（年龄）不能大于 130"]

    missing = cli("rescue", "report", "--unit", "浦东新区救助管理站", "--location", "x")
    assert missing.exit_code == 2
    assert missing.output.strip().splitlines() == ["输入有误：--source（来源）为必填项"]

    choice = cli("rescue", "report", "--source", "飞碟", "--unit", "u", "--location", "x")
    assert choice.exit_code == 2 and len(choice.output.strip().splitlines()) == 1
    assert "--source（来源）应为以下之一" in choice.output


def test_usage_errors_print_one_line() -> None:
    for args in (["rescue", "intake"], ["rescue", "intake", "X", "--nope"], ["rescue", "fly"]):
        done = cli(*args)
        assert done.exit_code == 2, args
        assert len(done.output.strip().splitlines()) == 1, done.output
        assert done.output.startswith("输入有误："), done.output


def test_a_command_that_reaches_for_the_api_says_it_is_unreachable_in_one_line() -> None:
    done = cli("rescue", "intake", "RSC-2026-000001", "--information", "unable")
    assert done.exit_code == 3
    assert done.output.strip().splitlines() == [
        "不可用 [api_unreachable] 无法连接服务，请确认 casework dev 正在运行"
    ]


def test_verify_export_on_a_missing_file_prints_one_line(tmp_path: Path) -> None:
    done = cli("audit", "verify-export", str(tmp_path / "nope.json"))
    assert done.exit_code == 2
    assert done.output.strip().splitlines() == [f"无法校验 {tmp_path / 'nope.json'}：文件不存在"]


def test_stages_are_taken_by_their_chinese_names_and_unclear_ones_refused() -> None:
    from casework.cli_cases import stage_code

    assert stage_code("在站", None) == "in_stay"
    assert stage_code("in_stay", None) == "in_stay"
    assert stage_code("回访", "rescue") == "follow_up"
    with pytest.raises(typer.Exit):
        stage_code("飞行中", None)


def test_help_is_chinese_and_lists_choices_with_labels() -> None:
    done = cli("rescue", "report", "--help", COLUMNS="80")
    assert done.exit_code == 0
    assert "发现报告" in done.output and "grid_patrol 网格巡查" in done.output
    assert "显示此帮助并退出" in done.output and "Show this message" not in done.output
    assert all(len(line) <= 80 for line in done.output.splitlines())


def test_options_follow_the_model_fields() -> None:
    flags = {o.flag for o in options_of(ReportPerson)}
    assert {"--source", "--unit", "--location", "--observed", "--escorted-to-station"} <= flags
