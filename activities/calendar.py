"""Loads the State Council holiday notices the bureau has added for years the library lacks."""

from __future__ import annotations

from pathlib import Path

from temporalio import activity

from activities.contracts import LOAD_HOLIDAY_NOTICES, HolidayNoticesRequest
from domain.calendar import HolidayNotice

PACKAGED_NOTICES = Path(__file__).resolve().parent.parent / "casework" / "holiday_notices"


def read_notices(*folders: Path | None) -> list[HolidayNotice]:
    """Every `*.json` notice in the folders; a later folder's notice for a year wins."""
    by_year: dict[int, HolidayNotice] = {}
    for folder in folders:
        if folder is None or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            notice = HolidayNotice.model_validate_json(path.read_text(encoding="utf-8"))
            by_year[notice.year] = notice
    return [by_year[year] for year in sorted(by_year)]


class CalendarActivities:
    def __init__(self, notices_dir: Path | None) -> None:
        self._notices_dir = notices_dir

    @activity.defn(name=LOAD_HOLIDAY_NOTICES)
    async def holiday_notices(self, request: HolidayNoticesRequest) -> list[HolidayNotice]:
        """Read at each run's start, so the result is in history and replay stays deterministic."""
        return read_notices(PACKAGED_NOTICES, self._notices_dir)
