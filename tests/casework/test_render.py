"""What the CLI prints for staff reads in Chinese: states by their labels, clocks in a line."""

from __future__ import annotations

from datetime import UTC, datetime

from casework import render
from domain.actors import Actor, Role
from domain.calendar import WorkingDayCalendar
from domain.messages import DecisionContext
from domain.rescue import RESCUE


def test_a_state_is_shown_by_its_labels_with_clocks_in_one_line_each() -> None:
    ctx = DecisionContext(
        datetime(2026, 11, 30, 2, 0, tzinfo=UTC),
        Actor(user_id="op-zhang", role=Role.OPERATOR, unit="浦东新区救助管理站"),
        WorkingDayCalendar(),
    )
    state = RESCUE.initial("RSC-2026-000001")
    for raw in (
        {"type": "ReportPerson", "source": "grid_patrol", "unit": "站", "location": "x"},
        {"type": "RegisterIntake", "information": "unable", "person": {"sex": "male", "age": 72}},
    ):
        for event in RESCUE.decide(state, RESCUE.parse_command(raw), ctx):
            state = RESCUE.evolve(state, event)
    lines = render._state_lines("rescue", state.model_dump(mode="json"), 0)
    assert "阶段：入站登记" in lines and "来源：网格巡查" in lines
    # 2 working days from Monday 30 November: until 24:00 of 2 December (never "3 Dec 00:00")
    assert "  一人一策审批：2026-12-02 24:00 到期，未到提醒" in lines
    assert not any(word in "\n".join(lines) for word in ("grid_patrol", "stage", "clocks", "True"))
