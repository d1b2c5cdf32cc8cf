"""A case's working-day calendar: loaded at each run's start, brought by commands, rechecked
by waking cases, so a holiday notice the bureau loads applies to the next clock every case computes.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.contracts import (
        LOAD_HOLIDAY_NOTICES,
        HolidayNoticesRequest,
    )
    from domain.calendar import HolidayNotice, WorkingDayCalendar
    from workflows.contracts import (
        REFRESH_CALENDAR_SIGNAL,
    )

from workflows.case_record import CaseRecord

# How often a waking case asks its worker whether the bureau loaded new holiday notices (commands
# bring the sender's notices with them; this covers cases that only wait for their clocks).
CALENDAR_RECHECK = timedelta(hours=6)


class CaseCalendar(CaseRecord):
    """The calendar a case decides with, and how it learns a new notice."""

    async def _load_calendar(self) -> None:
        notices = await self._ask_worker_for_notices()
        if not self._calendar_loaded:  # a command may have brought notices already
            self._calendar = WorkingDayCalendar(notices)
            self._calendar_loaded = True

    async def _ask_worker_for_notices(self) -> list[HolidayNotice]:
        notices: list[HolidayNotice] = await workflow.execute_local_activity(
            LOAD_HOLIDAY_NOTICES,
            HolidayNoticesRequest(),
            result_type=list[HolidayNotice],
            start_to_close_timeout=timedelta(seconds=10),
        )
        self._calendar_checked_at = workflow.now()
        return notices

    async def _recheck_calendar(self) -> None:
        checked = self._calendar_checked_at
        if not self._calendar_refresh and checked and workflow.now() - checked < CALENDAR_RECHECK:
            return
        self._calendar_refresh = False
        self._adopt_calendar(await self._ask_worker_for_notices())

    def _adopt_calendar(self, notices: list[HolidayNotice] | None) -> None:
        """Take the bureau's current holiday notices; later clocks are computed with them."""
        if notices is None or tuple(notices) == self._calendar.notices:
            self._calendar_loaded = True
            return
        before = [n.year for n in self._calendar.notices]
        self._calendar = WorkingDayCalendar(notices)
        self._calendar_loaded = True
        workflow.logger.info(
            "holiday notices changed",
            extra={"case_id": self._case_id, "before": before, "after": [n.year for n in notices]},
        )

    def _calendar_of(self, notices: list[HolidayNotice] | None) -> WorkingDayCalendar:
        """The calendar a request will be decided with (without adopting it yet)."""
        if notices is None or tuple(notices) == self._calendar.notices:
            return self._calendar
        return WorkingDayCalendar(notices)

    @workflow.signal(name=REFRESH_CALENDAR_SIGNAL)
    def refresh_calendar(self) -> None:
        """Ask the case to reload the holiday notices now (after the bureau loaded one)."""
        self._calendar_refresh = True
