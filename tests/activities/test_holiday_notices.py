"""The bureau's holiday notices: read from data files, the bureau's copy winning."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from activities.calendar import CalendarActivities, load_notices, read_notices
from activities.contracts import HolidayNoticesRequest
from domain.calendar import HolidayNotice, WorkingDayCalendar


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


def _raw(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_malformed_notice_is_refused_by_name_and_the_others_still_load(tmp_path: Path) -> None:
    # given a bureau folder with a good 2027 notice, a broken file and an impossible notice
    _write(tmp_path / "bureau", "bureau copy", ["2027-01-01"])
    broken = _raw(tmp_path / "bureau", "2028.json", '{"year": 2028, "source": ')
    wrong = _raw(
        tmp_path / "bureau",
        "2029.json",
        json.dumps({"year": 2029, "source": "国办发明电", "holidays": ["2030-01-01"]}),
    )
    # when the notices are loaded
    loaded = load_notices(tmp_path / "bureau")
    # then the good one loads, and each bad file is refused with its name and what is wrong
    assert [n.year for n in loaded.notices] == [2027]
    reasons = {r.path: r.reason for r in loaded.refused}
    assert set(reasons) == {broken, wrong}
    assert str(broken) in reasons[broken] and "not a valid holiday notice" in reasons[broken]
    assert "dates outside 2029" in reasons[wrong]


def test_a_notice_with_a_weekday_make_up_day_or_a_day_both_off_and_worked_is_refused() -> None:
    with pytest.raises(ValidationError, match="weekend"):
        HolidayNotice(year=2027, source="test", holidays=(), makeup_workdays=(date(2027, 1, 4),))
    with pytest.raises(ValidationError, match="both off and worked"):
        HolidayNotice(
            year=2027,
            source="test",
            holidays=(date(2027, 1, 30),),
            makeup_workdays=(date(2027, 1, 30),),
        )


async def test_the_activity_logs_a_refused_file_and_a_changed_notice_set(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    activities = CalendarActivities(tmp_path / "bureau")
    caplog.set_level(logging.INFO, logger="casework.calendar")
    assert await activities.holiday_notices(HolidayNoticesRequest()) == []
    caplog.clear()
    # unchanged: nothing is logged again
    await activities.holiday_notices(HolidayNoticesRequest())
    assert not caplog.records
    # a notice added and a broken file: the change is logged, the broken file named
    _write(tmp_path / "bureau", "国办发明电〔2026〕N号", ["2027-01-01"])
    broken = _raw(tmp_path / "bureau", "2028.json", "not json")
    notices = await activities.holiday_notices(HolidayNoticesRequest())
    assert [n.year for n in notices] == [2027]
    messages = [r.getMessage() for r in caplog.records]
    assert any("changed" in m and "2027 国办发明电〔2026〕N号" in m for m in messages)
    assert any(
        str(broken) in m and r.levelno == logging.ERROR
        for m, r in zip(messages, caplog.records, strict=True)
    )
