"""Chinese names of roles and of every enumeration's values, by the enumeration's class name.

The class name is also the `title` of the enumeration in the commands' JSON schemas, so a form
generated from a schema finds its choices' labels here (data only).
"""

from __future__ import annotations

from domain.catalogue.clocks import CLOCK_RULES, CLOCK_UNITS, RUNGS

ROLES: dict[str, str] = {
    "operator": "经办人员",
    "caseworker": "社工",
    "approver": "审批人",
    "supervisor": "区局督办",
    "auditor": "审计人员",
    "admin": "系统管理员",
    "system": "系统",
    "integration": "外部系统",
}

ENUMS: dict[str, dict[str, str]] = {
    # --- rescue ---
    "ReportSource": {
        "police": "公安",
        "city_management": "城管",
        "grid_patrol": "网格巡查",
        "hotline_12345": "12345热线",
        "walk_in": "主动求助",
    },
    "Vulnerability": {
        "minor": "未成年人",
        "elderly": "老年人",
        "disabled": "残疾人",
        "limited_mobility": "行动不便",
    },
    "Category": {
        "adult": "成年人",
        "minor": "未成年人",
        "elderly": "老年人",
        "disabled": "残疾人",
        "mental_or_intellectual": "疑似精神或智力障碍",
        "ill_or_injured": "患病或受伤",
        "pregnant": "孕妇",
    },
    "Sex": {"male": "男", "female": "女", "unknown": "不详"},
    "InformationGiven": {
        "provided": "已提供",
        "unable": "因年龄或残疾无法提供（先行救助）",
        "refused": "拒不提供",
    },
    "HousingArea": {
        "men": "男宿区",
        "women": "女宿区",
        "boys": "未成年男宿区",
        "girls": "未成年女宿区",
        "single_room": "单间",
    },
    "WeatherKind": {"cold_wave": "寒潮", "heat_wave": "高温"},
    "IdentityMethod": {
        "police_check": "公安人口库核查",
        "family_search": "寻亲公告",
        "dna_match": "DNA比对",
        "self_reported": "本人告知",
        "other": "其他",
    },
    "NeedType": {"assistance": "援助型", "accompany": "陪伴型", "advancement": "成长型"},
    "ServiceKind": {
        "medical": "医疗",
        "psychological_counselling": "心理疏导",
        "family_tracing": "寻亲",
        "skills_employment": "技能与就业",
        "return_travel": "返乡",
        "other": "其他",
    },
    "Placement": {
        "off_site_care": "站外托养",
        "welfare_institution": "福利机构",
        "long_term": "长期滞留人员安置",
    },
    "DischargeOutcome": {"returned_to_station": "返回救助站", "discharged": "出院离开"},
    "PoliceReportChannel": {
        "phone_110": "110电话报警",
        "in_person": "到派出所报警",
        "written": "书面报警",
        "system": "系统通知警方",
    },
    "ExitRoute": {
        "family_collected": "家属接回",
        "escorted_return": "护送返乡",
        "self_exit": "自行离站",
        "unauthorised_departure": "擅自离站",
        "placement": "安置",
        "medical_transfer": "转介医疗",
        "termination": "终止救助",
        "death": "死亡",
    },
    "PlanStatus": {
        "draft": "待审批",
        "approved": "执行中",
        "superseded": "已被新版本取代",
        "returned": "已退回",
        "withdrawn": "已撤回",
    },
    "ServiceStatus": {"active": "进行中", "completed": "已完成", "cancelled": "已取消"},
    # --- social assistance ---
    "ServiceMethod": {
        "direct": "直接送达",
        "post": "邮寄送达",
        "electronic": "电子送达",
        "left_at_residence": "留置送达",
        "public_notice": "公告送达",
    },
    "Programme": {
        "dibao": "最低生活保障（低保）",
        "tekun": "特困人员供养",
        "temporary": "临时救助",
    },
    "Paper": {
        "id_document": "身份证件",
        "household_register": "户口簿",
        "income_proof": "收入证明",
        "asset_declaration": "家庭财产申报",
        "incapacity_proof": "丧失劳动能力证明",
        "hardship_proof": "困难情况证明",
    },
    "Recommendation": {"eligible": "符合条件", "not_eligible": "不符合条件"},
    "ObjectionRoute": {"investigation": "重新调查", "community_review": "民主评议"},
    "ReviewOutcome": {"continue": "继续享受", "adjust": "调整金额", "stop": "停止救助"},
    "AppealOutcome": {"upheld": "维持", "overturned": "撤销", "varied": "变更"},
    "RequestStatus": {
        "requested": "待发送",
        "acknowledged": "核对中心已接收",
        "failed": "失败",
        "superseded": "已被新请求取代",
        "replied": "已答复",
    },
    "SettlementReason": {"appeal": "行政复议", "correction": "容错纠错", "fraud": "骗取救助"},
    # --- social organisations ---
    "OrgType": {
        "social_group": "社会团体",
        "social_service_agency": "社会服务机构",
        "foundation": "基金会",
    },
    "Document": {
        "application_form": "登记申请书",
        "articles": "章程草案",
        "capital_proof": "验资报告或资金证明",
        "premises_proof": "住所使用证明",
        "leaders_info": "负责人基本情况",
        "sponsor_approval": "业务主管单位批准文件",
    },
    "Recipient": {"sponsor": "业务主管单位", "authority": "登记管理机关"},
    "InspectionResult": {"pass": "合格", "basic_pass": "基本合格", "fail": "不合格"},
    "Grade": {"1A": "1A级", "2A": "2A级", "3A": "3A级", "4A": "4A级", "5A": "5A级"},
    "PenaltyKind": {
        "warning": "警告",
        "fine": "罚款",
        "confiscation": "没收违法所得",
        "suspension": "限期停止活动",
    },
    "ExitKind": {"revocation": "撤销登记", "certificate_revocation": "吊销登记证书"},
    "OrgList": {"abnormal_activity": "活动异常名录", "serious_dishonesty": "严重违法失信名单"},
    # an organisation's standing in a year's inspection (the bureau's batch view)
    "InspectionStatus": {
        "scheduled": "待开启(年检尚未开始)",
        "due": "待报送",
        "late": "逾期未报",
        "filed": "已报送待检",
        "pass": "合格",
        "basic_pass": "基本合格",
        "fail": "不合格",
        "skipped": "当年免检(成立不足6个月)",
    },
    # --- clocks ---
    "ClockUnit": CLOCK_UNITS,
    "ClockRules": CLOCK_RULES,
    "Rung": RUNGS,
    "Role": ROLES,
}
