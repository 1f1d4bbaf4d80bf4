"""The first published catalog (公共信用信息目录, Art. 7-8) and its disclosure rules (Art. 11).

The 行政许可 and 行政处罚 items carry the fields of the national 双公示 data standard, in its
order and with its labels; the other items cover every kind of matter Art. 8 lists, the
self-declarable matters of Art. 10 and the warning record of Art. 23. The published standards
and working rules that come with the catalog are in `documents`.
"""

import datetime as dt
from dataclasses import dataclass, field

from catalog.models import Category, Openness, PublicSection, SubjectKind

from .item_fields import (
    BOOLEAN,
    CHOICE,
    DATE,
    DECIMAL,
    ID_TYPES,
    IDENTIFIER,
    INTEGER,
    LICENSE_CATEGORIES,
    FieldSpec,
    ItemSpec,
    counterpart_fields,
    organisation_fields,
    source_fields,
)

LEGAL = SubjectKind.LEGAL_PERSON.value
BUSINESS = SubjectKind.INDIVIDUAL_BUSINESS.value
PERSON = SubjectKind.NATURAL_PERSON.value
ORGANISATIONS = [LEGAL, BUSINESS]
EVERYONE = [LEGAL, BUSINESS, PERSON]

LONG_TERM_UNTIL = "2099-12-31"  # the national standard's way of writing "长期有效"
MEASURES_DATE = dt.date(2015, 12, 14)  # 南通市公共信用信息归集和使用暂行办法, Art. 25

# --- Disclosure schemes and their rules (data with an effective date) -------------------------

LIGHT, GENERAL, SERIOUS = "light", "general", "serious"

# 处罚类别 of the 2021 行政处罚法 (Art. 9) as the 双公示 standard lists them.
PENALTY_TYPES = [
    "警告",
    "通报批评",
    "罚款",
    "没收违法所得",
    "没收非法财物",
    "暂扣许可证件",
    "降低资质等级",
    "吊销许可证件",
    "限制开展生产经营活动",
    "责令停产停业",
    "责令关闭",
    "限制从业",
    "行政拘留",
    "其他",
]
# How heavy each type of penalty is, for the disclosure period (the heaviest type of a decision
# wins). Reprimands are minor; money and temporary measures ordinary; measures that take a
# licence, a business or a person's liberty or trade away are serious.
GRADE_OF_PENALTY_TYPE = {
    "警告": LIGHT,
    "通报批评": LIGHT,
    "罚款": GENERAL,
    "没收违法所得": GENERAL,
    "没收非法财物": GENERAL,
    "暂扣许可证件": GENERAL,
    "降低资质等级": GENERAL,
    "其他": GENERAL,
    "吊销许可证件": SERIOUS,
    "限制开展生产经营活动": SERIOUS,
    "责令停产停业": SERIOUS,
    "责令关闭": SERIOUS,
    "限制从业": SERIOUS,
    "行政拘留": SERIOUS,
}
# The 失信程度 the deciding authority may state on the record (field `severity`, the rule's
# `grade_field`). It counts together with the penalty types: the longest period still wins.
SEVERITY_LABELS = {"轻微": LIGHT, "一般": GENERAL, "严重": SERIOUS}


@dataclass(frozen=True)
class RuleSpec:
    effective_from: dt.date
    mode: str  # DisclosureRule.Mode value
    legal_basis: str
    periods: dict = field(default_factory=dict)
    grade_field: str = ""
    grades_by_value: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SchemeSpec:
    code: str
    name: str
    rules: list[RuleSpec]


SCHEMES: list[SchemeSpec] = [
    SchemeSpec(
        "long_term",
        "登记类、资质类信息长期公示",
        [
            RuleSpec(
                MEASURES_DATE,
                "long_term",
                "《南通市公共信用信息归集和使用暂行办法》第十一条第三款：登记类、资质类信息长期提供查询。",
            ),
        ],
    ),
    SchemeSpec(
        "admin_penalty",
        "行政处罚信息公示期限",
        [
            RuleSpec(
                dt.date(2021, 7, 1),
                "by_severity",
                "国家发展改革委关于“信用中国”网站及地方信用门户网站行政处罚信息公示期限的规定（2021年7月1日起执行）："
                "仅受到警告、通报批评和较低数额罚款的行政处罚信息不予公示；其他行政处罚信息最短公示三个月、最长公示三年；"
                "情节严重的（含特种设备、安全生产、消防领域）最短公示一年。同一行政处罚决定涉及多种处罚类型的，"
                "以公示期限最长的类型为准；公示期限自行政处罚决定作出之日起计算。",
                periods={LIGHT: [0, 0], GENERAL: [3, 36], SERIOUS: [12, 36]},
                grade_field="severity",
                grades_by_value={"penalty_types": GRADE_OF_PENALTY_TYPE},
            ),
            RuleSpec(
                dt.date(2026, 4, 1),
                "by_severity",
                "《信用修复管理办法》（2026年4月1日起施行）：行政处罚信息按失信程度分为轻微、一般、严重。"
                "轻微失信信息原则上不予公示，确需公示的最长三个月；一般失信信息最短公示三个月、最长一年；"
                "严重失信信息最短公示一年、最长三年。公示期自行政处罚决定作出之日起计算，最长公示期届满自动停止公示，"
                "最短公示期届满后可申请信用修复。同一决定涉及多种处罚类型的，以公示期最长的类型为准。",
                periods={LIGHT: [0, 3], GENERAL: [3, 12], SERIOUS: [12, 36]},
                grade_field="severity",
                grades_by_value={"penalty_types": GRADE_OF_PENALTY_TYPE},
            ),
        ],
    ),
    SchemeSpec(
        "admin_coercion",
        "行政强制信息公示期限",
        [
            RuleSpec(
                MEASURES_DATE,
                "fixed",
                "《南通市公共信用信息归集和使用暂行办法》第十一条第三款；参照行政处罚信息一般失信的公示期限，"
                "行政强制信息自决定作出之日起公示三年。",
                periods={"fixed": [0, 36]},
            ),
        ],
    ),
    SchemeSpec(
        "dishonesty_list",
        "严重失信主体名单公示期限",
        [
            RuleSpec(
                MEASURES_DATE,
                "fixed",
                "国办发〔2020〕49号：严重失信主体名单的列入期限一般为三年，列入满一年后可申请提前移出；"
                "认定单位移出名单的，自移出日期起停止公示。公示期自列入日期起计算。",
                periods={"fixed": [12, 36]},
            ),
        ],
    ),
    SchemeSpec(
        "commendation",
        "良好信息公示期限",
        [
            RuleSpec(
                MEASURES_DATE,
                "fixed",
                "《南通市公共信用信息归集和使用暂行办法》第十一条第三款；荣誉表彰等良好信息自授予之日起公示三年。",
                periods={"fixed": [0, 36]},
            ),
        ],
    ),
    SchemeSpec(
        "red_list",
        "守信激励对象名单公示期限",
        [
            RuleSpec(
                MEASURES_DATE,
                "long_term",
                "《南通市公共信用信息归集和使用暂行办法》第八条第（四）项、第十一条；《江苏省社会信用条例》："
                "守信激励对象名单在列入期间公示。认定单位移出名单的，自移出日期起停止公示；"
                "名单定有有效期的，有效期届满次日起停止公示。",
            ),
        ],
    ),
    SchemeSpec(
        "rating",
        "评级类信息公示期限",
        [
            RuleSpec(
                MEASURES_DATE,
                "fixed",
                "《南通市公共信用信息归集和使用暂行办法》第十一条第三款；信用评级、评价结果自评定之日起公示三年，"
                "新的评定结果作出后以新结果为准。",
                periods={"fixed": [0, 36]},
            ),
        ],
    ),
    SchemeSpec(
        "warning",
        "警示记录公示期限",
        [
            RuleSpec(
                MEASURES_DATE,
                "fixed",
                "《南通市公共信用信息归集和使用暂行办法》第二十三条；警示记录自记入之日起公示三年，满一年后可申请信用修复。",
                periods={"fixed": [12, 36]},
            ),
        ],
    ),
]


# --- Items (their shape and shared field blocks in `item_fields`) -----------------------------

ADMIN_LICENSE = ItemSpec(
    code="admin_license",
    name="行政许可",
    category=Category.QUALIFICATION.value,
    scheme="long_term",
    subject_kinds=EVERYONE,
    providers=["xzspj", "scjgj", "sthjj", "zjj", "jtysj", "wjw", "yjglj", "cgj", "nyncj", "wglyj", "gaj", "rsj"],
    legal_basis=(
        "《中华人民共和国行政许可法》第四十条；《国务院办公厅关于运用大数据加强对市场主体服务和监管的若干意见》"
        "（国办发〔2015〕51号）；《江苏省社会信用条例》；《南通市公共信用信息归集和使用暂行办法》第八条第（二）项。"
        "行政许可决定自作出之日起7个工作日内上网公示（“双公示”）。"
    ),
    description="行政机关作出的准予行政许可决定，按国家“双公示”数据标准报送。许可有效期至2099-12-31表示长期有效。",
    fields=[
        *counterpart_fields(),
        FieldSpec("document_name", "行政许可决定文书名称", required=True, max_length=64),
        FieldSpec("document_number", "行政许可决定文书号", required=True, max_length=64),
        FieldSpec("license_category", "许可类别", CHOICE, required=True, choices=LICENSE_CATEGORIES),
        FieldSpec("certificate_name", "许可证书名称", max_length=64),
        FieldSpec("license_number", "许可编号", max_length=64),
        FieldSpec("license_content", "许可内容", required=True, max_length=4000),
        FieldSpec("decision_date", "许可决定日期", DATE, required=True),
        FieldSpec("valid_from", "有效期自", DATE, required=True),
        FieldSpec("valid_until", "有效期至", DATE, required=True, help_text="长期有效的填2099-12-31"),
        *source_fields("许可机关"),
    ],
)

ADMIN_PENALTY = ItemSpec(
    code="admin_penalty",
    public_section=PublicSection.PENALTY.value,
    name="行政处罚",
    category=Category.REGULATORY.value,
    scheme="admin_penalty",
    subject_kinds=EVERYONE,
    is_dishonesty=True,
    providers=[
        "scjgj",
        "swj",
        "sthjj",
        "zjj",
        "rsj",
        "jtysj",
        "yjglj",
        "wjw",
        "cgj",
        "zrzyj",
        "nyncj",
        "wglyj",
        "gaj",
        "rmyh",
        "xfjyzd",
    ],
    legal_basis=(
        "《中华人民共和国行政处罚法》第四十八条；《国务院办公厅关于运用大数据加强对市场主体服务和监管的若干意见》"
        "（国办发〔2015〕51号）；《信用修复管理办法》；《南通市公共信用信息归集和使用暂行办法》第八条第（三）项。"
        "行政处罚决定自作出之日起7个工作日内上网公示（“双公示”）。"
    ),
    description=(
        "行政机关作出的行政处罚决定，按国家“双公示”数据标准报送。公示期限按处罚类别和失信程度确定，"
        "同一决定涉及多种处罚类型的以期限最长的为准；“失信程度”由处罚机关认定，未填写的按处罚类别确定。"
    ),
    fields=[
        *counterpart_fields(),
        FieldSpec("penalty_document_number", "行政处罚决定书文号", required=True, max_length=64),
        FieldSpec("violation_type", "违法行为类型", required=True, max_length=2000),
        FieldSpec("violation_facts", "违法事实", required=True, max_length=5000),
        FieldSpec("penalty_basis", "处罚依据", required=True, max_length=2048),
        FieldSpec(
            "penalty_types",
            "处罚类别",
            CHOICE,
            required=True,
            choices=PENALTY_TYPES,
            multiple=True,
            help_text="可多选，以分号分隔",
        ),
        FieldSpec("penalty_content", "处罚内容", required=True, max_length=4000),
        FieldSpec("fine_amount", "罚款金额（万元）", DECIMAL, help_text="处罚类别含罚款时必填"),
        FieldSpec("confiscated_amount", "没收违法所得、没收非法财物的金额（万元）", DECIMAL),
        FieldSpec("suspended_or_revoked_license", "暂扣或吊销证照名称及编号", max_length=200),
        FieldSpec("decision_date", "处罚决定日期", DATE, required=True),
        FieldSpec(
            "valid_until", "处罚有效期", DATE, required=True, help_text="处罚决定的履行期限或有效期，长期的填2099-12-31"
        ),
        FieldSpec("disclosure_until", "公示截止期", DATE, help_text="不填由平台按公示期限规则计算"),
        FieldSpec(
            "severity",
            "失信程度",
            CHOICE,
            choices=list(SEVERITY_LABELS),
            help_text="处罚机关按《信用修复管理办法》认定；不填的按处罚类别确定",
        ),
        FieldSpec(
            "publication_necessary",
            "确需公示",
            BOOLEAN,
            help_text="轻微失信信息原则上不予公示；处罚机关认为确需公示的填“是”并写明理由，最长公示3个月",
        ),
        FieldSpec("publication_reason", "确需公示的理由", max_length=500, help_text="声明确需公示的必填"),
        *source_fields("处罚机关"),
    ],
)

REGISTRATION_STATUSES = ["存续（在营、开业、在册）", "迁出", "停业", "注销", "吊销"]

BUSINESS_REGISTRATION = ItemSpec(
    code="business_registration",
    name="工商登记（市场主体登记）",
    category=Category.REGISTRATION.value,
    scheme="long_term",
    subject_kinds=ORGANISATIONS,
    providers=["xzspj", "scjgj"],
    legal_basis="《中华人民共和国市场主体登记管理条例》；《南通市公共信用信息归集和使用暂行办法》第八条第（一）项。",
    description="企业、农民专业合作社和个体工商户的设立、变更登记信息。",
    fields=[
        *organisation_fields(),
        FieldSpec("entity_type", "市场主体类型", required=True, max_length=50),
        FieldSpec("legal_representative", "法定代表人（负责人、经营者）", required=True, max_length=50),
        FieldSpec("registered_capital", "注册资本（万元）", DECIMAL),
        FieldSpec("established_on", "成立日期", DATE, required=True),
        FieldSpec("decision_date", "核准日期", DATE, required=True),
        FieldSpec("address", "住所（经营场所）", required=True, max_length=200),
        FieldSpec("business_scope", "经营范围", max_length=4000),
        FieldSpec("registration_status", "登记状态", CHOICE, required=True, choices=REGISTRATION_STATUSES),
        *source_fields("登记机关"),
    ],
)

SOCIAL_ORG_REGISTRATION = ItemSpec(
    code="social_org_registration",
    name="社会组织登记",
    category=Category.REGISTRATION.value,
    scheme="long_term",
    subject_kinds=[LEGAL],
    providers=["mzj"],
    legal_basis="《社会团体登记管理条例》《民办非企业单位登记管理暂行条例》；《南通市公共信用信息归集和使用暂行办法》第八条第（一）项。",
    description="社会团体、民办非企业单位（社会服务机构）和基金会的成立、变更登记信息。",
    fields=[
        *organisation_fields(),
        FieldSpec(
            "organisation_kind", "社会组织类型", CHOICE, required=True, choices=["社会团体", "民办非企业单位", "基金会"]
        ),
        FieldSpec("legal_representative", "法定代表人", required=True, max_length=50),
        FieldSpec("supervising_unit", "业务主管单位", max_length=200),
        FieldSpec("registered_capital", "注册资金（万元）", DECIMAL),
        FieldSpec("decision_date", "登记日期", DATE, required=True),
        FieldSpec("address", "住所", required=True, max_length=200),
        FieldSpec("business_scope", "业务范围", max_length=2000),
        FieldSpec("registration_status", "登记状态", CHOICE, required=True, choices=["正常", "撤销", "注销"]),
        *source_fields("登记管理机关"),
    ],
)

QUALIFICATION = ItemSpec(
    code="enterprise_qualification",
    name="资质认定",
    category=Category.QUALIFICATION.value,
    scheme="long_term",
    subject_kinds=[LEGAL],
    providers=["zjj", "scjgj", "jtysj"],
    legal_basis="《建筑业企业资质管理规定》《检验检测机构资质认定管理办法》等；《南通市公共信用信息归集和使用暂行办法》第八条第（二）项。",
    description="建筑业企业资质、检验检测机构资质认定、道路运输企业资质等。",
    fields=[
        *organisation_fields(),
        FieldSpec("qualification_type", "资质类型", required=True, max_length=100),
        FieldSpec("qualification_scope", "资质类别及等级", required=True, max_length=1000),
        FieldSpec("certificate_number", "资质证书编号", required=True, max_length=64),
        FieldSpec("decision_date", "发证日期", DATE, required=True),
        FieldSpec("valid_until", "有效期至", DATE, required=True),
        *source_fields("发证机关"),
    ],
)

PROFESSIONAL_QUALIFICATION = ItemSpec(
    code="professional_qualification",
    name="职业资格",
    category=Category.QUALIFICATION.value,
    scheme="long_term",
    subject_kinds=[PERSON],
    providers=["rsj"],
    openness=Openness.AUTHORIZED.value,
    legal_basis="《国家职业资格目录》；《南通市公共信用信息归集和使用暂行办法》第八条第（二）项、第十一条第二款（授权查询）。",
    description="自然人取得的专业技术人员职业资格和技能人员职业资格。属授权查询信息，须凭信息主体书面授权查询。",
    fields=[
        FieldSpec("person_name", "姓名", required=True, max_length=50),
        FieldSpec("id_type", "证件类型", CHOICE, required=True, choices=ID_TYPES, is_public=False),
        FieldSpec("id_number", "证件号码", IDENTIFIER, is_public=False),
        FieldSpec("qualification_name", "职业资格名称", required=True, max_length=100),
        FieldSpec(
            "qualification_level",
            "资格等级",
            CHOICE,
            required=True,
            choices=[
                "初级",
                "中级",
                "高级",
                "五级/初级工",
                "四级/中级工",
                "三级/高级工",
                "二级/技师",
                "一级/高级技师",
                "不分级",
            ],
        ),
        FieldSpec("certificate_number", "证书编号", required=True, max_length=64),
        FieldSpec("decision_date", "发证日期", DATE, required=True),
        FieldSpec("valid_until", "有效期至", DATE),
        *source_fields("发证机关"),
    ],
)

CERTIFICATION = ItemSpec(
    code="certification_trademark",
    name="产品及管理体系认证、商标注册",
    category=Category.QUALIFICATION.value,
    scheme="long_term",
    subject_kinds=ORGANISATIONS,
    providers=["scjgj", "gxj"],
    accepts_self_declaration=True,
    submission_deadline_workdays=None,
    legal_basis="《南通市公共信用信息归集和使用暂行办法》第八条第（二）项、第十条（自主申报）。",
    description="产品认证、管理体系认证和注册商标等信息，可由信息主体自主申报，经市工业和信息化局核验原件后纳入。",
    fields=[
        *organisation_fields(),
        FieldSpec(
            "certificate_kind",
            "类型",
            CHOICE,
            required=True,
            choices=["产品认证", "管理体系认证", "注册商标", "驰名商标认定", "地理标志"],
        ),
        FieldSpec("certificate_name", "证书或商标名称", required=True, max_length=200),
        FieldSpec("certificate_number", "证书编号或注册号", required=True, max_length=64),
        FieldSpec("issuer", "发证机构或注册机关", required=True, max_length=200),
        FieldSpec("decision_date", "发证或核准注册日期", DATE, required=True),
        FieldSpec("valid_until", "有效期至", DATE),
        FieldSpec("source_unit", "数据来源单位", required=True, max_length=200),
        FieldSpec("source_unit_uscc", "数据来源单位统一社会信用代码", IDENTIFIER, required=True),
        FieldSpec("remarks", "备注", max_length=512),
    ],
)

COMMENDATION = ItemSpec(
    code="commendation",
    public_section=PublicSection.INCENTIVE.value,
    name="荣誉表彰",
    category=Category.COMMENDATION.value,
    scheme="commendation",
    subject_kinds=EVERYONE,
    providers=["fgw", "gxj", "scjgj", "rsj", "swj", "wjw", "mzj"],
    accepts_self_declaration=True,
    submission_deadline_workdays=20,
    legal_basis="《南通市公共信用信息归集和使用暂行办法》第八条第（四）项、第十条（自主申报）。",
    description="县级以上人民政府及其部门授予的荣誉称号、表彰、授牌等良好信息，信息主体也可自主申报。",
    fields=[
        FieldSpec("subject_name", "主体名称", required=True, max_length=200),
        FieldSpec("uscc", "统一社会信用代码", IDENTIFIER, help_text="法人及非法人组织、个体工商户必填"),
        FieldSpec("honor_name", "荣誉名称", required=True, max_length=200),
        FieldSpec(
            "honor_level", "荣誉级别", CHOICE, required=True, choices=["国家级", "省级", "市级", "县（市、区）级"]
        ),
        FieldSpec("document_number", "表彰文号", max_length=64),
        FieldSpec("decision_date", "授予日期", DATE, required=True),
        FieldSpec("valid_until", "有效期至", DATE),
        *source_fields("授予单位"),
    ],
)

SOCIAL_RATING = ItemSpec(
    code="social_rating",
    name="社会评级",
    category=Category.RATING.value,
    scheme="rating",
    subject_kinds=[LEGAL],
    providers=["gxj", "fgw"],
    accepts_self_declaration=True,
    submission_deadline_workdays=None,
    legal_basis="《南通市公共信用信息归集和使用暂行办法》第八条第（五）项、第十条（自主申报）。",
    description="社会评级机构对社会法人的信用等级，以及行业协会、部门评定的单项信用评价结果。",
    fields=[
        *organisation_fields(),
        FieldSpec("rating_agency", "评级机构", required=True, max_length=200),
        FieldSpec("rating_kind", "评级类型", required=True, max_length=100),
        FieldSpec(
            "rating", "信用等级", CHOICE, required=True, choices=["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C"]
        ),
        FieldSpec("decision_date", "评定日期", DATE, required=True),
        FieldSpec("valid_until", "有效期至", DATE),
        FieldSpec("source_unit", "数据来源单位", required=True, max_length=200),
        FieldSpec("source_unit_uscc", "数据来源单位统一社会信用代码", IDENTIFIER, required=True),
        FieldSpec("remarks", "备注", max_length=512),
    ],
)

TAX_RATING = ItemSpec(
    code="tax_credit_rating",
    name="纳税信用等级",
    category=Category.RATING.value,
    scheme="rating",
    subject_kinds=ORGANISATIONS,
    providers=["swj"],
    openness=Openness.AUTHORIZED.value,
    submission_deadline_workdays=10,
    legal_basis="《纳税信用管理办法》；《南通市公共信用信息归集和使用暂行办法》第八条第（五）项。",
    description="税务机关年度纳税信用评价结果（A、B、M、C、D级）。属授权查询信息；A级纳税人名单由税务机关另行公布。",
    fields=[
        *organisation_fields(),
        FieldSpec("evaluation_year", "评价年度", INTEGER, required=True),
        FieldSpec("credit_grade", "纳税信用级别", CHOICE, required=True, choices=["A", "B", "M", "C", "D"]),
        FieldSpec("decision_date", "评价日期", DATE, required=True),
        *source_fields("评价机关"),
    ],
)

BANK_RATING = ItemSpec(
    code="bank_credit_rating",
    name="银行资信等级",
    category=Category.RATING.value,
    scheme="rating",
    subject_kinds=[LEGAL],
    providers=["gxj"],
    accepts_self_declaration=True,
    submission_deadline_workdays=None,
    legal_basis="《南通市公共信用信息归集和使用暂行办法》第八条第（五）项、第十条（自主申报）。",
    description="商业银行评定的企业资信等级，由信息主体自主申报，经市工业和信息化局核验原件后纳入。",
    fields=[
        *organisation_fields(),
        FieldSpec("bank", "评定银行", required=True, max_length=200),
        FieldSpec(
            "rating",
            "资信等级",
            CHOICE,
            required=True,
            choices=["AAA", "AA+", "AA", "AA-", "A+", "A", "A-", "BBB", "BB", "B"],
        ),
        FieldSpec("decision_date", "评定日期", DATE, required=True),
        FieldSpec("valid_until", "有效期至", DATE),
        FieldSpec("source_unit", "数据来源单位", required=True, max_length=200),
        FieldSpec("source_unit_uscc", "数据来源单位统一社会信用代码", IDENTIFIER, required=True),
        FieldSpec("remarks", "备注", max_length=512),
    ],
)

WARNING = ItemSpec(
    code="warning_record",
    public_section=PublicSection.DISCIPLINE.value,
    name="警示记录",
    category=Category.REGULATORY.value,
    scheme="warning",
    subject_kinds=EVERYONE,
    providers=["gxj"],
    is_dishonesty=True,
    is_warning=True,
    submission_deadline_workdays=None,
    legal_basis="《南通市公共信用信息归集和使用暂行办法》第二十三条：申报信用信息弄虚作假，造成不良影响的，由市经济和信息化部门记入警示记录。",
    description="信息主体自主申报弄虚作假、造成不良影响的，由市工业和信息化局（原市经济和信息化委员会）记入警示记录。",
    fields=[
        FieldSpec("subject_name", "主体名称", required=True, max_length=200),
        FieldSpec("uscc", "统一社会信用代码", IDENTIFIER, help_text="法人及非法人组织、个体工商户必填"),
        FieldSpec("declared_matter", "申报事项", required=True, max_length=200),
        FieldSpec("facts", "弄虚作假情形", required=True, max_length=2000),
        FieldSpec("impact", "造成的不良影响", required=True, max_length=1000),
        FieldSpec("document_number", "认定文书号", required=True, max_length=64),
        FieldSpec("decision_date", "记入日期", DATE, required=True),
        *source_fields("认定单位"),
    ],
)

COERCION_TYPES = [
    "限制公民人身自由",
    "查封场所、设施或者财物",
    "扣押财物",
    "冻结存款、汇款",
    "加处罚款或者滞纳金",
    "划拨存款、汇款",
    "拍卖或者依法处理查封、扣押的场所、设施或者财物",
    "排除妨碍、恢复原状",
    "代履行",
    "其他行政强制措施",
    "其他强制执行方式",
]

ADMIN_COERCION = ItemSpec(
    code="admin_coercion",
    public_section=PublicSection.PENALTY.value,
    name="行政强制",
    category=Category.REGULATORY.value,
    scheme="admin_coercion",
    subject_kinds=EVERYONE,
    providers=["scjgj", "swj", "sthjj", "zjj", "rsj", "jtysj", "yjglj", "wjw", "zrzyj", "nyncj", "wglyj", "xfjyzd"],
    legal_basis=(
        "《中华人民共和国行政强制法》第二条、第九条、第十二条；《江苏省社会信用条例》；"
        "《南通市公共信用信息归集和使用暂行办法》第八条第（三）项。行政强制决定自作出之日起7个工作日内报送。"
    ),
    description=(
        "行政机关依法实施的行政强制措施和行政强制执行决定，参照国家“双公示”数据标准的结构报送。"
        "信用代证（专项信用报告）按领域列示。"
    ),
    fields=[
        *counterpart_fields(),
        FieldSpec("coercion_document_number", "行政强制决定书文号", required=True, max_length=64),
        FieldSpec("coercion_kind", "行政强制类别", CHOICE, required=True, choices=["行政强制措施", "行政强制执行"]),
        FieldSpec("coercion_types", "行政强制方式", CHOICE, required=True, choices=COERCION_TYPES, multiple=True),
        FieldSpec("violation_facts", "实施行政强制的事实和理由", required=True, max_length=5000),
        FieldSpec("coercion_basis", "行政强制依据", required=True, max_length=2048),
        FieldSpec("coercion_content", "行政强制内容", required=True, max_length=4000),
        FieldSpec("property_amount", "涉及财物金额（万元）", DECIMAL),
        FieldSpec("decision_date", "行政强制决定日期", DATE, required=True),
        FieldSpec("term_from", "行政强制期限自", DATE),
        FieldSpec("term_until", "行政强制期限至", DATE),
        FieldSpec("lifted_on", "解除日期", DATE, help_text="解除行政强制措施的填写"),
        *source_fields("实施机关"),
    ],
)

LIST_TYPES = [
    "严重违法失信名单（市场监管）",
    "重大税收违法失信主体",
    "拖欠农民工工资失信联合惩戒对象名单",
    "安全生产严重失信主体名单",
    "环境违法严重失信名单",
    "建筑市场主体严重失信名单",
    "交通运输严重失信主体名单",
    "消防安全领域严重失信主体名单",
    "其他严重失信主体名单",
]

SERIOUS_DISHONESTY_LIST = ItemSpec(
    code="serious_dishonesty_list",
    public_section=PublicSection.DISCIPLINE.value,
    name="严重失信主体名单",
    category=Category.REGULATORY.value,
    scheme="dishonesty_list",
    subject_kinds=EVERYONE,
    is_dishonesty=True,
    providers=["scjgj", "swj", "sthjj", "zjj", "rsj", "jtysj", "yjglj", "wjw", "xfjyzd", "fgw"],
    legal_basis=(
        "《国务院办公厅关于进一步完善失信约束制度构建诚信建设长效机制的指导意见》（国办发〔2020〕49号）；"
        "《江苏省社会信用条例》；《南通市公共信用信息归集和使用暂行办法》第八条第（三）项。"
        "认定单位依法列入、移出严重失信主体名单，并自列入、移出之日起7个工作日内报送。"
    ),
    description=(
        "依照法律、法规和党中央、国务院政策文件认定的严重失信主体名单。“列入日期”即决定日期；"
        "认定单位移出名单的，报送“移出日期”，该主体自移出日期起不再列入名单、不再公示。"
    ),
    fields=[
        *counterpart_fields(),
        FieldSpec("list_type", "名单类型", CHOICE, required=True, choices=LIST_TYPES),
        FieldSpec("listing_document_number", "列入决定文书号", required=True, max_length=64),
        FieldSpec("decision_date", "列入日期", DATE, required=True),
        FieldSpec("listing_reason", "列入原因", required=True, max_length=2000),
        FieldSpec("listing_basis", "列入依据", required=True, max_length=2048),
        FieldSpec("punishments", "惩戒措施", max_length=2000),
        FieldSpec("removed_on", "移出日期", DATE, help_text="移出名单的填写；自该日起不再公示"),
        FieldSpec("removal_reason", "移出原因", max_length=1000),
        *source_fields("认定单位"),
    ],
)

RED_LIST_TYPES = [
    "纳税信用A级纳税人",
    "江苏省“守合同重信用”企业",
    "海关高级认证企业",
    "劳动保障守法诚信A级用人单位",
    "诚信示范企业",
    "其他守信激励对象",
]

RED_LIST = ItemSpec(
    code="red_list",
    name="守信激励对象名单（红名单）",
    category=Category.COMMENDATION.value,
    scheme="red_list",
    subject_kinds=EVERYONE,
    providers=["swj", "scjgj", "rsj", "fgw", "gxj", "zjj"],
    legal_basis=(
        "《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》（国发〔2016〕33号）；"
        "《江苏省社会信用条例》；《南通市公共信用信息归集和使用暂行办法》第八条第（四）项。"
        "认定单位依法列入、移出守信激励对象名单，并自列入、移出之日起7个工作日内报送。"
    ),
    description=(
        "各部门依法认定的守信激励对象（红名单），如纳税信用A级纳税人、“守合同重信用”企业、海关高级认证企业等。"
        "“列入日期”即决定日期；名单定有有效期的填写“有效期至”，届满后不再公示；认定单位移出名单的，报送“移出日期”，"
        "自该日起不再公示。"
    ),
    fields=[
        *counterpart_fields(),
        FieldSpec("list_type", "名单类型", CHOICE, required=True, choices=RED_LIST_TYPES),
        FieldSpec("listing_document_number", "认定文书号", required=True, max_length=64),
        FieldSpec("decision_date", "列入日期", DATE, required=True),
        FieldSpec("listed_until", "有效期至", DATE, help_text="名单定有有效期的填写；有效期届满后不再公示"),
        FieldSpec("listing_reason", "列入理由", required=True, max_length=2000),
        FieldSpec("incentives", "激励措施", max_length=2000),
        FieldSpec("removed_on", "移出日期", DATE, help_text="移出名单的填写；自该日起不再公示"),
        FieldSpec("removal_reason", "移出原因", max_length=1000),
        *source_fields("认定单位"),
    ],
)

# Items the public list pages (/lists/) show, added in 2026: in the first catalog of a new
# install, and published as a new catalog version where an older catalog lacks them
# (`catalog.demo.special.ensure_list_items`).
LIST_ITEMS: list[ItemSpec] = [RED_LIST]

# Items added for special credit reports (信用代证, 2025): in the first catalog of a new install,
# and published as a new catalog version where an older catalog lacks them (`catalog.demo.special`).
SPECIAL_ITEMS: list[ItemSpec] = [ADMIN_COERCION, SERIOUS_DISHONESTY_LIST]

ITEMS: list[ItemSpec] = [
    BUSINESS_REGISTRATION,
    SOCIAL_ORG_REGISTRATION,
    ADMIN_LICENSE,
    QUALIFICATION,
    PROFESSIONAL_QUALIFICATION,
    CERTIFICATION,
    ADMIN_PENALTY,
    *SPECIAL_ITEMS,
    WARNING,
    COMMENDATION,
    *LIST_ITEMS,
    SOCIAL_RATING,
    TAX_RATING,
    BANK_RATING,
]
ITEMS_BY_CODE: dict[str, ItemSpec] = {item.code: item for item in ITEMS}
