"""One settings object, read once from the environment (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "dev-only-change-me"

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
