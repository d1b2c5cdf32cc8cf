"""The FastAPI application: operator commands, case reads, supervisor audit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api import headers, problems
from api.body_limit import BodyLimit
from api.codec_cors import CodecCors
from api.deps import Services
from api.gateway import CaseGateway
from api.holiday_notices import BureauNotices
from api.routers import (
    anchors,
    audit,
    auth,
    cases,
    codec,
    console,
    health,
    inbox_page,
    metrics,
    notifications,
    paper_files,
    relief,
    socialorg,
    stats,
    users,
    vocabulary,
    workbench,
)
from config.settings import Settings, get_settings
from store.db import make_engine
from store.ledger import Ledger
from store.password_policy import WeakPassword
from workers.client import connect
from workers.keyring import payload_key_ring
from workers.telemetry import configure_tracing

DESCRIPTION = """
Every case is a durable Temporal workflow; every step is an event in an append-only,
hash-chained ledger. Commands are checked by the case's rules before anything is written:
a refused command answers 409 (or 403 for who-may-act rules) with the rule's `code` and
`message`, and changes nothing.
"""


def _install_account_problems(app: FastAPI) -> None:
    @app.exception_handler(WeakPassword)
    async def weak_password(_: Request, exc: WeakPassword) -> JSONResponse:
        return JSONResponse(status_code=422, content={"code": "weak_password", "message": str(exc)})

    @app.exception_handler(users.UserNotFound)
    async def no_user(_: Request, exc: users.UserNotFound) -> JSONResponse:
        return JSONResponse(
            status_code=404,
            content={"code": "user_not_found", "message": f"没有用户 {exc.args[0]}"},
        )


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the app; tests pass ready-made `services`, production builds them at start-up."""
    settings = settings or get_settings()
    # At start-up, before anything listens: no token is signed or checked with a weak secret.
    settings.require_safe_secret()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if services is not None:
            yield
            return
        configure_tracing("casework-api")
        if not settings.database_url or not settings.temporal_address:
            raise RuntimeError(
                "DATABASE_URL and TEMPORAL_ADDRESS must be set (casework dev sets both)"
            )
        key_ring = payload_key_ring(settings)  # before anything starts: no keys, no API
        engine = make_engine(settings.database_url)
        # Lazy: the API starts (and /healthz answers 503) while Temporal is still down.
        client = await connect(
            settings.temporal_address, settings.temporal_namespace, key_ring=key_ring, lazy=True
        )
        app.state.services = Services(
            settings=settings,
            engine=engine,
            ledger=Ledger(engine),
            gateway=CaseGateway(
                client,
                settings.task_queue,
                holiday_notices=BureauNotices(settings.holiday_notices_dir).current,
            ),
        )
        try:
            yield
        finally:
            await app.state.services.ledger.close()
            await engine.dispose()

    app = FastAPI(title="casework", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    if services is not None:
        app.state.services = services
    problems.install(app)
    headers.install(app)
    _install_account_problems(app)
    app.add_middleware(CodecCors, prefix=codec.PREFIX, origins=settings.codec_origins)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        return JSONResponse(
            status_code=422,
            content=problems.problem_body("invalid_request", "the request is not valid", errors),
        )

    for router in (
        health.router,
        auth.router,
        users.router,
        users.lockouts_router,
        cases.router,
        paper_files.router,
        cases.queue_router,
        audit.router,
        anchors.router,
        console.router,
        relief.router,
        socialorg.router,
        notifications.inbox_router,
        notifications.router,
        notifications.email_router,
        inbox_page.router,
        metrics.router,
        workbench.router,
        stats.router,
        vocabulary.router,
        codec.router,
    ):
        app.include_router(router)
    return app
