"""The rows `bench_import.py` loads: realistic `admin_penalty` rows, made from a seed (70 %
companies, 20 % 个体工商户, 10 % natural persons; valid codes; several authorities, penalty
types, dates and amounts). Plain Python: no Django needed to make them.
"""

import datetime as dt
import random

KEY_PREFIX = "通市监罚〔基准"  # every benchmark record's key starts so; removed before each run
NAME_PREFIX = "基准"  # and every subject's name: subjects left without records are removed too


AUTHORITIES = [
    ("南通市市场监督管理局", "320600"),
    ("南通市崇川区市场监督管理局", "320602"),
    ("南通市通州区市场监督管理局", "320612"),
    ("南通市海门区市场监督管理局", "320614"),
    ("如东县市场监督管理局", "320623"),
    ("启东市市场监督管理局", "320681"),
    ("如皋市市场监督管理局", "320682"),
    ("海安市市场监督管理局", "320685"),
]
VIOLATIONS = [
    ("虚假宣传", "《中华人民共和国反不正当竞争法》第二十条第一款", "对其商品的性能、销售状况作虚假的商业宣传"),
    ("销售不符合食品安全标准的食品", "《中华人民共和国食品安全法》第一百二十四条第一款", "经营超过保质期的预包装食品"),
    ("未按规定公示年度报告", "《企业信息公示暂行条例》第十八条", "未按规定期限公示年度报告"),
    ("价格违法", "《中华人民共和国价格法》第四十二条", "未按规定明码标价"),
    ("无照经营", "《无证无照经营查处办法》第十三条", "未依法取得营业执照从事经营活动"),
    ("计量违法", "《中华人民共和国计量法》第二十六条", "使用未经检定的计量器具"),
    ("商标侵权", "《中华人民共和国商标法》第六十条第二款", "销售侵犯注册商标专用权的商品"),
    ("特种设备违法", "《中华人民共和国特种设备安全法》第八十四条", "使用未经定期检验的特种设备"),
]
PENALTY_TYPES = [
    ["警告"],
    ["罚款"],
    ["警告", "罚款"],
    ["罚款", "没收违法所得"],
    ["没收违法所得", "没收非法财物", "罚款"],
    ["责令停产停业", "罚款"],
    ["通报批评"],
]
SURNAMES, GIVEN = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡",
    ["伟", "芳", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"],
)
TRADES = ["贸易", "食品", "建材", "电子科技", "服饰", "餐饮管理", "物流", "机械制造", "医药", "装饰工程"]
# Divisions of the 公民身份号码 (Nantong's districts and counties).
PERSON_DIVISIONS = ["320602", "320611", "320612", "320614", "320623", "320681", "320682", "320685"]


def generate_rows(count: int, seed: int = 20260401) -> list[dict[str, str]]:
    from stdnum.cn import ric, uscc

    rng = random.Random(seed)
    stems = {name: f"11{division}MB{rng.randrange(10**7):07d}" for name, division in AUTHORITIES}
    organs = {name: stem + uscc.calc_check_digit(stem) for name, stem in stems.items()}
    rows = []
    start = dt.date(2024, 1, 2)
    for n in range(count):
        authority = rng.choice(AUTHORITIES)[0]
        violation, basis, fact = rng.choice(VIOLATIONS)
        types = rng.choice(PENALTY_TYPES)
        decided = start + dt.timedelta(days=rng.randrange(0, 900))
        fine = f"{rng.randrange(1, 500) / 10:g}" if "罚款" in types else ""
        row = {
            "penalty_document_number": f"{KEY_PREFIX}{decided.year}〕{n + 1}号",
            "violation_type": violation,
            "violation_facts": f"经查，当事人{fact}，违法经营额{rng.randrange(1000, 200000)}元。",
            "penalty_basis": basis,
            "penalty_types": "；".join(types),
            "penalty_content": f"{'、'.join(types)}" + (f"，罚款{fine}万元" if fine else "") + "。",
            "fine_amount": fine,
            "decision_date": decided.isoformat(),
            "valid_until": (decided + dt.timedelta(days=365)).isoformat(),
            "authority": authority,
            "authority_uscc": organs[authority],
            "source_unit": "南通市市场监督管理局",
            "source_unit_uscc": organs["南通市市场监督管理局"],
        }
        row.update(_subject(rng, n, ric, uscc))
        rows.append(row)
    return rows


def _subject(rng: random.Random, n: int, ric, uscc) -> dict[str, str]:
    share = rng.random()
    district = rng.choice(PERSON_DIVISIONS)
    if share < 0.10:
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 50))
        stem = f"{district}{born:%Y%m%d}{n % 1000:03d}"
        return {
            "subject_name": NAME_PREFIX + rng.choice(SURNAMES) + rng.choice(GIVEN),
            "subject_category": "自然人",
            "id_type": "身份证",
            "id_number": stem + ric.calc_check_digit(stem + "0"),
        }
    if share < 0.30:
        stem = f"92{district}MA{n:07d}"
        return {
            "subject_name": f"{NAME_PREFIX}{_district_name(district)}{rng.choice(SURNAMES)}记{rng.choice(TRADES)}店",
            "subject_category": "个体工商户",
            "uscc": stem + uscc.calc_check_digit(stem),
            "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
        }
    stem = f"91{district}MA{n:07d}"
    return {
        "subject_name": f"{NAME_PREFIX}南通{_word(rng)}{rng.choice(TRADES)}有限公司",
        "subject_category": "法人及非法人组织",
        "uscc": stem + uscc.calc_check_digit(stem),
        "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
    }


def _district_name(code: str) -> str:
    return {
        "320602": "崇川区",
        "320611": "港闸区",
        "320612": "通州区",
        "320614": "海门区",
        "320623": "如东县",
        "320681": "启东市",
        "320682": "如皋市",
        "320685": "海安市",
    }[code]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("通海江恒瑞华鑫泰源盛达宏信诚博远") for _ in range(2))
