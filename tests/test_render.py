"""How staff read a deadline: 24:00 of its last day, never 00:00 of the next; its calendar."""

from __future__ import annotations

from domain.summaries import basis_label, deadline_time, summary


def test_a_deadline_at_shanghai_midnight_reads_as_24_00_of_its_last_day() -> None:
    assert deadline_time("2026-03-13T00:00:00+08:00") == "2026-03-12 24:00"
    assert deadline_time("2026-03-12T16:00:00+00:00") == "2026-03-12 24:00"  # same, in UTC
    assert deadline_time("2026-03-12T10:30:00+08:00") == "2026-03-12 10:30"  # hours: exact
    assert deadline_time(None) == ""


def test_a_recomputed_clock_reads_from_its_old_last_day_to_its_new_one() -> None:
    payload = {
        "clock": {"spec": {"name": "whole_process"}, "due_at": "2027-02-04T00:00:00+08:00"},
        "old_due_on": "2027-02-01",
        "new_due_on": "2027-02-03",
        "new_basis": "2027: notice 国办发明电〔2026〕N号",
    }
    line = summary("ClockRecomputed", payload)
    assert "2027-02-01 → 2027-02-03" in line and "国办发明电" in line


def test_a_basis_reads_in_chinese_year_by_year() -> None:
    basis = (
        "2026: chinese-calendar 1.11.0; 2027: weekdays-only fallback (no holiday notice for 2027)"
    )
    assert basis_label(basis) == "2026年：法定节假日日历；2027年：无节假日通知，按周一至周五推定"
    assert (
        basis_label("2027: notice 国办发明电〔2026〕N号")
        == "2027年：节假日通知 国办发明电〔2026〕N号"
    )
