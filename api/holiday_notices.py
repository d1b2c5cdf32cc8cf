"""The bureau's holiday notices as the API knows them: sent with every command, so a case adopts
a notice loaded while it is open before it computes its next clock (docs/time-model.md)."""

from __future__ import annotations

from pathlib import Path

from activities.calendar import PACKAGED_NOTICES, read_notices
from domain.calendar import HolidayNotice


class BureauNotices:
    """The notice files of the packaged folder and the bureau's, re-read when one changes."""

    def __init__(self, folder: Path | None) -> None:
        self._folders = (PACKAGED_NOTICES, folder)
        self._stamp: tuple[tuple[str, int, int], ...] | None = None
        self._notices: list[HolidayNotice] = []

    def current(self) -> list[HolidayNotice]:
        stamp = tuple(
            (str(path), stat.st_mtime_ns, stat.st_size)
            for folder in self._folders
            if folder is not None and folder.is_dir()
            for path in sorted(folder.glob("*.json"))
            if (stat := path.stat())
        )
        if stamp != self._stamp:
            self._notices, self._stamp = read_notices(*self._folders), stamp
        return self._notices
