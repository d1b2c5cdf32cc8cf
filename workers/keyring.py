"""The payload key ring from settings: CASEWORK_PAYLOAD_KEYS or CASEWORK_PAYLOAD_KEYS_FILE; in
development only, a key made once and kept under the data directory."""

from __future__ import annotations

import base64
import contextlib
import os
from pathlib import Path
from typing import Protocol

from pydantic import SecretStr

from workers.codec import PayloadKeyError, PayloadKeyRing, new_key

DEV_KEY_FILE = "payload-keys"
DEV_KEY_ID = "dev-1"


class MissingPayloadKeys(RuntimeError):
    """Outside development, no process starts without a key ring."""


class KeySettings(Protocol):
    """What of the settings the ring comes from (the settings live above the workers)."""

    @property
    def payload_keys(self) -> SecretStr | None: ...
    @property
    def payload_keys_file(self) -> Path | None: ...
    @property
    def data_dir(self) -> Path: ...
    @property
    def development(self) -> bool: ...


def payload_key_ring(settings: KeySettings) -> PayloadKeyRing:
    """The ring every Temporal client and worker of this deployment seals and opens with."""
    given = settings.payload_keys.get_secret_value() if settings.payload_keys else ""
    if given.strip():  # blank counts as unset (compose passes `${CASEWORK_PAYLOAD_KEYS:-}`)
        return PayloadKeyRing.parse(given)
    if settings.payload_keys_file is not None:
        try:
            text = settings.payload_keys_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise MissingPayloadKeys(
                f"CASEWORK_PAYLOAD_KEYS_FILE {settings.payload_keys_file} cannot be read: "
                f"{exc.strerror}"
            ) from None
        return PayloadKeyRing.parse(text)
    if settings.development:
        return development_key_ring(settings.data_dir)
    raise MissingPayloadKeys(
        "CASEWORK_PAYLOAD_KEYS (or CASEWORK_PAYLOAD_KEYS_FILE) is not set: outside development "
        "Temporal payloads must be encrypted with keys of your own; see docs/payload-encryption.md"
    )


def development_key_ring(data_dir: Path) -> PayloadKeyRing:
    """The development ring in `<data_dir>/payload-keys`, made on first use (mode 0600).

    Processes that start together (API, workers) race to make it; a hard link publishes the
    finished file at once, so each one reads the same complete key."""
    path = data_dir / DEV_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        draft = data_dir / f".{DEV_KEY_FILE}.{os.getpid()}"
        entry = f"{DEV_KEY_ID}:{base64.b64encode(new_key()).decode()}\n"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("# development payload keys: never use these outside development\n")
            out.write(entry)
        try:
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            draft.unlink()
    try:
        return PayloadKeyRing.parse(path.read_text(encoding="utf-8"))
    except PayloadKeyError as exc:
        raise MissingPayloadKeys(f"{path}: {exc}") from None
