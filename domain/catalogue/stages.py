"""Chinese names of the lifecycles and of each lifecycle's stages (data only).

Stage keys repeat across lifecycles with different meanings (`follow_up` is 回访 for a rescue
case and 急难事后补证 for an assistance case), so stages are named per lifecycle.
"""

from __future__ import annotations

KINDS: dict[str, str] = {
    "rescue": "流浪乞讨人员救助",
    "relief": "社会救助",
    "social_org": "社会组织登记管理",
    "weather": "极端天气应急",
}

STAGES: dict[str, dict[str, str]] = {
    "rescue": {
        "new": "新建",
        "reported": "发现",
        "refused_help": "拒绝救助",
        "intake": "入站登记",
        "in_stay": "在站",
        "off_site_care": "站外托养",
        "in_hospital": "转介医疗",
        "returning": "护送返乡",
        "exited": "已离站",
        "follow_up": "回访",
        "closed": "已结案",
    },
    "relief": {
        "new": "新建",
        "lead": "线索核实",
        "applied": "已申请",
        "awaiting_papers": "补正材料",
        "emergency": "急难救助",
        "verification": "经济状况核对",
        "investigation": "入户调查",
        "community_review": "民主评议",
        "investigated": "待公示",
        "notice": "公示中",
        "deciding": "审核确认",
        "refusal_notice": "待送达不予救助通知",
        "refused": "不予救助",
        "in_payment": "享受救助",
        "follow_up": "急难事后补证",
        "paid": "已发放",
        "stopped": "停止救助",
        "appeal": "行政复议",
        "correction": "容错纠错",
        "closed": "已办结",
    },
    "weather": {
        "new": "新建",
        "weather_alert": "极端天气应急中",
        "weather_ended": "已解除",
    },
    "social_org": {
        "new": "新建",
        "applying": "登记申请",
        "under_review": "登记审查",
        "refused": "不予登记",
        "registered": "已登记",
        "liquidating": "清算中",
        "deregistering": "注销申请",
        "deregistered": "已注销",
        "revoked": "已撤销",
    },
}
