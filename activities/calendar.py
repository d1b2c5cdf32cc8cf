"""Loads the State Council holiday notices the bureau has added for years the library lacks.

A notice file that cannot be read or is not a valid notice is refused with an error naming the
file, and the others load as usual: one bad file never stops a case's clocks. A change in the
set of notices (a year added, a notice replaced) is logged when a worker first sees it.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from temporalio import activity

from activities.contracts import LOAD_HOLIDAY_NOTICES, HolidayNoticesRequest
from domain.calendar import HolidayNotice

PACKAGED_NOTICES = Path(__file__).resolve().parent.parent / "casework" / "holiday_notices"

log = logging.getLogger("casework.calendar")


@dataclass(frozen=True)
class RefusedNotice:
    """A notice file that was not loaded, and why (for logs and `casework notices check`)."""

    path: Path
    reason: str


@dataclass
class NoticeSet:
    notices: list[HolidayNotice] = field(default_factory=list)
    refused: list[RefusedNotice] = field(default_factory=list)
    sources: dict[int, Path] = field(default_factory=dict)  # year → the file its notice is from

    @property
    def fingerprint(self) -> str:
        """A digest of the notices loaded: equal digests mean the same calendar."""
        text = "\n".join(n.model_dump_json() for n in self.notices)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def read_notice(path: Path) -> HolidayNotice:
    """One notice file, or ValueError naming the file and what is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as unreadable:
        raise ValueError(f"{path}: cannot be read ({unreadable})") from None
    try:
        return HolidayNotice.model_validate_json(text)
    except ValidationError as invalid:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}"
            for e in invalid.errors(include_url=False)
        )
        raise ValueError(f"{path}: not a valid holiday notice ({problems})") from None


def load_notices(*folders: Path | None) -> NoticeSet:
    """Every valid `*.json` notice in the folders (a later folder's notice for a year wins),
    and every file refused, with the reason."""
    loaded = NoticeSet()
    by_year: dict[int, HolidayNotice] = {}
    for folder in folders:
        if folder is None or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            try:
                notice = read_notice(path)
            except ValueError as refused:
                loaded.refused.append(RefusedNotice(path, str(refused)))
                continue
            earlier = loaded.sources.get(notice.year)
            if earlier is not None and earlier.parent == path.parent:
                loaded.refused.append(
                    RefusedNotice(earlier, f"{earlier}: replaced by {path.name} for {notice.year}")
                )
            by_year[notice.year] = notice
            loaded.sources[notice.year] = path
    loaded.notices = [by_year[year] for year in sorted(by_year)]
    return loaded


def read_notices(*folders: Path | None) -> list[HolidayNotice]:
    """Every valid notice in the folders; refused files are logged and left out."""
    loaded = load_notices(*folders)
    for refused in loaded.refused:
        log.error("holiday notice refused: %s", refused.reason, extra={"file": str(refused.path)})
    return loaded.notices


class CalendarActivities:
    def __init__(self, notices_dir: Path | None) -> None:
        self._notices_dir = notices_dir
        self._fingerprint: str | None = None

    @activity.defn(name=LOAD_HOLIDAY_NOTICES)
    async def holiday_notices(self, request: HolidayNoticesRequest) -> list[HolidayNotice]:
        """Read at each run's start, so the result is in history and replay stays deterministic."""
        loaded = load_notices(PACKAGED_NOTICES, self._notices_dir)
        for refused in loaded.refused:
            log.error(
                "holiday notice refused: %s", refused.reason, extra={"file": str(refused.path)}
            )
        if loaded.fingerprint != self._fingerprint:
            log.info(
                "holiday notices %s: %s (set %s)",
                "loaded" if self._fingerprint is None else "changed",
                ", ".join(f"{n.year} {n.source}" for n in loaded.notices) or "none",
                loaded.fingerprint,
                extra={"years": [n.year for n in loaded.notices]},
            )
            self._fingerprint = loaded.fingerprint
        return loaded.notices
