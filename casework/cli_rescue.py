"""`casework rescue …`: the rescue station's commands (流浪乞讨人员救助) and the district's
extreme-weather mode, generated from the command models (casework/cli_schema.py)."""

from __future__ import annotations

import typer

from casework.cli_schema import add_lifecycle_commands
from domain.rescue import RESCUE
from domain.rescue.weather import WEATHER

app = typer.Typer(
    help="流浪乞讨人员救助：发现、入站、寻亲、一人一策、离站、回访。", no_args_is_help=True
)
add_lifecycle_commands(app, RESCUE)
add_lifecycle_commands(app, WEATHER)
