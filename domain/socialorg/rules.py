"""Statutory, local and policy numbers of the social-organisation lifecycle, each once, with its
source (DOMAIN.md §3). Every [local] and policy value is a configurable default."""

from __future__ import annotations

from datetime import timedelta

from domain.clocks import ClockSpec, ClockUnit, LadderPolicy

# Every clock names the event it counts from (`starts`). Day periods end at 24:00 of their last
# day, the start day not counted, a last day on a rest day moving to the next working day
# (民事诉讼法 Art 85, applied to administrative deadlines; domain/periods.py) [law]. Fixed dates
# (31 March, 31 May) are the law's own dates and do not move.

# --- registration (登记) ----------------------------------------------------------------------
REGISTRATION_DECISION = ClockSpec(
    name="registration_decision",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=60,
    rule="社团条例 Art 12, 民非条例 Art 11, 基金会条例 Art 11: decision within 60 days of complete documents [law]",
    starts="the documents complete (申请材料齐全)",
)
# 社团条例 Art 29 (revocation when no activity for 1 year after registration) [law]
NO_ACTIVITY_AFTER_REGISTRATION_YEARS = 1

# --- the yearly inspection (年检 / 年报) -------------------------------------------------------
# Report to the sponsor unit by 31 March (社团 Art 28, 民非 Art 23) [law], month * 100 + day
SPONSOR_REPORT_DUE = 331
# Report to the registration authority by 31 May (社团 Art 28, 民非 Art 23) [law]
AUTHORITY_REPORT_DUE = 531
# Foundations report to the registration authority by 31 March (基金会条例 Art 36) [law]
FOUNDATION_REPORT_DUE = 331
# An organisation registered less than 6 months before 31 December skips that year [local]
NEW_ORGANISATION_GRACE_MONTHS = 6
# policy: reminders 30 and 7 days before each due date
EARLY_REMINDER_DAYS = 30
LAST_REMINDER_DAYS = 7
REPORT_LADDER = LadderPolicy(reminder_days_before=LAST_REMINDER_DAYS)
# policy: the rectification period a failed inspection gets unless the decider sets another
DEFAULT_RECTIFICATION_DAYS = 90
MAX_RECTIFICATION_DAYS = 365  # policy: the longest rectification period a decider may set

# --- lists and zombie organisations ------------------------------------------------------------
# 2 years on the abnormal-activity list → serious-dishonesty list (社会组织信用信息管理办法) [local]
ABNORMAL_TO_SERIOUS_YEARS = 2
# 2 consecutive years without inspection marks a zombie organisation (民发〔2021〕63号) [local]
ZOMBIE_MISSED_YEARS = 2

# --- grade evaluation (等级评估, 社会组织评估管理办法) [local] ---------------------------------
GRADE_ELIGIBLE_AFTER_YEARS = 2  # 2 full years after registration [local]
GRADE_VALID_YEARS = 5  # grades 1A-5A are valid 5 years [local]
GRADE_RENEWAL_WINDOW = timedelta(days=365)  # policy: re-evaluation in the grade's last year
PENALTY_BARS_GRADING_YEARS = 1  # a penalty this or last calendar year bars evaluation [local]
GRADE_NOTICE = timedelta(days=7)  # 公示 of the proposed grade [local]
GRADE_OBJECTION_RESULT = ClockSpec(
    name="grade_objection",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=15,
    rule="社会组织评估管理办法: an objection during the notice is answered within 15 days [local]",
    starts="the objection filed during the notice",
)

# --- change registration and deregistration ----------------------------------------------------
CHANGE_REGISTRATION = ClockSpec(
    name="change_registration",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=30,
    rule="社团条例 Art 18, 民非条例 Art 15: change registration within 30 days of the sponsor's "
    "approval [law]; foundations (基金会条例 Art 15 sets no period): policy, the same 30 days",
    starts="the sponsor unit approved the change (审查同意之日)",
)
DEREGISTRATION_APPLICATION = ClockSpec(
    name="deregistration_application",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=15,
    rule="社团条例 Art 21, 民非条例 Art 17, 基金会条例 Art 18: apply within 15 days after liquidation [law]",
    starts="the end of liquidation (清算结束之日)",
)


def report_deadline(name: str, month_day: int, rule: str) -> ClockSpec:
    """A fixed-date annual-report deadline with its last reminder 7 days before (policy)."""
    return ClockSpec(
        name=name,
        unit=ClockUnit.FIXED_DATE,
        amount=month_day,
        rule=rule,
        ladder=REPORT_LADDER,
        starts="1 January: the inspection year opens (the date itself is the law's)",
    )


def rectification(days: int, prefix: str, year: int) -> ClockSpec:
    """The rectification deadline a failed inspection of `year` sets (不合格, 责令整改)."""
    return ClockSpec(
        name=f"{prefix}{year}",
        unit=ClockUnit.CALENDAR_DAYS,
        amount=days,
        rule=f"inspection result 不合格: rectify within {days} days (policy default {DEFAULT_RECTIFICATION_DAYS})",
        starts="the failed inspection result recorded",
    )
