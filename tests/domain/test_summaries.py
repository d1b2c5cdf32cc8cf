"""Event summaries for staff: Chinese, from the catalogue, never personal data."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.summaries import local_time, summary


def test_a_clock_event_names_the_clock_and_its_rung_in_chinese() -> None:
    assert (
        summary("ClockEscalated", {"clock": "stay_limit", "rung": 2})
        == "在站期限：逾期(L2，区局督办)"
    )
    assert (
        summary("ClockEscalated", {"clock": "service:S1", "rung": 1}) == "一人一策服务 S1：到期(L1)"
    )
    started = {"clock": {"spec": {"name": "whole_process"}, "due_at": "2026-12-01T15:59:59+00:00"}}
    assert summary("ClockStarted", started) == "审核确认全流程 到期 2026-12-01 23:59"
    assert summary("ClockStopped", {"clock": "plan_approval", "reason": "approved"}) == (
        "一人一策审批 停止"
    )


def test_fields_and_their_values_are_shown_by_their_labels() -> None:
    assert summary("PersonReported", {"source": "grid_patrol", "location": "x"}) == (
        "来源：网格巡查"
    )
    assert summary("InspectionConcluded", {"result": "basic_pass", "year": 2025}) == (
        "结论：基本合格；年度：2025"
    )
    assert summary("AttemptRefused", {"command": "ApproveIndividualPlan", "code": "four_eyes"}) == (
        "审批一人一策方案：审核人不得审批本人拟定或参与的事项（双人审核）"
    )


def test_no_personal_data_reaches_a_summary() -> None:
    intake = {
        "information": "provided",
        "person": {"name": "刘某", "id_number": "310115198001011234", "sex": "male"},
    }
    text = summary("IntakeRegistered", intake)
    assert "刘某" not in text and "3101151980" not in text
    handed = {"collector": {"name": "张三", "id_number": "310115198001011234"}, "at_risk": True}
    assert "张三" not in summary("HandedOverToFamily", handed)


def test_times_are_shanghai_times() -> None:
    assert local_time(datetime(2026, 1, 1, 16, 30, tzinfo=UTC)) == "2026-01-02 00:30"
