"""`casework audit anchor | verify | public-key | keygen`: anchors of the ledger, and the
auditor's check of the live ledger against them."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from rich.markup import escape
from rich.table import Table

from casework import render
from casework.cli_common import JsonOpt, call
from config.settings import get_settings

if TYPE_CHECKING:
    from store.anchor_audit import LedgerAudit

PublicKeysOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--public-key",
        help="锚定公钥（PEM），密钥轮换时可重复；默认取自可读的 CASEWORK_ANCHOR_KEY_FILE",
    ),
]


def public_keys(paths: list[Path] | None) -> dict[str, Ed25519PublicKey]:
    """The verifying keys by key id: the files given, or the configured signing key's own."""
    from store.signing import Signer, SigningKeyError, key_id, load_public_key

    try:
        if paths:
            keys = [load_public_key(p.read_bytes()) for p in paths]
        else:
            key_file = get_settings().anchor_key_file
            keys = [Signer.from_file(key_file).public_key] if key_file else []
    except (OSError, SigningKeyError) as error:
        render.errors.print(f"[red]公钥无法读取[/red] {escape(str(error))}")
        raise typer.Exit(2) from None
    return {key_id(k): k for k in keys}


def anchor(json_out: JsonOpt = False) -> None:
    """立即锚定账本：签名并发布每条事件流的链尾（督办、审计）。"""
    result = call(lambda api: api.post("/audit/anchors", {}))
    if json_out:
        render.as_json(result)
        return
    render.console.print(
        f"已锚定 anchored {result['anchor_id']}: {result['streams']} 条事件流, "
        f"position ≤ {result['max_position']}, root {result['root']}, key {result['key_id']}"
    )


def verify(
    keys: PublicKeysOpt = None,
    anchors: Annotated[
        Path | None, typer.Option(help="锚定目录（默认 CASEWORK_ANCHOR_DIR）")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option(help="数据库（默认 DATABASE_URL），只读权限即可")
    ] = None,
    latest: Annotated[
        int | None, typer.Option(min=1, help="只校验最新的 N 个锚定（默认全部）")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """用每个已发布的锚定校验在用账本；有任何不符时退出码为 1。"""
    from store.anchor_audit import audit_ledger
    from store.db import make_engine
    from store.publisher import DirectoryPublisher

    settings = get_settings()
    url = database_url or settings.database_url
    directory = anchors or settings.anchor_dir
    if not url or directory is None:
        render.errors.print("需要 DATABASE_URL 与锚定目录 (--database-url, --anchors)")
        raise typer.Exit(2)
    verifying = public_keys(keys)
    if not verifying:
        render.errors.print("需要锚定公钥 (--public-key)")
        raise typer.Exit(2)

    async def run() -> LedgerAudit:
        engine = make_engine(url)
        try:
            return await audit_ledger(engine, DirectoryPublisher(directory), verifying, latest)
        finally:
            await engine.dispose()

    report = asyncio.run(run())
    if json_out:
        render.as_json({**report.model_dump(), "valid": report.valid})
    elif report.valid:
        render.console.print(
            f"[green]账本与锚定一致 valid[/green]: {report.anchors} 个锚定, {report.streams} 条事件流, "
            f"{report.events} 个事件; 最新锚定 {report.latest_anchor}"
        )
    else:
        _print_findings(report)
    if not report.valid:
        raise typer.Exit(1)


def _print_findings(report: LedgerAudit) -> None:
    if report.anchors == 0:
        render.console.print("[red]未找到任何锚定 INVALID[/red]: no anchor has been published")
        return
    table = Table(title=f"[red]账本与锚定不一致 INVALID[/red]: {len(report.findings)} 处")
    for header in ("锚定 anchor", "事件流 stream", "版本", "问题 problem"):
        table.add_column(header)
    for f in report.findings:
        table.add_row(
            f.anchor_id or "(chain)",
            f.stream_id or "",
            "" if f.version is None else str(f.version),
            escape(f.problem),
        )
    render.console.print(table, width=200)


def public_key(
    key_file: Annotated[
        Path | None, typer.Option(help="签名密钥（默认 CASEWORK_ANCHOR_KEY_FILE）")
    ] = None,
) -> None:
    """输出锚定公钥（PEM）及其密钥编号，供审计使用。"""
    from store.signing import Signer, SigningKeyError, public_pem

    path = key_file or get_settings().anchor_key_file
    if path is None:
        render.errors.print("需要签名密钥文件 (--key-file 或 CASEWORK_ANCHOR_KEY_FILE)")
        raise typer.Exit(2)
    try:
        signer = Signer.from_file(path)
    except SigningKeyError as error:
        render.errors.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(2) from None
    render.errors.print(f"key id {signer.key_id}")
    print(public_pem(signer.public_key).decode(), end="")


def keygen(key_file: Annotated[Path, typer.Option(help="新密钥的写入位置")]) -> None:
    """生成新的 Ed25519 锚定签名密钥（文件仅所有者可读）。"""
    from store.signing import Signer

    if key_file.exists():
        render.errors.print(f"{key_file} 已存在, 不会覆盖 (exists; not overwritten)")
        raise typer.Exit(2)
    signer = Signer.generate(key_file)
    render.console.print(f"已生成签名密钥 {key_file} (key id {signer.key_id})")
