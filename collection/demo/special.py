"""Demo records of the two items special credit reports (信用代证) added to the catalog: a
行政强制 on the demo company (南通海晟建设, whose agent orders special reports in the demo) and
严重失信主体名单 entries, one still listed and one removed (移出) that no longer shows anywhere.
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
]
