"""The operators' workbench in headless Chromium, against the real API, Temporal and PostgreSQL:
an operator takes a rescue case through intake and classification, a refused command shows its
Chinese reason and writes nothing, an approver approves a plan drafted by someone else, and a
supervisor reads the statistics page. Screenshots of each are saved (the test prints where)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.deps import Services
from api.gateway import CaseGateway
from domain.actors import Actor, Role
from domain.calendar import SHANGHAI
from domain.catalogue import CLOCKS, COMMANDS, ERRORS, LEVELS, RUNGS, STAGES
from store.ledger import Ledger
from store.users import save_user
from tests.api.browser import browser_page, english_words, screenshots, sign_in
from tests.api.conftest import bearer, serving, settings
from tests.api.test_workbench import plan
from tests.factories import intake, report
from tests.store.test_stats import seed
from tests.workflows.rescue_helpers import until

pytestmark = pytest.mark.slow

STATION = "浦东新区救助管理站"
PASSWORD = "workbench-password"
OPERATOR = Actor(user_id="op-wb", role=Role.OPERATOR, unit=STATION)
CASEWORKER = Actor(user_id="sw-wb", role=Role.CASEWORKER, unit=STATION)
APPROVER = Actor(user_id="head-wb", role=Role.APPROVER, unit=STATION)
SUPERVISOR = Actor(user_id="sup-wb", role=Role.SUPERVISOR, unit="浦东新区民政局")
USERS = {OPERATOR: "张经办", CASEWORKER: "李社工", APPROVER: "赵科长", SUPERVISOR: "王督办"}


@pytest.fixture
async def served(gateway: CaseGateway, ledger: Ledger, engine: AsyncEngine) -> AsyncIterator[str]:
    """The real API on a real port, over the Temporal dev server, with the workbench's users."""
    for actor, name in USERS.items():
        await save_user(engine, actor, name, PASSWORD)
    services = Services(settings=settings(), engine=engine, ledger=ledger, gateway=gateway)
    async with serving(services) as url:
        yield url


async def stage_is(page: Any, stage: str) -> None:
    await page.locator("#stage").filter(has_text=STAGES["rescue"][stage]).wait_for()


async def no_english(page: Any, *codes: str) -> None:
    own = {a.user_id for a in USERS} | set(codes)
    assert await english_words(page, own) == set()


async def open_form(page: Any, command: str) -> Any:
    await page.click(f"button.offer[data-command={command}]")
    form = page.locator(f"form.command[data-command={command}]")
    await form.wait_for()
    return form


async def test_an_operator_takes_a_rescue_case_through_intake_and_classification(
    served: str, ledger: Ledger, tmp_path: Path
) -> None:
    shots = screenshots(tmp_path, "operator-intake")
    async with browser_page() as page:
        await sign_in(page, served, OPERATOR.user_id, PASSWORD)
        await page.locator("#queue").wait_for()
        await page.click("button.open[data-type=ReportPerson]")
        form = page.locator("form.command[data-command=ReportPerson]")
        await form.locator("select[name=source]").select_option("grid_patrol")
        await form.locator("input[name=unit]").fill(STATION)
        await form.locator("input[name=location]").fill("世纪大道地铁站 3 号口")
        await page.screenshot(path=str(shots / "1-report.png"), full_page=True)
        await no_english(page)
        await form.locator("button[type=submit]").click()

        await stage_is(page, "reported")
        case_id = (await page.locator("h2").inner_text()).split(" · ")[0].strip()
        await no_english(page, case_id)
        form = await open_form(page, "RegisterIntake")
        await form.locator("input[name='person.name']").fill("无名氏")
        await form.locator("select[name='person.sex']").select_option("male")
        await form.locator("input[name='person.age']").fill("45")
        await form.locator("input[name='person.age_estimated']").check()
        await form.locator("select[name=information]").select_option("unable")
        await page.screenshot(path=str(shots / "2-intake-form.png"), full_page=True)
        await form.locator("button[type=submit]").click()

        await stage_is(page, "intake")
        assert COMMANDS["RegisterIntake"] in await page.locator("#done").inner_text()
        form = await open_form(page, "ClassifyPerson")
        await form.locator("input[data-field='observed.ill_or_injured']").check()
        await form.locator("button[type=submit]").click()

        await stage_is(page, "in_stay")
        await page.locator("#clocks tbody tr").first.wait_for()
        await page.screenshot(path=str(shots / "3-in-stay.png"), full_page=True)
        await no_english(page, case_id)

    types = [e.type for e in await ledger.read_stream(case_id)]
    assert types[0] == "PersonReported"
    assert "IntakeRegistered" in types
    classified = [e for e in await ledger.read_stream(case_id) if e.type == "PersonClassified"]
    assert "ill_or_injured" in classified[0].payload["categories"]
    assert all(e.actor.user_id in (OPERATOR.user_id, "system") for e in classified)


async def test_a_refused_command_shows_its_chinese_reason_and_writes_nothing(
    served: str, ledger: Ledger, tmp_path: Path
) -> None:
    shots = screenshots(tmp_path, "refusal")
    async with httpx.AsyncClient(base_url=served) as api:
        opened = await api.post("/cases", json=report(unit=STATION), headers=bearer(OPERATOR))
        case_id = opened.json()["case_id"]
        for command in (intake(), {"type": "ClassifyPerson", "observed": []}):
            sent = await api.post(
                f"/cases/{case_id}/commands", json=command, headers=bearer(OPERATOR)
            )
            assert sent.status_code == 200, sent.text
    before = await ledger.read_stream(case_id)

    async with browser_page() as page:
        await sign_in(page, served, OPERATOR.user_id, PASSWORD)
        await page.goto(f"{served}/console#/case/{case_id}")
        await stage_is(page, "in_stay")
        form = await open_form(page, "AssignHousing")
        await form.locator("select[name=area]").select_option("women")  # a man, in the women's area
        await form.locator("button[type=submit]").click()
        refusal = form.locator(".refusal")
        await refusal.wait_for()
        text = await refusal.inner_text()
        assert ERRORS["women_housed_apart"] in text
        assert "依据：《救助管理办法》第八条" in text
        assert await form.locator("select[name=area]").input_value() == "women"  # kept as typed
        await page.screenshot(path=str(shots / "refused.png"), full_page=True)
        await no_english(page, case_id)

    after = await ledger.read_stream(case_id)
    assert [e.event_id for e in after] == [e.event_id for e in before]


async def test_an_approver_approves_a_plan_drafted_by_someone_else(
    served: str, ledger: Ledger, tmp_path: Path
) -> None:
    shots = screenshots(tmp_path, "approver")
    async with httpx.AsyncClient(base_url=served) as api:
        opened = await api.post("/cases", json=report(unit=STATION), headers=bearer(OPERATOR))
        case_id = opened.json()["case_id"]
        for actor, command in (
            (OPERATOR, intake()),
            (OPERATOR, {"type": "ClassifyPerson", "observed": []}),
            (CASEWORKER, plan(owner=CASEWORKER.user_id)),
        ):
            sent = await api.post(f"/cases/{case_id}/commands", json=command, headers=bearer(actor))
            assert sent.status_code == 200, sent.text

    async with browser_page() as page:
        await sign_in(page, served, APPROVER.user_id, PASSWORD)
        row = page.locator(f"#reviews tr[data-case='{case_id}']")
        await row.wait_for()
        assert CASEWORKER.user_id in await row.inner_text()
        assert COMMANDS["ApproveIndividualPlan"] in await row.inner_text()
        await page.screenshot(path=str(shots / "1-awaiting-review.png"), full_page=True)
        await no_english(page, case_id)
        await row.locator("a").click()
        form = await open_form(page, "ApproveIndividualPlan")
        await form.locator("input[name=version]").fill("1")
        await form.locator("button[type=submit]").click()
        await page.locator("#done").wait_for()
        await page.screenshot(path=str(shots / "2-approved.png"), full_page=True)
        await no_english(page, case_id)

    approved = [e for e in await ledger.read_stream(case_id) if e.type == "IndividualPlanApproved"]
    assert [(e.actor.user_id, e.payload["version"]) for e in approved] == [(APPROVER.user_id, 1)]


async def test_a_paper_file_entered_late_shows_which_clock_is_overdue_and_by_how_long(
    served: str, ledger: Ledger, tmp_path: Path
) -> None:
    """Reported and taken in twelve days ago on paper: the plan approval's clock counted from
    then has run out, the case escalated at once, and its page says by how many days."""
    shots = screenshots(tmp_path, "overdue")
    entered = datetime.now(UTC) - timedelta(days=12)
    async with httpx.AsyncClient(base_url=served) as api:
        opened = await api.post(
            "/cases",
            json=report(unit=STATION),
            headers={**bearer(OPERATOR), "X-Effective-At": entered.isoformat()},
        )
        assert opened.status_code == 201, opened.text
        case_id = opened.json()["case_id"]
        taken_in = await api.post(
            f"/cases/{case_id}/commands",
            json=intake(),
            headers={**bearer(OPERATOR), "X-Effective-At": entered.isoformat()},
        )
        assert taken_in.status_code == 200, taken_in.text

        async def escalated_to_l3() -> bool:
            rows = await api.get(f"/cases?unit={STATION}&limit=500", headers=bearer(OPERATOR))
            return any(r["case_id"] == case_id and r["escalation_level"] == 3 for r in rows.json())

        await until(escalated_to_l3)
        state = (await api.get(f"/cases/{case_id}", headers=bearer(OPERATOR))).json()["state"]
    due = datetime.fromisoformat(state["clocks"]["plan_approval"]["due_at"])

    async with browser_page() as page:
        await sign_in(page, served, OPERATOR.user_id, PASSWORD)
        await page.goto(f"{served}/console#/case/{case_id}")
        row = page.locator("#clocks tr[data-clock=plan_approval]")
        await row.wait_for()
        days = {(datetime.now(UTC) - due).days, (datetime.now(UTC) - due).days + 1}
        overdue = await row.locator("td.overdue").inner_text()
        assert overdue in {f"已逾期 {d} 天" for d in days}, overdue
        assert LEVELS["3"] in await page.locator("#escalation").inner_text()
        assert RUNGS["3"] in await row.inner_text()
        assert await page.locator("#late-entries").count() == 1
        await page.screenshot(path=str(shots / "overdue.png"), full_page=True)
        await no_english(page, case_id)

    async with browser_page() as page:  # the district supervisor grants an extension
        await sign_in(page, served, SUPERVISOR.user_id, PASSWORD)
        await page.goto(f"{served}/console#/case/{case_id}")
        form = await open_form(page, "GrantExtension")
        clock = form.locator("select[name=clock]")
        assert CLOCKS["plan_approval"] in await clock.inner_text()  # the case's own clocks
        await clock.select_option("plan_approval")
        await form.locator("input[name=by]").fill("10")
        await form.locator("textarea[name=reason], input[name=reason]").fill(
            "待医院出具诊断后再定方案"
        )
        await form.locator("button[type=submit]").click()
        await page.locator("#done").wait_for()
        await page.screenshot(path=str(shots / "extended.png"), full_page=True)
        await no_english(page, case_id)
    extended = [e for e in await ledger.read_stream(case_id) if e.type == "ClockExtended"]
    assert [(e.payload["clock"]["spec"]["name"], e.payload["by"]) for e in extended] == [
        ("plan_approval", 10)
    ]


STREET_OPERATOR = Actor(user_id="op-street-wb", role=Role.OPERATOR, unit="潍坊新村街道")


async def test_a_street_office_takes_an_application_with_a_household_of_two(
    served: str, ledger: Ledger, engine: AsyncEngine, tmp_path: Path
) -> None:
    """A list of nested objects (household members) as repeatable fieldsets, enum lists as
    boxes, a boolean, and money in fen: the generated form sends what the model asks for."""
    shots = screenshots(tmp_path, "relief-application")
    await save_user(engine, STREET_OPERATOR, "秦经办", PASSWORD)
    async with browser_page() as page:
        await sign_in(page, served, STREET_OPERATOR.user_id, PASSWORD)
        await page.click("button.open[data-type=ApplyForAssistance]")
        form = page.locator("form.command[data-command=ApplyForAssistance]")
        await form.locator("select[name=programme]").select_option("dibao")
        await form.locator("input[name=unit]").fill(STREET_OPERATOR.unit)
        members = form.locator("[data-field='household.members']")
        await members.locator("button.add").click()  # one member is there already
        await form.locator("input[name='household.members.0.name']").fill("王某")
        await form.locator("input[name='household.members.0.age']").fill("46")
        await form.locator("input[name='household.members.1.name']").fill("王小某")
        await form.locator("input[name='household.members.1.relation']").fill("子")
        await form.locator("input[name='household.members.1.age']").fill("12")
        await form.locator("input[name='household.declared_income_fen']").fill("120000")
        await form.locator("input[name=consent_to_verification]").check()
        for paper in ("id_document", "household_register", "income_proof", "asset_declaration"):
            await form.locator(f"input[data-field='papers.{paper}']").check()
        await page.screenshot(path=str(shots / "1-application.png"), full_page=True)
        await no_english(page, STREET_OPERATOR.user_id)
        await form.locator("button[type=submit]").click()
        await page.locator("#stage").wait_for()
        case_id = (await page.locator("h2").inner_text()).split(" · ")[0].strip()
        await page.screenshot(path=str(shots / "2-applied.png"), full_page=True)
        await no_english(page, case_id, STREET_OPERATOR.user_id)

    applied = (await ledger.read_stream(case_id))[0]
    household = applied.payload["household"]
    assert [(m["name"], m["relation"], m["age"]) for m in household["members"]] == [
        ("王某", "本人", 46),
        ("王小某", "子", 12),
    ]
    assert household["declared_income_fen"] == 120000


ORG_OPERATOR = Actor(user_id="op-org-wb", role=Role.OPERATOR, unit="浦东新区社会组织管理局")


async def test_a_paper_file_keeps_its_dates_and_the_past_reads_as_the_past(
    served: str, ledger: Ledger, engine: AsyncEngine, tmp_path: Path
) -> None:
    """A registration officer enters an organisation's paper application with its real date;
    the case shows the organisation's name and the late entry, and a view of the day before
    the application says plainly that it is the past."""
    shots = screenshots(tmp_path, "paper-file")
    await save_user(engine, ORG_OPERATOR, "周登记", PASSWORD)
    now = datetime.now(UTC).astimezone(SHANGHAI)
    applied = (now - timedelta(days=3)).replace(hour=9, minute=30, second=0, microsecond=0)
    async with browser_page() as page:
        await sign_in(page, served, ORG_OPERATOR.user_id, PASSWORD)
        await page.click("button.open[data-type=ApplyForOrgRegistration]")
        form = page.locator("form.command[data-command=ApplyForOrgRegistration]")
        await form.locator("select[name=org_type]").select_option("social_group")
        await form.locator("input[name=org_name]").fill("浦东新区青少年科技教育促进会")
        await form.locator("input[name=unit]").fill(ORG_OPERATOR.unit)
        await form.locator("input[name=sponsor_unit]").fill("浦东新区科学技术委员会")
        for document in ("application_form", "articles", "capital_proof"):
            await form.locator(f"input[data-field='documents.{document}']").check()
        await form.locator("input[name=effective_at]").fill(applied.strftime("%Y-%m-%dT%H:%M"))
        await page.screenshot(path=str(shots / "1-paper-application.png"), full_page=True)
        await form.locator("button[type=submit]").click()

        await page.locator("#org-name").filter(has_text="青少年科技教育促进会").wait_for()
        case_id = (await page.locator("h2").inner_text()).split(" · ")[1].strip()
        await page.locator("#late-entries").wait_for()
        first = page.locator("#timeline tr[data-version='1']")
        assert "补录" in await first.inner_text()
        assert applied.strftime("%Y/%-m/%-d 09:30:00") in await first.inner_text()
        await page.screenshot(path=str(shots / "2-entered-late.png"), full_page=True)
        await no_english(page, case_id, ORG_OPERATOR.user_id)

        day_before = applied - timedelta(days=1)
        await page.locator("#as-of input[name=at]").fill(day_before.strftime("%Y-%m-%dT%H:%M"))
        await page.click("#as-of button[type=submit]")
        banner = page.locator("#as-of-banner")
        await banner.wait_for()
        assert "历史视图" in await banner.inner_text()
        assert await page.locator("#as-of-version").inner_text() == "0"
        assert await page.locator("#commands").count() == 0  # nothing is done in the past
        await page.screenshot(path=str(shots / "3-as-of.png"), full_page=True)
        await no_english(page, case_id, ORG_OPERATOR.user_id)

    stored = await ledger.read_stream(case_id)
    assert stored[0].type == "RegistrationApplied"
    assert stored[0].occurred_at == applied
    assert stored[0].recorded_at - stored[0].occurred_at > timedelta(days=2)


@pytest.fixture
async def served_statistics(gateway: CaseGateway, own_engine: AsyncEngine) -> AsyncIterator[str]:
    """The API over a database of its own holding known cases (tests/store/test_stats.py)."""
    ledger = Ledger(own_engine)
    await seed(ledger)
    await save_user(own_engine, SUPERVISOR, USERS[SUPERVISOR], PASSWORD)
    services = Services(settings=settings(), engine=own_engine, ledger=ledger, gateway=gateway)
    try:
        async with serving(services) as url:
            yield url
    finally:
        await ledger.close()


async def test_a_supervisor_reads_the_statistics_page(
    served_statistics: str, tmp_path: Path
) -> None:
    shots = screenshots(tmp_path, "statistics")
    served = served_statistics
    async with httpx.AsyncClient(base_url=served) as api:
        expected = (await api.get("/stats/cases-by-month", headers=bearer(SUPERVISOR))).json()

    async with browser_page() as page:
        await sign_in(page, served, SUPERVISOR.user_id, PASSWORD)
        await page.click("#nav-stats")
        for chart in (
            "cases-by-month",
            "overdue-by-month",
            "escalations-by-month",
            "rescue-stay",
            "appeal-outcomes",
            "inspections",
        ):
            await page.locator(f"#chart-{chart}[data-drawn=true]").wait_for()
        assert await page.evaluate("Chart.version") == "4.6.1"  # served from vendor/, no CDN
        await page.screenshot(path=str(shots / "statistics.png"), full_page=True)
        await no_english(page)
        stay = await page.locator("#chart-rescue-stay table.numbers").evaluate(
            "t => [...t.rows].slice(1).map(r => [...r.cells].map(c => c.textContent))"
        )
        assert stay == [["2026-01", "7", "1"], ["2026-02", "7", "2"]]
        appeals = await page.locator("#chart-appeal-outcomes table.numbers").evaluate(
            "t => [...t.rows].map(r => [...r.cells].map(c => c.textContent))"
        )
        assert appeals == [["时间", "维持", "撤销", "变更"], ["2026", "0", "0", "1"]]
        async with page.expect_download() as waiting:
            await page.click("button.csv[data-chart=cases-by-month]")
        download = await waiting.value
        content = Path(await download.path()).read_text(encoding="utf-8-sig")
    lines = content.strip().splitlines()
    assert lines[0] == ",".join(expected["columns"])
    assert lines[1:] == [",".join(str(v) for v in row) for row in expected["rows"]]
    assert "2026-02,rescue,浦东救助站,2,2" in lines
