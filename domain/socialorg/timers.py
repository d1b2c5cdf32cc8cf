"""One-shot timers: clocks that fire once at a set instant and carry no escalation ladder.

The yearly cycle needs moments, not deadlines: 1 January opens the next inspection year, a
reminder goes out 30 days before a due date, a grade expires. A timer is a `Clock` whose only
rung is L1 at that instant, so the runtime wakes the case then; the decider answers its
`EscalateClock` with what the moment means and stops the timer in the same breath, so a timer
never raises a case's escalation level.
"""

from __future__ import annotations

from datetime import date, datetime, time

from domain.calendar import SHANGHAI
from domain.clocks import TIMER_BASIS, Clock, ClockSpec, ClockUnit, Rung

NEXT_CYCLE = "next_cycle"  # 1 January: the next inspection year opens
SPONSOR_REPORT_NOTICE = "sponsor_report_notice"  # policy: 30 days before 31 March
AUTHORITY_REPORT_NOTICE = "authority_report_notice"  # policy: 30 days before the authority date
FIRST_ACTIVITY = "first_activity"  # 社团条例 Art 29: no activity 1 year after registration
ABNORMAL_TO_SERIOUS = "abnormal_to_serious"  # 2 years on the abnormal-activity list
GRADE_NOTICE = "grade_notice"  # the proposed grade's public notice ends
GRADE_EXPIRY = "grade_expiry"  # the grade's 5 years run out

TIMERS = frozenset(
    {
        NEXT_CYCLE,
        SPONSOR_REPORT_NOTICE,
        AUTHORITY_REPORT_NOTICE,
        FIRST_ACTIVITY,
        ABNORMAL_TO_SERIOUS,
        GRADE_NOTICE,
        GRADE_EXPIRY,
    }
)


# The event each timer counts from (DOMAIN.md §3), beside the moment it fires.
STARTS = {
    NEXT_CYCLE: "registration, then each 1 January (fires on the next 1 January)",
    SPONSOR_REPORT_NOTICE: "1 January (fires 30 days before the sponsor's due date)",
    AUTHORITY_REPORT_NOTICE: "1 January (fires 30 days before the authority's due date)",
    FIRST_ACTIVITY: "registration (社团条例 Art 29: fires when its first year has passed)",
    ABNORMAL_TO_SERIOUS: "listing on the abnormal-activity list (fires after 2 years)",
    GRADE_NOTICE: "the proposed grade's publication (fires after 7 days)",
    GRADE_EXPIRY: "the grade's award (fires when its 5 years run out)",
}


def start_of_day(day: date) -> datetime:
    """The instant a Shanghai day begins."""
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def timer(name: str, rule: str, started_at: datetime, fires_at: datetime) -> Clock:
    """A timer that fires once at `fires_at` (never before `started_at`)."""
    fires_at = max(fires_at, started_at)
    days = max(1, (fires_at - started_at).days)
    spec = ClockSpec(
        name=name,
        unit=ClockUnit.CALENDAR_DAYS,
        amount=days,
        rule=rule,
        starts=STARTS[name],
    )
    return Clock(
        spec=spec,
        started_at=started_at,
        due_at=fires_at,
        basis=TIMER_BASIS,
        rungs={Rung.L1_DUE: fires_at},
    )
