"""Objections' demo cases (`python manage.py seed_demo`): 南通海晟's agent `subject_user` files two
objections (异议, Art. 13-14) against the 市场监管局's penalties and `center_clerk` refers one to
the department; `center_clerk` also records a written objection that 南通濠河餐饮, which has no
account, brought to the counter, which `provider_staff` has found correct, so the case waits for
the applicant's letter; and one from 钟秀大药房 that `provider_staff` could not verify, closed
with its case file in the archive (Art. 20). Made by the services the pages call; a case is looked up by its record
first and left as it is when found. Registered with the kernel's loader in
`ObjectionsConfig.ready()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from collection.demo.cast import PENALTY_ITEM, STAFF, Cast, demo_subject
from collection.demo.penalties import HAISHENG_OBJECTED, HAISHENG_REFERRED, HAOHE_OBJECTED_ON_PAPER
from collection.selectors import record_of_provider
from nantong_credit.demo.codes import make_ric
from nantong_credit.demo.evidence import EvidenceSpec, scan
from nantong_credit.demo.loader import DemoRun

from . import services as objection_services
from .case_file import make_case_file
from .models import Objection, ObjectionCaseFile
from .paper import PaperApplicant
from .workflow import FINISHED

D = dt.date


# --- 南通海晟's penalties from the 市场监管局 (collection/demo/penalties.py) ---------------------


@dataclass(frozen=True)
class ObjectionSpec:
    record: str  # source key of the 市场监管局's penalty; the natural key
    statement: str
    evidence: list[EvidenceSpec]
    referral_note: str | None = None  # referred by `center_clerk` with this note; None: still submitted


OBJECTIONS: list[ObjectionSpec] = [
    ObjectionSpec(
        HAISHENG_REFERRED,
        "处罚决定认定本公司“实际经营场所已迁至永兴路18号，未办理住所变更登记，经责令改正逾期未改正”，与事实不符：（一）本公司"
        "住所和主要办事机构仍在南通市崇川区工农路486号，永兴路18号系幸福安置房四期项目部临时办公用房，不属于住所变更；（二）本公司"
        "已于2026年7月30日按责令改正通知书的要求提交书面说明和住所使用证明，不存在逾期未改正的情形。请核查并更正该处罚信息。",
        [
            EvidenceSpec(
                "住所使用证明（工农路486号）.pdf",
                "住所使用证明",
                [
                    "兹证明南通海晟建设工程有限公司自2015年起租用南通市崇川区工农路486号办公楼第三、四层，作为公司住所和主要办事"
                    "机构，租赁期至2029年12月31日，现仍在使用。",
                    "出租方：南通工农置业有限公司（盖章）",
                    "2026年9月1日",
                ],
            ),
            EvidenceSpec(
                "关于责令改正通知书的情况说明及签收回执.pdf",
                "关于责令改正通知书的情况说明",
                [
                    "南通市崇川区市场监督管理局：",
                    "贵局《责令改正通知书》收悉。本公司住所仍为南通市崇川区工农路486号，永兴路18号系幸福安置房四期项目部临时办公"
                    "用房，项目竣工后撤除。现附住所使用证明，请予核查。",
                    "南通海晟建设工程有限公司（盖章）  2026年7月30日",
                    "签收回执：南通市崇川区市场监督管理局登记注册科  2026年7月30日",
                ],
            ),
        ],
        referral_note="异议所涉为处罚决定认定的违法事实，非平台归集处理差错，转南通市市场监督管理局核查。",
    ),
    ObjectionSpec(
        HAISHENG_OBJECTED,
        "本公司系南通市民服务中心（一期）工程钢结构分部工程的参建单位，该工程获2023—2024年度中国建设工程鲁班奖，中国建筑业协会"
        "颁发的证书列明本公司为参建单位。广告原文为“参建工程荣获中国建设工程鲁班奖”，并未宣称本公司为获奖单位，处罚信息中"
        "“宣称‘荣获中国建设工程鲁班奖’”的表述与广告原文不符，请核查更正。",
        [
            EvidenceSpec(
                "鲁班奖参建单位证书.pdf",
                "中国建设工程鲁班奖（国家优质工程）参建单位证书",
                [
                    "南通海晟建设工程有限公司：",
                    "你单位参与建设的南通市民服务中心（一期）工程荣获2023—2024年度中国建设工程鲁班奖（国家优质工程），特发此证。",
                    "参建内容：钢结构分部工程",
                    "中国建筑业协会  2024年12月",
                ],
            ),
            EvidenceSpec(
                "户外广告原文及发布合同.pdf",
                "户外广告发布内容说明",
                [
                    "广告位置：南通市崇川区工农路与青年路交叉口东北角等3处",
                    "广告原文：“南通海晟  匠心筑城——参建工程荣获中国建设工程鲁班奖”",
                    "发布期间：2026年5月1日至2026年8月31日",
                    "附：广告发布合同及现场照片",
                ],
            ),
        ],
    ),
]


@dataclass(frozen=True)
class PaperObjectionSpec:
    subject: str  # key into subjects.BY_KEY
    record: str  # source key of the 市场监管局's penalty; the natural key
    applicant: PaperApplicant
    statement: str
    application: EvidenceSpec
    evidence: list[EvidenceSpec]
    referral_note: str
    reply: str  # the 市场监管局's answer (二): the record is correct


# 陈静, 南通濠河餐饮's legal representative, brings the company's signed application to the counter.
PAPER_OBJECTION = PaperObjectionSpec(
    "haohe_catering",
    HAOHE_OBJECTED_ON_PAPER,
    PaperApplicant(
        name="陈静",
        role=Objection.ApplicantRole.SELF,
        id_kind=Objection.IdKind.RESIDENT_ID,
        id_number=make_ric(division="320602", born=D(1983, 4, 16), sequence=262),
        phone="13800138000",
        address="南通市崇川区濠南路19号",
    ),
    "处罚信息记载本公司“使用超过保质期的奶油2.5千克制作甜点并对外销售”，与事实不符：涉案奶油购入后即冷冻储存，外包装标注的"
    "保质期是冷藏条件下的期限；供应商出具的说明证明，该产品冷冻储存的保质期为12个月，检查时仍在保质期内。请核查更正。",
    EvidenceSpec(
        "书面异议申请（南通濠河餐饮）.pdf",
        "信用信息异议申请书",
        [
            "南通市公共信用信息中心：",
            "本公司对南通市市场监督管理局报送的行政处罚信息（通市监处罚〔2026〕141号）有异议，理由见附页，请予核查更正。",
            "附：供应商关于冷冻储存保质期的说明",
            "申请单位：南通濠河餐饮管理有限公司（盖章）  法定代表人：陈静（签字）",
        ],
    ),
    [
        EvidenceSpec(
            "供应商关于冷冻储存保质期的说明.pdf",
            "关于淡奶油冷冻储存保质期的说明",
            [
                "南通濠河餐饮管理有限公司：",
                "我司供应的淡奶油（1升装）冷藏（2—6℃）保质期为6个月；在-18℃以下冷冻储存的，保质期为12个月。",
                "南通江海乳品贸易有限公司（盖章）",
            ],
        ),
    ],
    "异议所涉为处罚决定认定的事实，转南通市市场监督管理局核查。",
    "经核查，涉案奶油外包装标注“冷藏保存（2—6℃），保质期6个月”，未标注冷冻条件下的保质期，检查时已超过标注的保质期12天；"
    "供应商事后出具的说明不能改变产品标签标注的保质期。处罚决定认定事实清楚，信息无误，予以维持。",
)


# --- Loading ----------------------------------------------------------------------------------


def ensure_objections(run: DemoRun) -> None:
    cast: Cast | None = run.shared["cast"]
    if cast is None:
        return
    report = run.report
    for spec in OBJECTIONS:
        record = record_of_provider(provider=cast.provider, item_code=PENALTY_ITEM, source_key=spec.record)
        if record is None:
            report.notes.append(f"没有演示记录 {spec.record}，跳过该异议演示案例")
            continue
        if Objection.objects.filter(subject=cast.company, records=record).exists():
            report.count("objections", False)
            continue
        try:
            objection, code = objection_services.file_objection(
                applicant=cast.agent,
                subject=cast.company,
                records=[record],
                statement=spec.statement,
                evidence=[scan(e) for e in spec.evidence],
            )
            if spec.referral_note is not None:
                objection = objection_services.refer_objection(
                    objection=objection, actor=cast.clerk, note=spec.referral_note
                )
        except objection_services.ObjectionError as error:
            report.notes.append(f"未能创建对 {spec.record} 的演示异议：{error.message}")
            continue
        report.count("objections", True)
        report.info.append(f"异议 {objection.number}（{objection.get_status_display()}）查询码 {code}")


def ensure_paper_objection(run: DemoRun) -> None:
    """Recorded at the counter, referred, and answered (二): it waits for the applicant's letter."""
    cast: Cast | None = run.shared["cast"]
    if cast is None:
        return
    report = run.report
    spec = PAPER_OBJECTION
    subject = demo_subject(spec.subject)
    record = record_of_provider(provider=cast.provider, item_code=PENALTY_ITEM, source_key=spec.record)
    staff = get_user_model().objects.filter(username=STAFF, providers=cast.provider).first()
    if subject is None or record is None or staff is None:
        report.notes.append(f"缺少演示主体、记录 {spec.record} 或 {STAFF}，跳过书面异议演示案例")
        return
    if Objection.objects.filter(subject=subject, records=record).exists():
        report.count("objections", False)
        return
    try:
        objection, code = objection_services.record_paper_objection(
            clerk=cast.clerk,
            subject=subject,
            records=[record],
            statement=spec.statement,
            applicant=spec.applicant,
            channel=Objection.Channel.COUNTER,
            received_on=timezone.localdate(),
            authorization=None,
            application=scan(spec.application),
            evidence=[scan(e) for e in spec.evidence],
        )
        objection_services.refer_objection(objection=objection, actor=cast.clerk, note=spec.referral_note)
        objection = objection_services.answer_confirmed(objection=objection, actor=staff, reply=spec.reply)
    except objection_services.ObjectionError as error:
        report.notes.append(f"未能创建对 {spec.record} 的演示书面异议：{error.message}")
        return
    report.count("objections", True)
    report.info.append(
        f"书面异议 {objection.number}（{objection.get_status_display()}，待申请人书面意见）查询码 {code}"
    )


# --- A closed case, with its case file (Art. 20) ----------------------------------------------------

# 钟秀大药房's quality manager brings a written objection to the counter; the center refers it and the
# 市场监管局 cannot verify what it says, so the record carries an appended note and the case closes.
CLOSED_OBJECTION = PaperObjectionSpec(
    "zhongxiu_pharmacy",
    "通市监处罚〔2023〕87号",
    PaperApplicant(
        name="吴海燕",
        role=Objection.ApplicantRole.SELF,
        id_kind=Objection.IdKind.RESIDENT_ID,
        id_number=make_ric(division="320602", born=D(1979, 9, 3), sequence=128),
        phone="13706280451",
        address="南通市崇川区钟秀中路23号",
    ),
    "处罚信息记载“销售超过有效期的复方甘草片12盒”，实为门店退货区待销毁药品被误计入销售台账，并未对外销售，请核查。",
    EvidenceSpec(
        "书面异议申请（钟秀大药房）.pdf",
        "信用信息异议申请书",
        ["南通市公共信用信息中心：", "本单位对行政处罚信息（通市监处罚〔2023〕87号）有异议，理由见附页。"],
    ),
    [
        EvidenceSpec(
            "退货区药品销毁记录.pdf",
            "不合格药品销毁记录",
            ["品名：复方甘草片    数量：12盒", "处理方式：集中销毁    监销人：质量负责人"],
        )
    ],
    "异议所涉为处罚决定认定的事实，转南通市市场监督管理局核查。",
    "该处罚决定作出时间较早，现有案卷材料无法核实当事人所述的退货区药品情况。",
)
CLOSED_NOTE = "信息主体称所涉药品系退货区待销毁药品、未对外销售，信息提供单位无法核实，特此附注。"


def ensure_closed_objection(run: DemoRun) -> None:
    """Recorded at the counter, referred, answered (三) 无法核实: closed, so it has its case file."""
    cast: Cast | None = run.shared["cast"]
    if cast is None:
        return
    spec = CLOSED_OBJECTION
    subject = demo_subject(spec.subject)
    record = record_of_provider(provider=cast.provider, item_code=PENALTY_ITEM, source_key=spec.record)
    staff = get_user_model().objects.filter(username=STAFF, providers=cast.provider).first()
    if subject is None or record is None or staff is None:
        run.report.notes.append(f"缺少演示主体、记录 {spec.record} 或 {STAFF}，跳过已办结异议演示案例")
        return
    existing = Objection.objects.filter(subject=subject, records=record).first()
    if existing is not None:
        run.report.count("objections", False)
        _ensure_case_file(run, existing)
        return
    try:
        objection, _code = objection_services.record_paper_objection(
            clerk=cast.clerk,
            subject=subject,
            records=[record],
            statement=spec.statement,
            applicant=spec.applicant,
            channel=Objection.Channel.COUNTER,
            received_on=timezone.localdate(),
            authorization=None,
            application=scan(spec.application),
            evidence=[scan(e) for e in spec.evidence],
        )
        objection_services.refer_objection(objection=objection, actor=cast.clerk, note=spec.referral_note)
        objection = objection_services.answer_unverifiable(
            objection=objection, actor=staff, reply=spec.reply, note=CLOSED_NOTE
        )
    except objection_services.ObjectionError as error:
        run.report.notes.append(f"未能创建对 {spec.record} 的已办结演示异议：{error.message}")
        return
    run.report.count("objections", True)
    _ensure_case_file(run, objection)
    run.report.info.append(f"书面异议 {objection.number}（{objection.get_status_display()}，已生成案卷）")


def _ensure_case_file(run: DemoRun, objection: Objection) -> None:
    """Made here rather than left to the closing step's task: with a broker, that task would wait
    for a worker, and the archive should show the case file as soon as the seed is done."""
    if objection.status not in FINISHED or ObjectionCaseFile.objects.filter(objection=objection).exists():
        return
    run.report.count("case files", make_case_file(objection.pk) is not None)
