"""Units see and act on their own cases; the district sees all; auditors change nothing."""

from __future__ import annotations

import httpx

from domain.actors import Actor, Role
from tests.api.conftest import bearer
from tests.factories import AUDITOR, STATION, SUPERVISOR, intake, report

HUAMU = Actor(user_id="op-huamu", role=Role.OPERATOR, unit="花木街道")
LUJIAZUI = Actor(user_id="op-ljz", role=Role.OPERATOR, unit="陆家嘴街道")


async def _open_in_huamu(api: httpx.AsyncClient) -> str:
    response = await api.post("/cases", json=report(unit="花木街道"), headers=bearer(HUAMU))
    assert response.status_code == 201, response.text
    case_id: str = response.json()["case_id"]
    return case_id


async def test_another_street_office_neither_sees_nor_acts_on_the_case(
    api: httpx.AsyncClient,
) -> None:
    case_id = await _open_in_huamu(api)
    other = bearer(LUJIAZUI)
    unknown = case_id.rsplit("-", 1)[0] + "-999999"

    # Exactly like a case that does not exist: no answer tells that it does.
    for path in (
        "",
        "/history",
        "/verify",
        "/runs",
        "/export",
        "/diff?from_version=0&to_version=1",
    ):
        theirs = await api.get(f"/cases/{case_id}{path}", headers=other)
        nobody = await api.get(f"/cases/{unknown}{path}", headers=other)
        assert theirs.status_code == nobody.status_code == 404, path
        assert theirs.json()["code"] == nobody.json()["code"] == "case_not_found"
    listed = (await api.get("/cases", headers=other)).json()
    assert case_id not in [c["case_id"] for c in listed]
    assert (await api.get("/cases", params={"unit": "花木街道"}, headers=other)).status_code == 403

    response = await api.post(f"/cases/{case_id}/commands", json=intake(), headers=other)
    assert response.status_code == 404 and response.json()["code"] == "case_not_found"
    # Nothing of the outsider's attempt is written into the case's history.
    history = (await api.get(f"/cases/{case_id}/history", headers=bearer(HUAMU))).json()
    assert [e["type"] for e in history] == ["PersonReported"]


async def test_a_street_office_opens_cases_only_for_itself_or_by_a_routing_rule(
    api: httpx.AsyncClient,
) -> None:
    response = await api.post("/cases", json=report(unit="陆家嘴街道"), headers=bearer(HUAMU))
    assert response.status_code == 403 and response.json()["code"] == "unit_not_allowed"
    # Routing rule: a street office's grid patrol hands a person to the rescue station.
    routed = await api.post("/cases", json=report(unit=STATION), headers=bearer(HUAMU))
    assert routed.status_code == 201, routed.text
    # The district opens cases for any unit.
    opened = await api.post("/cases", json=report(unit="陆家嘴街道"), headers=bearer(SUPERVISOR))
    assert opened.status_code == 201, opened.text


async def test_an_auditors_refused_command_is_recorded(api: httpx.AsyncClient) -> None:
    case_id = await _open_in_huamu(api)
    response = await api.post(f"/cases/{case_id}/commands", json=intake(), headers=bearer(AUDITOR))
    assert response.status_code == 403 and response.json()["code"] == "role_not_allowed"
    history = (await api.get(f"/cases/{case_id}/history", headers=bearer(HUAMU))).json()
    assert [e["type"] for e in history] == ["PersonReported", "AttemptRefused"]
    assert history[1]["actor"] == AUDITOR.user_id
    assert history[1]["payload"]["code"] == "role_not_allowed"


async def test_an_integration_account_reads_nothing(api: httpx.AsyncClient) -> None:
    case_id = await _open_in_huamu(api)
    centre = bearer(Actor(user_id="verification-centre", role=Role.INTEGRATION, unit="花木街道"))
    for url in (f"/cases/{case_id}", f"/cases/{case_id}/history", "/cases", "/queue"):
        assert (await api.get(url, headers=centre)).status_code == 403, url
    response = await api.post(f"/cases/{case_id}/commands", json=intake(), headers=centre)
    assert response.status_code == 403
    assert (
        await api.post("/cases", json=report(unit="花木街道"), headers=centre)
    ).status_code == 403


async def test_the_district_sees_every_unit_and_auditors_change_nothing(
    api: httpx.AsyncClient,
) -> None:
    case_id = await _open_in_huamu(api)
    for district in (SUPERVISOR, AUDITOR):
        assert (await api.get(f"/cases/{case_id}", headers=bearer(district))).status_code == 200
        listed = (
            await api.get("/cases", params={"unit": "花木街道"}, headers=bearer(district))
        ).json()
        assert case_id in [c["case_id"] for c in listed]
    response = await api.post(f"/cases/{case_id}/commands", json=intake(), headers=bearer(AUDITOR))
    assert response.status_code == 403 and "auditors" in response.json()["message_en"]
    response = await api.post("/cases", json=report(), headers=bearer(AUDITOR))
    assert response.status_code == 403


async def test_list_sorting(api: httpx.AsyncClient) -> None:
    first = await _open_in_huamu(api)
    second = await _open_in_huamu(api)
    newest = (
        await api.get(
            "/cases", params={"unit": "花木街道", "sort": "opened"}, headers=bearer(HUAMU)
        )
    ).json()
    ids = [c["case_id"] for c in newest]
    assert ids.index(second) < ids.index(first)
    assert (await api.get("/cases", params={"sort": "sideways"})).status_code == 422
