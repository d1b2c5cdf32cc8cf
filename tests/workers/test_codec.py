"""The payload codec and its key ring: sealed payloads hold nothing in clear, keys rotate, old
unsealed payloads pass through, and a process without keys refuses to start outside dev."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from temporalio.api.common.v1 import Payload

from casework.settings import Settings
from workers.codec import (
    ENCODING,
    KEY_ID,
    EncryptionCodec,
    PayloadKeyError,
    PayloadKeyRing,
    data_converter,
    new_key,
)
from workers.keyring import DEV_KEY_FILE, MissingPayloadKeys, payload_key_ring

PERSON = {"name": "张秀英", "id_number": "34120419800101123X", "hukou": "安徽省阜阳市颍州区"}
SECRET = "a-production-secret-that-is-long-enough-for-hs256"


def ring(*ids: str) -> PayloadKeyRing:
    return PayloadKeyRing(tuple((key_id, new_key()) for key_id in ids))


def plain(value: object) -> Payload:
    return Payload(
        metadata={"encoding": b"json/plain"},
        data=json.dumps(value, ensure_ascii=False).encode(),
    )


async def test_a_sealed_payload_holds_no_personal_data_and_names_its_key() -> None:
    codec = EncryptionCodec(ring("k-2026"))
    [sealed] = await codec.encode([plain(PERSON)])
    assert sealed.metadata["encoding"] == ENCODING
    assert sealed.metadata[KEY_ID] == b"k-2026"
    everything = sealed.SerializeToString()
    for value in PERSON.values():
        assert value.encode() not in everything
    [opened] = await codec.decode([sealed])
    assert json.loads(opened.data) == PERSON
    assert opened.metadata["encoding"] == b"json/plain"


async def test_each_payload_gets_its_own_nonce() -> None:
    codec = EncryptionCodec(ring("k1"))
    first, second = await codec.encode([plain(PERSON), plain(PERSON)])
    assert first.data != second.data


async def test_after_rotation_new_payloads_use_the_new_key_and_old_ones_still_open() -> None:
    old = ring("k-2025")
    [sealed_before] = await EncryptionCodec(old).encode([plain(PERSON)])
    rotated = PayloadKeyRing((("k-2026", new_key()), *old.keys))
    codec = EncryptionCodec(rotated)
    [opened] = await codec.decode([sealed_before])
    assert json.loads(opened.data) == PERSON
    [sealed_after] = await codec.encode([plain(PERSON)])
    assert sealed_after.metadata[KEY_ID] == b"k-2026"


async def test_a_payload_of_a_retired_key_names_the_missing_key() -> None:
    [sealed] = await EncryptionCodec(ring("k-2024")).encode([plain(PERSON)])
    with pytest.raises(PayloadKeyError, match="k-2024"):
        await EncryptionCodec(ring("k-2026")).decode([sealed])


async def test_an_altered_or_relabelled_payload_does_not_open() -> None:
    keys = ring("k1", "k2")
    codec = EncryptionCodec(keys)
    [sealed] = await codec.encode([plain(PERSON)])
    altered = Payload(metadata=dict(sealed.metadata), data=sealed.data[:-1] + b"\x00")
    with pytest.raises(PayloadKeyError, match="does not open"):
        await codec.decode([altered])
    relabelled = Payload(metadata={**sealed.metadata, KEY_ID: b"k2"}, data=sealed.data)
    with pytest.raises(PayloadKeyError, match="does not open"):
        await codec.decode([relabelled])
    for truncated in (b"", sealed.data[:5], sealed.data[:20]):
        with pytest.raises(PayloadKeyError, match="does not open"):
            await codec.decode([Payload(metadata=dict(sealed.metadata), data=truncated)])


async def test_payloads_written_before_encryption_pass_through() -> None:
    old = [plain(PERSON), Payload(metadata={"encoding": b"binary/null"})]
    assert await EncryptionCodec(ring("k1")).decode(old) == old


async def test_the_data_converter_round_trips_pydantic_values_sealed() -> None:
    converter = data_converter(ring("k1"))
    [payload] = await converter.encode([PERSON])
    assert payload.metadata["encoding"] == ENCODING
    assert await converter.decode([payload], [dict]) == [PERSON]


def test_a_key_ring_parses_from_settings_text_in_either_base64_alphabet() -> None:
    keys = ring("k-new", "k-old")
    text = keys.format()
    assert PayloadKeyRing.parse(text) == keys
    url_safe = text.replace("+", "-").replace("/", "_")
    assert PayloadKeyRing.parse(url_safe) == keys
    one_a_line = "# rotated 2026-12\n" + text.replace(",", "\n") + "\n"
    parsed = PayloadKeyRing.parse(one_a_line)
    assert parsed.ids == ("k-new", "k-old") and parsed.active_id == "k-new"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("k1", "id:base64key"),
        ("k1:not base64!", "base64"),
        ("k1:" + "QUFB", "AES-256 needs 32"),
        ("bad id:" + "A" * 43 + "=", "letters, digits"),
    ],
)
def test_an_unusable_key_ring_is_refused_with_a_reason(text: str, problem: str) -> None:
    with pytest.raises(PayloadKeyError, match=problem):
        PayloadKeyRing.parse(text)


def test_a_key_id_may_appear_only_once() -> None:
    key = new_key()
    with pytest.raises(PayloadKeyError, match="twice"):
        PayloadKeyRing((("k1", key), ("k1", new_key())))


def test_keys_never_show_in_repr() -> None:
    keys = ring("k1")
    assert keys.format().split(":", 1)[1] not in repr(keys)
    assert repr(keys) == "PayloadKeyRing(ids=['k1'])"


@pytest.fixture(autouse=True)
def no_inherited_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The session hands its test ring to processes through the environment; not here."""
    monkeypatch.delenv("CASEWORK_PAYLOAD_KEYS", raising=False)
    monkeypatch.delenv("CASEWORK_PAYLOAD_KEYS_FILE", raising=False)


def _settings(**env: str) -> Settings:
    return Settings.model_validate({"CASEWORK_SECRET_KEY": SECRET, **env})


def test_outside_development_a_missing_key_ring_stops_start_up(tmp_path: Path) -> None:
    settings = _settings(CASEWORK_ENV="production", CASEWORK_DATA_DIR=str(tmp_path))
    with pytest.raises(MissingPayloadKeys, match="CASEWORK_PAYLOAD_KEYS"):
        payload_key_ring(settings)
    assert not (tmp_path / DEV_KEY_FILE).exists()
    blank = _settings(CASEWORK_ENV="production", CASEWORK_PAYLOAD_KEYS=" ")  # compose's default
    with pytest.raises(MissingPayloadKeys, match="CASEWORK_PAYLOAD_KEYS"):
        payload_key_ring(blank)


def test_the_key_ring_comes_from_the_variable_or_a_file(tmp_path: Path) -> None:
    keys = ring("k2", "k1")
    assert (
        payload_key_ring(_settings(CASEWORK_ENV="production", CASEWORK_PAYLOAD_KEYS=keys.format()))
        == keys
    )
    secret_file = tmp_path / "payload-keys"
    secret_file.write_text(keys.format().replace(",", "\n"), encoding="utf-8")
    from_file = _settings(CASEWORK_ENV="production", CASEWORK_PAYLOAD_KEYS_FILE=str(secret_file))
    assert payload_key_ring(from_file) == keys
    missing = _settings(
        CASEWORK_ENV="production", CASEWORK_PAYLOAD_KEYS_FILE=str(tmp_path / "absent")
    )
    with pytest.raises(MissingPayloadKeys, match="cannot be read"):
        payload_key_ring(missing)


def test_development_makes_one_private_key_and_keeps_it(tmp_path: Path) -> None:
    settings = _settings(CASEWORK_ENV="development", CASEWORK_DATA_DIR=str(tmp_path / "data"))
    first = payload_key_ring(settings)
    path = tmp_path / "data" / DEV_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert payload_key_ring(settings) == first  # a second start reads the same key
    assert [p.name for p in path.parent.iterdir()] == [DEV_KEY_FILE]  # no draft left behind


def test_the_cli_makes_a_new_key_entry_for_the_ring() -> None:
    from typer.testing import CliRunner

    from casework.cli import app

    made = CliRunner().invoke(app, ["payload-key", "k2027-06"])
    assert made.exit_code == 0, made.output
    new = PayloadKeyRing.parse(made.output)
    assert new.ids == ("k2027-06",)
    refused = CliRunner().invoke(app, ["payload-key", "no spaces"])
    assert refused.exit_code == 2
