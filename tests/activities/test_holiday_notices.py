"""The bureau's holiday notices: read from data files, the bureau's copy winning."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from activities.calendar import read_notices
from domain.calendar import WorkingDayCalendar


def _write(folder: Path, source: str, holidays: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # Invented test data, not the real 2027 notice.
    notice = {
        "year": 2027,
        "source": source,
        "holidays": holidays,
        "makeup_workdays": ["2027-01-30"],
    }
    (folder / "2027.json").write_text(json.dumps(notice), encoding="utf-8")


def test_a_later_folder_overrides_an_earlier_one_for_the_same_year(tmp_path: Path) -> None:
    _write(tmp_path / "packaged", "packaged copy", ["2027-01-01"])
    _write(tmp_path / "bureau", "bureau copy", ["2027-01-01", "2027-02-08"])

    (notice,) = read_notices(tmp_path / "packaged", tmp_path / "bureau", None)
    calendar = WorkingDayCalendar([notice])

    assert notice.source == "bureau copy"
    assert not calendar.is_working_day(date(2027, 2, 8))  # a Monday, off by the notice
    assert calendar.is_working_day(date(2027, 1, 30))  # a Saturday, a make-up working day
    assert calendar.basis(2027) == "notice bureau copy"


def test_missing_folders_give_no_notices(tmp_path: Path) -> None:
    assert read_notices(tmp_path / "absent", None) == []
