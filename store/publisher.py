"""Where anchors are published: somewhere the database (and its superuser) cannot write.

`AnchorPublisher` is the door; `DirectoryPublisher` writes files into a directory (a mounted
volume, a WORM share, a directory synced elsewhere). An object-store publisher (S3 with object
lock, for instance) implements the same methods with object keys in place of file names.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from store.anchors import Anchor
from store.merkle import Head

_STATEMENT = ".anchor.json"
_HEADS = ".heads.jsonl"


class AnchorPublisher(Protocol):
    """Publishes signed anchors with their leaves, and reads them back for auditors."""

    async def publish(self, anchor: Anchor, heads: list[Head]) -> None: ...

    async def publish_public_key(self, key_id: str, pem: bytes) -> None: ...

    async def anchor_ids(self) -> list[str]:
        """The ids of every published anchor, oldest first (cheap: no statement is read)."""
        ...

    async def anchor(self, anchor_id: str) -> Anchor:
        """One statement (a damaged one comes back unsigned, so that every check fails)."""
        ...

    async def anchors(self) -> list[Anchor]:
        """Every published anchor, oldest first."""
        ...

    async def latest(self) -> Anchor | None: ...

    async def heads(self, anchor_id: str) -> list[Head] | None:
        """The leaves published with an anchor, in leaf order (None when absent)."""
        ...


class DirectoryPublisher:
    """Anchors as files: `<id>.anchor.json` (the signed statement) beside `<id>.heads.jsonl`
    (one leaf per line), and `keys/<key id>.pem`. Ids sort by time, so names sort too."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def publish(self, anchor: Anchor, heads: list[Head]) -> None:
        await asyncio.to_thread(self._publish, anchor, heads)

    def _publish(self, anchor: Anchor, heads: list[Head]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        lines = "".join(h.model_dump_json() + "\n" for h in heads)
        # The leaves first, the statement last: a statement is never without its leaves.
        _write_new(self.directory / f"{anchor.anchor_id}{_HEADS}", lines.encode())
        _write_new(
            self.directory / f"{anchor.anchor_id}{_STATEMENT}",
            (anchor.model_dump_json(indent=1) + "\n").encode(),
        )

    async def publish_public_key(self, key_id: str, pem: bytes) -> None:
        target = self.directory / "keys" / f"{key_id}.pem"
        if not target.exists():
            await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
            await asyncio.to_thread(_write_new, target, pem)

    async def anchor_ids(self) -> list[str]:
        return await asyncio.to_thread(self._anchor_ids)

    def _anchor_ids(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return sorted(
            p.name.removesuffix(_STATEMENT) for p in self.directory.glob(f"*{_STATEMENT}")
        )

    async def anchor(self, anchor_id: str) -> Anchor:
        return await asyncio.to_thread(self._anchor, anchor_id)

    def _anchor(self, anchor_id: str) -> Anchor:
        try:
            return Anchor.model_validate_json(
                (self.directory / f"{anchor_id}{_STATEMENT}").read_bytes()
            )
        except (ValidationError, OSError):
            # Published and then damaged or removed: verification says so under its id.
            return _unreadable(anchor_id)

    async def anchors(self) -> list[Anchor]:
        return [await self.anchor(i) for i in await self.anchor_ids()]

    async def latest(self) -> Anchor | None:
        ids = await self.anchor_ids()
        return await self.anchor(ids[-1]) if ids else None

    async def heads(self, anchor_id: str) -> list[Head] | None:
        return await asyncio.to_thread(self._heads, anchor_id)

    def _heads(self, anchor_id: str) -> list[Head] | None:
        path = self.directory / f"{anchor_id}{_HEADS}"
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            return None
        return [Head.model_validate_json(line) for line in text.splitlines() if line]


def _unreadable(anchor_id: str) -> Anchor:
    """A stand-in that fails every check (no signature, no root) under the file's own id."""
    return Anchor(
        anchor_id=anchor_id,
        anchored_at="",
        xid_bound="0",
        max_position=0,
        streams=0,
        root="",
        key_id="",
        signature="",
    )


def _write_new(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (temporary name, fsync, rename)."""
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, path)
