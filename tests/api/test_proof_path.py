"""The proof path over HTTP: open, command, refuse, history, verify, list, state as of."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import httpx

from domain.actors import Actor, Role
from tests.api.conftest import bearer
from tests.factories import AUDITOR, CASEWORKER, OPERATOR, classify, intake, report

HISTORY_FIELDS = {"version", "type", "actor", "occurred_at", "payload", "prev_hash", "hash"}


async def _open(api: httpx.AsyncClient, by: Actor = OPERATOR, **overrides: object) -> str:
    response = await api.post("/cases", json=report(**overrides), headers=bearer(by))
    assert response.status_code == 201, response.text
    case_id: str = response.json()["case_id"]
    return case_id


async def test_open_command_history_and_verify(api: httpx.AsyncClient) -> None:
    case_id = await _open(api)
    assert case_id.startswith("RSC-2026-")

    response = await api.post(f"/cases/{case_id}/commands", json=intake(), headers=bearer(OPERATOR))
    assert response.status_code == 200, response.text
    assert response.json()["stage"] == "intake"
    response = await api.post(
        f"/cases/{case_id}/commands", json=classify(), headers=bearer(CASEWORKER)
    )
    assert response.json()["stage"] == "in_stay"

    history = (await api.get(f"/cases/{case_id}/history")).json()
    assert [e["version"] for e in history] == list(range(1, len(history) + 1))
    assert all(e.keys() >= HISTORY_FIELDS for e in history)
    assert history[0]["type"] == "PersonReported" and history[0]["actor"] == "op-zhang"
    assert history[0]["prev_hash"] == "00" * 32
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(history))

    verify = (await api.get(f"/cases/{case_id}/verify")).json()
    assert verify["valid"] is True and verify["events"] == len(history)


async def test_refused_command_is_409_with_the_rules_reason_and_writes_nothing(
    api: httpx.AsyncClient,
) -> None:
    case_id = await _open(api)
    response = await api.post(
        f"/cases/{case_id}/commands", json=classify(), headers=bearer(CASEWORKER)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_stage"
    assert "intake" in response.json()["message_en"]
    assert len((await api.get(f"/cases/{case_id}/history")).json()) == 1


async def test_refused_opening_starts_no_case(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/cases", json=report(source="police", observed=["minor"]), headers=bearer(OPERATOR)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "escort_required"


async def test_who_may_act_is_403(api: httpx.AsyncClient) -> None:
    response = await api.post("/cases", json=report(), headers=bearer(AUDITOR))
    assert response.status_code == 403
    assert response.json()["code"] == "role_not_allowed"


async def test_malformed_commands_are_422(api: httpx.AsyncClient) -> None:
    case_id = await _open(api)
    bad_age = intake(person={"age": -3})
    response = await api.post(f"/cases/{case_id}/commands", json=bad_age, headers=bearer(OPERATOR))
    assert response.status_code == 422
    response = await api.post(
        f"/cases/{case_id}/commands", json={"type": "NoSuchCommand"}, headers=bearer(OPERATOR)
    )
    assert response.status_code == 422
    assert len((await api.get(f"/cases/{case_id}/history")).json()) == 1


async def test_unknown_case_is_404(api: httpx.AsyncClient) -> None:
    for path in (
        "/cases/RSC-2026-999999999",
        "/cases/RSC-2026-999999999/history",
        "/cases/RSC-2026-999999999/verify",
        "/cases/NOPE-1/history",
    ):
        assert (await api.get(path)).status_code == 404, path
    response = await api.post(
        "/cases/RSC-2026-999999999/commands", json=classify(), headers=bearer(OPERATOR)
    )
    assert response.status_code == 404


async def test_commands_need_a_valid_token(api: httpx.AsyncClient) -> None:
    assert (await api.post("/cases", json=report())).status_code == 401
    forged = {
        "Authorization": "Bearer " + bearer(OPERATOR)["Authorization"].split()[1][:-4] + "AAAA"
    }
    assert (await api.post("/cases", json=report(), headers=forged)).status_code == 401
    expired = bearer(OPERATOR, ttl=timedelta(seconds=-10))
    response = await api.post("/cases", json=report(), headers=expired)
    assert response.status_code == 401 and "expired" in response.json()["message_en"]


async def test_case_list_filters(api: httpx.AsyncClient) -> None:
    unit = f"测试街道-{datetime.now(UTC).timestamp()}"
    local = Actor(user_id="op-local", role=Role.OPERATOR, unit=unit)
    reported = await _open(api, local, unit=unit)
    in_intake = await _open(api, local, unit=unit)
    response = await api.post(f"/cases/{in_intake}/commands", json=intake(), headers=bearer(local))
    assert response.status_code == 200, response.text

    everything = await api.get("/cases", params={"unit": unit})
    assert everything.headers["X-Total-Count"] == "2"
    items = everything.json()
    assert {i["case_id"] for i in items} == {reported, in_intake}
    assert {"case_id", "kind", "stage", "escalation_level", "next_due_at"} <= items[0].keys()
    only_intake = (await api.get("/cases", params={"unit": unit, "stage": "intake"})).json()
    assert [i["case_id"] for i in only_intake] == [in_intake]
    assert only_intake[0]["next_due_at"] is not None
    rescue = (
        await api.get("/cases", params={"unit": unit, "kind": "rescue", "overdue": False})
    ).json()
    assert len(rescue) == 2
    assert (await api.get("/cases", params={"unit": unit, "overdue": True})).json() == []
    assert (await api.get("/cases", params={"unit": unit, "escalation_level": 2})).json() == []
    assert (await api.get("/cases", params={"kind": "spaceship"})).status_code == 422


async def test_state_as_of_a_moment_and_a_version(api: httpx.AsyncClient) -> None:
    case_id = await _open(api)
    between = datetime.now(UTC)
    await api.post(f"/cases/{case_id}/commands", json=intake(), headers=bearer(OPERATOR))

    now = (await api.get(f"/cases/{case_id}")).json()
    before = (await api.get(f"/cases/{case_id}", params={"as_of": between.isoformat()})).json()
    first = (await api.get(f"/cases/{case_id}", params={"version": 1})).json()
    assert now["stage"] == "intake" and now["state"]["person"]["age"] == 45
    assert before["stage"] == "reported" and before["version"] == 1
    assert first == {**before, "as_of": None}


async def test_health_and_openapi(api: httpx.AsyncClient) -> None:
    health = await api.get("/healthz")
    assert health.status_code == 200
    assert health.json()["postgresql"]["ok"] and health.json()["temporal"]["ok"]
    schema = (await api.get("/openapi.json")).json()
    for path in (
        "/healthz",
        "/cases",
        "/cases/{case_id}/history",
        "/cases/{case_id}/verify",
        "/cases/{case_id}/commands",
    ):
        assert path in schema["paths"], path


async def test_who_may_act_refusal_is_recorded_in_the_case_history(api: httpx.AsyncClient) -> None:
    case_id = await _open(api)
    extension = {"type": "GrantExtension", "clock": "none", "by": 1, "reason": "试图越权"}
    response = await api.post(
        f"/cases/{case_id}/commands", json=extension, headers=bearer(OPERATOR)
    )
    assert response.status_code in (403, 409)
    await api.post(f"/cases/{case_id}/commands", json=intake(), headers=bearer(OPERATOR))
    response = await api.post(
        f"/cases/{case_id}/commands",
        json={"type": "GrantExtension", "clock": "plan_approval", "by": 1, "reason": "试图越权"},
        headers=bearer(OPERATOR),
    )
    assert response.status_code == 403 and response.json()["code"] == "role_not_allowed"

    history = (await api.get(f"/cases/{case_id}/history")).json()
    refused = [e for e in history if e["type"] == "AttemptRefused"]
    assert len(refused) == 1
    assert refused[0]["actor"] == "op-zhang"
    assert refused[0]["payload"] == {
        "command": "GrantExtension",
        "code": "role_not_allowed",
        "reason": response.json()["message_en"],
    }
    assert (await api.get(f"/cases/{case_id}/verify")).json()["valid"]
    state = (await api.get(f"/cases/{case_id}")).json()
    assert state["stage"] == "intake" and state["version"] == len(history)


async def test_openapi_carries_example_commands_that_the_rules_accept(
    api: httpx.AsyncClient,
) -> None:
    schema = (await api.get("/openapi.json")).json()
    examples = schema["paths"]["/cases"]["post"]["requestBody"]["content"]["application/json"][
        "examples"
    ]
    assert set(examples) == {"rescue", "relief", "social_org"}
    opened = await api.post("/cases", json=examples["rescue"]["value"], headers=bearer(OPERATOR))
    assert opened.status_code == 201, opened.text
    commands = schema["paths"]["/cases/{case_id}/commands"]["post"]["requestBody"]["content"]
    intake_example = commands["application/json"]["examples"]["intake"]["value"]
    case_id = opened.json()["case_id"]
    response = await api.post(
        f"/cases/{case_id}/commands", json=intake_example, headers=bearer(OPERATOR)
    )
    assert response.status_code == 200, response.text


def test_every_example_body_is_a_valid_command() -> None:
    from api.examples import COMMAND_EXAMPLES, OPENING_EXAMPLES
    from domain.registry import LIFECYCLES

    for kind, example in OPENING_EXAMPLES.items():
        LIFECYCLES[kind].parse_command(example["value"])
    for example in COMMAND_EXAMPLES.values():
        assert any(_parses(lc, example["value"]) for lc in LIFECYCLES.values()), example


def _parses(lifecycle: object, body: dict[str, object]) -> bool:
    try:
        lifecycle.parse_command(body)  # type: ignore[attr-defined]
    except ValueError:
        return False
    return True
