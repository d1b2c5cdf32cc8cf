"""The CLI's way to the API: bearer token from the environment or the config file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx

TOKEN_FILE = (
    Path(os.environ.get("CASEWORK_CONFIG_DIR", Path.home() / ".config" / "casework")) / "token"
)


class ApiProblem(Exception):
    """The API answered with an error (4xx or 5xx), or could not be reached."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    @property
    def exit_code(self) -> int:
        return 3 if self.status in (0, 502, 503, 504) else 1


def saved_token() -> str | None:
    token = os.environ.get("CASEWORK_TOKEN")
    if token:
        return token.strip()
    if TOKEN_FILE.exists():
        return TOKEN_FILE.read_text(encoding="utf-8").strip() or None
    return None


def save_token(token: str) -> Path:
    TOKEN_FILE.parent.mkdir(parents=True, exist_ok=True)
    TOKEN_FILE.write_text(token, encoding="utf-8")
    TOKEN_FILE.chmod(0o600)
    return TOKEN_FILE


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 30.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=base_url, headers=headers, timeout=timeout)
        self.base_url = base_url

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._send(method, path, **kwargs).json()

    def request_bytes(self, method: str, path: str, **kwargs: Any) -> bytes:
        return self._send(method, path, **kwargs).content

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise ApiProblem(
                0,
                "api_unreachable",
                f"cannot reach the API at {self.base_url} ({type(error).__name__}); is `casework dev` running?",
            ) from None
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            raise ApiProblem(
                response.status_code,
                body.get("code", f"http_{response.status_code}"),
                body.get("message", response.text[:200]),
                body.get("details"),
            )
        return response

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params={k: v for k, v in params.items() if v is not None})

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.request("POST", path, json=body)
