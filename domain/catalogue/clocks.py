"""Chinese names of clocks, escalation rungs and levels, and clock units (data only)."""

from __future__ import annotations

CLOCKS: dict[str, str] = {
    # --- rescue ---
    "family_search_notice": "寻亲公告",
    "plan_approval": "一人一策审批",
    "stay_limit": "在站期限",
    "weekly_review": "每周评估",
    "refusal_revisit": "拒助回访",
    "identity_check": "身份核查答复",
    "dna_request": "报请采集DNA",
    "dna_collection": "公安采集DNA",
    "unidentified_placement": "站外托养/机构安置决定",
    "long_term_placement": "长期滞留人员安置",
    "plan_revision_approval": "一人一策修订审批",
    "handover_ack": "跨区域交接回执",
    "police_report_ack": "报警回执（警情编号）",
    "follow_up": "回访",
    # --- social assistance ---
    "acceptance": "受理",
    "whole_process": "审核确认全流程",
    "tekun_investigation": "特困调查",
    "public_notice": "公示",
    "decision": "审核确认",
    "refusal_notice": "不予救助书面通知",
    "refusal_notice_service": "不予救助通知送达回证",
    "verification_reply": "家庭经济状况核对回复",
    "appeal_window": "行政复议申请期限",
    "appeal_review": "行政复议决定",
    "lead_verification": "政策找人核实",
    "emergency_follow_up": "急难事后补证核对",
    "emergency_grant": "急难救助发放",
    "correction": "纠错决定",
    "periodic_review": "动态管理复核",
    "lawsuit_window": "行政诉讼起诉期限",
    # --- social organisations ---
    "registration_decision": "登记审查决定",
    "sponsor_report": "年度工作报告(业务主管单位初审)",
    "authority_report": "年度工作报告(登记管理机关)",
    "grade_objection": "评估异议复核",
    "change_registration": "变更登记",
    "deregistration_application": "注销登记申请",
    # one-shot timers of the yearly cycle
    "next_cycle": "年度检查开启",
    "sponsor_report_notice": "业务主管单位年报提醒",
    "authority_report_notice": "登记管理机关年报提醒",
    "first_activity": "成立后一年未开展活动",
    "abnormal_to_serious": "活动异常名录满两年",
    "grade_notice": "评估等级公示期满",
    "grade_expiry": "评估等级有效期满",
}

# Clocks named by a prefix and an instance (a plan's service, an inspection year): the
# label is the template with the rest of the name in place of {}.
CLOCK_FAMILIES: dict[str, str] = {
    "service:": "一人一策服务 {}",
    "rectification_": "{}年度年检整改",
}

# A rung of the escalation ladder, by its value (the escalation level it puts a case on).
RUNGS: dict[str, str] = {
    "-1": "未到提醒",
    "0": "提醒",
    "1": "到期(L1)",
    "2": "逾期(L2，区局督办)",
    "3": "逾期(L3，局领导督办)",
}

# A case's escalation level, as lists and queues show it.
LEVELS: dict[str, str] = {
    "0": "正常",
    "1": "到期(L1)",
    "2": "逾期(L2)",
    "3": "逾期(L3)",
}

CLOCK_UNITS: dict[str, str] = {
    "hours": "小时",
    "calendar_days": "自然日",
    "working_days": "工作日",
    "fixed_date": "固定日期",
    "months": "月",
    "years": "年",
}

# How a clock's due instant was counted (domain/clocks.py ClockRules).
CLOCK_RULES: dict[str, str] = {
    "1": "按整日时长计算(旧案件)",
    "2": "按法定期间计算(至末日24时,遇节假日顺延)",
}
