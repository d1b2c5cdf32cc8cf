"""The CLI's way to the API: bearer token from the environment or the config file."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

# Posts that carry a command: each user action gets a fresh Idempotency-Key, and every retry of
# that action the same key, so a retry after a lost answer can never record a second command.
COMMAND_PATH = re.compile(r"^/cases(/[^/]+/commands)?$")
# 503 codes that say for certain that nothing was changed; any other 503 (or 502/504) may hide
# a command that was taken, so it is retried with the same key.
CERTAIN_NOTHING_CHANGED = frozenset({"temporal_unavailable", "postgresql_unavailable"})
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0, 8.0)  # seconds; about 25 s in all
POLL_FOR = 60.0  # seconds a 202's status URL is followed before reporting "pending"

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
        return 3 if self.status in (0, 202, 502, 503, 504) else 1

    @property
    def ambiguous(self) -> bool:
        """The command may or may not have been taken: only a retry with its key can tell."""
        if self.status == 0:
            return self.code != "api_unreachable"  # a lost answer; never connecting is certain
        if self.status in (502, 504):
            return True
        if self.status == 409:
            return self.code == "idempotency_key_in_use"
        return self.status == 503 and self.code not in CERTAIN_NOTHING_CHANGED


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
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout: float = 30.0,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=base_url, headers=headers, timeout=timeout)
        self.base_url = base_url
        self._retry_delays = retry_delays
        self._sleep = sleep

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._send(method, path, **kwargs).json()

    def request_bytes(self, method: str, path: str, **kwargs: Any) -> bytes:
        return self._send(method, path, **kwargs).content

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            # Never connected: the request was not sent, so nothing can have happened.
            raise ApiProblem(
                0,
                "api_unreachable",
                f"cannot reach the API at {self.base_url} ({type(error).__name__}); is `casework dev` running?",
            ) from None
        except httpx.TransportError as error:
            raise ApiProblem(
                0,
                "answer_lost",
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
        if COMMAND_PATH.match(path):
            return self.send_command(path, body)
        return self.request("POST", path, json=body)

    def send_command(self, path: str, body: dict[str, Any], key: str | None = None) -> Any:
        """Send one user action's command: one key for all its retries; a 202 is followed to
        its status URL until the command is recorded or refused."""
        key = key or str(uuid.uuid4())
        headers = {"Idempotency-Key": key}
        delays = iter(self._retry_delays)
        unsure = False  # an earlier attempt may have reached the case
        while True:
            try:
                response = self._send("POST", path, json=body, headers=headers)
            except ApiProblem as problem:
                # After an ambiguous attempt, "nothing was changed" speaks only for the later
                # attempt: keep retrying with the key until an answer says what happened.
                # Not reaching the API at all is certain, and answered at once, unless an
                # earlier attempt was not: then only a retry with the key can tell.
                retry = problem.ambiguous or (
                    unsure and (problem.status == 503 or problem.code == "api_unreachable")
                )
                unsure = unsure or problem.ambiguous
                delay = next(delays, None)
                if not retry:
                    raise
                if delay is None:
                    raise _unknown(problem) if unsure else problem from None
                self._sleep(delay)
                continue
            if response.status_code != 202:
                return response.json()
            outcome = self._follow(response.headers.get("Location", ""), response.json())
            if outcome is not None:
                return outcome
            # The case does not know the command (it never arrived): the same key is safe.
            if next(delays, None) is None:
                raise ApiProblem(503, "command_unknown", "命令未送达 / the command did not arrive")

    def _follow(self, location: str, pending: dict[str, Any]) -> Any:
        """Poll a 202's status URL: the result when recorded, ApiProblem when refused or still
        pending after POLL_FOR seconds, None when the case does not know the command."""
        deadline = time.monotonic() + POLL_FOR
        delay = 0.5
        while time.monotonic() < deadline:
            try:
                status = self.request("GET", location)
            except ApiProblem as problem:
                if not problem.ambiguous and problem.status != 503:
                    raise
                status = {"status": "pending"}
            if status["status"] == "recorded":
                return {k: status[k] for k in ("case_id", "version", "stage", "events")}
            if status["status"] == "refused":
                code = status.get("code") or "refused"
                forbidden = code in ("role_not_allowed", "four_eyes", "unit_not_allowed")
                raise ApiProblem(403 if forbidden else 409, code, status.get("message") or "")
            if status["status"] == "unknown":
                return None
            self._sleep(delay)
            delay = min(delay * 2, 5.0)
        raise ApiProblem(
            202,
            "command_pending",
            f"已受理，尚未记录 / accepted, not yet recorded: {pending.get('case_id', '')} "
            f"(status: {self.base_url}{location})",
        )


def _unknown(problem: ApiProblem) -> ApiProblem:
    return ApiProblem(
        problem.status,
        "outcome_unknown",
        "结果未知：请稍后用同一操作查询，勿重复提交 / outcome unknown: the command may have "
        f"been taken; check the case before sending it again ({problem.code}: {problem.message})",
    )
