"""Kept for older imports: the settings live in `config.settings`, below all their readers."""

from config.settings import (
    DEVELOPMENT,
    MIN_SECRET_BYTES,
    PLACEHOLDER_SECRET,
    PRODUCTION,
    InsecureSettings,
    Settings,
    get_settings,
)

__all__ = [
    "DEVELOPMENT",
    "MIN_SECRET_BYTES",
    "PLACEHOLDER_SECRET",
    "PRODUCTION",
    "InsecureSettings",
    "Settings",
    "get_settings",
]
