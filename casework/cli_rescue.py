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


# --- the district's extreme-weather mode -------------------------------------------------------


@app.command("weather-on")
def weather_on(
    weather: Annotated[str, typer.Option(help="cold_wave (寒潮) | heat_wave (高温)")],
    unit: Annotated[str, typer.Option(help="The district bureau")] = "浦东新区民政局",
    note: Annotated[str, typer.Option()] = "",
    json_out: JsonOpt = False,
) -> None:
    """Supervisor: switch extreme-weather mode on for the district (opens a WX episode)."""
    command = {"type": "DeclareExtremeWeather", "weather": weather, "unit": unit, "note": note}
    result = call(lambda api: api.post("/cases", command))
    render.as_json(result) if json_out else render.command_result(result)


@app.command("weather-off")
def weather_off(
    episode: Annotated[str, typer.Argument(help="The WX case id weather-on printed")],
    note: Annotated[str, typer.Option()] = "",
    json_out: JsonOpt = False,
) -> None:
    """Supervisor: switch extreme-weather mode off again (closes the episode)."""
    send(episode, {"type": "EndExtremeWeather", "note": note}, json_out)


# --- housing, identity and family tracing ------------------------------------------------------


@app.command()
def housing(
    case_id: str,
    area: Annotated[str, typer.Option(help="men | women | boys | girls | single_room")],
    json_out: JsonOpt = False,
) -> None:
    """Move the person to another area; women are housed apart (办法 Art 8)."""
    send(case_id, {"type": "AssignHousing", "area": area}, json_out)


@app.command("identity-check")
def identity_check(
    case_id: str, id_number: Annotated[str, typer.Option()], json_out: JsonOpt = False
) -> None:
    """Ask the police population system about an ID number found after intake."""
    send(case_id, {"type": "RequestIdentityCheck", "id_number": id_number}, json_out)


@app.command("search-notice")
def search_notice(
    case_id: str,
    channel: Annotated[list[str], typer.Option(help="e.g. 全国救助寻亲网, 报纸")],
    json_out: JsonOpt = False,
) -> None:
    """The family-search notice is out (寻亲公告, within 24 h of entry)."""
    send(case_id, {"type": "PublishFamilySearchNotice", "channels": channel}, json_out)


@app.command("dna-request")
def dna_request(
    case_id: str, police_unit: Annotated[str, typer.Option()], json_out: JsonOpt = False
) -> None:
    """Ask the police to collect DNA (within 7 working days of entry)."""
    send(case_id, {"type": "RequestDnaCollection", "police_unit": police_unit}, json_out)


@app.command("dna-collected")
def dna_collected(case_id: str, json_out: JsonOpt = False) -> None:
    """The police collected the DNA sample (within 1 month of the request)."""
    send(case_id, {"type": "RecordDnaCollected"}, json_out)


@app.command()
def identified(
    case_id: str,
    method: Annotated[
        str, typer.Option(help="police_check | family_search | dna_match | self_reported | other")
    ],
    hukou: Annotated[str | None, typer.Option(help="户籍")] = None,
    json_out: JsonOpt = False,
) -> None:
    """The person's identity is established: family tracing ends."""
    send(case_id, {"type": "RecordIdentityEstablished", "method": method, "hukou": hukou}, json_out)


# --- the individual plan (一人一策) --------------------------------------------------------------


def _service(spec: str) -> dict[str, str]:
    parts = [p.strip() for p in spec.split("|")]
    if len(parts) != 5:
        raise typer.BadParameter(f"{spec!r}: want 'ID|kind|owner|YYYY-MM-DD|description'")
    service_id, kind, owner, due, description = parts
    return {
        "service_id": service_id,
        "kind": kind,
        "owner": owner,
        "due": due,
        "description": description,
    }


@app.command()
def plan(
    case_id: str,
    primary: Annotated[str, typer.Option(help="assistance | accompany | advancement (3A)")],
    goal: Annotated[list[str], typer.Option(help="A goal of the plan (repeat)")],
    assistance: Annotated[str, typer.Option(help="援助型 findings")] = "",
    accompany: Annotated[str, typer.Option(help="陪伴型 findings")] = "",
    advancement: Annotated[str, typer.Option(help="成长型 findings")] = "",
    service: Annotated[
        list[str] | None,
        typer.Option(
            help="'ID|kind|owner|YYYY-MM-DD|description'; kind: medical | "
            "psychological_counselling | family_tracing | skills_employment | return_travel | other"
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Draft the individual plan, or a revision of it (a new version to approve)."""
    command: dict[str, Any] = {
        "type": "DraftIndividualPlan",
        "assessment": {
            "assistance": assistance,
            "accompany": accompany,
            "advancement": advancement,
            "primary": primary,
        },
        "goals": goal,
        "services": [_service(s) for s in service or []],
    }
    send(case_id, command, json_out)


@app.command("approve-plan")
def approve_plan(
    case_id: str, version: Annotated[int, typer.Option(min=1)], json_out: JsonOpt = False
) -> None:
    """Approve a drafted plan version (not its author: four eyes)."""
    send(case_id, {"type": "ApproveIndividualPlan", "version": version}, json_out)


@app.command("return-plan")
def return_plan(
    case_id: str,
    version: Annotated[int, typer.Option(min=1)],
    reason: Annotated[str, typer.Option()],
    json_out: JsonOpt = False,
) -> None:
    """Send a drafted plan version back to its author with the reason."""
    send(case_id, {"type": "ReturnIndividualPlan", "version": version, "reason": reason}, json_out)


@app.command("service-done")
def service_done(
    case_id: str,
    service_id: str,
    outcome: Annotated[str, typer.Option()],
    json_out: JsonOpt = False,
) -> None:
    """A service of the approved plan is done."""
    command = {"type": "CompletePlanService", "service_id": service_id, "outcome": outcome}
    send(case_id, command, json_out)


@app.command("service-cancel")
def service_cancel(
    case_id: str, service_id: str, reason: Annotated[str, typer.Option()], json_out: JsonOpt = False
) -> None:
    """Cancel a service of the approved plan, with the reason."""
    command = {"type": "CancelPlanService", "service_id": service_id, "reason": reason}
    send(case_id, command, json_out)


# --- the stay (在站) ----------------------------------------------------------------------------


@app.command("weekly-review")
def weekly_review(
    case_id: str, notes: Annotated[str, typer.Option()], json_out: JsonOpt = False
) -> None:
    """The weekly review of a person outside the 10-day rule."""
    send(case_id, {"type": "RecordWeeklyReview", "notes": notes}, json_out)


@app.command("request-extension")
def request_extension(
    case_id: str,
    days: Annotated[int, typer.Option(min=1, max=60)],
    reason: Annotated[str, typer.Option()],
    json_out: JsonOpt = False,
) -> None:
    """Ask to stay beyond 10 days; a supervisor decides (reported upward)."""
    command = {"type": "RequestStayExtension", "days": days, "reason": reason}
    send(case_id, command, json_out)


@app.command("approve-extension")
def approve_extension(case_id: str, json_out: JsonOpt = False) -> None:
    """Supervisor (not the requester): approve the stay extension; the stay clock moves."""
    send(case_id, {"type": "ApproveStayExtension"}, json_out)


@app.command("refuse-extension")
def refuse_extension(
    case_id: str, reason: Annotated[str, typer.Option()], json_out: JsonOpt = False
) -> None:
    """Supervisor: refuse the stay extension, with the reason."""
    send(case_id, {"type": "RefuseStayExtension", "reason": reason}, json_out)


# --- exits, follow-up, close ---------------------------------------------------------------


@app.command("hand-over")
def hand_over(
    case_id: str,
    collector_name: Annotated[str, typer.Option()],
    relation: Annotated[str, typer.Option(help="e.g. 父亲")],
    collector_id: Annotated[str, typer.Option(help="The collector's ID number")],
    id_checked: Annotated[bool, typer.Option(help="The collector's ID was checked")] = False,
    at_risk: Annotated[bool, typer.Option(help="Schedule the 30-day follow-up visit")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Family collects the person (家属接回); refused unless the collector's ID was checked."""
    command = {
        "type": "HandOverToFamily",
        "collector": {"name": collector_name, "relation": relation, "id_number": collector_id},
        "collector_id_checked": id_checked,
        "at_risk": at_risk,
    }
    send(case_id, command, json_out)


@app.command()
def escort(
    case_id: str,
    destination: Annotated[str, typer.Option()],
    receiving_bureau: Annotated[str, typer.Option()],
    escort_staff: Annotated[list[str], typer.Option("--escort", help="Escorting staff id")],
    cross_region: Annotated[bool, typer.Option(help="长三角 / other region: ack deadline")] = False,
    at_risk: Annotated[bool, typer.Option()] = False,
    json_out: JsonOpt = False,
) -> None:
    """Escorted return home (护送返乡)."""
    command = {
        "type": "StartEscortedReturn",
        "destination": destination,
        "receiving_bureau": receiving_bureau,
        "cross_region": cross_region,
        "escorts": escort_staff,
        "at_risk": at_risk,
    }
    send(case_id, command, json_out)


@app.command("handover-ack")
def handover_ack(
    case_id: str, receipt: Annotated[str, typer.Option()], json_out: JsonOpt = False
) -> None:
    """The receiving bureau acknowledged the handover."""
    send(case_id, {"type": "AcknowledgeHandover", "receipt_ref": receipt}, json_out)


@app.command("self-exit")
def self_exit(
    case_id: str,
    declaration_signed: Annotated[bool, typer.Option(help="The signed declaration")] = False,
    json_out: JsonOpt = False,
) -> None:
    """The person leaves on their own (adults; never minors)."""
    command = {"type": "RecordSelfExit", "declaration_signed": declaration_signed}
    send(case_id, command, json_out)


@app.command()
def departed(
    case_id: str,
    last_seen: Annotated[str, typer.Option()],
    police_station: Annotated[str, typer.Option(help="Which police were told")] = "110指挥中心",
    report_channel: Annotated[
        str, typer.Option(help="phone_110 | in_person | written | system")
    ] = "system",
    json_out: JsonOpt = False,
) -> None:
    """The person left without notice; a minor's departure goes to the police at once."""
    command = {
        "type": "RecordUnauthorisedDeparture",
        "last_seen": last_seen,
        "police_station": police_station,
        "report_channel": report_channel,
    }
    send(case_id, command, json_out)


@app.command("police-reference")
def police_reference(
    case_id: str,
    ref: Annotated[str, typer.Option(help="The police's case reference (警情编号)")],
    json_out: JsonOpt = False,
) -> None:
    """The police gave their reference for the missing-person report."""
    send(case_id, {"type": "RecordPoliceAcknowledgement", "police_ref": ref}, json_out)


@app.command()
def place(
    case_id: str,
    placement: Annotated[str, typer.Option(help="off_site_care | welfare_institution | long_term")],
    facility: Annotated[str, typer.Option()],
    hukou_registered: Annotated[bool, typer.Option(help="户籍 registered")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Off-site care (站外托养), a welfare institution, or long-term placement."""
    command = {
        "type": "PlacePerson",
        "placement": placement,
        "facility": facility,
        "hukou_registered": hukou_registered,
    }
    send(case_id, command, json_out)


@app.command("to-hospital")
def to_hospital(
    case_id: str,
    hospital: Annotated[str, typer.Option()],
    reason: Annotated[str, typer.Option()],
    json_out: JsonOpt = False,
) -> None:
    """Medical transfer; the case waits for the discharge notice."""
    command = {"type": "TransferToHospital", "hospital": hospital, "reason": reason}
    send(case_id, command, json_out)


@app.command()
def discharge(
    case_id: str,
    outcome: Annotated[str, typer.Option(help="returned_to_station | discharged")],
    notice_ref: Annotated[str, typer.Option()],
    to: Annotated[str, typer.Option(help="Where the person went")] = "",
    json_out: JsonOpt = False,
) -> None:
    """The hospital's discharge notice arrived."""
    command = {
        "type": "RecordHospitalDischarge",
        "outcome": outcome,
        "notice_ref": notice_ref,
        "discharged_to": to,
    }
    send(case_id, command, json_out)


@app.command()
def terminate(
    case_id: str, reason: Annotated[list[str], typer.Option()], json_out: JsonOpt = False
) -> None:
    """End the assistance with written reasons (终止救助)."""
    send(case_id, {"type": "TerminateAssistance", "reasons": reason}, json_out)


@app.command()
def death(
    case_id: str,
    cause: Annotated[str, typer.Option()],
    police_ref: Annotated[str, typer.Option(help="The police notification's reference")],
    family_notified: Annotated[bool, typer.Option()] = False,
    family_not_reached: Annotated[str | None, typer.Option(help="Why not")] = None,
    json_out: JsonOpt = False,
) -> None:
    """The person died: police and family notified."""
    command = {
        "type": "RecordDeath",
        "cause": cause,
        "police_notice_ref": police_ref,
        "family_notified": family_notified,
        "family_not_reached_reason": family_not_reached,
    }
    send(case_id, command, json_out)


@app.command("follow-up")
def follow_up(
    case_id: str, outcome: Annotated[str, typer.Option()], json_out: JsonOpt = False
) -> None:
    """The follow-up visit (回访) after return."""
    send(case_id, {"type": "RecordFollowUpVisit", "outcome": outcome}, json_out)


@app.command()
def close(case_id: str, summary: Annotated[str, typer.Option()], json_out: JsonOpt = False) -> None:
    """Close the case once the person has left and no service is open."""
    send(case_id, {"type": "CloseRescueCase", "summary": summary}, json_out)
