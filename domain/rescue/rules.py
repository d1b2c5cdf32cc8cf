"""Statutory and policy numbers of the rescue lifecycle, each once, with its source."""

from __future__ import annotations

from domain.clocks import ClockSpec, ClockUnit

# Every clock names the event it counts from (`starts`). Day, month and year periods end at
# 24:00 of their last day, the start day not counted (民事诉讼法 Art 85, domain/periods.py);
# a last day on a rest day moves to the next working day except for durations of the stay
# (`holiday_rollover=False`: a weekend does not lengthen how long a person stays or waits).

ADULT_AGE = 18  # 未成年人保护法 Art 2: under 18 is a minor [law]
ELDERLY_AGE = 60  # 老年人权益保障法 Art 2: 60 and over is elderly [law]
STAY_RULE_MIN_AGE = 16  # 实施细则; 救助管理机构工作规程: the 10-day stay applies from 16 [local]

FAMILY_SEARCH_NOTICE = ClockSpec(
    name="family_search_notice",
    unit=ClockUnit.HOURS,
    amount=24,
    rule="民政部 公安部 2015 意见: family-search notice within 24 h of entry [local]",
    starts="entry (入站登记)",
)
PLAN_APPROVAL = ClockSpec(
    name="plan_approval",
    unit=ClockUnit.WORKING_DAYS,
    amount=2,
    rule="policy: individual plan approved within 2 working days of intake",
    starts="intake (入站登记)",
)
STAY_LIMIT = ClockSpec(
    name="stay_limit",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=10,
    rule="实施细则; 救助管理机构工作规程: adults 16+ without mental or intellectual disability, ≤ 10 days [local]",
    starts="entry (入站登记); cases before statutory period ends: classification",
    holiday_rollover=False,
)
WEEKLY_REVIEW = ClockSpec(
    name="weekly_review",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=7,
    rule="policy: weekly review for persons outside the 10-day stay rule",
    starts="classification, then each weekly review",
)
REFUSAL_REVISIT = ClockSpec(
    name="refusal_revisit",
    unit=ClockUnit.HOURS,
    amount=24,
    rule="policy: revisit within 24 h a person who refused help in extreme weather",
    starts="the recorded refusal of help",
)

# --- the full lifecycle (issue 3): identity, tracing, stay, plan, exit, follow-up ------------

# The rules a case runs under are fixed when it opens. Cases opened before the full lifecycle
# (the proof path) keep their rules when their workflow histories replay.
PROOF_PATH_RULESET = 1
FULL_LIFECYCLE_RULESET = 2
# Outside steps keep a clock: a missing-person report waits for the police reference (issue 14).
OUTSIDE_ANSWERS_RULESET = 3
RULESET = OUTSIDE_ANSWERS_RULESET

IDENTITY_CHECK_ANSWER = ClockSpec(
    name="identity_check",
    unit=ClockUnit.HOURS,
    amount=4,
    rule="policy: the police population system answers an identity check within 4 h",
    starts="the identity check request",
)
DNA_REQUEST = ClockSpec(
    name="dna_request",
    unit=ClockUnit.WORKING_DAYS,
    amount=7,
    rule="民政部 公安部 2015 意见: DNA request to police within 7 working days of entry [local]",
    starts="entry (入站登记)",
)
DNA_COLLECTION = ClockSpec(
    name="dna_collection",
    unit=ClockUnit.MONTHS,
    amount=1,
    rule="民政部 公安部 2015 意见: police collect DNA within 1 month of the request [local]",
    starts="the DNA request to police",
)
UNIDENTIFIED_PLACEMENT = ClockSpec(
    name="unidentified_placement",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=10,
    rule="实施细则; 救助管理机构工作规程: unidentified after 10 days → off-site care or an "
    "institution [local]",
    starts="entry (入站登记)",
    holiday_rollover=False,
)
LONG_TERM_PLACEMENT_MONTHS = (
    3  # 救助管理机构工作规程: unidentified after 3 months → 户籍, long-term placement [local]
)
LONG_TERM_PLACEMENT = ClockSpec(
    name="long_term_placement",
    unit=ClockUnit.MONTHS,
    amount=LONG_TERM_PLACEMENT_MONTHS,
    rule="救助管理机构工作规程: unidentified after 3 months → 户籍 registration and long-term "
    "placement [local]",
    starts="entry (入站登记)",
    holiday_rollover=False,
)
PLAN_REVISION_APPROVAL = ClockSpec(
    name="plan_revision_approval",
    unit=ClockUnit.WORKING_DAYS,
    amount=2,
    rule="policy: a revised individual plan is approved within 2 working days of drafting",
    starts="the revised plan drafted",
)
# Cases counted with exact instants collected DNA within 30 x 24 h; their replays keep it.
DNA_COLLECTION_EXACT_DAYS = DNA_COLLECTION.model_copy(
    update={"unit": ClockUnit.CALENDAR_DAYS, "amount": 30}
)
SERVICE_RULE = "policy: an individual plan's service is done by the due date the plan sets"
HANDOVER_ACK = ClockSpec(
    name="handover_ack",
    unit=ClockUnit.WORKING_DAYS,
    amount=3,
    rule="policy (长三角 cooperation): the receiving bureau acknowledges a handover within 3 "
    "working days",
    starts="the escorted return handed over",
)
POLICE_REPORT_ACK = ClockSpec(
    name="police_report_ack",
    unit=ClockUnit.HOURS,
    amount=24,
    rule="policy: the police give their case reference within 24 h of a missing-person report "
    "(the report itself goes at once: 未成年人保护法 Art 92-94)",
    starts="the missing-person report to the police",
)
FOLLOW_UP = ClockSpec(
    name="follow_up",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=30,
    rule="policy: one follow-up visit at 30 days after return for at-risk persons",
    starts="the return home (离站)",
)
EXTREME_WEATHER_REVISIT = ClockSpec(
    name="refusal_revisit",
    unit=ClockUnit.HOURS,
    amount=6,
    rule="policy (seed: 寒潮/高温 tightens outreach timers): revisit within 6 h while the "
    "district's extreme-weather mode is on",
    starts="the recorded refusal of help",
)
