"""`casework social-org …`: social organisations from registration to deregistration (社会组织)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from casework import render
from casework.cli_common import JsonOpt, call, send
from domain.calendar import SHANGHAI

app = typer.Typer(
    help="Social organisations: registration, yearly inspection, grades, exit (社会组织).",
    no_args_is_help=True,
)

CaseId = Annotated[str, typer.Argument(help="The organisation's case, e.g. ORG-2026-000001")]
Reason = Annotated[str, typer.Option(help="The reason, for the record")]
Day = Annotated[str, typer.Option(help="A date, YYYY-MM-DD (default: today)")]
STATUS_ZH = {
    "scheduled": "待开启",
    "due": "待报送",
    "late": "逾期未报",
    "filed": "已报送待检",
    "pass": "合格",
    "basic_pass": "基本合格",
    "fail": "不合格",
    "skipped": "当年免检",
}
LISTS_ZH = {"abnormal_activity": "活动异常名录", "serious_dishonesty": "严重违法失信名单"}
DOCUMENTS = (
    "application_form | articles | capital_proof | premises_proof | leaders_info | sponsor_approval"
)


def _day(value: str | None) -> str:
    return (date.fromisoformat(value) if value else date.today()).isoformat()


def _time(value: str | None) -> str:
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(SHANGHAI).strftime("%Y-%m-%d")


# --- registration ------------------------------------------------------------------------------


@app.command()
def apply(
    org_type: Annotated[
        str, typer.Option(help="social_group | social_service_agency | foundation")
    ],
    name: Annotated[str, typer.Option(help="The organisation's proposed name")],
    unit: Annotated[str, typer.Option(help="The registration authority's unit")],
    sponsor: Annotated[
        str | None, typer.Option(help="业务主管单位; omit for direct registration")
    ] = None,
    document: Annotated[list[str] | None, typer.Option(help=DOCUMENTS)] = None,
    json_out: JsonOpt = False,
) -> None:
    """Receive a registration application (登记申请); opens the organisation's case."""
    command = {
        "type": "ApplyForOrgRegistration",
        "org_type": org_type,
        "org_name": name,
        "unit": unit,
        "sponsor_unit": sponsor,
        "documents": document or [],
    }
    result = call(lambda api: api.post("/cases", command))
    render.as_json(result) if json_out else render.command_result(result)


@app.command()
def documents(
    case_id: CaseId,
    document: Annotated[list[str], typer.Option(help=DOCUMENTS)],
    json_out: JsonOpt = False,
) -> None:
    """Missing documents arrived after the one-time notice (一次性告知)."""
    send(case_id, {"type": "SubmitRegistrationDocuments", "documents": document}, json_out)


@app.command()
def register(
    case_id: CaseId,
    certificate: Annotated[str, typer.Option(help="The registration certificate's number")],
    credit_code: Annotated[str, typer.Option(help="The 18-character unified social credit code")],
    json_out: JsonOpt = False,
) -> None:
    """Register the organisation (准予登记): certificate and unified social credit code."""
    command = {
        "type": "RegisterOrganisation",
        "certificate_number": certificate,
        "credit_code": credit_code,
    }
    send(case_id, command, json_out)
    if not json_out:
        schedule(case_id)


@app.command()
def schedule(case_id: CaseId, json_out: JsonOpt = False) -> None:
    """The organisation's inspection years ahead: report due dates, and skipped years and why."""
    detail = call(lambda api: api.get(f"/cases/{case_id}"))
    items = detail.get("details", {}).get("inspection_schedule", [])
    render.as_json(items) if json_out else render.inspection_schedule(items)


@app.command()
def refuse(
    case_id: CaseId,
    reason: Annotated[list[str], typer.Option(help="One or more reasons")],
    json_out: JsonOpt = False,
) -> None:
    """Refuse registration with written reasons (不予登记); closes the case."""
    send(case_id, {"type": "RefuseOrgRegistration", "reasons": reason}, json_out)


@app.command()
def activity(
    case_id: CaseId,
    description: Annotated[str, typer.Option()],
    held_on: Day = "",
    json_out: JsonOpt = False,
) -> None:
    """Record an activity the organisation held (it is alive)."""
    command = {"type": "RecordOrgActivity", "description": description, "held_on": _day(held_on)}
    send(case_id, command, json_out)


# --- the yearly inspection -----------------------------------------------------------------------


@app.command()
def report(
    case_id: CaseId,
    year: Annotated[int, typer.Option(help="The year the report covers")],
    to: Annotated[str, typer.Option(help="sponsor | authority")],
    json_out: JsonOpt = False,
) -> None:
    """Record the annual report's filing with the sponsor or the authority (年报)."""
    send(case_id, {"type": "FileAnnualReport", "year": year, "recipient": to}, json_out)


@app.command()
def inspect(
    case_id: CaseId,
    year: Annotated[int, typer.Option()],
    result: Annotated[
        str, typer.Option(help="pass (合格) | basic_pass (基本合格) | fail (不合格)")
    ],
    findings: Annotated[str, typer.Option()] = "",
    rectification_days: Annotated[int, typer.Option(min=1, max=365)] = 90,
    json_out: JsonOpt = False,
) -> None:
    """Record the inspection result (年检结论); a fail sets a rectification deadline."""
    command = {
        "type": "RecordInspectionResult",
        "year": year,
        "result": result,
        "findings": findings,
        "rectification_days": rectification_days,
    }
    send(case_id, command, json_out)


@app.command()
def rectified(
    case_id: CaseId,
    year: Annotated[int, typer.Option()],
    accepted: Annotated[bool, typer.Option("--accepted/--failed")],
    note: Annotated[str, typer.Option()] = "",
    json_out: JsonOpt = False,
) -> None:
    """Record whether the rectification after a failed inspection was accepted (整改)."""
    command = {"type": "RecordRectification", "year": year, "accepted": accepted, "note": note}
    send(case_id, command, json_out)


@app.command()
def delist(case_id: CaseId, reason: Reason, json_out: JsonOpt = False) -> None:
    """Remove from the abnormal-activity list (移出活动异常名录)."""
    send(case_id, {"type": "RemoveFromAbnormalList", "reason": reason}, json_out)


# --- grades and penalties ----------------------------------------------------------------------


@app.command("grade-apply")
def grade_apply(case_id: CaseId, json_out: JsonOpt = False) -> None:
    """Receive an application for grade evaluation (等级评估)."""
    send(case_id, {"type": "ApplyForGradeEvaluation"}, json_out)


@app.command("grade-propose")
def grade_propose(
    case_id: CaseId,
    grade: Annotated[str, typer.Option(help="1A | 2A | 3A | 4A | 5A")],
    json_out: JsonOpt = False,
) -> None:
    """Propose a grade; the public notice (公示) starts."""
    send(case_id, {"type": "ProposeGrade", "grade": grade}, json_out)


@app.command("grade-object")
def grade_object(case_id: CaseId, reason: Reason, json_out: JsonOpt = False) -> None:
    """File an objection to the proposed grade during its notice (异议)."""
    send(case_id, {"type": "FileGradeObjection", "reason": reason}, json_out)


@app.command("grade-decide")
def grade_decide(
    case_id: CaseId,
    reason: Reason,
    grade: Annotated[str | None, typer.Option(help="The final grade; omit for none")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Decide an objection (by someone not involved in the proposal)."""
    send(case_id, {"type": "DecideGradeObjection", "grade": grade, "reason": reason}, json_out)


@app.command()
def penalty(
    case_id: CaseId,
    kind: Annotated[str, typer.Option(help="warning | fine | confiscation | suspension")],
    reason: Reason,
    fine_fen: Annotated[int, typer.Option(min=0, help="A fine's amount in fen (分)")] = 0,
    json_out: JsonOpt = False,
) -> None:
    """Record an administrative penalty (行政处罚); a graded organisation is downgraded."""
    command = {"type": "RecordOrgPenalty", "kind": kind, "reason": reason, "fine_fen": fine_fen}
    send(case_id, command, json_out)


# --- change, deregistration, forced exit -------------------------------------------------------


@app.command("change-approved")
def change_approved(
    case_id: CaseId,
    matter: Annotated[list[str], typer.Option(help="What changes: 名称, 住所, 法定代表人 …")],
    approved_on: Day = "",
    json_out: JsonOpt = False,
) -> None:
    """The sponsor approved a change: registration is due within 30 days."""
    command = {
        "type": "RecordChangeApproval",
        "matters": matter,
        "approved_on": _day(approved_on),
    }
    send(case_id, command, json_out)


@app.command("change-register")
def change_register(case_id: CaseId, json_out: JsonOpt = False) -> None:
    """Register the approved change (变更登记)."""
    send(case_id, {"type": "RegisterOrgChange"}, json_out)


@app.command("deregistration-approved")
def deregistration_approved(
    case_id: CaseId, approved_on: Day = "", json_out: JsonOpt = False
) -> None:
    """The sponsor approved voluntary deregistration (注销)."""
    command = {"type": "RecordDeregistrationApproval", "approved_on": _day(approved_on)}
    send(case_id, command, json_out)


@app.command()
def liquidate(case_id: CaseId, json_out: JsonOpt = False) -> None:
    """Liquidation starts (清算): the organisation may do nothing else meanwhile."""
    send(case_id, {"type": "StartLiquidation"}, json_out)


@app.command()
def liquidated(case_id: CaseId, json_out: JsonOpt = False) -> None:
    """Liquidation ended: apply for deregistration within 15 days."""
    send(case_id, {"type": "FinishLiquidation"}, json_out)


@app.command()
def deregister_apply(case_id: CaseId, json_out: JsonOpt = False) -> None:
    """Receive the deregistration application (注销登记申请)."""
    send(case_id, {"type": "ApplyForDeregistration"}, json_out)


@app.command()
def returned(
    case_id: CaseId,
    certificate: Annotated[bool, typer.Option(help="The certificate came back")] = False,
    seals: Annotated[bool, typer.Option(help="The seals came back")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Record the certificate and seals handed back (缴回证书印章)."""
    command = {"type": "RecordCertificateReturned", "certificate": certificate, "seals": seals}
    send(case_id, command, json_out)


@app.command()
def deregister(
    case_id: CaseId,
    notice: Annotated[str, typer.Option(help="The deregistration notice's reference (公告)")],
    json_out: JsonOpt = False,
) -> None:
    """Deregister and publish the notice; closes the case."""
    send(case_id, {"type": "CompleteDeregistration", "notice_reference": notice}, json_out)


@app.command("propose-revocation")
def propose_revocation(
    case_id: CaseId,
    ground: Annotated[list[str], typer.Option(help="One or more grounds")],
    kind: Annotated[
        str, typer.Option(help="revocation (撤销登记) | certificate_revocation (吊销)")
    ] = "revocation",
    json_out: JsonOpt = False,
) -> None:
    """Draft a forced exit; another approver decides it (four eyes)."""
    send(case_id, {"type": "ProposeRevocation", "kind": kind, "grounds": ground}, json_out)


@app.command("decide-revocation")
def decide_revocation(
    case_id: CaseId,
    approve: Annotated[bool, typer.Option("--approve/--reject")],
    reason: Reason,
    json_out: JsonOpt = False,
) -> None:
    """Decide a revocation proposal (not by whoever drafted it)."""
    send(case_id, {"type": "DecideRevocation", "approve": approve, "reason": reason}, json_out)


# --- the bureau's yearly batch view ------------------------------------------------------------


@app.command()
def batch(
    year: Annotated[
        int | None, typer.Option(help="The year inspected (default: the open one)")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(help="scheduled | due | late | filed | pass | basic_pass | fail | skipped"),
    ] = None,
    on_list: Annotated[
        str | None, typer.Option("--list", help="abnormal_activity | serious_dishonesty")
    ] = None,
    org_type: Annotated[str | None, typer.Option()] = None,
    unit: Annotated[str | None, typer.Option()] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 100,
    json_out: JsonOpt = False,
) -> None:
    """The yearly batch view (年检批量视图): which organisations are due, late, on which list."""
    params: dict[str, Any] = {
        "year": year,
        "status": status,
        "list": on_list,
        "org_type": org_type,
        "unit": unit,
        "limit": limit,
    }
    items = call(lambda api: api.get("/social-orgs/inspections", **params))
    if json_out:
        render.as_json(items)
        return
    table = Table(title="社会组织年检" + (f" {year} 年度" if year else ""))
    for header in (
        "案件编号",
        "类型",
        "年度",
        "状态",
        "名录",
        "等级",
        "僵尸",
        "下一到期",
        "年检安排",
    ):
        table.add_column(header)
    for item in items:
        table.add_row(
            item["case_id"],
            item.get("org_type") or "",
            str(item.get("inspection_year") or ""),
            item.get("status_label") or "",
            ", ".join(item.get("lists", [])),
            item.get("grade") or "",
            "是" if item.get("zombie") else "",
            render.due(item.get("next_due_at")),
            _schedule_line(item.get("schedule", [])),
        )
    render.console.print(table)


def _schedule_line(items: list[dict[str, Any]]) -> str:
    """The next inspection years in one cell: skipped years, then the first with its dates."""
    parts: list[str] = []
    for i in items:
        if i["skipped"]:
            parts.append(f"{i['year']}年度免检")
            continue
        sponsor = f"主管 {i['sponsor_due_on']} / " if i.get("sponsor_due_on") else ""
        parts.append(f"{i['year']}年度: {sponsor}登记 {i['authority_due_on']}")
        break
    return "; ".join(parts)


@app.command()
def summary(
    year: Annotated[int | None, typer.Option()] = None,
    unit: Annotated[str | None, typer.Option()] = None,
    json_out: JsonOpt = False,
) -> None:
    """Counts for a year: due, late, filed, each result, each list."""
    counts = call(lambda api: api.get("/social-orgs/inspections/summary", year=year, unit=unit))
    if json_out:
        render.as_json(counts)
        return
    table = Table(title=f"社会组织年检汇总 {year or '(当前年度)'}：共 {counts['total']} 家")
    table.add_column("项目")
    table.add_column("数量", justify="right")
    for status, n in counts["by_status"].items():
        table.add_row(STATUS_ZH.get(status, status), str(n))
    for listing, n in counts["by_list"].items():
        table.add_row(LISTS_ZH.get(listing, listing), str(n))
    render.console.print(table)
