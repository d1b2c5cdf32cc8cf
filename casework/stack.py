"""Running the product: the worker, the API, and `casework dev` which adds embedded servers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import asyncpg
import uvicorn

from activities.verification import default_centre
from api.app import create_app
from casework.embedded import EmbeddedPostgres, EmbeddedTemporal, ensure_port_free
from config.settings import DEVELOPMENT, Settings
from store.db import make_engine
from store.ledger import Ledger
from store.migrate import upgrade_head_async
from store.roles import APP_ROLE, as_role, enable_app_login
from store.signing import Signer
from workers.anchoring import anchoring_from_files, ensure_anchor_schedule
from workers.client import connect, metrics_runtime
from workers.dispatcher import build_dispatcher
from workers.keyring import payload_key_ring
from workers.telemetry import configure_tracing
from workers.worker import build_worker, run_until_stopped

log = logging.getLogger("casework")


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


async def run_worker(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """A worker process: as many as load needs, on the same task queue."""
    if not settings.database_url or not settings.temporal_address:
        raise RuntimeError("DATABASE_URL and TEMPORAL_ADDRESS must be set")
    key_ring = payload_key_ring(settings)  # before anything starts: no keys, no worker
    configure_tracing("casework-worker")
    if stop is None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
    engine = make_engine(settings.database_url, pre_ping=False)
    runtime = (
        metrics_runtime(settings.worker_metrics_host, settings.worker_metrics_port)
        if settings.worker_metrics_port
        else None
    )
    client = await connect(
        settings.temporal_address,
        settings.temporal_namespace,
        key_ring=key_ring,
        runtime=runtime,
    )
    ledger = Ledger(engine)
    worker = build_worker(
        client,
        ledger,
        settings.task_queue,
        settings.holiday_notices_dir,
        anchoring=anchoring_from_files(engine, settings.anchor_key_file, settings.anchor_dir),
        # the fake centre of *these* settings: its store under this stack's data folder
        verification_centre=default_centre(settings),
    )
    if settings.anchor_key_file and settings.anchor_dir:
        await ensure_anchor_schedule(
            client, settings.task_queue, timedelta(minutes=settings.anchor_interval_minutes)
        )
    else:
        log.warning("ledger anchoring is off: set CASEWORK_ANCHOR_KEY_FILE and CASEWORK_ANCHOR_DIR")
    parts = [run_until_stopped(worker, stop)]
    if settings.dispatch_enabled:
        parts.append(build_dispatcher(engine, settings).run(stop))
    try:
        await asyncio.gather(*parts)
    finally:
        await ledger.close()
        await engine.dispose()


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: casework stops every part in order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def api_server(settings: Settings, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(create_app(settings), host=host, port=port, log_level="warning")
    return _Server(config)


@dataclass
class DevPorts:
    api: int = 8000
    temporal: int = 7233
    temporal_ui: int = 8233


async def run_dev(settings: Settings, ports: DevPorts) -> None:
    """Everything in the foreground: embedded servers (unless pointed elsewhere), migrations,
    the worker and the API. Ctrl-C stops every part, the servers last.

    Development by definition: tokens for anyone, anonymous reads and backdating are on. The
    migrations run as the database's owner; the worker and the API log in as casework_app.
    """
    # Parts that read the settings themselves (the worker's fakes) see the same environment.
    os.environ["CASEWORK_ENV"] = DEVELOPMENT
    settings = settings.model_copy(update={"environment": DEVELOPMENT})
    host = settings.api_host
    ensure_port_free(host, ports.api, "casework API")
    temporal = (
        None
        if settings.temporal_address
        else EmbeddedTemporal(
            settings.data_dir / "temporal",
            ports.temporal,
            ports.temporal_ui,
            ui_codec_endpoint=f"http://{host}:{ports.api}/codec",
        )
    )
    if settings.worker_metrics_port:
        ensure_port_free(
            settings.worker_metrics_host, settings.worker_metrics_port, "worker metrics"
        )
    if temporal is not None and not settings.codec_origins_setting:
        # The embedded UI's origins may call the API's codec endpoint from the browser.
        ui_origins = f"http://127.0.0.1:{ports.temporal_ui},http://localhost:{ports.temporal_ui}"
        settings = settings.model_copy(update={"codec_origins_setting": ui_origins})
    if temporal is not None:
        ensure_port_free("127.0.0.1", ports.temporal, "Temporal frontend")
        ensure_port_free("127.0.0.1", ports.temporal_ui, "Temporal Web UI")
    postgres = None if settings.database_url else EmbeddedPostgres(settings.data_dir / "postgres")

    settings = dev_anchoring(settings)
    stop = asyncio.Event()
    _stop_on_signals(stop)
    try:
        if postgres is not None:
            server_uri = await asyncio.to_thread(postgres.start)
            settings = settings.model_copy(
                update={"database_url": await postgres.ensure_database(server_uri)}
            )
        if temporal is not None:
            temporal.start()
            await temporal.wait_ready()
            settings = settings.model_copy(update={"temporal_address": temporal.address})
        assert settings.database_url and settings.temporal_address
        settings = await _least_privilege(settings)

        api = api_server(settings, host, ports.api)
        worker_task = asyncio.create_task(run_worker(settings, stop), name="worker")
        api_task = asyncio.create_task(api.serve(), name="api")
        _announce(settings, ports, temporal is not None, postgres is not None)
        stopped = asyncio.create_task(stop.wait(), name="stop")
        await asyncio.wait({worker_task, api_task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stop.set()
        api.should_exit = True
        # A part that failed on its own (not by being stopped) makes `dev` fail too.
        await asyncio.gather(api_task, worker_task)
    finally:
        if temporal is not None:
            temporal.stop()
        if postgres is not None:
            postgres.stop()
        print("casework dev stopped.", flush=True)


async def _least_privilege(settings: Settings) -> Settings:
    """Migrate as the owner, then hand the worker and API casework_app's login.

    With only DATABASE_URL given it is taken as the owner's (as the embedded server's is);
    CASEWORK_MIGRATION_DATABASE_URL beside it names the owner and DATABASE_URL the app's login.
    """
    owner_url = settings.migration_url
    assert owner_url is not None
    await upgrade_head_async(owner_url)
    if settings.migration_database_url:
        return settings
    # A fresh password on every start: nothing to keep on disk, nothing to leak from it.
    password = settings.db_app_password or secrets.token_urlsafe(24)
    try:
        await enable_app_login(owner_url, password)
    except asyncpg.InsufficientPrivilegeError:
        log.warning(
            "DATABASE_URL's role may not give %s a login (needs CREATEROLE): the worker and API "
            "use DATABASE_URL as given; set CASEWORK_MIGRATION_DATABASE_URL to separate them",
            APP_ROLE,
        )
        return settings
    return settings.model_copy(
        update={
            "migration_database_url": owner_url,
            "database_url": as_role(owner_url, APP_ROLE, password),
        }
    )


def dev_anchoring(settings: Settings) -> Settings:
    """Development anchors under the data directory, with a signing key made on first start."""
    key = settings.anchor_key_file or settings.data_dir / "anchor-signing-key.pem"
    if not key.exists():
        Signer.generate(key)
        log.info("made a development anchor signing key in %s", key)
    return settings.model_copy(
        update={
            "anchor_key_file": key,
            "anchor_dir": settings.anchor_dir or settings.data_dir / "anchors",
        }
    )


def _announce(settings: Settings, ports: DevPorts, own_temporal: bool, own_postgres: bool) -> None:
    api = f"http://{settings.api_host}:{ports.api}"
    lines = [
        "casework dev is running (Ctrl-C stops everything)",
        f"  API            {api}   (docs: {api}/docs)",
        f"  Temporal       {settings.temporal_address}"
        + ("  (embedded, file-backed)" if own_temporal else ""),
    ]
    if own_temporal:
        lines.append(f"  Temporal UI    http://127.0.0.1:{ports.temporal_ui}")
        lines.append(f"  codec server   {api}/codec   (docs/payload-encryption.md)")
    lines.append(f"  Metrics        {api}/metrics   (API, cases, escalations, notifications)")
    if settings.worker_metrics_port:
        lines.append(
            f"                 http://{settings.worker_metrics_host}:"
            f"{settings.worker_metrics_port}/metrics   (Temporal SDK, worker)"
        )
    lines.append(
        "  PostgreSQL     "
        + (
            "embedded, data in " + str(settings.data_dir / "postgres")
            if own_postgres
            else "external (DATABASE_URL)"
        )
        + f"; the API and worker log in as {APP_ROLE}"
    )
    lines.append(
        f"  Anchors        {settings.anchor_dir}  (signing key {settings.anchor_key_file})"
    )
    print("\n".join(lines), flush=True)
