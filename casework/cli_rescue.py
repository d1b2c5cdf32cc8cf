"""`casework rescue …`: the rescue station's commands (流浪乞讨人员救助)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from casework import render
from casework.cli_common import JsonOpt, call, send

app = typer.Typer(help="Rescue of homeless and vagrant persons (救助).", no_args_is_help=True)


@app.command()
def report(
    source: Annotated[
        str, typer.Option(help="police | city_management | grid_patrol | hotline_12345 | walk_in")
    ],
    unit: Annotated[str, typer.Option(help="Street office or station in charge")],
    location: Annotated[str, typer.Option()],
    observed: Annotated[
        list[str] | None, typer.Option(help="minor | elderly | disabled | limited_mobility")
    ] = None,
    escorted: Annotated[bool, typer.Option(help="Escorted to the station by the finder")] = False,
    acute_illness: Annotated[bool, typer.Option(help="Acute illness: 120 called first")] = False,
    note: Annotated[str, typer.Option()] = "",
    json_out: JsonOpt = False,
) -> None:
    """Report a person found in need (发现); opens a rescue case."""
    command = {
        "type": "ReportPerson",
        "source": source,
        "unit": unit,
        "location": location,
        "observed": observed or [],
        "escorted_to_station": escorted,
        "acute_illness": acute_illness,
        "note": note,
    }
    result = call(lambda api: api.post("/cases", command))
    render.as_json(result) if json_out else render.command_result(result)


@app.command("refuse-help")
def refuse_help(
    case_id: str,
    extreme_weather: Annotated[bool, typer.Option(help="寒潮/高温: schedule a revisit")] = False,
    supplies: Annotated[
        list[str] | None, typer.Option(help="Food, warm clothing handed out")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Record that the person declined help (拒绝救助)."""
    send(
        case_id,
        {
            "type": "RecordHelpRefused",
            "extreme_weather": extreme_weather,
            "supplies_given": supplies or [],
        },
        json_out,
    )


@app.command()
def intake(
    case_id: str,
    information: Annotated[
        str, typer.Option(help="provided | unable (age/disability: 先行救助) | refused")
    ],
    name: Annotated[str | None, typer.Option()] = None,
    sex: Annotated[str, typer.Option(help="male | female | unknown")] = "unknown",
    age: Annotated[int | None, typer.Option(min=0, max=130)] = None,
    age_estimated: Annotated[bool, typer.Option()] = False,
    id_number: Annotated[str | None, typer.Option()] = None,
    hukou: Annotated[str | None, typer.Option(help="户籍")] = None,
    cause: Annotated[str | None, typer.Option(help="Cause of vagrancy")] = None,
    to_hospital: Annotated[bool, typer.Option(help="Infectious, critical or injured")] = False,
    to_police: Annotated[bool, typer.Option(help="Danger, drugs or fugitive")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Register intake at the station (入站登记) with screening."""
    person: dict[str, Any] = {
        "name": name,
        "sex": sex,
        "age": age,
        "age_estimated": age_estimated,
        "id_number": id_number,
        "hukou": hukou,
        "cause": cause,
    }
    send(
        case_id,
        {
            "type": "RegisterIntake",
            "information": information,
            "person": person,
            "screening": {
                "infectious_critical_or_injured": to_hospital,
                "danger_drugs_or_fugitive": to_police,
            },
        },
        json_out,
    )


@app.command()
def classify(
    case_id: str,
    observed: Annotated[
        list[str] | None,
        typer.Option(help="disabled | mental_or_intellectual | ill_or_injured | pregnant"),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Classify the person (分类); age gives adult / minor / elderly."""
    send(case_id, {"type": "ClassifyPerson", "observed": observed or []}, json_out)


@app.command()
def deny(
    case_id: str, reason: Annotated[list[str], typer.Option()], json_out: JsonOpt = False
) -> None:
    """Not eligible: written refusal with reasons (不予救助通知书); closes the case."""
    send(case_id, {"type": "DenyAssistance", "reasons": reason}, json_out)


@app.command("close-report")
def close_report(
    case_id: str, reason: Annotated[str, typer.Option()], json_out: JsonOpt = False
) -> None:
    """Close a report before intake (not found, false report)."""
    send(case_id, {"type": "CloseReport", "reason": reason}, json_out)
