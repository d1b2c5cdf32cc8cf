"""Personal data in Temporal is sealed: `temporal workflow show` of a rescue case shows no name,
ID number or 户籍; the API's codec endpoint opens it for district roles and nobody else."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from google.protobuf import json_format
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from api.deps import Services
from api.gateway import CaseGateway
from domain.actors import Actor, Role
from store.ledger import Ledger
from tests.api.conftest import asgi_client, bearer, serving, settings
from tests.factories import AUDITOR, CASEWORKER, OPERATOR, SUPERVISOR, intake, report
from tests.servers import binary, converter, plain_history_json, session_key_ring
from workers.client import connect
from workers.codec import KEY_ID, PayloadKeyRing, new_key
from workflows.registry import WORKFLOWS
from workflows.search_attributes import ALL_KEYS

NAME = "张秀英"
ID_NUMBER = "34120419800101123X"
HUKOU = "安徽省阜阳市颍州区"
PERSONAL = (NAME, ID_NUMBER, HUKOU)
ADMIN = Actor(user_id="adm-qian", role=Role.ADMIN, unit="浦东新区民政局")
UI_ORIGIN = "http://127.0.0.1:8233"


def texts(value: Any) -> Iterator[str]:
    """Every string in a JSON document, and what every base64 `data` field holds as text."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "data" and isinstance(item, str):
                with contextlib.suppress(binascii.Error, ValueError):
                    yield base64.b64decode(item, validate=True).decode("utf-8", errors="replace")
            yield from texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts(item)
    elif isinstance(value, str):
        yield value


def personal_data_in(document: Any) -> set[str]:
    found = set()
    for text in texts(document):
        found |= {p for p in PERSONAL if p in text}
    return found


async def _open_with_personal_data(api: httpx.AsyncClient) -> str:
    opened = await api.post("/cases", json=report(), headers=bearer(OPERATOR))
    assert opened.status_code == 201, opened.text
    case_id: str = opened.json()["case_id"]
    person = {"name": NAME, "id_number": ID_NUMBER, "hukou": HUKOU, "sex": "female", "age": 46}
    command = intake(information="provided", person=person)
    taken = await api.post(f"/cases/{case_id}/commands", json=command, headers=bearer(OPERATOR))
    assert taken.status_code == 200, taken.text
    return case_id


async def temporal_show(env: WorkflowEnvironment, case_id: str, *codec: str) -> Any:
    """The real CLI's `temporal workflow show --output json` of the case's history."""
    address = env.client.service_client.config.target_host
    process = await asyncio.create_subprocess_exec(
        binary("temporal"),
        "workflow",
        "show",
        "--workflow-id",
        case_id,
        "--address",
        address,
        "--namespace",
        env.client.namespace,
        "--output",
        "json",
        *codec,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return json.loads(out)


@pytest.fixture
async def services(gateway: CaseGateway, ledger: Ledger, engine: AsyncEngine) -> Services:
    return Services(settings=settings(), engine=engine, ledger=ledger, gateway=gateway)


@pytest.fixture
async def served(services: Services) -> AsyncIterator[str]:
    async with serving(services) as url:
        yield url


async def test_temporal_history_of_a_rescue_case_holds_no_personal_data_in_clear(
    api: httpx.AsyncClient, dev_env: WorkflowEnvironment, served: str
) -> None:
    case_id = await _open_with_personal_data(api)
    # The ledger (the record supervisors read) keeps the person; Temporal only sealed copies.
    history = (await api.get(f"/cases/{case_id}/history", headers=bearer(SUPERVISOR))).json()
    assert personal_data_in(history) == set(PERSONAL)

    shown = await temporal_show(dev_env, case_id)
    assert len(shown["events"]) > 5
    assert personal_data_in(shown) == set()

    # The same history through the API's codec endpoint, as a supervisor: all three appear,
    # so the search above looks where they would be.
    token = bearer(SUPERVISOR)["Authorization"]
    decoded = await temporal_show(
        dev_env, case_id, "--codec-endpoint", f"{served}/codec", "--codec-auth", token
    )
    assert personal_data_in(decoded) == set(PERSONAL)


async def test_search_attributes_hold_no_personal_data(
    api: httpx.AsyncClient, dev_env: WorkflowEnvironment
) -> None:
    """Codecs do not touch search attributes: they must never carry personal data at all."""
    case_id = await _open_with_personal_data(api)
    described = await dev_env.client.get_workflow_handle(case_id).describe()
    attributes = {pair.key.name: pair.value for pair in described.typed_search_attributes}
    assert "CaseKind" in attributes
    # Ours (kind, stage, unit, due, level) and Temporal's own (patch ids, worker build ids).
    temporal_own = {"BuildIds", "TemporalChangeVersion"}
    assert attributes.keys() <= {key.name for key in ALL_KEYS} | temporal_own
    assert not [p for p in PERSONAL for value in attributes.values() if p in str(value)]


async def _sealed_payloads(address: str, namespace: str, case_id: str) -> list[Payload]:
    """The payloads of the case's history as Temporal stores them (a client without keys)."""
    raw = await Client.connect(address, namespace=namespace)
    history = await raw.get_workflow_handle(case_id).fetch_history()
    sealed: list[Payload] = []
    for event in history.events:
        attributes = event.workflow_execution_update_accepted_event_attributes
        sealed += attributes.accepted_request.input.args.payloads
    assert sealed, "the case's history has accepted updates"
    return sealed


def _body(payloads: list[Payload]) -> str:
    return json_format.MessageToJson(Payloads(payloads=payloads))


def _opened(response: httpx.Response) -> list[Payload]:
    assert response.status_code == 200, response.text
    return list(json_format.Parse(response.text, Payloads()).payloads)


async def test_codec_endpoint_decodes_for_district_roles_and_refuses_others(
    api: httpx.AsyncClient, dev_env: WorkflowEnvironment
) -> None:
    case_id = await _open_with_personal_data(api)
    address = dev_env.client.service_client.config.target_host
    sealed = await _sealed_payloads(address, dev_env.client.namespace, case_id)
    assert all(p.metadata[KEY_ID] == session_key_ring().active_id.encode() for p in sealed)
    body = _body(sealed)
    json_headers = {"content-type": "application/json", "x-namespace": dev_env.client.namespace}

    for reader in (SUPERVISOR, AUDITOR, ADMIN):
        response = await api.post(
            "/codec/decode", content=body, headers=json_headers | bearer(reader)
        )
        opened = _opened(response)
        assert any(NAME in p.data.decode() for p in opened), reader.role

    for refused in (OPERATOR, CASEWORKER):
        response = await api.post(
            "/codec/decode", content=body, headers=json_headers | bearer(refused)
        )
        assert response.status_code == 403, refused.role
        assert response.json()["code"] == "role_not_allowed"
        assert NAME not in response.text
    anonymous = await api.post("/codec/decode", content=body, headers=json_headers)
    assert anonymous.status_code == 401

    # Auditors change nothing: they may not seal payloads for the UI to send to a workflow.
    clear = _opened(
        await api.post("/codec/decode", content=body, headers=json_headers | bearer(SUPERVISOR))
    )
    encode_body = _body(clear)
    auditor = await api.post(
        "/codec/encode", content=encode_body, headers=json_headers | bearer(AUDITOR)
    )
    assert auditor.status_code == 403
    resealed = _opened(
        await api.post(
            "/codec/encode", content=encode_body, headers=json_headers | bearer(SUPERVISOR)
        )
    )
    assert all(NAME not in p.data.decode(errors="replace") for p in resealed)
    again = _opened(
        await api.post(
            "/codec/decode", content=_body(resealed), headers=json_headers | bearer(SUPERVISOR)
        )
    )
    assert [p.data for p in again] == [p.data for p in clear]


async def test_codec_endpoint_refuses_bad_bodies_and_other_namespaces(
    api: httpx.AsyncClient,
) -> None:
    supervisor = bearer(SUPERVISOR) | {"content-type": "application/json"}
    garbage = await api.post("/codec/decode", content=b"{not json", headers=supervisor)
    assert garbage.status_code == 422
    other = await api.post(
        "/codec/decode",
        content=_body([]),
        headers=supervisor | {"x-namespace": "someone-else"},
    )
    assert other.status_code == 422
    forged = Payload(metadata={"encoding": b"binary/encrypted", KEY_ID: b"unknown"}, data=b"x")
    unknown_key = await api.post("/codec/decode", content=_body([forged]), headers=supervisor)
    assert unknown_key.status_code == 422 and "unknown" in unknown_key.json()["message_en"]


async def test_after_rotation_the_old_key_id_still_decodes(
    api: httpx.AsyncClient,
    dev_env: WorkflowEnvironment,
    ledger: Ledger,
    engine: AsyncEngine,
    task_queue: str,
) -> None:
    case_id = await _open_with_personal_data(api)
    address = dev_env.client.service_client.config.target_host
    sealed = await _sealed_payloads(address, dev_env.client.namespace, case_id)
    old = session_key_ring()
    rotated = PayloadKeyRing((("rotated-2", new_key()), *old.keys))
    client = await connect(address, dev_env.client.namespace, key_ring=rotated)
    services = Services(
        settings=settings(), engine=engine, ledger=ledger, gateway=CaseGateway(client, task_queue)
    )
    headers = bearer(SUPERVISOR) | {"content-type": "application/json"}
    async with asgi_client(services) as rotated_api:
        opened = _opened(
            await rotated_api.post("/codec/decode", content=_body(sealed), headers=headers)
        )
        assert any(NAME in p.data.decode() for p in opened)
        resealed = _opened(
            await rotated_api.post("/codec/encode", content=_body(opened), headers=headers)
        )
    assert {p.metadata[KEY_ID] for p in resealed} == {b"rotated-2"}
    # A ring that dropped the old key cannot open the case's history: keep retired keys.
    only_new = PayloadKeyRing(rotated.keys[:1])
    client = await connect(address, dev_env.client.namespace, key_ring=only_new)
    services = Services(
        settings=settings(), engine=engine, ledger=ledger, gateway=CaseGateway(client, task_queue)
    )
    async with asgi_client(services) as forgetful:
        response = await forgetful.post("/codec/decode", content=_body(sealed), headers=headers)
    assert response.status_code == 422 and old.active_id in response.json()["message_en"]


async def test_the_ui_reaches_the_codec_with_its_cookie_across_origins(
    api: httpx.AsyncClient,
) -> None:
    preflight = await api.options(
        "/codec/decode",
        headers={
            "origin": UI_ORIGIN,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type,x-namespace",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == UI_ORIGIN
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert "x-namespace" in preflight.headers["access-control-allow-headers"].lower()
    stranger = await api.options(
        "/codec/decode",
        headers={"origin": "http://evil.example", "access-control-request-method": "POST"},
    )
    assert "access-control-allow-origin" not in stranger.headers
    # Other paths of the API stay closed to other origins.
    cases = await api.get("/cases", headers={"origin": UI_ORIGIN})
    assert "access-control-allow-origin" not in cases.headers

    refused = await api.post("/codec/session", headers=bearer(OPERATOR))
    assert refused.status_code == 403 and "set-cookie" not in refused.headers
    session = await api.post("/codec/session", headers=bearer(SUPERVISOR))
    assert session.status_code == 204
    cookie = session.headers["set-cookie"].lower()
    assert "httponly" in cookie and "path=/codec" in cookie and "samesite=strict" in cookie
    answered = await api.post(
        "/codec/decode",
        content=_body([]),
        headers={"content-type": "application/json", "origin": UI_ORIGIN},
    )
    assert answered.status_code == 200, answered.text  # the cookie signed the UI in
    assert answered.headers["access-control-allow-origin"] == UI_ORIGIN
    closed = await api.delete("/codec/session")
    assert closed.status_code == 204
    gone = await api.post(
        "/codec/decode", content=_body([]), headers={"content-type": "application/json"}
    )
    assert gone.status_code == 401


async def test_a_sealed_history_replays_with_the_key_ring_and_not_without(
    api: httpx.AsyncClient, dev_env: WorkflowEnvironment
) -> None:
    case_id = await _open_with_personal_data(api)
    history = await dev_env.client.get_workflow_handle(case_id).fetch_history()
    workflows = list(WORKFLOWS.values())
    await Replayer(workflows=workflows, data_converter=converter()).replay_workflow(history)
    keyless = Replayer(workflows=workflows, data_converter=pydantic_data_converter)
    with pytest.raises(RuntimeError, match="Failed decoding arguments"):
        await keyless.replay_workflow(history)


async def test_an_opened_history_is_plain_and_replays_without_keys(
    api: httpx.AsyncClient, dev_env: WorkflowEnvironment
) -> None:
    """How a history is saved beside the tests (tests/servers.plain_history_json)."""
    case_id = await _open_with_personal_data(api)
    history = await dev_env.client.get_workflow_handle(case_id).fetch_history()
    assert personal_data_in(history.to_json_dict()) == set()
    plain = WorkflowHistory.from_json(case_id, plain_history_json(history))
    assert personal_data_in(plain.to_json_dict()) == set(PERSONAL)
    sealed_marker = base64.b64encode(b"binary/encrypted").decode()  # as protobuf JSON has it
    assert sealed_marker in history.to_json()
    assert sealed_marker not in plain_history_json(history)
    keyless = Replayer(workflows=list(WORKFLOWS.values()), data_converter=pydantic_data_converter)
    await keyless.replay_workflow(plain)
