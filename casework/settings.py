"""One settings object, read once from the environment (and `.env`)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Long enough for HS256 (RFC 7518 §3.2); refused outside development.
PLACEHOLDER_SECRET = "development-only-placeholder-secret-change-me"

MIN_SECRET_BYTES = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: str = Field(default="development", alias="CASEWORK_ENV")
    data_dir: Path = Field(default=Path("data"), alias="CASEWORK_DATA_DIR")
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    temporal_address: str | None = Field(default=None, alias="TEMPORAL_ADDRESS")
    temporal_namespace: str = Field(default="default", alias="TEMPORAL_NAMESPACE")
    task_queue: str = Field(default="casework", alias="CASEWORK_TASK_QUEUE")
    api_host: str = Field(default="127.0.0.1", alias="CASEWORK_API_HOST")
    api_port: int = Field(default=8000, alias="CASEWORK_API_PORT")
    api_url: str = Field(default="http://127.0.0.1:8000", alias="CASEWORK_API_URL")
    temporal_ui_url: str = Field(default="http://127.0.0.1:8233", alias="CASEWORK_TEMPORAL_UI_URL")
    secret_key: str = Field(default=PLACEHOLDER_SECRET, alias="CASEWORK_SECRET_KEY")
    token_ttl_hours: int = Field(default=12, alias="CASEWORK_TOKEN_TTL_HOURS")
    holiday_notices_dir: Path | None = Field(default=None, alias="CASEWORK_HOLIDAY_NOTICES")
    # Reads (lists, history, verification) without a token; on by default only in development.
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

    # Commands may carry X-Effective-At (a past moment) to enter a paper file's past steps.
    # Request bodies above this answer 413 (api/body_limit.py).
    max_body_bytes: int = Field(default=256 * 1024, ge=1024, alias="CASEWORK_MAX_BODY_BYTES")
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
        return self.environment == "development"

    @property
    def anonymous_reads(self) -> bool:
        if self.anonymous_reads_setting is not None:
            return self.anonymous_reads_setting
        return self.development

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if not self.development and self.secret_key == PLACEHOLDER_SECRET:
            raise ValueError(
                "CASEWORK_SECRET_KEY is still the development placeholder; set a real secret"
            )
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
