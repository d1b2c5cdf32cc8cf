"""Statutory and policy numbers of the rescue lifecycle, each once, with its source."""

from __future__ import annotations

from domain.clocks import ClockSpec, ClockUnit

ADULT_AGE = 18  # 未成年人保护法 Art 2: under 18 is a minor [law]
ELDERLY_AGE = 60  # 老年人权益保障法 Art 2: 60 and over is elderly [law]
STAY_RULE_MIN_AGE = 16  # 实施细则; 救助管理机构工作规程: the 10-day stay applies from 16 [local]

FAMILY_SEARCH_NOTICE = ClockSpec(
    name="family_search_notice",
    unit=ClockUnit.HOURS,
    amount=24,
    rule="民政部 公安部 2015 意见: family-search notice within 24 h of entry [local]",
)
PLAN_APPROVAL = ClockSpec(
    name="plan_approval",
    unit=ClockUnit.WORKING_DAYS,
    amount=2,
    rule="policy: individual plan approved within 2 working days of intake",
)
STAY_LIMIT = ClockSpec(
    name="stay_limit",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=10,
    rule="实施细则; 救助管理机构工作规程: adults 16+ without mental or intellectual disability, ≤ 10 days [local]",
)
WEEKLY_REVIEW = ClockSpec(
    name="weekly_review",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=7,
    rule="policy: weekly review for persons outside the 10-day stay rule",
)
REFUSAL_REVISIT = ClockSpec(
    name="refusal_revisit",
    unit=ClockUnit.HOURS,
    amount=24,
    rule="policy: revisit within 24 h a person who refused help in extreme weather",
)

# --- the full lifecycle (issue 3): identity, tracing, stay, plan, exit, follow-up ------------

# The rules a case runs under are fixed when it opens. Cases opened before the full lifecycle
# (the proof path) keep their rules when their workflow histories replay.
PROOF_PATH_RULESET = 1
RULESET = 2

IDENTITY_CHECK_ANSWER = ClockSpec(
    name="identity_check",
    unit=ClockUnit.HOURS,
    amount=4,
    rule="policy: the police population system answers an identity check within 4 h",
)
DNA_REQUEST = ClockSpec(
    name="dna_request",
    unit=ClockUnit.WORKING_DAYS,
    amount=7,
    rule="民政部 公安部 2015 意见: DNA request to police within 7 working days of entry [local]",
)
DNA_COLLECTION = ClockSpec(
    name="dna_collection",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=30,
    rule="民政部 公安部 2015 意见: police collect DNA within 1 month of the request [local]",
)
UNIDENTIFIED_PLACEMENT = ClockSpec(
    name="unidentified_placement",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=10,
    rule="实施细则; 救助管理机构工作规程: unidentified after 10 days → off-site care or an "
    "institution [local]",
)
LONG_TERM_PLACEMENT_MONTHS = (
    3  # 救助管理机构工作规程: unidentified after 3 months → 户籍, long-term placement [local]
)
LONG_TERM_PLACEMENT = ClockSpec(
    name="long_term_placement",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=92,  # replaced per case by the exact days of 3 calendar months from entry
    rule="救助管理机构工作规程: unidentified after 3 months → 户籍 registration and long-term "
    "placement [local]",
)
PLAN_REVISION_APPROVAL = ClockSpec(
    name="plan_revision_approval",
    unit=ClockUnit.WORKING_DAYS,
    amount=2,
    rule="policy: a revised individual plan is approved within 2 working days of drafting",
)
SERVICE_RULE = "policy: an individual plan's service is done by the due date the plan sets"
HANDOVER_ACK = ClockSpec(
    name="handover_ack",
    unit=ClockUnit.WORKING_DAYS,
    amount=3,
    rule="policy (长三角 cooperation): the receiving bureau acknowledges a handover within 3 "
    "working days",
)
FOLLOW_UP = ClockSpec(
    name="follow_up",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=30,
    rule="policy: one follow-up visit at 30 days after return for at-risk persons",
)
EXTREME_WEATHER_REVISIT = ClockSpec(
    name="refusal_revisit",
    unit=ClockUnit.HOURS,
    amount=6,
    rule="policy (seed: 寒潮/高温 tightens outreach timers): revisit within 6 h while the "
    "district's extreme-weather mode is on",
)
