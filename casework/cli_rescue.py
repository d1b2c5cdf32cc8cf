"""`casework rescue …`: the rescue station's commands (流浪乞讨人员救助) and the district's
extreme-weather mode, generated from the command models (casework/cli_schema.py)."""

from __future__ import annotations

import typer

from casework.cli_errors import ChineseGroup
from casework.cli_schema import add_lifecycle_commands
from domain.rescue import RESCUE
from domain.rescue.weather import WEATHER

app = typer.Typer(
    cls=ChineseGroup,
    help="流浪乞讨人员救助（含极端天气应急）。",
    no_args_is_help=True,
)
add_lifecycle_commands(app, RESCUE)
add_lifecycle_commands(app, WEATHER)
