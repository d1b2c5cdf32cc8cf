"""How the CLI writes a deadline for staff: 24:00 of its last day, never 00:00 of the next."""

from __future__ import annotations

from casework.render import due, summary


def test_a_deadline_at_shanghai_midnight_reads_as_24_00_of_its_last_day() -> None:
    assert due("2026-03-13T00:00:00+08:00") == "2026-03-12 24:00"
    assert due("2026-03-12T16:00:00+00:00") == "2026-03-12 24:00"  # the same instant in UTC
    assert due("2026-03-12T10:30:00+08:00") == "2026-03-12 10:30"  # an hours clock: exact
    assert due(None) == ""


def test_a_recomputed_clock_reads_from_its_old_last_day_to_its_new_one() -> None:
    payload = {
        "clock": {"spec": {"label_zh": "审核确认全流程"}, "due_at": "2027-02-04T00:00:00+08:00"},
        "old_due_on": "2027-02-01",
        "new_due_on": "2027-02-03",
        "new_basis": "2027: notice 国办发明电〔2026〕N号",
    }
    line = summary("ClockRecomputed", payload)
    assert "2027-02-01 → 2027-02-03" in line and "国办发明电" in line
