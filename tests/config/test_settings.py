"""Safe by default: production unless told otherwise, and production refuses weak secrets,
development tokens, anonymous reads and (unless the bureau opts in) backdating."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.app import create_app
from config.settings import PLACEHOLDER_SECRET, InsecureSettings, Settings

GOOD_SECRET = "k" * 32


def _settings(**env: str) -> Settings:
    return Settings.model_validate(env)


def test_production_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASEWORK_ENV", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.environment == "production" and not settings.development
    assert not settings.anonymous_reads and not settings.allow_backdating


@pytest.mark.parametrize("secret", [PLACEHOLDER_SECRET, "short", "x" * 31])
def test_production_refuses_weak_secrets_at_start_up(secret: str) -> None:
    settings = _settings(CASEWORK_ENV="production", CASEWORK_SECRET_KEY=secret)
    with pytest.raises(InsecureSettings, match="CASEWORK_SECRET_KEY"):
        create_app(settings)


def test_a_long_secret_starts_and_development_takes_any() -> None:
    create_app(_settings(CASEWORK_ENV="production", CASEWORK_SECRET_KEY=GOOD_SECRET))
    create_app(_settings(CASEWORK_ENV="development", CASEWORK_SECRET_KEY="short"))


def test_anonymous_reads_never_in_production() -> None:
    asked = _settings(
        CASEWORK_ENV="production", CASEWORK_SECRET_KEY=GOOD_SECRET, CASEWORK_ANONYMOUS_READS="true"
    )
    assert not asked.anonymous_reads
    assert _settings(CASEWORK_ENV="development").anonymous_reads
    assert not _settings(
        CASEWORK_ENV="development", CASEWORK_ANONYMOUS_READS="false"
    ).anonymous_reads


def test_an_unknown_environment_is_refused() -> None:
    with pytest.raises(ValueError, match="CASEWORK_ENV"):
        _settings(CASEWORK_ENV="staging")


def test_the_api_command_refuses_the_placeholder_with_a_clear_message(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("CASEWORK_ENV", "CASEWORK_SECRET_KEY")}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "casework"), "api", "--port", "0"],
        env=env,
        cwd=tmp_path,  # no .env file here
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "refusing to start" in result.stderr and "placeholder" in result.stderr
    assert "Traceback" not in result.stderr
