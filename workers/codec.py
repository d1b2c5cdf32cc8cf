"""Payload encryption for Temporal: AES-256-GCM under a key ring, so Temporal's history, its
database and its Web UI never hold personal data (names, ID numbers, 户籍) in clear.

Each encrypted payload names the key that sealed it (`encryption-key-id` in its metadata); the
ring's first key seals new payloads and every key in it opens old ones, so a key rotates by
putting a new one first and keeping the old ones until no history needs them. Payloads without
the `binary/encrypted` marker (histories written before encryption) pass through unchanged.
The protocol follows Temporal's samples, so their codec servers and tools read ours.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import DecodeError, Message
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
CIPHER = "encryption-cipher"
CIPHER_NAME = b"AES-256-GCM"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # the GCM nonce size NIST SP 800-38D recommends
_KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class PayloadKeyError(ValueError):
    """A key ring that cannot be used, or a payload it cannot open (never shows key bytes)."""


@dataclass(frozen=True)
class PayloadKeyRing:
    """Named AES-256 keys; the first seals, all open."""

    keys: tuple[tuple[str, bytes], ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise PayloadKeyError("the payload key ring is empty")
        seen: set[str] = set()
        for key_id, key in self.keys:
            if not _KEY_ID_PATTERN.match(key_id):
                raise PayloadKeyError(
                    f"payload key id {key_id!r}: use letters, digits, '.', '_' or '-'"
                )
            if key_id in seen:
                raise PayloadKeyError(f"payload key id {key_id!r} appears twice")
            if len(key) != KEY_BYTES:
                raise PayloadKeyError(
                    f"payload key {key_id!r} is {len(key)} bytes; AES-256 needs {KEY_BYTES}"
                )
            seen.add(key_id)

    def __repr__(self) -> str:  # keys never reach a log or a traceback
        return f"PayloadKeyRing(ids={list(self.ids)})"

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(key_id for key_id, _ in self.keys)

    @property
    def active_id(self) -> str:
        return self.keys[0][0]

    def key(self, key_id: str) -> bytes | None:
        return next((key for kid, key in self.keys if kid == key_id), None)

    @classmethod
    def parse(cls, text: str) -> PayloadKeyRing:
        """`id:base64key` entries separated by commas or new lines; `#` starts a comment."""
        entries: list[tuple[str, bytes]] = []
        for line in text.splitlines():
            for raw in line.split("#", 1)[0].split(","):
                entry = raw.strip()
                if not entry:
                    continue
                key_id, sep, encoded = entry.partition(":")
                if not sep:
                    raise PayloadKeyError(
                        "a payload key entry is not 'id:base64key' (the entry is not shown)"
                    )
                entries.append((key_id.strip(), _decode_key(key_id.strip(), encoded.strip())))
        return cls(tuple(entries))

    def format(self) -> str:
        """The ring in the text form `parse` reads."""
        return ",".join(f"{kid}:{base64.b64encode(key).decode()}" for kid, key in self.keys)


def _decode_key(key_id: str, encoded: str) -> bytes:
    try:
        # Standard or URL-safe alphabet, as secret managers hand them out.
        return base64.b64decode(encoded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise PayloadKeyError(f"payload key {key_id!r} is not valid base64") from None


def new_key() -> bytes:
    """A fresh random AES-256 key."""
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


class EncryptionCodec(PayloadCodec):
    """Seals every payload with the ring's active key; opens any payload the ring has a key for."""

    def __init__(self, ring: PayloadKeyRing) -> None:
        super().__init__()
        self._ring = ring
        self._ciphers = {key_id: AESGCM(key) for key_id, key in ring.keys}

    @property
    def ring(self) -> PayloadKeyRing:
        return self._ring

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.seal(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.open(p) for p in payloads]

    def seal(self, payload: Payload) -> Payload:
        key_id = self._ring.active_id
        nonce = os.urandom(NONCE_BYTES)
        # The key id is authenticated too: a payload relabelled with another key id fails.
        sealed = self._ciphers[key_id].encrypt(nonce, payload.SerializeToString(), key_id.encode())
        return Payload(
            metadata={"encoding": ENCODING, KEY_ID: key_id.encode(), CIPHER: CIPHER_NAME},
            data=nonce + sealed,
        )

    def open(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload  # written before encryption, or not ours to open
        key_id = payload.metadata.get(KEY_ID, b"").decode(errors="replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise PayloadKeyError(
                f"payload sealed with key {key_id!r}, which is not in the key ring "
                f"({', '.join(self._ring.ids)}); keep retired keys in CASEWORK_PAYLOAD_KEYS"
            )
        data = payload.data
        try:
            plain = cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], key_id.encode())
            return Payload.FromString(plain)
        except (InvalidTag, ValueError, DecodeError):  # ValueError: too short to hold a nonce
            raise PayloadKeyError(
                f"a payload sealed with key {key_id!r} does not open: altered, or a different key"
            ) from None

    def open_message(self, message: Message) -> None:
        """Open, in place, every sealed payload anywhere inside a protobuf message (a saved
        history, say): for tools that read Temporal's records without a data converter."""
        for field, value in message.ListFields():
            kind = field.message_type
            if field.type != FieldDescriptor.TYPE_MESSAGE or kind is None:
                continue
            if kind.GetOptions().map_entry:
                entry_value = kind.fields_by_name["value"]
                nested = list(value.values()) if entry_value.message_type is not None else []
            elif isinstance(value, Message):
                nested = [value]
            else:  # a repeated field
                nested = list(value)
            for item in nested:
                if isinstance(item, Payload):
                    item.CopyFrom(self.open(item))
                else:
                    self.open_message(item)


def data_converter(ring: PayloadKeyRing) -> DataConverter:
    """Pydantic payloads, sealed by the ring; failure messages and stack traces are sealed too
    (an activity's error can quote the data it failed on)."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec(ring),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
