"""`casework relief …`: social assistance (社会救助: 低保, 特困, 临时救助), appeals, corrections
and proactive discovery. Amounts are given in yuan (e.g. 1820.00) and sent as exact fen."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import typer

from casework import render
from casework.cli_common import JsonOpt, call, send

app = typer.Typer(help="Social assistance (社会救助): apply, verify, decide, appeal, correct.")

Reasons = Annotated[list[str], typer.Option("--reason", help="Written reasons (repeatable)")]
Papers = Annotated[
    list[str] | None,
    typer.Option(
        "--paper",
        help="id_document | household_register | income_proof | asset_declaration | "
        "incapacity_proof | hardship_proof (repeatable)",
    ),
]
Members = Annotated[
    list[str],
    typer.Option("--member", help="name/relation/age[/able]: e.g. 王某/本人/46/able (repeatable)"),
]


def fen(yuan: str) -> int:
    """'1820.5' yuan → 182050 fen, exactly; anything finer than a fen is refused."""
    try:
        amount = Decimal(yuan) * 100
    except InvalidOperation:
        raise typer.BadParameter(f"{yuan!r} is not an amount in yuan") from None
    if amount != amount.to_integral_value() or amount < 0:
        raise typer.BadParameter(f"{yuan!r}: a non-negative amount, to the fen")
    return int(amount)


def _member(text: str) -> dict[str, Any]:
    parts = text.split("/")
    if len(parts) not in (3, 4) or not parts[2].isdigit():
        raise typer.BadParameter(f"{text!r}: expected name/relation/age[/able]")
    return {
        "name": parts[0] or None,
        "relation": parts[1] or "本人",
        "age": int(parts[2]),
        "able_to_work": len(parts) == 4 and parts[3] == "able",
    }


def _household(
    members: list[str], income: str, assets: str, unstable: bool, address: str
) -> dict[str, Any]:
    return {
        "members": [_member(m) for m in members],
        "declared_income_fen": fen(income),
        "declared_assets_fen": fen(assets),
        "income_stable": not unstable,
        "address": address,
    }


HouseholdIncome = Annotated[str, typer.Option("--income", help="Monthly household income, yuan")]
Assets = Annotated[str, typer.Option("--assets", help="Declared assets, yuan")]
Unstable = Annotated[
    bool, typer.Option("--unstable-income", help="Reviewed every 6 months if someone can work")
]


@app.command()
def apply(
    programme: Annotated[str, typer.Option(help="dibao (低保) | tekun (特困) | temporary (临时)")],
    unit: Annotated[str, typer.Option(help="Street office (街镇)")],
    member: Members,
    income: HouseholdIncome,
    consent: Annotated[bool, typer.Option(help="授权核对: the household consents")] = False,
    paper: Papers = None,
    assets: Assets = "0",
    unstable_income: Unstable = False,
    emergency: Annotated[bool, typer.Option(help="急难 fast-track (temporary)")] = False,
    address: Annotated[str, typer.Option()] = "",
    reason: Annotated[str, typer.Option(help="The household's hardship")] = "",
    json_out: JsonOpt = False,
) -> None:
    """Record an application (申请); opens a relief case."""
    command = {
        "type": "ApplyForAssistance",
        "programme": programme,
        "unit": unit,
        "household": _household(member, income, assets, unstable_income, address),
        "consent_to_verification": consent,
        "papers": paper or [],
        "emergency": emergency,
        "reason": reason,
    }
    result = call(lambda api: api.post("/cases", command))
    render.as_json(result) if json_out else render.command_result(result)


@app.command("open-lead")
def open_lead(
    unit: Annotated[str, typer.Option()],
    household_ref: Annotated[str, typer.Option(help="The monitoring system's household id")],
    per_capita_income: Annotated[str, typer.Option(help="Yuan a month")],
    json_out: JsonOpt = False,
) -> None:
    """A low-income monitoring alert opens a lead (政策找人)."""
    command = {
        "type": "OpenDiscoveryLead",
        "unit": unit,
        "household_ref": household_ref,
        "per_capita_income_fen": fen(per_capita_income),
    }
    result = call(lambda api: api.post("/cases", command))
    render.as_json(result) if json_out else render.command_result(result)


@app.command("close-lead")
def close_lead(case_id: str, reason: Reasons, json_out: JsonOpt = False) -> None:
    """Close a lead with reasons after the door-to-door check."""
    send(case_id, {"type": "CloseDiscoveryLead", "reasons": reason}, json_out)


@app.command("apply-on-behalf")
def apply_on_behalf(
    case_id: str,
    programme: Annotated[str, typer.Option()],
    member: Members,
    income: HouseholdIncome,
    consent: Annotated[bool, typer.Option()] = False,
    paper: Papers = None,
    assets: Assets = "0",
    unstable_income: Unstable = False,
    json_out: JsonOpt = False,
) -> None:
    """Turn a verified lead into an application on the household's behalf."""
    command = {
        "type": "ApplyOnBehalf",
        "programme": programme,
        "household": _household(member, income, assets, unstable_income, ""),
        "consent_to_verification": consent,
        "papers": paper or [],
    }
    send(case_id, command, json_out)


@app.command()
def accept(case_id: str, json_out: JsonOpt = False) -> None:
    """受理: start the clock; missing papers get one notice listing them all."""
    send(case_id, {"type": "AcceptAssistanceApplication"}, json_out)


@app.command()
def papers(case_id: str, paper: Papers = None, json_out: JsonOpt = False) -> None:
    """Hand in papers the notice listed; the clock resumes when all are in."""
    send(case_id, {"type": "SubmitMissingPapers", "papers": paper or []}, json_out)


@app.command()
def withdraw(
    case_id: str, reason: Annotated[str, typer.Option()], json_out: JsonOpt = False
) -> None:
    """The applicant withdraws the application."""
    send(case_id, {"type": "WithdrawAssistanceApplication", "reason": reason}, json_out)


@app.command()
def resend(case_id: str, reason: Annotated[str, typer.Option()], json_out: JsonOpt = False) -> None:
    """Supervisor: send a new verification request (new idempotency key)."""
    send(case_id, {"type": "ResendVerificationRequest", "reason": reason}, json_out)


@app.command()
def reply(
    case_id: str,
    key: Annotated[str, typer.Option(help="The request's idempotency key")],
    reply_id: Annotated[str, typer.Option()],
    income: Annotated[str, typer.Option(help="Verified monthly income, yuan")],
    assets: Assets = "0",
    finding: Annotated[list[str] | None, typer.Option()] = None,
    json_out: JsonOpt = False,
) -> None:
    """Key in the centre's reply (supervisor, when it came on paper; the centre uses the API)."""
    body = {
        "case_id": case_id,
        "request_key": key,
        "reply_id": reply_id,
        "verified_income_fen": fen(income),
        "verified_assets_fen": fen(assets),
        "findings": finding or [],
    }
    result = call(lambda api: api.post("/relief/verification-replies", body))
    render.as_json(result) if json_out else render.console.print(result["status"])


@app.command()
def investigate(
    case_id: str,
    findings: Annotated[str, typer.Option()],
    recommend: Annotated[str, typer.Option(help="eligible | not_eligible")],
    json_out: JsonOpt = False,
) -> None:
    """Record the home investigation (入户调查)."""
    command = {
        "type": "RecordHomeInvestigation",
        "findings": findings,
        "recommendation": recommend,
    }
    send(case_id, command, json_out)


@app.command()
def notice(case_id: str, json_out: JsonOpt = False) -> None:
    """Publish the 7-day public notice (公示)."""
    send(case_id, {"type": "PublishAssistanceNotice"}, json_out)


@app.command()
def objection(
    case_id: str,
    summary: Annotated[str, typer.Option()],
    route: Annotated[str, typer.Option(help="investigation | community_review")],
    json_out: JsonOpt = False,
) -> None:
    """Record an objection (异议) to the notice."""
    command = {"type": "RecordNoticeObjection", "summary": summary, "route": route}
    send(case_id, command, json_out)


@app.command("community-review")
def community_review(
    case_id: str, findings: Annotated[str, typer.Option()], json_out: JsonOpt = False
) -> None:
    """Record the community review (民主评议) after an objection."""
    send(case_id, {"type": "RecordCommunityReview", "findings": findings}, json_out)


@app.command()
def approve(
    case_id: str,
    monthly: Annotated[
        str | None, typer.Option(help="Yuan a month (低保: default the gap)")
    ] = None,
    one_off: Annotated[str | None, typer.Option(help="临时救助: the amount, yuan")] = None,
    start_month: Annotated[str | None, typer.Option(help="YYYY-MM; default next month")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Approve (审核确认)."""
    command = {
        "type": "ApproveAssistance",
        "monthly_amount_fen": fen(monthly) if monthly is not None else None,
        "one_off_amount_fen": fen(one_off) if one_off is not None else None,
        "start_month": start_month,
    }
    send(case_id, command, json_out)


@app.command()
def refuse(case_id: str, reason: Reasons, json_out: JsonOpt = False) -> None:
    """Refuse with written reasons; the notice is due within 3 working days."""
    send(case_id, {"type": "RefuseAssistance", "reasons": reason}, json_out)


@app.command("send-refusal")
def send_refusal(
    case_id: str,
    method: Annotated[
        str, typer.Option(help="post | electronic | left_at_residence | public_notice")
    ],
    appeal_right: Annotated[bool, typer.Option(help="The notice states the right")] = True,
    json_out: JsonOpt = False,
) -> None:
    """The written refusal went out; its proof of service (送达回证) is then awaited."""
    command = {"type": "SendRefusalNotice", "method": method, "states_appeal_right": appeal_right}
    send(case_id, command, json_out)


@app.command("deliver-refusal")
def deliver_refusal(
    case_id: str,
    appeal_right: Annotated[bool, typer.Option(help="The notice stated the right")] = True,
    method: Annotated[str | None, typer.Option(help="direct | post | ...")] = None,
    proof: Annotated[str | None, typer.Option(help="送达回证 or postal receipt")] = None,
    json_out: JsonOpt = False,
) -> None:
    """The written refusal reached the applicant (served)."""
    command: dict[str, object] = {
        "type": "DeliverRefusalNotice",
        "states_appeal_right": appeal_right,
    }
    if method:
        command["method"] = method
    if proof:
        command["proof_ref"] = proof
    send(case_id, command, json_out)


@app.command("emergency-grant")
def emergency_grant(
    case_id: str,
    amount: Annotated[str, typer.Option(help="Yuan")],
    reason: Annotated[str, typer.Option()],
    json_out: JsonOpt = False,
) -> None:
    """急难: help first; papers and verification follow."""
    command = {
        "type": "GrantEmergencyAssistance",
        "one_off_amount_fen": fen(amount),
        "reason": reason,
    }
    send(case_id, command, json_out)


@app.command("follow-up-done")
def follow_up_done(
    case_id: str, note: Annotated[str, typer.Option()] = "", json_out: JsonOpt = False
) -> None:
    """Close the emergency follow-up once papers and verification are in."""
    send(case_id, {"type": "CompleteEmergencyFollowUp", "note": note}, json_out)


@app.command()
def review(
    case_id: str,
    outcome: Annotated[str, typer.Option(help="continue | adjust | stop")],
    monthly: Annotated[str | None, typer.Option(help="adjust: the new amount, yuan")] = None,
    reason: Annotated[list[str] | None, typer.Option(help="stop: written reasons")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Periodic review (动态管理)."""
    command = {
        "type": "CompletePeriodicReview",
        "outcome": outcome,
        "monthly_amount_fen": fen(monthly) if monthly is not None else None,
        "reasons": reason or [],
    }
    send(case_id, command, json_out)


@app.command()
def appeal(
    case_id: str,
    decision: Annotated[int, typer.Option(help="The decision's number")],
    grounds: Annotated[str, typer.Option()],
    json_out: JsonOpt = False,
) -> None:
    """Record the applicant's request for administrative review (行政复议)."""
    command = {"type": "FileAssistanceAppeal", "decision_no": decision, "grounds": grounds}
    send(case_id, command, json_out)


@app.command("decide-appeal")
def decide_appeal(
    case_id: str,
    outcome: Annotated[str, typer.Option(help="upheld | overturned | varied")],
    reason: Reasons,
    monthly: Annotated[str | None, typer.Option(help="Yuan a month")] = None,
    one_off: Annotated[str | None, typer.Option(help="Yuan")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Decide an appeal (by someone who took no part in the decision)."""
    command = {
        "type": "DecideAssistanceAppeal",
        "outcome": outcome,
        "reasons": reason,
        "monthly_amount_fen": fen(monthly) if monthly is not None else None,
        "one_off_amount_fen": fen(one_off) if one_off is not None else None,
    }
    send(case_id, command, json_out)


@app.command()
def reopen(
    case_id: str,
    decision: Annotated[int, typer.Option()],
    error: Annotated[str, typer.Option()],
    error_by: Annotated[str, typer.Option(help="User id, applicant, centre…")],
    json_out: JsonOpt = False,
) -> None:
    """容错纠错: reopen a decided case for an error found in a decision."""
    command = {
        "type": "ReopenForCorrection",
        "decision_no": decision,
        "error": error,
        "error_by": error_by,
    }
    send(case_id, command, json_out)


@app.command()
def correct(
    case_id: str,
    good_faith: Annotated[bool, typer.Option()] = False,
    duties_done: Annotated[bool, typer.Option()] = False,
    objective_cause: Annotated[bool, typer.Option()] = False,
    corrected_in_time: Annotated[bool, typer.Option()] = False,
    no_serious_harm: Annotated[bool, typer.Option()] = False,
    amount: Annotated[str | None, typer.Option(help="Corrected amount, yuan")] = None,
    income: Annotated[str | None, typer.Option(help="低保: corrected income, yuan")] = None,
    from_month: Annotated[str | None, typer.Option(help="YYYY-MM")] = None,
    note: Annotated[str, typer.Option()] = "",
    json_out: JsonOpt = False,
) -> None:
    """Decide the correction: tolerated only if every criterion holds; settle month by month."""
    command = {
        "type": "DecideCorrection",
        "criteria": {
            "good_faith": good_faith,
            "duties_done": duties_done,
            "objective_cause": objective_cause,
            "corrected_in_time": corrected_in_time,
            "no_serious_harm": no_serious_harm,
        },
        "corrected_amount_fen": fen(amount) if amount is not None else None,
        "corrected_household_income_fen": fen(income) if income is not None else None,
        "from_month": from_month,
        "note": note,
    }
    send(case_id, command, json_out)


@app.command()
def fraud(
    case_id: str,
    from_month: Annotated[str, typer.Option(help="YYYY-MM the fraud began")],
    fine_percent: Annotated[int, typer.Option(min=100, max=300, help="1-3 times: 100-300")],
    findings: Annotated[str, typer.Option()],
    json_out: JsonOpt = False,
) -> None:
    """Fraud (Art 68): stop, recover, fine."""
    command = {
        "type": "RecordFraud",
        "from_month": from_month,
        "fine_percent": fine_percent,
        "findings": findings,
    }
    send(case_id, command, json_out)


@app.command()
def money(case_id: str, json_out: JsonOpt = False) -> None:
    """What is due each month, back-payments (补发), recoveries (追回) and fines."""
    result = call(lambda api: api.get(f"/relief/{case_id}/money"))
    if json_out:
        render.as_json(result)
        return
    for segment in result["entitlement"]:
        render.console.print(f"from {segment['from_month']}: {_yuan(segment['monthly_fen'])} /月")
    for settled in result["settlements"]:
        kind = "补发" if settled["total_fen"] > 0 else "追回"
        render.console.print(
            f"decision {settled['decision_no']} ({settled['reason']}): "
            f"{kind} {_yuan(settled['total_fen'])}"
        )
    if result["fines_fen"]:
        render.console.print(f"fines: {_yuan(result['fines_fen'])}")


def _yuan(fen_amount: int) -> str:
    sign = "-" if fen_amount < 0 else ""
    whole, cents = divmod(abs(fen_amount), 100)
    return f"{sign}¥{whole}.{cents:02d}"
