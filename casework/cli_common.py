"""What every CLI command shares: the API client, errors as exit codes, output mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.markup import escape

from casework import render
from casework.api_client import ApiClient, ApiProblem, saved_token
from config.settings import get_settings

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON instead of a table")]


def client() -> ApiClient:
    return ApiClient(get_settings().api_url, saved_token())


def call(action: Callable[[ApiClient], Any]) -> Any:
    """Run one API call; a refusal or outage prints the reason and exits non-zero."""
    try:
        return action(client())
    except ApiProblem as problem:
        label = "不可用 / unavailable" if problem.exit_code == 3 else "拒绝 / refused"
        render.errors.print(
            f"[red]{label}[/red] {escape(f'[{problem.code}]')} {escape(problem.message)}"
        )
        if problem.details:
            render.errors.print(problem.details)
        raise typer.Exit(problem.exit_code) from None


def send(case_id: str, command: dict[str, Any], json_out: bool) -> None:
    result = call(lambda api: api.post(f"/cases/{case_id}/commands", command))
    render.as_json(result) if json_out else render.command_result(result)
