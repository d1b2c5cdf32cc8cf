"""Which regulation, and which article of it, a social-organisation rule comes from, per type.

Three regulations govern the three types [law]: 社会团体登记管理条例 (社团条例) for social
groups, 民办非企业单位登记管理暂行条例 (民非条例) for social service agencies, 基金会管理条例
(基金会条例) for foundations. A rule that only one of them states applies only to that type.
"""

from __future__ import annotations

from domain.socialorg.commands import OrgType

GROUP, AGENCY, FOUNDATION = OrgType.SOCIAL_GROUP, OrgType.SOCIAL_SERVICE_AGENCY, OrgType.FOUNDATION

# Rules every type shares name all three regulations in their own spec (rules.py): the 60-day
# registration decision (社团 Art 12, 民非 Art 11, 基金会 Art 11) and the yearly reports
# (社团 Art 28, 民非 Art 23 by 31 March / 31 May; 基金会 Art 36 by 31 March, cycle.py).
# "No activity for 1 year after registration" is a ground of 社团条例 Art 29 only: agencies and
# foundations are flagged on two consecutive missed inspections (民发〔2021〕63号) instead.
NO_ACTIVITY_GROUND = {GROUP: "社团条例 Art 29"}
# 变更登记 within 30 days of the sponsor's approval: 社团条例 Art 18, 民非条例 Art 15 [law].
# 基金会条例 Art 15 requires the change registration but sets no period: policy, 30 days.
CHANGE_REGISTRATION = {
    GROUP: "社团条例 Art 18",
    AGENCY: "民非条例 Art 15",
    FOUNDATION: "policy (基金会条例 Art 15 sets no period)",
}
# 注销登记 within 15 days after liquidation (社团 Art 21, 民非 Art 17, 基金会 Art 18) [law].
DEREGISTRATION_APPLICATION = {
    GROUP: "社团条例 Art 21",
    AGENCY: "民非条例 Art 17",
    FOUNDATION: "基金会条例 Art 18",
}
# 撤销登记 after missed or failed inspections (社团 Art 30, 民非 Art 25, 基金会 Art 42) [law].
REVOCATION = {
    GROUP: "社团条例 Art 30",
    AGENCY: "民非条例 Art 25",
    FOUNDATION: "基金会条例 Art 42",
}


def article(table: dict[OrgType, str], org_type: OrgType | None) -> str:
    """The source of a rule for an organisation of `org_type` (every type's, when unknown)."""
    if org_type is None or org_type not in table:
        return ", ".join(table.values())
    return table[org_type]


def no_activity_ground_applies(org_type: OrgType | None) -> bool:
    """Whether the 1-year no-activity ground (社团条例 Art 29) applies to this type."""
    return org_type in NO_ACTIVITY_GROUND
