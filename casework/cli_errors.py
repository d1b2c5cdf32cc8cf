"""Usage errors in one Chinese line (a mistyped option should not fill the screen in English)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from typer import Abort, rich_utils
from typer._click import exceptions as click  # typer ships its own click
from typer.core import TyperCommand, TyperGroup

# Typer's own words on every help page, in Chinese (these module constants are its settings).
rich_utils.REQUIRED_LONG_STRING = "[必填]"
rich_utils.DEFAULT_STRING = "[默认：{}]"
rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
rich_utils.OPTIONS_PANEL_TITLE = "选项"
rich_utils.COMMANDS_PANEL_TITLE = "命令"
rich_utils.ERRORS_PANEL_TITLE = "错误"
rich_utils.ABORTED_TEXT = "已取消"
HELP_TEXT = "显示此帮助并退出"


class _ChineseHelp:
    """The --help option's own help, in Chinese."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
        return option


class ChineseCommand(_ChineseHelp, TyperCommand):
    """A subcommand whose help page speaks Chinese throughout."""


class ChineseGroup(_ChineseHelp, TyperGroup):
    """A group of subcommands whose help page speaks Chinese throughout."""


def one_line(error: click.ClickException) -> str:
    """The error as one line for staff, naming the option or argument to fix."""
    if isinstance(error, click.NoSuchOption):
        return f"没有选项 {error.option_name}"
    if isinstance(error, click.MissingParameter):
        return f"缺少 {error.param_hint or (error.param.name if error.param else '参数')}"
    if isinstance(error, click.BadParameter):
        hint = error.param_hint or (error.param.name if error.param else "参数")
        return f"{hint} 的值无效"
    message = error.format_message()
    if "No such command" in message:
        return "没有这个命令：" + message.split("'")[1] if "'" in message else "没有这个命令"
    if "unexpected extra argument" in message:
        return "多余的参数：" + message.rsplit("(", 1)[-1].rstrip(")")
    return message


class OneLineErrors(ChineseGroup):
    """The top-level group: usage errors print one line (and the exit code 2) to stderr."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        def run() -> Any:
            return super(OneLineErrors, self).main(
                args, prog_name, complete_var, False, windows_expand_args, **extra
            )

        if not standalone_mode:
            return run()
        try:
            code = run()
        except click.NoArgsIsHelpError as shown:
            shown.show()
            sys.exit(shown.exit_code)
        except click.ClickException as error:
            ctx = getattr(error, "ctx", None)
            command = ctx.command_path if ctx is not None else "casework"
            print(f"输入有误：{one_line(error)}（{command} --help 查看用法）", file=sys.stderr)
            sys.exit(error.exit_code)
        except Abort:
            print("已取消", file=sys.stderr)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)
