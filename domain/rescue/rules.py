"""Statutory and policy numbers of the rescue lifecycle, each once, with its source."""

from __future__ import annotations

from domain.clocks import ClockSpec, ClockUnit

ADULT_AGE = 18  # 未成年人保护法 Art 2: under 18 is a minor [law]
ELDERLY_AGE = 60  # 老年人权益保障法 Art 2: 60 and over is elderly [law]
STAY_RULE_MIN_AGE = 16  # 实施细则; 救助管理机构工作规程: the 10-day stay applies from 16 [local]

FAMILY_SEARCH_NOTICE = ClockSpec(
    name="family_search_notice",
    label_zh="寻亲公告",
    unit=ClockUnit.HOURS,
    amount=24,
    rule="民政部 公安部 2015 意见: family-search notice within 24 h of entry [local]",
)
PLAN_APPROVAL = ClockSpec(
    name="plan_approval",
    label_zh="一人一策审批",
    unit=ClockUnit.WORKING_DAYS,
    amount=2,
    rule="policy: individual plan approved within 2 working days of intake",
)
STAY_LIMIT = ClockSpec(
    name="stay_limit",
    label_zh="在站期限",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=10,
    rule="实施细则; 救助管理机构工作规程: adults 16+ without mental or intellectual disability, ≤ 10 days [local]",
)
WEEKLY_REVIEW = ClockSpec(
    name="weekly_review",
    label_zh="每周评估",
    unit=ClockUnit.CALENDAR_DAYS,
    amount=7,
    rule="policy: weekly review for persons outside the 10-day stay rule",
)
REFUSAL_REVISIT = ClockSpec(
    name="refusal_revisit",
    label_zh="拒助回访",
    unit=ClockUnit.HOURS,
    amount=24,
    rule="policy: revisit within 24 h a person who refused help in extreme weather",
)
