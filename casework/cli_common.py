"""What every CLI command shares: the API client, errors as exit codes, output mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.markup import escape

from casework import render
from casework.api_client import ApiClient, ApiProblem, saved_token
from config.settings import get_settings
from domain.catalogue import error_label, field_label

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON instead of a table")]


def client() -> ApiClient:
    return ApiClient(get_settings().api_url, saved_token())


def call(action: Callable[[ApiClient], Any]) -> Any:
    """Run one API call; a refusal or outage prints the reason and exits non-zero."""
    try:
        return action(client())
    except ApiProblem as problem:
        label = "不可用" if problem.exit_code == 3 else "拒绝"
        reason = error_label(problem.code) if problem.status == 0 else problem.message
        detail = _first_detail(problem.details)
        render.errors.print(
            f"[red]{label}[/red] {escape(f'[{problem.code}]')} {escape(reason or problem.message)}"
            + (f"：{escape(detail)}" if detail else ""),
            soft_wrap=True,
        )
        raise typer.Exit(problem.exit_code) from None


def _first_detail(details: Any) -> str:
    """The first field a 422 names, as one short clause (the API lists them all)."""
    if not isinstance(details, list) or not details or not isinstance(details[0], dict):
        return ""
    loc = [str(p) for p in details[0].get("loc", []) if not isinstance(p, int)]
    names = [p for p in loc if p not in ("body",) and not p[:1].isupper()]
    return field_label(names[-1]) if names else ""


def send(case_id: str, command: dict[str, Any], json_out: bool) -> None:
    result = call(lambda api: api.post(f"/cases/{case_id}/commands", command))
    render.as_json(result) if json_out else render.command_result(result)
