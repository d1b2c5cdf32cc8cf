"""Statutory and policy numbers of social assistance (DOMAIN.md §2), each once, with its source.

[law] = in the statute's text; [local] = local practice or a local copy; *policy* = the bureau's
own default. Every [local] and policy value is a default the bureau may change here.
"""

from __future__ import annotations

from datetime import date

from domain.clocks import ClockSpec, ClockUnit

# Every clock names the event it counts from (`starts`). Day, month and year periods end at
# 24:00 of their last day, the start day not counted, and a last day on a rest day moves to
# the next working day (民事诉讼法 Art 85; 行政复议法 Art 88; domain/periods.py) [law].
from domain.relief.household import Paper, Programme

# --- money -----------------------------------------------------------------------------------

# 上海市城乡居民最低生活保障标准, 1510 元/人·月 from July 2024 [local]; a default, in fen.
DIBAO_LINE_FEN = 151_000
# 政策找人: a low-income monitoring alert when per-capita income is below 1.5× the 低保 line
# (DOMAIN.md §2.10) [local]; kept as a fraction so no float enters the ledger.
MONITORING_MULTIPLE = (3, 2)
# 社会救助暂行办法 Art 68: a fine of 1 to 3 times the amount obtained by fraud [law], in percent.
FRAUD_FINE_MIN_PERCENT = 100
FRAUD_FINE_MAX_PERCENT = 300

# --- who ---------------------------------------------------------------------------------------

ADULT_AGE = (
    18  # 未成年人保护法 Art 2; 特困 cases of minors are not publicised (民发〔2021〕43号) [local]
)

# --- papers (一次性告知: one notice lists everything missing) [local] --------------------------

REQUIRED_PAPERS: dict[Programme, frozenset[Paper]] = {
    Programme.DIBAO: frozenset(
        {Paper.ID_DOCUMENT, Paper.HOUSEHOLD_REGISTER, Paper.INCOME_PROOF, Paper.ASSET_DECLARATION}
    ),
    Programme.TEKUN: frozenset(
        {Paper.ID_DOCUMENT, Paper.HOUSEHOLD_REGISTER, Paper.INCAPACITY_PROOF}
    ),
    Programme.TEMPORARY: frozenset(
        {Paper.ID_DOCUMENT, Paper.HOUSEHOLD_REGISTER, Paper.HARDSHIP_PROOF}
    ),
}

# --- clocks ------------------------------------------------------------------------------------

WHOLE_PROCESS = ClockSpec(
    name="whole_process",
    unit=ClockUnit.WORKING_DAYS,
    amount=30,
    rule="最低生活保障审核确认办法 (民发〔2021〕57号): 30 working days from acceptance [local]",
    starts="acceptance (受理)",
)
# 45 working days in special cases, with a supervisor's approved extension [local].
WHOLE_PROCESS_EXTENSION_LIMIT = 15
TEKUN_INVESTIGATION = ClockSpec(
    name="tekun_investigation",
    unit=ClockUnit.WORKING_DAYS,
    amount=15,
    rule="特困人员认定办法 (民发〔2021〕43号): investigation within 15 working days [local]",
    starts="acceptance (受理)",
)
PUBLIC_NOTICE = ClockSpec(
    name="public_notice",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=7,
    rule="民发〔2021〕57号, 民发〔2021〕43号: public notice for 7 days [local]",
    starts="publication of the notice (公示)",
)
DECISION = ClockSpec(
    name="decision",
    unit=ClockUnit.WORKING_DAYS,
    amount=10,
    rule="民发〔2021〕57号 / 43号: decided within 10 working days after the notice [local]",
    starts="the end of the public notice",
)
REFUSAL_NOTICE = ClockSpec(
    name="refusal_notice",
    unit=ClockUnit.WORKING_DAYS,
    amount=3,
    rule="社会救助暂行办法 Art 11: refusal in writing with reasons [law]; 3 working days [local]",
    starts="the refusal decision",
)
REFUSAL_NOTICE_SERVICE = ClockSpec(
    name="refusal_notice_service",
    unit=ClockUnit.WORKING_DAYS,
    amount=10,
    rule="policy: proof that the sent refusal notice was served (送达回证, postal return "
    "receipt) within 10 working days of sending; the appeal period runs from service",
    starts="the refusal notice sent (by post or otherwise)",
)
VERIFICATION_REPLY = ClockSpec(
    name="verification_reply",
    unit=ClockUnit.WORKING_DAYS,
    amount=5,
    rule="policy: the verification centre's reply is overdue after 5 working days",
    starts="the verification request sent to the centre",
)
APPEAL_REVIEW = ClockSpec(
    name="appeal_review",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=60,
    rule="行政复议法 (2023) Art 62: decided within 60 days [law]",
    starts="the appeal filed (行政复议申请受理, Art 62)",
)
APPEAL_REVIEW_EXTENSION_LIMIT = 30  # 行政复议法 Art 62: extended by at most 30 days [law]
LEAD_VERIFICATION = ClockSpec(
    name="lead_verification",
    unit=ClockUnit.WORKING_DAYS,
    amount=10,
    rule="policy: a proactive-discovery lead is verified door to door within 10 working days",
    starts="the monitoring alert (lead opened)",
)
EMERGENCY_FOLLOW_UP = ClockSpec(
    name="emergency_follow_up",
    unit=ClockUnit.WORKING_DAYS,
    amount=10,
    rule="policy: after emergency help (急难, help first) papers and verification follow within 10 working days",
    starts="emergency help granted",
)

# Stages with no statutory clock still raise an alarm when nothing happens (*policy*).
ACCEPTANCE = ClockSpec(
    name="acceptance",
    unit=ClockUnit.WORKING_DAYS,
    amount=5,
    rule="policy: an application is accepted (or its papers listed) within 5 working days",
    starts="the application received",
)
EMERGENCY_GRANT = ClockSpec(
    name="emergency_grant",
    unit=ClockUnit.HOURS,
    amount=24,
    rule="policy: 急难 help is decided within 24 hours of acceptance",
    starts="acceptance (受理)",
)
CORRECTION = ClockSpec(
    name="correction",
    unit=ClockUnit.WORKING_DAYS,
    amount=10,
    rule="policy: a reopened case's correction is decided within 10 working days",
    starts="the case reopened for correction",
)

APPEAL_WINDOW_DAYS = 60  # 行政复议法 (2023) Art 20: 60 days from learning of the decision [law]
APPEAL_WINDOW_UNINFORMED_YEARS = 1  # Art 20: at most 1 year when not told of the right [law]
LAWSUIT_MONTHS = 6  # 行政诉讼法 Art 46: a lawsuit within 6 months [law]
# 社会救助暂行办法 Art 13: periodic review [law]; yearly for stable households, every 6 months
# for households with unstable income and members able to work [local].
PERIODIC_REVIEW_STABLE_MONTHS = 12
PERIODIC_REVIEW_UNSTABLE_MONTHS = 6


def appeal_window(start: date, informed: bool) -> ClockSpec:
    """The applicant's window to seek administrative review, from when they learned of it.

    行政复议法 Art 88 → 民事诉讼法 Art 85: the day they learned is not counted, the window ends
    at 24:00 of its last day, moved to the next working day when that is a rest day [law].
    `start` is kept for the signature older callers use; the clock starts when it is started.
    """
    if informed:
        return ClockSpec(
            name="appeal_window",
            unit=ClockUnit.CALENDAR_DAYS,
            amount=APPEAL_WINDOW_DAYS,
            rule="行政复议法 (2023) Art 20: 60 days from learning of the decision [law]",
            starts="the day the applicant learned of the decision (notice delivered)",
        )
    return ClockSpec(
        name="appeal_window",
        unit=ClockUnit.YEARS,
        amount=APPEAL_WINDOW_UNINFORMED_YEARS,
        rule="行政复议法 (2023) Art 20: at most 1 year when not told of the right [law]",
        starts="the day the applicant learned of the decision (notice delivered)",
    )


def periodic_review(start: date, unstable: bool) -> ClockSpec:
    months = PERIODIC_REVIEW_UNSTABLE_MONTHS if unstable else PERIODIC_REVIEW_STABLE_MONTHS
    return ClockSpec(
        name="periodic_review",
        unit=ClockUnit.MONTHS,
        amount=months,
        rule=f"社会救助暂行办法 Art 13 [law]: review every {months} months [local]",
        starts="the decision in payment (approval, or the last periodic review)",
    )


LAWSUIT = ClockSpec(
    name="lawsuit_window",
    unit=ClockUnit.MONTHS,
    amount=LAWSUIT_MONTHS,
    rule="行政诉讼法 Art 46: a lawsuit within 6 months of learning of the decision [law]",
    starts="the day the applicant learned of the decision (notice delivered)",
)
