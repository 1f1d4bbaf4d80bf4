"""Demo records of the two items special credit reports (信用代证) added to the catalog: a
行政强制 on the demo company (南通海晟建设, whose agent orders special reports in the demo) and
严重失信主体名单 entries, one still listed and one removed (移出) that no longer shows anywhere;
and 守信激励对象名单（红名单） entries for the public list pages (/lists/): listed ones, one listed
until a day still to come, one whose term has run out and one removed, which no longer show.
"""

from .record_spec import D, RecordSpec, iso

HAISHENG_COERCION = "通住建强制〔2026〕15号"

COERCIONS: list[RecordSpec] = [
    RecordSpec(
        "admin_coercion",
        "zjj",
        HAISHENG_COERCION,
        "haisheng",
        {
            "coercion_document_number": HAISHENG_COERCION,
            "coercion_kind": "行政强制措施",
            "coercion_types": ["查封场所、设施或者财物"],
            "violation_facts": "当事人承建的崇川区观音山街道幸福安置房三期项目3号楼施工现场未按规定设置临边防护，"
            "存在重大事故隐患，经责令改正拒不改正。",
            "coercion_basis": "《建设工程安全生产管理条例》第五十七条；《中华人民共和国行政强制法》第二十二条",
            "coercion_content": "查封3号楼施工作业面及塔式起重机1台，期限30日。",
            "decision_date": iso(D(2026, 3, 10)),
            "term_from": iso(D(2026, 3, 10)),
            "term_until": iso(D(2026, 4, 8)),
            "lifted_on": iso(D(2026, 3, 28)),
        },
    ),
]

LISTINGS: list[RecordSpec] = [
    RecordSpec(
        "serious_dishonesty_list",
        "yjglj",
        "通应急失信〔2025〕3号",
        "xingren_chemical",
        {
            "list_type": "安全生产严重失信主体名单",
            "listing_document_number": "通应急失信〔2025〕3号",
            "decision_date": iso(D(2025, 9, 22)),
            "listing_reason": "当事人2025年6月发生一起较大生产安全事故，造成3人死亡，事故调查认定当事人负有责任。",
            "listing_basis": "《安全生产严重失信主体名单管理办法》（应急管理部令第11号）第五条第（一）项",
            "punishments": "加大执法检查频次；限制享受财政资金补助等政策扶持；依法限制参与评先评优。",
        },
    ),
    RecordSpec(
        "serious_dishonesty_list",
        "sthjj",
        "通环失信〔2024〕2号",
        "jinsha_dyeing",
        {
            "list_type": "环境违法严重失信名单",
            "listing_document_number": "通环失信〔2024〕2号",
            "decision_date": iso(D(2024, 3, 4)),
            "listing_reason": "当事人通过暗管排放印染废水，被处以罚款并责令停产整治。",
            "listing_basis": "《江苏省生态环境领域严重失信名单管理办法》第六条",
            "removed_on": iso(D(2025, 6, 30)),
            "removal_reason": "列入满一年，已完成整改并经信用修复，认定单位决定提前移出。",
        },
    ),
    RecordSpec(
        "serious_dishonesty_list",
        "rsj",
        "通人社失信〔2026〕4号",
        "shigang_building",
        {
            "list_type": "拖欠农民工工资失信联合惩戒对象名单",
            "listing_document_number": "通人社失信〔2026〕4号",
            "decision_date": iso(D(2026, 8, 18)),
            "listing_reason": "当事人拖欠本企业生产一线农民工工资共计86.4万元，经责令限期支付逾期仍未支付。",
            "listing_basis": "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条第（一）项",
            "punishments": "限制参与政府投资项目招标投标；限制享受财政资金补助；加大日常监管检查频次。",
        },
    ),
]

RED_LISTINGS: list[RecordSpec] = [
    RecordSpec(
        "red_list",
        "swj",
        "通税信A〔2026〕1号-海晟",
        "haisheng",
        {
            "list_type": "纳税信用A级纳税人",
            "listing_document_number": "通税信A〔2026〕1号",
            "decision_date": iso(D(2026, 4, 28)),
            "listed_until": iso(D(2027, 4, 30)),
            "listing_reason": "2025年度纳税信用评价结果为A级。",
            "incentives": "增值税专用发票按需领用；纳税服务绿色通道；在“信用中国（江苏南通）”公示。",
        },
    ),
    RecordSpec(
        "red_list",
        "scjgj",
        "通市监守重〔2025〕12号-唐闸",
        "tangzha_textile",
        {
            "list_type": "江苏省“守合同重信用”企业",
            "listing_document_number": "通市监守重〔2025〕12号",
            "decision_date": iso(D(2025, 11, 20)),
            "listed_until": iso(D(2027, 11, 19)),
            "listing_reason": "连续两年合同履约率100%，无违法失信记录，经公示无异议。",
            "incentives": "优先推荐评先评优；减少日常抽查频次。",
        },
    ),
    RecordSpec(
        "red_list",
        "rsj",
        "通人社诚信〔2026〕7号-人民电梯",
        "renmin_elevator",
        {
            "list_type": "劳动保障守法诚信A级用人单位",
            "listing_document_number": "通人社诚信〔2026〕7号",
            "decision_date": iso(D(2026, 6, 10)),
            "listing_reason": "2025年度劳动保障守法诚信等级评价为A级。",
            "incentives": "劳动保障监察日常巡视检查适当减少频次。",
        },
    ),
    RecordSpec(
        "red_list",
        "fgw",
        "通发改信用〔2026〕9号-临江生物",
        "linjiang_biopharma",
        {
            "list_type": "诚信示范企业",
            "listing_document_number": "通发改信用〔2026〕9号",
            "decision_date": iso(D(2026, 9, 15)),
            "listed_until": iso(D(2027, 9, 14)),
            "listing_reason": "建立企业信用管理制度，信用承诺履约良好，获评南通市诚信示范企业。",
            "incentives": "在行政审批中适用“容缺受理”；优先安排财政扶持资金。",
        },
    ),
    RecordSpec(
        "red_list",
        "swj",
        "通税信A〔2024〕1号-唐闸",
        "tangzha_textile",
        {
            "list_type": "纳税信用A级纳税人",
            "listing_document_number": "通税信A〔2024〕1号",
            "decision_date": iso(D(2024, 4, 26)),
            "listed_until": iso(D(2025, 4, 30)),
            "listing_reason": "2023年度纳税信用评价结果为A级。",
            "incentives": "增值税专用发票按需领用；纳税服务绿色通道。",
        },
    ),
    RecordSpec(
        "red_list",
        "scjgj",
        "通市监守重〔2024〕5号-金沙印染",
        "jinsha_dyeing",
        {
            "list_type": "江苏省“守合同重信用”企业",
            "listing_document_number": "通市监守重〔2024〕5号",
            "decision_date": iso(D(2023, 12, 1)),
            "listed_until": iso(D(2025, 11, 30)),
            "listing_reason": "连续两年合同履约率100%，经公示无异议。",
            "removed_on": iso(D(2024, 3, 4)),
            "removal_reason": "被列入环境违法严重失信名单，依规取消“守合同重信用”企业称号。",
        },
    ),
]
