"""One settings object, read once from the environment (and `.env`).

Below every reader (activities, workers, migrations, the API and the CLI all import it), so it
imports nothing of casework's own. Production is the default: development conveniences
(minting tokens for anyone, anonymous reads, backdating, the placeholder secret) exist only
where `CASEWORK_ENV=development` says so; `casework dev` and the test fixtures set it.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Long enough for HS256 (RFC 7518 §3.2); refused outside development.
PLACEHOLDER_SECRET = "development-only-placeholder-secret-change-me"
# HS256 keys must be at least as long as the hash output, 256 bits (RFC 7518 §3.2).
MIN_SECRET_BYTES = 32
DEVELOPMENT = "development"
PRODUCTION = "production"


class InsecureSettings(ValueError):
    """A setting production may not run with; the message says what to set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: str = Field(default=PRODUCTION, alias="CASEWORK_ENV")
    data_dir: Path = Field(default=Path("data"), alias="CASEWORK_DATA_DIR")
    # The application's own login (casework_app): INSERT/SELECT on events, writes read models.
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    # The schema owner's login, for migrations only; DATABASE_URL when unset.
    migration_database_url: str | None = Field(
        default=None, alias="CASEWORK_MIGRATION_DATABASE_URL"
    )
    # Set by `casework migrate` as casework_app's password (it gains LOGIN then); never logged.
    db_app_password: str | None = Field(default=None, alias="CASEWORK_DB_APP_PASSWORD")
    temporal_address: str | None = Field(default=None, alias="TEMPORAL_ADDRESS")
    temporal_namespace: str = Field(default="default", alias="TEMPORAL_NAMESPACE")
    task_queue: str = Field(default="casework", alias="CASEWORK_TASK_QUEUE")
    api_host: str = Field(default="127.0.0.1", alias="CASEWORK_API_HOST")
    api_port: int = Field(default=8000, alias="CASEWORK_API_PORT")
    api_url: str = Field(default="http://127.0.0.1:8000", alias="CASEWORK_API_URL")
    temporal_ui_url: str = Field(default="http://127.0.0.1:8233", alias="CASEWORK_TEMPORAL_UI_URL")
    secret_key: str = Field(default=PLACEHOLDER_SECRET, alias="CASEWORK_SECRET_KEY")
    token_ttl_hours: int = Field(default=12, alias="CASEWORK_TOKEN_TTL_HOURS")
    # How long one API process trusts what it last read of an account (active, role, version):
    # a deactivation made through another API process takes effect within this time.
    account_cache_seconds: float = Field(
        default=5.0, ge=0, le=60, alias="CASEWORK_ACCOUNT_CACHE_SECONDS"
    )
    # Sign-in throttling: failures within the window lock the user id / the address.
    login_window_minutes: int = Field(default=15, ge=1, alias="CASEWORK_LOGIN_WINDOW_MINUTES")
    login_max_failures_per_user: int = Field(
        default=5, ge=1, alias="CASEWORK_LOGIN_MAX_FAILURES_USER"
    )
    login_max_failures_per_address: int = Field(
        default=20, ge=1, alias="CASEWORK_LOGIN_MAX_FAILURES_ADDRESS"
    )
    login_lockout_minutes: int = Field(default=30, ge=1, alias="CASEWORK_LOGIN_LOCKOUT_MINUTES")
    holiday_notices_dir: Path | None = Field(default=None, alias="CASEWORK_HOLIDAY_NOTICES")
    # Reads (lists, history, verification) without a token: development only (off if false).
    anonymous_reads_setting: bool | None = Field(default=None, alias="CASEWORK_ANONYMOUS_READS")
    # The fake economic-verification centre (relief) until a real client exists: replies come
    # `latency` seconds after a request, through the API; optional outage window and duplicates.
    verification_store: Path | None = Field(default=None, alias="CASEWORK_VERIFICATION_STORE")
    verification_latency_seconds: float = Field(
        default=30.0, ge=0, alias="CASEWORK_VERIFICATION_LATENCY_SECONDS"
    )
    verification_down_from: datetime | None = Field(
        default=None, alias="CASEWORK_VERIFICATION_DOWN_FROM"
    )
    verification_down_until: datetime | None = Field(
        default=None, alias="CASEWORK_VERIFICATION_DOWN_UNTIL"
    )
    verification_duplicate_replies: bool = Field(
        default=False, alias="CASEWORK_VERIFICATION_DUPLICATES"
    )
    verification_deliver: bool = Field(default=True, alias="CASEWORK_VERIFICATION_DELIVER")
    # The bearer token the (fake) centre delivers replies with: an administrator issues it for
    # a registered integration user (`casework users token`). Development mints one itself.
    verification_token: str | None = Field(default=None, alias="CASEWORK_VERIFICATION_TOKEN")
    # The fake police population system (rescue identity checks) until a real client exists.
    identity_fake_latency_ms: int = Field(
        default=0, ge=0, alias="CASEWORK_IDENTITY_FAKE_LATENCY_MS"
    )
    identity_fake_failure_rate: float = Field(
        default=0.0, ge=0.0, le=1.0, alias="CASEWORK_IDENTITY_FAKE_FAILURE_RATE"
    )
    # Outage windows: "start/end,start/end" in ISO 8601 with time zones.
    identity_fake_outages: str = Field(default="", alias="CASEWORK_IDENTITY_FAKE_OUTAGES")

    # Notifications (issue 14): the outbox dispatcher in every worker and its channels.
    dispatch_enabled: bool = Field(default=True, alias="CASEWORK_DISPATCH")
    dispatch_poll_seconds: float = Field(default=1.0, gt=0, alias="CASEWORK_DISPATCH_POLL_SECONDS")
    dispatch_max_attempts: int = Field(default=10, ge=1, alias="CASEWORK_DISPATCH_MAX_ATTEMPTS")
    dispatch_first_retry_seconds: float = Field(
        default=5.0, gt=0, alias="CASEWORK_DISPATCH_FIRST_RETRY_SECONDS"
    )
    # Webhooks are signed with HMAC-SHA256 under this secret (receivers hold the same); never
    # the token secret, which receivers must not hold. Unset outside development: no webhooks.
    webhook_secret_setting: str | None = Field(default=None, alias="CASEWORK_WEBHOOK_SECRET")
    # E-mail goes out through this SMTP server; without a host, e-mail rows wait (and die).
    smtp_host: str | None = Field(default=None, alias="CASEWORK_SMTP_HOST")
    smtp_port: int = Field(default=25, alias="CASEWORK_SMTP_PORT")
    smtp_sender: str = Field(default="casework@localhost", alias="CASEWORK_SMTP_SENDER")
    smtp_starttls: bool = Field(default=False, alias="CASEWORK_SMTP_STARTTLS")
    smtp_username: str | None = Field(default=None, alias="CASEWORK_SMTP_USERNAME")
    smtp_password: str | None = Field(default=None, alias="CASEWORK_SMTP_PASSWORD")
    # Temporal SDK runtime metrics (Prometheus) of a worker process; 0 turns them off.
    worker_metrics_host: str = Field(default="127.0.0.1", alias="CASEWORK_WORKER_METRICS_HOST")
    worker_metrics_port: int = Field(default=9464, ge=0, alias="CASEWORK_WORKER_METRICS_PORT")
    # Anchors (docs/anchoring.md): the Ed25519 signing key's file (read by workers only; never
    # in the database), the directory anchors are published to (beyond the database's reach),
    # and how often the worker's Temporal schedule anchors the ledger. `casework dev` puts
    # both under the data directory and makes a key on first start.
    anchor_key_file: Path | None = Field(default=None, alias="CASEWORK_ANCHOR_KEY_FILE")
    anchor_dir: Path | None = Field(default=None, alias="CASEWORK_ANCHOR_DIR")
    anchor_interval_minutes: int = Field(
        default=60, ge=1, le=24 * 60, alias="CASEWORK_ANCHOR_INTERVAL_MINUTES"
    )

    # Temporal payload encryption (workers/codec.py): "id:base64key,id:base64key", the first
    # key seals, all open. Or a file of the same entries (one a line), e.g. a mounted secret.
    # Outside development one of the two is required; development makes a key under data_dir.
    payload_keys: SecretStr | None = Field(default=None, alias="CASEWORK_PAYLOAD_KEYS")
    payload_keys_file: Path | None = Field(default=None, alias="CASEWORK_PAYLOAD_KEYS_FILE")
    # Browser origins (comma-separated) of the Temporal Web UI that may call the codec
    # endpoint; empty means CASEWORK_TEMPORAL_UI_URL's origin.
    codec_origins_setting: str = Field(default="", alias="CASEWORK_CODEC_ORIGINS")

    # Request bodies above this answer 413 (api/body_limit.py).
    max_body_bytes: int = Field(default=256 * 1024, ge=1024, alias="CASEWORK_MAX_BODY_BYTES")
    # Commands may carry X-Effective-At (a past moment) to enter a paper file's past steps:
    # on in development; in production only when the bureau opts in for the migration period.
    backdating_setting: bool | None = Field(default=None, alias="CASEWORK_ALLOW_BACKDATING")

    @property
    def allow_backdating(self) -> bool:
        if self.backdating_setting is not None:
            return self.backdating_setting
        return self.development

    @property
    def webhook_secret(self) -> str | None:
        if self.webhook_secret_setting:
            return self.webhook_secret_setting
        return "development-only-webhook-secret" if self.development else None

    @property
    def codec_origins(self) -> list[str]:
        listed = [o.strip().rstrip("/") for o in self.codec_origins_setting.split(",")]
        if any(listed):
            return [o for o in listed if o]
        ui = urlsplit(self.temporal_ui_url)
        return [f"{ui.scheme}://{ui.netloc}"]

    @property
    def development(self) -> bool:
        return self.environment == DEVELOPMENT

    @property
    def migration_url(self) -> str | None:
        return self.migration_database_url or self.database_url

    @property
    def anonymous_reads(self) -> bool:
        """Only ever in development (where CASEWORK_ANONYMOUS_READS=false turns them off):
        case histories hold personal data."""
        if not self.development:
            return False
        return self.anonymous_reads_setting is not False

    @field_validator(
        "verification_token", "db_app_password", "migration_database_url", mode="before"
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # Compose passes `${VAR:-}` as an empty string: the same as not set.
        return None if value == "" else value

    @model_validator(mode="after")
    def _known_environment(self) -> Settings:
        if self.environment not in (DEVELOPMENT, PRODUCTION):
            raise ValueError(f"CASEWORK_ENV must be {PRODUCTION} or {DEVELOPMENT}")
        return self

    def require_safe_secret(self) -> None:
        """Refuse to sign or check tokens with a guessable secret outside development.

        Called where tokens are signed or checked (the API at start-up, `casework token`), not
        on every read of the settings: a CLI that only talks to an API needs no secret.
        """
        if self.development:
            return
        if self.secret_key == PLACEHOLDER_SECRET:
            raise InsecureSettings(
                "CASEWORK_SECRET_KEY is still the development placeholder; set a real secret "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`) "
                "or set CASEWORK_ENV=development"
            )
        size = len(self.secret_key.encode())
        if size < MIN_SECRET_BYTES:
            raise InsecureSettings(
                f"CASEWORK_SECRET_KEY is {size} bytes; outside development it must be at least "
                f"{MIN_SECRET_BYTES} bytes (HS256, RFC 7518 §3.2)"
            )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
