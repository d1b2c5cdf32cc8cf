"""Statutory clocks: a deadline attached to a stage, with pause, extension and an escalation ladder.

A clock is computed once, when it starts (or is resumed or extended), and stores every rung's
instant and the calendar basis it was computed on. Later decisions read those instants, so
replaying a case never depends on a calendar that has since learned a new year.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from domain.calendar import WorkingDayCalendar, end_of_day, local_date, on_fallback
from domain.catalogue import clock_label, rung_label
from domain.periods import add_months, last_day


class ClockUnit(StrEnum):
    HOURS = "hours"
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    FIXED_DATE = "fixed_date"  # e.g. 31 March: `amount` is month * 100 + day
    MONTHS = "months"  # 民法典 Art 202: ends on the corresponding day of the last month
    YEARS = "years"


# Units counted in whole days, months or years: their periods end where the law ends them.
COUNTED_PERIODS = frozenset({ClockUnit.CALENDAR_DAYS, ClockUnit.MONTHS, ClockUnit.YEARS})


class ClockRules(IntEnum):
    """How a clock's due instant was computed; stored in every clock, so replay never changes.

    EXACT_INSTANTS: clocks computed before periods ended where the law ends them (a day period
    ran N x 24 h from the starting instant); clocks stored without the field are of this kind.
    STATUTORY_PERIODS: 民事诉讼法 Art 85 (see domain/periods.py): the start day is not counted,
    the period ends at 24:00 of its last day, moved past rest days where the spec says so.
    """

    EXACT_INSTANTS = 1
    STATUTORY_PERIODS = 2


CURRENT_RULES = ClockRules.STATUTORY_PERIODS


class Rung(IntEnum):
    """The escalation ladder; the value is the escalation level a rung puts a case on."""

    NONE = -1
    REMINDER = 0  # before due, to the assignee
    L1_DUE = 1  # assignee and team lead
    L2_OVERDUE = 2  # district supervisor
    L3_LEADERSHIP = 3  # bureau leadership


# The rungs' Chinese names: a view of the catalogue.
RUNG_LABELS_ZH = {rung: rung_label(rung.value) for rung in Rung}


class LadderPolicy(BaseModel):
    """When each rung fires; every number is *policy* (DOMAIN.md, shared concepts)."""

    model_config = ConfigDict(frozen=True)

    # policy: the reminder fires at 2/3 of the duration (kept as integers: no floats in the ledger)
    reminder_numerator: int = Field(default=2, ge=1)
    reminder_denominator: int = Field(default=3, ge=2)
    l2_after_working_days: int = Field(default=1, ge=0)  # policy: 1 working day after due
    l3_after_working_days: int = Field(default=5, ge=0)  # policy: 5 working days after due
    # policy override: the reminder at the start of the day this many calendar days before the
    # due day instead of at the fraction (annual reports: 24 May for 31 May); never before start.
    reminder_days_before: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _rungs_in_order(self) -> LadderPolicy:
        if self.reminder_numerator >= self.reminder_denominator:
            raise ValueError("the reminder must come before the due time")
        if not 1 <= self.l2_after_working_days < self.l3_after_working_days:
            raise ValueError("L2 must come at least a working day after due, and L3 after L2")
        return self


DEFAULT_LADDER = LadderPolicy()


class ClockSpec(BaseModel):
    """What a clock is: its duration, its unit, the rule it carries out, its ladder."""

    model_config = ConfigDict(frozen=True)

    name: str
    # Stored with the spec in every clock event; new specs take it from the catalogue.
    label_zh: str = ""
    unit: ClockUnit
    amount: int = Field(gt=0)
    rule: str  # the source of the number, e.g. "民发〔2021〕57号 Art 15"
    ladder: LadderPolicy = DEFAULT_LADDER
    # The statute's start event, e.g. "entry (入站登记)"; empty on clocks stored before it.
    starts: str = ""
    # 民事诉讼法 Art 85 ¶3: a last day on a rest day moves to the next working day. False for
    # durations that are not a time to act (a person's stay, a fixed display); days/months/years.
    holiday_rollover: bool = True

    @model_validator(mode="before")
    @classmethod
    def _label_from_catalogue(cls, data: Any) -> Any:
        if (
            isinstance(data, dict)
            and not data.get("label_zh")
            and isinstance(data.get("name"), str)
        ):
            return {**data, "label_zh": clock_label(data["name"])}
        return data

    @model_validator(mode="after")
    def _fixed_date_exists(self) -> ClockSpec:
        if self.unit is ClockUnit.FIXED_DATE:
            month, day = divmod(self.amount, 100)
            try:
                date(2023, month, day)  # a common year: the date must exist every year
            except ValueError:
                raise ValueError(
                    f"{self.amount} is not a month*100+day that exists every year"
                ) from None
        return self


class Counting(BaseModel):
    """How a due instant was counted: `amount` units of `unit` from `start`, then each
    extension granted since (in the clock's extension unit), so it can be counted again."""

    model_config = ConfigDict(frozen=True)

    unit: ClockUnit
    amount: int
    start: datetime
    extended_by: tuple[int, ...] = ()


class Clock(BaseModel):
    """A running (or paused) clock with every rung's instant computed in advance."""

    model_config = ConfigDict(frozen=True)

    spec: ClockSpec
    started_at: datetime
    due_at: datetime
    basis: str
    rungs: dict[Rung, datetime]
    reached: Rung = Rung.NONE
    paused_at: datetime | None = None
    remaining: int | None = None  # while paused: working days, calendar days of a counted
    # period under STATUTORY_PERIODS, or seconds for other units
    extensions: int = 0
    rules: ClockRules = ClockRules.EXACT_INSTANTS
    # How the due instant was last counted (unit, amount, from): what a recomputation with a
    # newer calendar counts again. None on clocks stored before it, and on timers.
    counted: Counting | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def due_on(self) -> date:
        """The last day the deadline covers, in Asia/Shanghai (due at 24:00 of it)."""
        return local_date(self.due_at - timedelta(microseconds=1))

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def on_fallback(self) -> bool:
        """Counted on the Monday-Friday fallback for some year (recompute once it is known)."""
        return on_fallback(self.basis)

    @property
    def running(self) -> bool:
        return self.paused_at is None

    def next_rung(self) -> tuple[Rung, datetime] | None:
        """The first rung not yet reached, and when it fires; None when paused or at the top."""
        if not self.running:
            return None
        for rung in sorted(self.rungs):
            if rung > self.reached:
                return rung, self.rungs[rung]
        return None

    def rungs_due(self, now: datetime) -> list[Rung]:
        """Every rung not yet reached whose instant has come, lowest first."""
        if not self.running:
            return []
        return [r for r in sorted(self.rungs) if r > self.reached and self.rungs[r] <= now]


def _due_at(
    spec: ClockSpec,
    unit: ClockUnit,
    amount: int,
    start: datetime,
    calendar: WorkingDayCalendar,
    rules: ClockRules,
) -> datetime:
    match unit:
        case ClockUnit.HOURS:
            return start + timedelta(hours=amount)
        case ClockUnit.WORKING_DAYS:
            return end_of_day(calendar.add_working_days(local_date(start), amount))
        case ClockUnit.FIXED_DATE:
            month, day = divmod(amount, 100)
            today = local_date(start)
            year = today.year if (today.month, today.day) <= (month, day) else today.year + 1
            return end_of_day(today.replace(year=year, month=month, day=day))
    months = {ClockUnit.MONTHS: amount, ClockUnit.YEARS: 12 * amount}.get(unit, 0)
    days = amount if unit is ClockUnit.CALENDAR_DAYS else 0
    first = local_date(start)
    if rules is ClockRules.EXACT_INSTANTS:
        # As clocks were computed before STATUTORY_PERIODS: N x 24 h from the instant.
        return start + timedelta(days=(add_months(first, months) - first).days + days)
    rollover = spec.holiday_rollover
    return end_of_day(last_day(first, days, months, calendar=calendar, rollover=rollover))


def _ladder(
    spec: ClockSpec, started_at: datetime, due_at: datetime, calendar: WorkingDayCalendar
) -> dict[Rung, datetime]:
    due_day = local_date(due_at - timedelta(microseconds=1))  # the last day the deadline covers
    policy = spec.ladder
    if policy.reminder_days_before is not None:
        # at the start of the day N calendar days before the last day the deadline covers
        before = end_of_day(due_day - timedelta(days=policy.reminder_days_before + 1))
        reminder = max(started_at, before)
    else:
        reminder = (
            started_at
            + (due_at - started_at) * policy.reminder_numerator / policy.reminder_denominator
        )
    return {
        Rung.REMINDER: reminder,
        Rung.L1_DUE: due_at,
        Rung.L2_OVERDUE: end_of_day(
            calendar.add_working_days(due_day, policy.l2_after_working_days)
        ),
        Rung.L3_LEADERSHIP: end_of_day(
            calendar.add_working_days(due_day, policy.l3_after_working_days)
        ),
    }


def _basis(start: datetime, rungs: dict[Rung, datetime], calendar: WorkingDayCalendar) -> str:
    return calendar.basis_between(local_date(start), local_date(rungs[Rung.L3_LEADERSHIP]))


def start_clock(
    spec: ClockSpec,
    started_at: datetime,
    calendar: WorkingDayCalendar,
    rules: ClockRules = CURRENT_RULES,
) -> Clock:
    """Start a clock: compute its due instant, its ladder and the basis of both."""
    due_at = _due_at(spec, spec.unit, spec.amount, started_at, calendar, rules)
    rungs = _ladder(spec, started_at, due_at, calendar)
    return Clock(
        spec=spec,
        started_at=started_at,
        due_at=due_at,
        rungs=rungs,
        basis=_basis(started_at, rungs, calendar),
        rules=rules,
        counted=Counting(unit=spec.unit, amount=spec.amount, start=started_at),
    )


def _counts_days(clock: Clock) -> bool:
    """Whether a paused clock keeps calendar days left (a counted period under the law)."""
    return clock.rules is ClockRules.STATUTORY_PERIODS and clock.spec.unit in COUNTED_PERIODS


def pause_clock(clock: Clock, at: datetime, calendar: WorkingDayCalendar) -> Clock:
    """Stop a clock's time (e.g. waiting for the applicant's missing papers)."""
    if not clock.running:
        return clock  # already paused: its remaining time stays as it was
    if clock.spec.unit is ClockUnit.WORKING_DAYS:
        remaining = calendar.working_days_after(local_date(at), clock.due_on)
    elif _counts_days(clock):
        remaining = max(0, (clock.due_on - local_date(at)).days)
    else:
        remaining = max(0, int((clock.due_at - at).total_seconds()))
    return clock.model_copy(update={"paused_at": at, "remaining": remaining})


def resume_clock(clock: Clock, at: datetime, calendar: WorkingDayCalendar) -> Clock:
    """Restart a paused clock with the time it had left when it was paused."""
    if clock.paused_at is None or clock.remaining is None:
        return clock
    if clock.spec.unit is ClockUnit.WORKING_DAYS:
        counted = Counting(unit=ClockUnit.WORKING_DAYS, amount=clock.remaining, start=at)
    elif _counts_days(clock):
        counted = Counting(unit=ClockUnit.CALENDAR_DAYS, amount=clock.remaining, start=at)
    else:
        counted = None
    if counted is None:
        due_at = at + timedelta(seconds=clock.remaining)
    else:
        due_at = _recount(clock, counted, calendar)
    rungs = _ladder(clock.spec, clock.started_at, due_at, calendar)
    return clock.model_copy(
        update={
            "due_at": due_at,
            "rungs": rungs,
            "paused_at": None,
            "remaining": None,
            "basis": _basis(clock.started_at, rungs, calendar),
            "counted": counted,
        }
    )


def _recount(clock: Clock, counted: Counting, calendar: WorkingDayCalendar) -> datetime:
    due_at = _due_at(clock.spec, counted.unit, counted.amount, counted.start, calendar, clock.rules)
    for by in counted.extended_by:
        due_at = _extended_due(clock, due_at, by, calendar)
    return due_at


def _extended_due(
    clock: Clock, due_at: datetime, by: int, calendar: WorkingDayCalendar
) -> datetime:
    """The due instant `by` units of the clock's extension unit after `due_at`."""
    unit = clock.spec.unit
    if unit in (ClockUnit.FIXED_DATE, ClockUnit.MONTHS, ClockUnit.YEARS):
        unit = ClockUnit.CALENDAR_DAYS  # extended by calendar days
    base = due_at
    by_days = unit is ClockUnit.CALENDAR_DAYS and clock.rules is ClockRules.STATUTORY_PERIODS
    if unit is ClockUnit.WORKING_DAYS or by_days:
        base = due_at - timedelta(microseconds=1)  # count from the last covered day
    return _due_at(clock.spec, unit, by, base, calendar, clock.rules)


def extend_clock(clock: Clock, by: int, at: datetime, calendar: WorkingDayCalendar) -> Clock:
    """Move a clock's due instant later by `by` units of its own kind (延期).

    Rungs the new ladder puts in the past count as reached, so an extension never fires a
    reminder for time that has already gone by. Months, years and fixed dates are extended by
    calendar days, counted from the last day the deadline covered.
    """
    due_at = _extended_due(clock, clock.due_at, by, calendar)
    rungs = _ladder(clock.spec, clock.started_at, due_at, calendar)
    counted = clock.counted
    if not clock.running and clock.remaining is not None:
        # While paused, the time left is what counts on resume: it grows by the extension.
        extra = (
            by
            if clock.spec.unit is ClockUnit.WORKING_DAYS or _counts_days(clock)
            else int((due_at - clock.due_at).total_seconds())
        )
        return clock.model_copy(
            update={
                "due_at": due_at,
                "rungs": rungs,
                "remaining": clock.remaining + extra,
                "extensions": clock.extensions + 1,
                "basis": _basis(clock.started_at, rungs, calendar),
            }  # the count is redone on resume, from the time left then
        )
    if counted is not None:
        counted = counted.model_copy(update={"extended_by": (*counted.extended_by, by)})
    passed = [r for r in sorted(rungs) if rungs[r] <= at]
    return clock.model_copy(
        update={
            "due_at": due_at,
            "rungs": rungs,
            "reached": passed[-1] if passed else Rung.NONE,
            "extensions": clock.extensions + 1,
            "basis": _basis(clock.started_at, rungs, calendar),
            "counted": counted,
        }
    )


def recompute_clock(clock: Clock, calendar: WorkingDayCalendar) -> Clock | None:
    """The clock counted again with `calendar` (e.g. one that learned a year's holiday notice).

    Only its due instant, ladder and basis change; rungs already reached stay reached (they
    happened), and a rung the new ladder puts in the past fires at the case's next alarm.
    A clock stored before its count was kept is counted again from its start only when that
    start is provably where its due came from (counted with the calendar it was counted on,
    it gives the same due); otherwise its due stays and only its ladder is counted again.
    None for a paused clock (it is counted on resume) and for a timer (a fixed moment).
    """
    if not clock.running or clock.basis == TIMER_BASIS:
        return None
    counted = clock.counted
    if counted is None:
        from_start = Counting(
            unit=clock.spec.unit, amount=clock.spec.amount, start=clock.started_at
        )
        if _recount(clock, from_start, _calendar_it_was_counted_on(clock, calendar)) == (
            clock.due_at
        ):
            counted = from_start
    due_at = clock.due_at if counted is None else _recount(clock, counted, calendar)
    rungs = _ladder(clock.spec, clock.started_at, due_at, calendar)
    return clock.model_copy(
        update={
            "due_at": due_at,
            "rungs": rungs,
            "basis": _basis(clock.started_at, rungs, calendar),
            "counted": counted,
        }
    )


def _calendar_it_was_counted_on(clock: Clock, calendar: WorkingDayCalendar) -> WorkingDayCalendar:
    """`calendar` without the notices of the years the clock's basis counted on the fallback."""
    guessed = {
        int(part.split(":", 1)[0])
        for part in clock.basis.split("; ")
        if on_fallback(part) and part.split(":", 1)[0].isdigit()
    }
    return WorkingDayCalendar(n for n in calendar.notices if n.year not in guessed)


TIMER_BASIS = "fixed instant (timer)"
