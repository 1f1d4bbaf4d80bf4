"""Demo self-declarable certifications, commendations (荣誉类) and ratings (评价类: tax, social and
bank credit ratings).
"""

import datetime as dt

from .record_spec import D, RecordSpec, iso
from .subjects import BY_KEY as SUBJECTS

# --- Self-declarable certifications, commendations, ratings ---------------------------------------

CERTIFICATIONS: list[RecordSpec] = [
    RecordSpec(
        "certification_trademark",
        "gxj",
        "00124Q38812R1M",
        "qidong_offshore",
        {
            "certificate_kind": "管理体系认证",
            "certificate_name": "质量管理体系认证证书（GB/T 19001-2016/ISO 9001:2015）",
            "certificate_number": "00124Q38812R1M",
            "issuer": "中国质量认证中心",
            "decision_date": "2024-08-15",
            "valid_until": "2027-08-14",
            "remarks": "自主申报，已核验原件",
        },
    ),
    RecordSpec(
        "certification_trademark",
        "scjgj",
        "第31864425号",
        "puxi_wine",
        {
            "certificate_kind": "注册商标",
            "certificate_name": "“蒲溪”文字及图形商标（第33类：黄酒、米酒）",
            "certificate_number": "第31864425号",
            "issuer": "国家知识产权局",
            "decision_date": "2023-03-21",
            "valid_until": "2033-03-20",
        },
    ),
    RecordSpec(
        "certification_trademark",
        "gxj",
        "1240P2500731",
        "fengli_laver",
        {
            "certificate_kind": "产品认证",
            "certificate_name": "有机产品认证证书（条斑紫菜）",
            "certificate_number": "1240P2500731",
            "issuer": "南京国环有机产品认证中心有限公司",
            "decision_date": "2025-11-05",
            "valid_until": "2026-11-04",
            "remarks": "自主申报，已核验原件",
        },
    ),
]


def commendation(
    provider: str,
    key: str,
    subject: str,
    decided: dt.date,
    *,
    honor: str,
    level: str,
    authority: str = "",
    document: str = "",
) -> RecordSpec:
    data = {"honor_name": honor, "honor_level": level, "decision_date": iso(decided)}
    if authority:
        data["authority"] = authority
    if document:
        data["document_number"] = document
    return RecordSpec("commendation", provider, key, subject, data)


COMMENDATIONS: list[RecordSpec] = [
    commendation(
        "scjgj",
        "苏市监信〔2024〕86号-0412",
        "haisheng",
        D(2024, 6, 20),
        honor="江苏省“守合同重信用”企业",
        level="省级",
        authority="江苏省市场监督管理局",
        document="苏市监信〔2024〕86号",
    ),
    commendation(
        "gxj",
        "通工信发〔2025〕198号-027",
        "linjiang_biopharma",
        D(2025, 12, 10),
        honor="南通市专精特新中小企业",
        level="市级",
        document="通工信发〔2025〕198号",
    ),
    commendation(
        "scjgj",
        "通政发〔2023〕61号-03",
        "qidong_offshore",
        D(2023, 12, 28),
        honor="南通市市长质量奖",
        level="市级",
        authority="南通市人民政府",
        document="通政发〔2023〕61号",
    ),
    commendation(
        "mzj",
        "通民发〔2025〕22号-015",
        "yangguang_elderly",
        D(2025, 3, 15),
        honor="南通市先进社会组织",
        level="市级",
        document="通民发〔2025〕22号",
    ),
    commendation(
        "scjgj",
        "通市监发〔2024〕133号-021",
        "li_noodles",
        D(2024, 10, 30),
        honor="南通市诚信经营示范个体工商户",
        level="市级",
        document="通市监发〔2024〕133号",
    ),
    commendation(
        "wjw",
        "苏卫基层〔2023〕41号-1207",
        "heping_health",
        D(2023, 9, 18),
        honor="江苏省示范社区卫生服务中心",
        level="省级",
        authority="江苏省卫生健康委员会",
        document="苏卫基层〔2023〕41号",
    ),
    commendation(
        "rsj",
        "通政发〔2025〕30号-118",
        "xu_lijuan",
        D(2025, 4, 28),
        honor="南通市劳动模范",
        level="市级",
        authority="南通市人民政府",
        document="通政发〔2025〕30号",
    ),
    commendation(
        "fgw",
        "通发改民营〔2026〕17号-009",
        "jincheng_silk",
        D(2026, 2, 28),
        honor="南通市优秀民营企业",
        level="市级",
        document="通发改民营〔2026〕17号",
    ),
]


def tax_rating(year: int, subject: str, grade: str, decided: dt.date) -> RecordSpec:
    key = f"{year}-{SUBJECTS[subject].identifier}"
    data = {"evaluation_year": year, "credit_grade": grade, "decision_date": iso(decided)}
    return RecordSpec("tax_credit_rating", "swj", key, subject, data)


RATINGS: list[RecordSpec] = [
    tax_rating(2023, "qidong_offshore", "A", D(2024, 4, 26)),
    tax_rating(2024, "haisheng", "A", D(2025, 4, 25)),
    tax_rating(2025, "haisheng", "A", D(2026, 4, 24)),
    tax_rating(2024, "huilong_tools", "D", D(2025, 4, 25)),
    tax_rating(2025, "jinsha_dyeing", "B", D(2026, 4, 24)),
    tax_rating(2025, "linjiang_biopharma", "M", D(2026, 4, 24)),
    tax_rating(2025, "changjiang_ship_parts", "A", D(2026, 4, 24)),
    tax_rating(2025, "lvsi_fishery", "B", D(2026, 4, 24)),
    RecordSpec(
        "social_rating",
        "gxj",
        "NTCX-2025-ZT-0186",
        "qidong_offshore",
        {
            "rating_agency": "南通诚信资信评估有限公司",
            "rating_kind": "企业主体信用评级",
            "rating": "AA",
            "decision_date": "2025-07-10",
            "valid_until": "2026-07-09",
            "remarks": "自主申报，已核验原件",
        },
    ),
    RecordSpec(
        "social_rating",
        "fgw",
        "通物协评〔2024〕12号-05",
        "tongzhou_bay_port",
        {
            "rating_agency": "南通市物流行业协会",
            "rating_kind": "物流企业信用评价（行业协会）",
            "rating": "AAA",
            "decision_date": "2024-11-20",
            "valid_until": "2027-11-19",
        },
    ),
    RecordSpec(
        "social_rating",
        "gxj",
        "NTCX-2023-ZT-0072",
        "changjiang_ship_parts",
        {
            "rating_agency": "南通诚信资信评估有限公司",
            "rating_kind": "企业主体信用评级",
            "rating": "A",
            "decision_date": "2023-05-12",
            "valid_until": "2024-05-11",
            "remarks": "自主申报，已核验原件",
        },
    ),
    RecordSpec(
        "bank_credit_rating",
        "gxj",
        "GSNT-ZX-2025-0901",
        "jincheng_silk",
        {
            "bank": "中国工商银行股份有限公司南通分行",
            "rating": "AA",
            "decision_date": "2025-09-01",
            "valid_until": "2026-08-31",
            "remarks": "自主申报，已核验原件",
        },
    ),
    RecordSpec(
        "bank_credit_rating",
        "gxj",
        "ZHRG-ZX-2026-0318",
        "ruqu_power",
        {
            "bank": "中国银行股份有限公司如皋支行",
            "rating": "A+",
            "decision_date": "2026-03-18",
            "valid_until": "2027-03-17",
            "remarks": "自主申报，已核验原件",
        },
    ),
]
