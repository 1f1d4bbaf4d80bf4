"""Demo credit records in every category of Art. 8, as the departments would submit them.

Each record names its provider, the provider's own key (the decision document number, or the
subject's code for registration data), the subject and the values that differ from record to
record; `build_data` adds what every record of an item repeats (the 行政相对人 block taken
from the subject, the deciding authority and the data source with their codes), so that the
values read like a department's export. Decision dates spread over 2023-2026: some penalties
are old enough that their disclosure period has run out, some are recent.
"""

import datetime as dt
from dataclasses import dataclass, field

from catalog.demo.items import ITEMS_BY_CODE, LONG_TERM_UNTIL
from catalog.demo.providers import BY_CODE as PROVIDERS
from catalog.demo.providers import organ_uscc
from catalog.models import SubjectKind

from . import subjects as subject_data
from .subjects import BY_KEY as SUBJECTS
from .subjects import OrganisationSpec, PersonSpec

SEED_CHANNEL = "seed"
SUBJECT_CATEGORY = {
    SubjectKind.LEGAL_PERSON.value: "法人及非法人组织",
    SubjectKind.INDIVIDUAL_BUSINESS.value: "个体工商户",
    SubjectKind.NATURAL_PERSON.value: "自然人",
}


@dataclass(frozen=True)
class RecordSpec:
    item: str
    provider: str
    source_key: str
    subject: str  # key into subjects.BY_KEY
    data: dict = field(default_factory=dict)


def iso(day: dt.date) -> str:
    return day.isoformat()


def years_later(day: dt.date, years: int) -> dt.date:
    """The day before the same date `years` later (how certificates state their validity)."""
    try:
        return day.replace(year=day.year + years) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- Registration (登记类) ----------------------------------------------------------------------


def _registration(spec: OrganisationSpec) -> RecordSpec:
    data = {
        "entity_type": spec.organisation_type,
        "legal_representative": spec.legal_representative,
        "established_on": iso(spec.established),
        "decision_date": iso(spec.established),
        "address": spec.address,
        "business_scope": spec.scope,
        "registration_status": spec.status,
        "authority": spec.registration_authority,
    }
    if spec.capital:
        data["registered_capital"] = spec.capital
    return RecordSpec("business_registration", "xzspj", spec.identifier, spec.key, data)


def _social_registration(spec: OrganisationSpec) -> RecordSpec:
    kind = "社会团体" if spec.kind_code == subject_data.SOCIAL_GROUP else "民办非企业单位"
    data = {
        "organisation_kind": kind,
        "legal_representative": spec.legal_representative,
        "supervising_unit": "南通市民政局" if kind == "民办非企业单位" else "南通市发展和改革委员会",
        "registered_capital": spec.capital,
        "decision_date": iso(spec.established),
        "address": spec.address,
        "business_scope": spec.scope,
        "registration_status": "正常",
        "authority": spec.registration_authority,
    }
    return RecordSpec("social_org_registration", "mzj", spec.identifier, spec.key, data)


def registration_records() -> list[RecordSpec]:
    records = []
    for spec in [*subject_data.LEGAL_PERSONS, *subject_data.INDIVIDUAL_BUSINESSES]:
        if spec.kind_code in subject_data.SOCIAL_ORGANISATIONS:
            records.append(_social_registration(spec))
        elif spec.kind_code != subject_data.PUBLIC_INSTITUTION:
            records.append(_registration(spec))
    return records


# --- Licences (行政许可, 双公示) ------------------------------------------------------------------


def licence(
    provider: str,
    number: str,
    subject: str,
    decided: dt.date,
    *,
    document: str,
    category: str,
    certificate: str,
    licence_number: str,
    content: str,
    valid_until: dt.date | str,
    authority: str = "",
    remarks: str = "",
) -> RecordSpec:
    data = {
        "document_name": document,
        "document_number": number,
        "license_category": category,
        "certificate_name": certificate,
        "license_number": licence_number,
        "license_content": content,
        "decision_date": iso(decided),
        "valid_from": iso(decided),
        "valid_until": valid_until if isinstance(valid_until, str) else iso(valid_until),
    }
    if authority:
        data["authority"] = authority
    if remarks:
        data["remarks"] = remarks
    return RecordSpec("admin_license", provider, number, subject, data)


D = dt.date

LICENCES: list[RecordSpec] = [
    licence(
        "xzspj",
        "通审批食许〔2024〕0312号",
        "haohe_catering",
        D(2024, 3, 12),
        document="准予行政许可决定书",
        category="普通",
        certificate="食品经营许可证",
        licence_number="JY23206020045171",
        content="食品经营许可：热食类食品制售、冷食类食品制售、自制饮品制售（餐饮服务经营者·大型餐馆）",
        valid_until=years_later(D(2024, 3, 12), 5),
    ),
    licence(
        "xzspj",
        "崇审批食许〔2023〕0508号",
        "li_noodles",
        D(2023, 5, 8),
        document="准予行政许可决定书",
        category="普通",
        certificate="食品经营许可证",
        licence_number="JY23206020031282",
        content="食品经营许可：热食类食品制售（餐饮服务经营者·小型餐馆）",
        valid_until=years_later(D(2023, 5, 8), 5),
        authority="南通市崇川区行政审批局",
    ),
    licence(
        "xzspj",
        "通审批药许〔2025〕0120号",
        "zhongxiu_pharmacy",
        D(2025, 1, 20),
        document="准予行政许可决定书",
        category="普通",
        certificate="药品经营许可证",
        licence_number="苏CB5130086",
        content="药品零售连锁经营：处方药、甲类非处方药、乙类非处方药：中药饮片、中成药、化学药、生物制品",
        valid_until=years_later(D(2025, 1, 20), 5),
    ),
    licence(
        "sthjj",
        "通环排许〔2023〕0825号",
        "jinsha_dyeing",
        D(2023, 8, 25),
        document="排污许可证核发决定",
        category="普通",
        certificate="排污许可证",
        licence_number="91320612722835944Y001P",
        content="排污许可重点管理：纺织品印染废水（化学需氧量、氨氮、总氮、总磷）、锅炉废气排放",
        valid_until=years_later(D(2023, 8, 25), 5),
    ),
    licence(
        "xzspj",
        "崇审批建施〔2024〕0923号",
        "haisheng",
        D(2024, 9, 23),
        document="建筑工程施工许可决定书",
        category="普通",
        certificate="建筑工程施工许可证",
        licence_number="320602202409230101",
        content="崇川区观音山街道幸福安置房三期1#-6#楼，建筑面积48620平方米，合同价款1.36亿元",
        valid_until=LONG_TERM_UNTIL,
        authority="南通市崇川区行政审批局",
    ),
    licence(
        "jtysj",
        "通交港许〔2023〕0630号",
        "tongzhou_bay_port",
        D(2023, 6, 30),
        document="港口经营许可决定书",
        category="普通",
        certificate="港口经营许可证",
        licence_number="（苏通）港经证（0186）号",
        content="在港区内从事货物装卸、仓储经营（不含危险货物）",
        valid_until=years_later(D(2023, 6, 30), 3),
    ),
    licence(
        "xzspj",
        "启审批运许〔2024〕1017号",
        "beixin_logistics",
        D(2024, 10, 17),
        document="道路运输经营许可决定书",
        category="普通",
        certificate="道路运输经营许可证",
        licence_number="苏交运管许可通字320681301452号",
        content="道路普通货物运输；货物专用运输（集装箱）",
        valid_until=years_later(D(2024, 10, 17), 4),
        authority="启东市行政审批局",
    ),
    licence(
        "wjw",
        "通卫医许〔2024〕1115号",
        "heping_health",
        D(2024, 11, 15),
        document="医疗机构执业许可校验决定",
        category="普通",
        certificate="医疗机构执业许可证",
        licence_number="PDY05613-332060217B1002",
        content="诊疗科目：预防保健科、全科医疗科、内科、外科、妇科、儿科、中医科、医学检验科、医学影像科",
        valid_until=years_later(D(2024, 11, 15), 5),
    ),
    licence(
        "wglyj",
        "通文旅许〔2025〕0418号",
        "zilang_tourism",
        D(2025, 4, 18),
        document="准予旅行社业务经营许可决定书",
        category="普通",
        certificate="旅行社业务经营许可证",
        licence_number="L-JS-100812",
        content="经营国内旅游业务和入境旅游业务",
        valid_until=LONG_TERM_UNTIL,
    ),
    licence(
        "yjglj",
        "苏通危化经字〔2024〕000123",
        "xingren_chemical",
        D(2024, 5, 9),
        document="危险化学品经营许可决定",
        category="普通",
        certificate="危险化学品经营许可证",
        licence_number="苏通危化经字〔2024〕000123",
        content="批发（不带储存设施）：甲醇、乙酸乙酯、甲苯、丙酮",
        valid_until=years_later(D(2024, 5, 9), 3),
    ),
    licence(
        "cgj",
        "通城管核〔2025〕0703号",
        "shigang_building",
        D(2025, 7, 3),
        document="城市建筑垃圾处置核准决定书",
        category="核准",
        certificate="城市建筑垃圾处置核准证",
        licence_number="通建垃处〔2025〕第0156号",
        content="建筑垃圾（工程渣土）运输、消纳，消纳场所：通州区石港镇建筑垃圾资源化利用中心",
        valid_until=years_later(D(2025, 7, 3), 1),
    ),
    licence(
        "nyncj",
        "通农渔许〔2024〕0226号",
        "lvsi_fishery",
        D(2024, 2, 26),
        document="渔业捕捞许可决定书",
        category="特许",
        certificate="渔业捕捞许可证",
        licence_number="（苏启）船网（2024）HY-000268号",
        content="海洋捕捞：作业类型流刺网，作业场所黄海C1、C2渔区，船名苏启渔03168",
        valid_until=years_later(D(2024, 2, 26), 5),
    ),
    licence(
        "nyncj",
        "启农渔许〔2025〕0303号",
        "cao_zhiming",
        D(2025, 3, 3),
        document="渔业捕捞许可决定书",
        category="特许",
        certificate="渔业捕捞许可证",
        licence_number="（苏启）船网（2025）HY-000517号",
        content="海洋捕捞：作业类型张网，作业场所吕四渔场沿岸，船名苏启渔02517",
        valid_until=years_later(D(2025, 3, 3), 5),
        authority="启东市农业农村局",
    ),
    licence(
        "gaj",
        "通公（治）许〔2026〕0926号",
        "zilang_tourism",
        D(2026, 9, 26),
        document="大型群众性活动安全许可决定书",
        category="普通",
        certificate="大型群众性活动安全许可决定书",
        licence_number="通公大活许〔2026〕第031号",
        content="2026南通濠河国庆灯会，活动时间2026年10月1日至10月7日，预计参加人数每日8000人",
        valid_until=D(2026, 10, 7),
    ),
    licence(
        "xzspj",
        "皋审批食许〔2023〕0719号",
        "changshou_food",
        D(2023, 7, 19),
        document="准予行政许可决定书",
        category="普通",
        certificate="食品生产许可证",
        licence_number="SC10732068200521",
        content="食品生产许可：糕点（烘烤类糕点）；豆制品（其他豆制品）",
        valid_until=years_later(D(2023, 7, 19), 5),
        authority="如皋市行政审批局",
    ),
    licence(
        "scjgj",
        "通州市监作坊登〔2024〕0402号",
        "shigang_wine",
        D(2024, 4, 2),
        document="食品小作坊登记决定书",
        category="登记",
        certificate="食品小作坊登记证",
        licence_number="苏食小作坊（通州）2024-0088",
        content="白酒（固态法白酒）小作坊生产加工",
        valid_until=years_later(D(2024, 4, 2), 5),
    ),
]


# --- Penalties (行政处罚, 双公示) -----------------------------------------------------------------


def penalty(
    provider: str,
    number: str,
    subject: str,
    decided: dt.date,
    *,
    violation: str,
    facts: str,
    basis: str,
    types: list[str],
    content: str,
    fine: str = "",
    confiscated: str = "",
    revoked_licence: str = "",
    severity: str = "",
    authority: str = "",
    valid_until: dt.date | str | None = None,
    necessary_because: str = "",
) -> RecordSpec:
    data = {
        "penalty_document_number": number,
        "violation_type": violation,
        "violation_facts": facts,
        "penalty_basis": basis,
        "penalty_types": types,
        "penalty_content": content,
        "decision_date": iso(decided),
        # 处罚有效期: the term within which the decision is to be carried out; permanent measures are long-term.
        "valid_until": valid_until if isinstance(valid_until, str) else iso(valid_until or years_later(decided, 1)),
    }
    optional = {
        "fine_amount": fine,
        "confiscated_amount": confiscated,
        "suspended_or_revoked_license": revoked_licence,
        "severity": severity,
        "authority": authority,
    }
    data.update({key: value for key, value in optional.items() if value})
    if necessary_because:  # a 轻微 penalty that the deciding authority states must be published
        data.update(publication_necessary=True, publication_reason=necessary_because)
    return RecordSpec("admin_penalty", provider, number, subject, data)


# The decision numbers (source keys) of the demo cases' records, see the demo modules of inquiry, objections and repair.
HAISHENG_REPAIRED = "通市监处罚〔2025〕96号"
HAISHENG_REFERRED = "崇市监处罚〔2026〕178号"
HAISHENG_OBJECTED = "通市监处罚〔2026〕163号"
# 南通濠河餐饮's, objected to in writing at the center's counter (a paper case).
HAOHE_OBJECTED_ON_PAPER = "通市监处罚〔2026〕141号"

PENALTIES: list[RecordSpec] = [
    penalty(
        "scjgj",
        "通市监处罚〔2023〕87号",
        "zhongxiu_pharmacy",
        D(2023, 5, 16),
        violation="销售劣药",
        facts="当事人下属钟秀门店于2023年3月销售超过有效期的“复方甘草片”12盒，货值金额312元，违法所得312元。",
        basis="《中华人民共和国药品管理法》第九十八条第三款第（五）项、第一百一十七条第一款",
        types=["罚款", "没收违法所得", "没收非法财物"],
        content="没收超过有效期的药品12盒，没收违法所得312元，并处罚款10万元。",
        fine="10",
        confiscated="0.0312",
    ),
    penalty(
        "scjgj",
        "崇市监处罚〔2026〕203号",
        "li_noodles",
        D(2026, 9, 10),
        violation="安排未取得健康证明的人员从事接触直接入口食品的工作",
        facts="当事人安排1名未取得健康证明的人员从事面点制作，经责令后已当场改正，系初次违法。",
        basis="《中华人民共和国食品安全法》第一百二十六条第一款第（六）项",
        types=["警告"],
        content="责令改正，给予警告。",
        severity="轻微",
        authority="南通市崇川区市场监督管理局",
    ),
    penalty(
        "scjgj",
        HAOHE_OBJECTED_ON_PAPER,
        "haohe_catering",
        D(2026, 6, 18),
        violation="使用超过保质期的食品原料加工食品",
        facts="当事人后厨使用超过保质期的奶油2.5千克制作甜点并对外销售，货值金额860元，违法所得3200元。",
        basis="《中华人民共和国食品安全法》第一百二十四条第一款第（三）项",
        types=["罚款", "没收违法所得"],
        content="没收违法所得3200元，并处罚款5万元。",
        fine="5",
        confiscated="0.32",
    ),
    penalty(
        "swj",
        "通税稽罚〔2025〕12号",
        "huilong_tools",
        D(2025, 3, 20),
        violation="偷税",
        facts="当事人2022年至2023年通过个人账户收取货款不入账，少缴增值税及附加、企业所得税合计17.2万元。",
        basis="《中华人民共和国税收征收管理法》第六十三条第一款",
        types=["罚款"],
        content="追缴少缴税款17.2万元，并处少缴税款百分之五十的罚款8.6万元。",
        fine="8.6",
    ),
    penalty(
        "sthjj",
        "通环罚〔2025〕46号",
        "jinsha_dyeing",
        D(2025, 8, 12),
        violation="超过水污染物排放标准排放水污染物",
        facts="2025年6月执法监测显示，当事人废水总排口化学需氧量浓度为218mg/L，超过《纺织染整工业水污染物排放标准》限值0.09倍。",
        basis="《中华人民共和国水污染防治法》第八十三条第（二）项",
        types=["罚款", "限制开展生产经营活动"],
        content="责令限制生产，并处罚款35万元。",
        fine="35",
        severity="严重",
    ),
    penalty(
        "sthjj",
        "通环罚〔2024〕19号",
        "binshan_chemical",
        D(2024, 4, 10),
        violation="未按照规定使用大气污染防治设施",
        facts="当事人含挥发性有机物废气的生产活动中，活性炭吸附装置未按规定更换活性炭，废气未经有效处理排放。",
        basis="《中华人民共和国大气污染防治法》第一百零八条第（一）项",
        types=["罚款"],
        content="责令改正，处罚款5万元。",
        fine="5",
        authority="南通市生态环境局",
    ),
    penalty(
        "zjj",
        "通住建罚〔2026〕3号",
        "haisheng",
        D(2026, 2, 5),
        violation="分部分项工程施工时无专职安全生产管理人员现场监督",
        facts="当事人承建的幸福安置房三期项目深基坑土方开挖时，现场无专职安全生产管理人员监督，逾期未改正。",
        basis="《建设工程安全生产管理条例》第六十二条第（一）项",
        types=["罚款"],
        content="处罚款3万元。",
        fine="3",
    ),
    penalty(
        "yjglj",
        "（通）应急罚〔2024〕21号",
        "xingren_chemical",
        D(2024, 11, 22),
        violation="未对重大危险源进行定期检测、评估、监控",
        facts="当事人甲醇储罐区构成三级重大危险源，未按规定进行定期检测、评估，液位报警装置失效，经责令限期改正逾期未改正。",
        basis="《中华人民共和国安全生产法》第一百零一条第（二）项",
        types=["罚款", "责令停产停业"],
        content="责令停产停业整顿，并处罚款15万元。",
        fine="15",
        valid_until=D(2025, 2, 21),
    ),
    penalty(
        "yjglj",
        "（通）应急罚〔2023〕6号",
        "binshan_chemical",
        D(2023, 2, 14),
        violation="特种作业人员未取得相应资格上岗作业",
        facts="当事人2名焊接作业人员未取得特种作业操作证，在甲类车间从事动火作业。",
        basis="《中华人民共和国安全生产法》第九十七条第（七）项",
        types=["罚款"],
        content="责令限期改正，处罚款4万元。",
        fine="4",
        severity="严重",
    ),
    penalty(
        "jtysj",
        "通交执罚〔2025〕1102号",
        "beixin_logistics",
        D(2025, 12, 3),
        violation="货运经营者不按照规定携带车辆营运证",
        facts="当事人所属苏FD3K82号货车在G15沈海高速如东段从事货运时未随车携带车辆营运证，当场出示电子证照后改正。",
        basis="《中华人民共和国道路运输条例》（不按照规定携带车辆营运证的罚则）",
        types=["警告"],
        content="给予警告。",
        severity="轻微",
    ),
    penalty(
        "wjw",
        "通卫公罚〔2026〕7号",
        "xiaoyangkou_tourism",
        D(2026, 7, 22),
        violation="未按照规定对公共场所进行卫生检测",
        facts="当事人温泉浴场2026年上半年未对池水水质、空气微小气候进行卫生检测。",
        basis="《公共场所卫生管理条例实施细则》第三十六条第（一）项",
        types=["警告", "罚款"],
        content="给予警告，并处罚款5000元。",
        fine="0.5",
    ),
    penalty(
        "cgj",
        "通城管罚〔2026〕0451号",
        "wang_hardware",
        D(2026, 10, 15),
        violation="擅自在街道两侧堆放物料",
        facts="当事人在人民路42号门前人行道上堆放建材约6平方米，占用盲道，系一年内第三次被查处，经责令后当即清理。",
        basis="《城市市容和环境卫生管理条例》第三十六条第（二）项",
        types=["警告"],
        content="责令改正，给予警告。",
        severity="轻微",
        necessary_because="一年内三次占用人行道和盲道堆放物料，影响行人特别是视障人士通行安全，公示以警示。",
    ),
    penalty(
        "rsj",
        "通人社监罚〔2024〕6号",
        "qutang_construction",
        D(2024, 9, 3),
        violation="施工总承包单位未按规定存储工资保证金",
        facts="当事人承建的南通市区某工程项目未按规定存储农民工工资保证金，经责令限期改正逾期未改正。",
        basis="《保障农民工工资支付条例》第五十五条第（二）项",
        types=["罚款"],
        content="处罚款5万元。",
        fine="5",
    ),
    penalty(
        "nyncj",
        "启农（渔）罚〔2025〕17号",
        "cao_zhiming",
        D(2025, 6, 5),
        violation="违反禁渔期规定进行捕捞",
        facts="当事人于2025年5月伏季休渔期间驾驶苏启渔02517号渔船在吕四渔场进行张网作业，渔获物折价4200元。",
        basis="《中华人民共和国渔业法》第三十八条第一款",
        types=["罚款", "没收违法所得", "没收非法财物"],
        content="没收渔获物及违法所得4200元，并处罚款8000元。",
        fine="0.8",
        confiscated="0.42",
        authority="启东市农业农村局",
    ),
    penalty(
        "scjgj",
        "启市监处罚〔2025〕388号",
        "lvsi_seafood",
        D(2025, 10, 28),
        violation="经营者违反明码标价规定",
        facts="当事人经营的海鲜排档菜单上的海鲜未标示计价单位和价格，以“时价”代替标价。",
        basis="《中华人民共和国价格法》第四十二条",
        types=["罚款"],
        content="责令改正，处罚款2000元。",
        fine="0.2",
    ),
    penalty(
        "rmyh",
        "通银罚决字〔2024〕5号",
        "changjiang_ship_parts",
        D(2024, 12, 18),
        violation="出租、出借银行结算账户",
        facts="当事人将其基本存款账户出借给关联个人用于收付与本单位无关的款项。",
        basis="《人民币银行结算账户管理办法》第六十五条",
        types=["警告", "罚款"],
        content="给予警告，并处罚款1万元。",
        fine="1",
    ),
    penalty(
        "zrzyj",
        "通资规罚〔2026〕15号",
        "xiaoyangkou_tourism",
        D(2026, 5, 6),
        violation="未经批准占用土地",
        facts="当事人未经批准占用长沙镇集体土地3.2亩（其中耕地1.8亩）建设停车场及游客服务用房。",
        basis="《中华人民共和国土地管理法》第七十七条第一款",
        types=["没收非法财物", "罚款"],
        content="责令退还非法占用的土地，没收在非法占用的土地上新建的建筑物和其他设施，并处罚款6.4万元。",
        fine="6.4",
        severity="严重",
        valid_until=LONG_TERM_UNTIL,
    ),
    penalty(
        "scjgj",
        "海市监处罚〔2023〕512号",
        "baochang_electric",
        D(2023, 11, 9),
        violation="公司成立后开业后自行停业连续六个月以上",
        facts="当事人自2022年10月起自行停业，经营场所无人经营，至立案时已连续停业十二个月以上。",
        basis="《中华人民共和国公司法》（2018年修正）第二百一十一条第一款",
        types=["吊销许可证件"],
        content="吊销营业执照。",
        revoked_licence=f"营业执照 {SUBJECTS['baochang_electric'].identifier}",
        authority="南通市海门区市场监督管理局",
        valid_until=LONG_TERM_UNTIL,
    ),
    # 南通海晟's penalties from the 市场监管局 are the ones its agent `subject_user` objects to and
    # applies to repair in the demo cases (repair/demo.py), answered by `provider_staff`.
    penalty(
        "scjgj",
        HAISHENG_REPAIRED,
        "haisheng",
        D(2025, 7, 14),
        violation="使用未经定期检验的特种设备",
        facts="当事人在崇川区观音山街道幸福安置房三期项目施工现场使用的1台QTZ80型塔式起重机，定期检验有效期已于2025年5月"
        "届满，当事人未按规定申报定期检验，继续使用至2025年6月12日执法检查时。",
        basis="《中华人民共和国特种设备安全法》第四十条第三款、第八十四条第（一）项",
        types=["罚款"],
        content="责令停止使用该塔式起重机，处罚款3万元。",
        fine="3",
        severity="严重",
    ),
    penalty(
        "scjgj",
        HAISHENG_REFERRED,
        "haisheng",
        D(2026, 8, 18),
        violation="未依照规定办理变更登记",
        facts="当事人实际经营场所已迁至南通市崇川区永兴路18号，未在规定期限内向登记机关申请住所变更登记；经责令改正，逾期未改正。",
        basis="《中华人民共和国市场主体登记管理条例》第二十四条第一款、第四十六条",
        types=["罚款"],
        content="处罚款1万元。",
        fine="1",
        authority="南通市崇川区市场监督管理局",
    ),
    penalty(
        "scjgj",
        HAISHENG_OBJECTED,
        "haisheng",
        D(2026, 10, 20),
        violation="发布虚假广告",
        facts="当事人在南通市区3处户外广告牌及公司微信公众号发布企业形象广告，宣称“荣获中国建设工程鲁班奖”。经查，当事人系"
        "该获奖工程的参建单位之一，并非获奖单位，广告内容与实际情况不符。广告费用共计2.4万元。",
        basis="《中华人民共和国广告法》第二十八条第二款第（二）项、第五十五条第一款",
        types=["罚款"],
        content="责令停止发布广告，在相应范围内消除影响，处广告费用三倍的罚款7.2万元。",
        fine="7.2",
    ),
]


# --- Qualifications (资质类) --------------------------------------------------------------------


def qualification(
    provider: str, number: str, subject: str, decided: dt.date, *, kind: str, scope: str, valid_until: dt.date
) -> RecordSpec:
    data = {
        "qualification_type": kind,
        "qualification_scope": scope,
        "certificate_number": number,
        "decision_date": iso(decided),
        "valid_until": iso(valid_until),
    }
    return RecordSpec("enterprise_qualification", provider, number, subject, data)


def professional(
    number: str, subject: str, decided: dt.date, *, name: str, level: str, valid_until: dt.date | None = None
) -> RecordSpec:
    data = {
        "qualification_name": name,
        "qualification_level": level,
        "certificate_number": number,
        "decision_date": iso(decided),
    }
    if valid_until:
        data["valid_until"] = iso(valid_until)
    return RecordSpec("professional_qualification", "rsj", number, subject, data)


QUALIFICATIONS: list[RecordSpec] = [
    qualification(
        "zjj",
        "D332045867",
        "haisheng",
        D(2023, 12, 26),
        kind="建筑业企业资质",
        scope="建筑工程施工总承包叁级；市政公用工程施工总承包叁级",
        valid_until=D(2028, 12, 26),
    ),
    qualification(
        "zjj",
        "D332071352",
        "dongzao_construction",
        D(2024, 6, 14),
        kind="建筑业企业资质",
        scope="建筑工程施工总承包叁级；港口与航道工程施工总承包叁级",
        valid_until=D(2029, 6, 14),
    ),
    qualification(
        "zjj",
        "D332088410",
        "qutang_construction",
        D(2025, 3, 27),
        kind="建筑业企业资质",
        scope="钢结构工程专业承包叁级；建筑装修装饰工程专业承包贰级",
        valid_until=D(2030, 3, 27),
    ),
    qualification(
        "scjgj",
        "TS3332F27-2028",
        "renmin_elevator",
        D(2024, 7, 9),
        kind="特种设备生产单位许可",
        scope="电梯安装（含修理）：曳引驱动乘客电梯（含消防员电梯）B级、自动扶梯与自动人行道",
        valid_until=D(2028, 7, 8),
    ),
]

PROFESSIONAL_QUALIFICATIONS: list[RecordSpec] = [
    professional("苏职称证2016320600183", "gu_jianguo", D(2016, 12, 28), name="工程师（建筑施工）", level="中级"),
    professional("S000032060023001274", "chen_xiaoyan", D(2023, 6, 15), name="育婴员", level="四级/中级工"),
    professional("S000032060024005318", "cao_zhiming", D(2024, 9, 20), name="电工", level="三级/高级工"),
    professional("Z320602202000481", "xu_lijuan", D(2020, 10, 31), name="会计专业技术资格（中级会计师）", level="中级"),
    professional("S000032060025002096", "ji_wei", D(2025, 5, 30), name="中式烹调师", level="四级/中级工"),
]


# --- Self-declarable certifications, commendations, ratings, warning ------------------------------

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

WARNINGS: list[RecordSpec] = [
    RecordSpec(
        "warning_record",
        "gxj",
        "通工信警〔2025〕1号",
        "xinghu_precision",
        {
            "declared_matter": "荣誉表彰：江苏省专精特新中小企业",
            "facts": "当事人2025年7月在南通信用网自主申报“江苏省专精特新中小企业”荣誉，所附认定文件系伪造，经向江苏省工业和信息化厅核实，当事人不在认定名单内。",
            "impact": "该虚假荣誉已被当事人用于参加政府采购项目投标，造成不良影响。",
            "document_number": "通工信警〔2025〕1号",
            "decision_date": "2025-09-15",
        },
    ),
]


def all_records() -> list[RecordSpec]:
    return [
        *registration_records(),
        *LICENCES,
        *QUALIFICATIONS,
        *PROFESSIONAL_QUALIFICATIONS,
        *CERTIFICATIONS,
        *PENALTIES,
        *WARNINGS,
        *COMMENDATIONS,
        *RATINGS,
    ]


# --- What every record of an item repeats -------------------------------------------------------


def build_data(spec: RecordSpec) -> dict:
    """The record's full field values: the repeated blocks first, the record's own values over them."""
    keys = {f.key for f in ITEMS_BY_CODE[spec.item].fields}
    subject = SUBJECTS[spec.subject]
    provider = PROVIDERS[spec.provider]
    values = {**_subject_block(subject), "authority": provider.name, "source_unit": provider.name}
    values.update(spec.data)
    values["authority_uscc"] = organ_uscc(values["authority"])
    values["source_unit_uscc"] = provider.uscc
    return {key: value for key, value in values.items() if key in keys and value not in ("", None)}


def _subject_block(subject: OrganisationSpec | PersonSpec) -> dict:
    block = {"subject_name": subject.name, "subject_category": SUBJECT_CATEGORY[subject.kind]}
    if isinstance(subject, PersonSpec):
        return {**block, "person_name": subject.name, "id_type": "身份证", "id_number": subject.identifier}
    return {**block, "uscc": subject.identifier, "legal_representative": subject.legal_representative}


def subject_payload(spec: OrganisationSpec | PersonSpec) -> dict:
    """The subject as a provider names it in a submission (SPEC §6 `subject`)."""
    return {"kind": spec.kind, "name": spec.name, "identifier": spec.identifier}


def registration_details(spec: OrganisationSpec | PersonSpec) -> dict:
    """The registration data a subject is created with (find_or_create_subject's extra fields)."""
    if isinstance(spec, PersonSpec):
        return {"district": spec.district, "address": spec.address}
    return {
        "legal_representative": spec.legal_representative,
        "organisation_type": spec.organisation_type,
        "district": spec.district,
        "address": spec.address,
        "registration_authority": spec.registration_authority,
        "established_on": spec.established,
        "registration_status": spec.status,
    }
