"""The codec server for Temporal's Web UI and CLI: `POST /codec/decode` and `/codec/encode` take
and answer Temporal `Payloads` as protobuf JSON (Temporal's remote codec protocol), opened or
sealed with the API's payload key ring.

Only district roles may read personal data this way: supervisors, auditors and admins decode;
auditors change nothing, so only supervisors and admins encode (the UI encodes what it sends to
a workflow). The caller signs in with a bearer token (the CLI's `--codec-auth`) or, for the
browser UI, with the cookie `POST /codec/session` sets after the console's sign-in.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from api.deps import ServicesDep, get_actor
from api.problems import InvalidInput
from domain.actors import Actor, Role
from domain.errors import DomainError
from workers.codec import EncryptionCodec, PayloadKeyError

COOKIE = "casework_codec"
PREFIX = "/codec"
DECODERS = frozenset({Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN})
ENCODERS = frozenset({Role.SUPERVISOR, Role.ADMIN})

router = APIRouter(prefix=PREFIX, tags=["codec"])
_bearer = HTTPBearer(auto_error=False, description="A supervisor's, auditor's or admin's token")

_PAYLOADS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "payloads": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "metadata": {
                                        "type": "object",
                                        "additionalProperties": {"type": "string"},
                                    },
                                    "data": {"type": "string", "format": "byte"},
                                },
                            },
                        }
                    },
                },
                "example": {
                    "payloads": [{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "e30="}]
                },
            }
        },
    }
}


async def codec_actor(
    services: ServicesDep,
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The signed-in caller, from the Authorization header or the codec cookie; the same checks
    as every other endpoint's (`api.deps.get_actor`)."""
    if credentials is None and (cookie := request.cookies.get(COOKIE)):
        credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=cookie)
    return await get_actor(services, credentials)


CodecActorDep = Annotated[Actor, Depends(codec_actor)]


def _require(actor: Actor, roles: frozenset[Role], what: str) -> None:
    if actor.role not in roles:
        allowed = "、".join(sorted(r.value for r in roles))
        raise DomainError(
            "role_not_allowed",
            f"{actor.user_id}（{actor.role.value}）不能{what} Temporal 数据；只有 {allowed} 可以",
        )


def _codec(services: ServicesDep) -> EncryptionCodec:
    codec = services.gateway.client.data_converter.payload_codec
    if not isinstance(codec, EncryptionCodec):
        raise RuntimeError("the API's Temporal client has no payload key ring")
    return codec


def _check_namespace(services: ServicesDep, namespace: str | None) -> None:
    if namespace is not None and namespace != services.settings.temporal_namespace:
        raise InvalidInput(f"this codec serves namespace {services.settings.temporal_namespace!r}")


async def _apply(
    request: Request, convert: Callable[[Sequence[Payload]], Awaitable[list[Payload]]]
) -> Response:
    try:
        given = json_format.Parse(await request.body(), Payloads())
    except (json_format.ParseError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(f"the body is not Temporal Payloads in protobuf JSON: {exc}") from None
    try:
        converted = await convert(given.payloads)
    except PayloadKeyError as exc:
        raise InvalidInput(str(exc)) from None
    body = json_format.MessageToJson(Payloads(payloads=converted), indent=None)
    return Response(content=body, media_type="application/json")


@router.post("/decode", openapi_extra=_PAYLOADS_BODY, responses={401: {}, 403: {}, 422: {}})
async def decode(
    request: Request,
    services: ServicesDep,
    actor: CodecActorDep,
    x_namespace: Annotated[str | None, Header()] = None,
) -> Response:
    """Open sealed payloads (Temporal's remote codec protocol); unsealed ones come back as sent."""
    _require(actor, DECODERS, "解码")
    _check_namespace(services, x_namespace)
    return await _apply(request, _codec(services).decode)


@router.post("/encode", openapi_extra=_PAYLOADS_BODY, responses={401: {}, 403: {}, 422: {}})
async def encode(
    request: Request,
    services: ServicesDep,
    actor: CodecActorDep,
    x_namespace: Annotated[str | None, Header()] = None,
) -> Response:
    """Seal payloads with the active key, as the workers do (Temporal's remote codec protocol)."""
    _require(actor, ENCODERS, "加密")
    _check_namespace(services, x_namespace)
    return await _apply(request, _codec(services).encode)


@router.post("/session", status_code=204, responses={401: {}, 403: {}})
async def open_session(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Response:
    """Let this browser's Temporal Web UI decode: a cookie for `/codec` carrying the token."""
    actor = await get_actor(services, credentials)
    _require(actor, DECODERS, "解码")
    assert credentials is not None  # get_actor refuses a missing token
    response = Response(status_code=204)
    response.set_cookie(
        COOKIE,
        credentials.credentials,
        max_age=services.settings.token_ttl_hours * 3600,
        path=PREFIX,
        httponly=True,
        secure=not services.settings.development,
        # The UI and the API are one site (same host, other port; or sibling hosts).
        samesite="strict",
    )
    return response


@router.delete("/session", status_code=204)
async def close_session() -> Response:
    """Forget this browser's codec cookie (the console calls it on sign-out)."""
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path=PREFIX)
    return response
