"""Demo licences and qualifications (行政许可 of the 双公示, 资质类): what the departments granted
the demo subjects, with numbers, scopes and validity as their exports state them.
"""

import datetime as dt

from catalog.demo.items import LONG_TERM_UNTIL

from .record_spec import D, RecordSpec, iso, years_later

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
