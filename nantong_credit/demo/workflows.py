"""Demo cases of the workflows: credit commitments (信用承诺), authorized queries (授权查询,
Art. 11), objections (异议, Art. 13-14) and a credit repair application (信用修复, Art. 15-17),
so that a visitor can try each of them from both sides at once.

Every case is made by the service functions the pages call, acting as the demo accounts: 南通海晟's
agent `subject_user` files the objections and the repair application and answers `requester`'s
requests; `center_clerk` refers one objection to the 市场监管局, whose staff member is
`provider_staff`. `center_clerk` also records a written objection that 南通濠河餐饮, which has no
account, brought to the counter; `provider_staff` has found the record correct, so the case waits
for the applicant's letter (仍持异议 or 接受核查结果), which `center_clerk` records. So the
timelines, inbox messages and audit events are the real ones, and the deadlines run from the
moment the seed runs.

A case is looked up by its natural key first — a commitment by subject and matter, an
authorization by requester, subject and purpose, an objection or repair application by its
record — and left exactly as it is when found, whatever its state: a second run creates
nothing, and a case a visitor has moved on stays where the visitor left it. A case that can no
longer be made (a record revoked since, a repair window closed) is skipped with a note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.models import Category, Provider
from collection.bindings import acts_for
from collection.models import Subject
from collection.selectors import record_of_provider, subject_by_identifier
from nantong_credit.uploads import CheckedUpload
from inquiry import authorizations as authorization_services
from inquiry.commitments import record_commitment
from inquiry.models import Authorization, CreditCommitment
from objections import services as objection_services
from objections.models import Objection
from objections.paper import PaperApplicant
from repair import services as repair_services
from repair.models import RepairApplication

from . import subjects
from .codes import make_ric
from .evidence import evidence_file
from .records import HAISHENG_OBJECTED, HAISHENG_REFERRED, HAISHENG_REPAIRED, HAOHE_OBJECTED_ON_PAPER

if TYPE_CHECKING:
    from .loader import SeedReport

D = dt.date

# Who plays which part (usernames of demo/accounts.py).
AGENT, REQUESTER, CLERK, STAFF = "subject_user", "requester", "center_clerk", "provider_staff"
COMPANY = "haisheng"  # 南通海晟建设工程有限公司, the company `subject_user` acts for
PROVIDER = "scjgj"  # 南通市市场监督管理局, the department `provider_staff` works for
PENALTY_ITEM = "admin_penalty"


# --- Credit commitments (shown on the subjects' public pages) -----------------------------------


@dataclass(frozen=True)
class CommitmentSpec:
    subject: str  # key into subjects.BY_KEY
    kind: str  # CreditCommitment.Kind value
    matter: str  # with the subject, the natural key
    text: str
    made_on: dt.date
    recipient: str


COMMITMENTS: list[CommitmentSpec] = [
    CommitmentSpec(
        "haisheng", CreditCommitment.Kind.APPROVAL, "建筑工程施工许可告知承诺（幸福安置房三期1#-6#楼）",
        "本单位申请办理崇川区观音山街道幸福安置房三期1#-6#楼建筑工程施工许可，已知悉告知承诺制的全部内容，承诺：施工图设计文件"
        "已按规定审查合格，施工场地已具备施工条件，建设资金已经落实，所提交的材料真实、合法、有效。如有虚假承诺或违反承诺，"
        "愿意承担撤销行政许可、记入信用记录等法律责任。",
        D(2024, 9, 20), "南通市崇川区行政审批局",
    ),
    CommitmentSpec(
        "haohe_catering", CreditCommitment.Kind.VOLUNTARY, "餐饮服务食品安全主动承诺",
        "本单位承诺：严格落实食品安全主体责任，建立并执行原料进货查验记录和临近保质期食品清理制度，不采购、不使用超过保质期的"
        "食品原料；从业人员持有效健康证明上岗；后厨实行“明厨亮灶”，接受社会监督。如违反承诺，自愿接受有关部门依法依规实施的"
        "信用惩戒。",
        D(2026, 7, 8), "南通市市场监督管理局",
    ),
    CommitmentSpec(
        "zhongxiu_pharmacy", CreditCommitment.Kind.INDUSTRY, "药品零售诚信经营承诺",
        "本企业承诺：依法经营，不购进、不销售假药劣药和超过有效期的药品；处方药凭处方销售，执业药师在岗履职；明码标价，不作虚假"
        "宣传；每月开展近效期药品检查。自愿接受行业协会和社会公众监督，如有违反，接受行业自律惩戒并记入信用记录。",
        D(2025, 3, 15), "南通市医药行业协会",
    ),
    CommitmentSpec(
        "tongzhou_bay_port", CreditCommitment.Kind.CERTIFICATION, "港口经营许可延续：安全评价报告证明事项告知承诺",
        "本单位申请延续港口经营许可，对港口设施安全评价报告等证明事项承诺如下：所填写的信息真实、准确，本单位港口设施已通过安全"
        "评价，评价报告在有效期内。本单位知悉虚假承诺将被撤销许可并记入信用记录，愿意承担相应法律责任。",
        D(2026, 6, 10), "南通市交通运输局",
    ),
]


# --- Authorized queries: `requester` asks about 南通海晟 online ----------------------------------


@dataclass(frozen=True)
class AuthorizationSpec:
    purpose: str  # with requester and subject, the natural key
    categories: list[str]
    valid_days: int  # the expiry, counted from the day the seed runs
    granted: bool  # granted by `subject_user` (and looked at once), or left for it to answer
    note: str = ""


AUTHORIZATIONS: list[AuthorizationSpec] = [
    # Granted first: a requester may have only one request pending per subject.
    AuthorizationSpec("幸福安置房四期施工总承包招标（招标编号NTZB-2026-0318）投标人资格审查",
                      [Category.QUALIFICATION, Category.RATING], 90, granted=True, note="仅限本次招标资格审查使用"),
    AuthorizationSpec("签订钢结构劳务分包合同前核查合作单位信用状况",
                      [Category.REGULATORY, Category.RATING], 60, granted=False),
]


# --- Objections and repair: 南通海晟's penalties from the 市场监管局 (demo/records.py) ----------


@dataclass(frozen=True)
class EvidenceSpec:
    name: str
    title: str
    lines: list[str]


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
            EvidenceSpec("住所使用证明（工农路486号）.pdf", "住所使用证明", [
                "兹证明南通海晟建设工程有限公司自2015年起租用南通市崇川区工农路486号办公楼第三、四层，作为公司住所和主要办事"
                "机构，租赁期至2029年12月31日，现仍在使用。",
                "出租方：南通工农置业有限公司（盖章）",
                "2026年9月1日",
            ]),
            EvidenceSpec("关于责令改正通知书的情况说明及签收回执.pdf", "关于责令改正通知书的情况说明", [
                "南通市崇川区市场监督管理局：",
                "贵局《责令改正通知书》收悉。本公司住所仍为南通市崇川区工农路486号，永兴路18号系幸福安置房四期项目部临时办公"
                "用房，项目竣工后撤除。现附住所使用证明，请予核查。",
                "南通海晟建设工程有限公司（盖章）  2026年7月30日",
                "签收回执：南通市崇川区市场监督管理局登记注册科  2026年7月30日",
            ]),
        ],
        referral_note="异议所涉为处罚决定认定的违法事实，非平台归集处理差错，转南通市市场监督管理局核查。",
    ),
    ObjectionSpec(
        HAISHENG_OBJECTED,
        "本公司系南通市民服务中心（一期）工程钢结构分部工程的参建单位，该工程获2023—2024年度中国建设工程鲁班奖，中国建筑业协会"
        "颁发的证书列明本公司为参建单位。广告原文为“参建工程荣获中国建设工程鲁班奖”，并未宣称本公司为获奖单位，处罚信息中"
        "“宣称‘荣获中国建设工程鲁班奖’”的表述与广告原文不符，请核查更正。",
        [
            EvidenceSpec("鲁班奖参建单位证书.pdf", "中国建设工程鲁班奖（国家优质工程）参建单位证书", [
                "南通海晟建设工程有限公司：",
                "你单位参与建设的南通市民服务中心（一期）工程荣获2023—2024年度中国建设工程鲁班奖（国家优质工程），特发此证。",
                "参建内容：钢结构分部工程",
                "中国建筑业协会  2024年12月",
            ]),
            EvidenceSpec("户外广告原文及发布合同.pdf", "户外广告发布内容说明", [
                "广告位置：南通市崇川区工农路与青年路交叉口东北角等3处",
                "广告原文：“南通海晟  匠心筑城——参建工程荣获中国建设工程鲁班奖”",
                "发布期间：2026年5月1日至2026年8月31日",
                "附：广告发布合同及现场照片",
            ]),
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
    "haohe_catering", HAOHE_OBJECTED_ON_PAPER,
    PaperApplicant(name="陈静", role=Objection.ApplicantRole.SELF, id_kind=Objection.IdKind.RESIDENT_ID,
                   id_number=make_ric(division="320602", born=D(1983, 4, 16), sequence=262), phone="13800138000",
                   address="南通市崇川区濠南路19号"),
    "处罚信息记载本公司“使用超过保质期的奶油2.5千克制作甜点并对外销售”，与事实不符：涉案奶油购入后即冷冻储存，外包装标注的"
    "保质期是冷藏条件下的期限；供应商出具的说明证明，该产品冷冻储存的保质期为12个月，检查时仍在保质期内。请核查更正。",
    EvidenceSpec("书面异议申请（南通濠河餐饮）.pdf", "信用信息异议申请书", [
        "南通市公共信用信息中心：",
        "本公司对南通市市场监督管理局报送的行政处罚信息（通市监处罚〔2026〕141号）有异议，理由见附页，请予核查更正。",
        "附：供应商关于冷冻储存保质期的说明",
        "申请单位：南通濠河餐饮管理有限公司（盖章）  法定代表人：陈静（签字）",
    ]),
    [
        EvidenceSpec("供应商关于冷冻储存保质期的说明.pdf", "关于淡奶油冷冻储存保质期的说明", [
            "南通濠河餐饮管理有限公司：",
            "我司供应的淡奶油（1升装）冷藏（2—6℃）保质期为6个月；在-18℃以下冷冻储存的，保质期为12个月。",
            "南通江海乳品贸易有限公司（盖章）",
        ]),
    ],
    "异议所涉为处罚决定认定的事实，转南通市市场监督管理局核查。",
    "经核查，涉案奶油外包装标注“冷藏保存（2—6℃），保质期6个月”，未标注冷冻条件下的保质期，检查时已超过标注的保质期12天；"
    "供应商事后出具的说明不能改变产品标签标注的保质期。处罚决定认定事实清楚，信息无误，予以维持。",
)


@dataclass(frozen=True)
class RepairSpec:
    record: str  # source key of the 市场监管局's penalty; the natural key
    rectification: str
    commitment_text: str
    evidence: list[EvidenceSpec] = field(default_factory=list)


REPAIR = RepairSpec(
    HAISHENG_REPAIRED,
    "收到处罚决定后，本公司当日停止使用该塔式起重机，委托江苏省特种设备安全监督检验研究院南通分院进行定期检验，于2025年7月25日"
    "取得检验合格报告后恢复使用；罚款3万元已于2025年7月28日缴清。公司已建立特种设备检验到期提醒台账，由专职设备管理员每月核查，"
    "并对各项目部设备管理人员开展了特种设备安全法规培训。",
    "本公司承诺严格遵守《中华人民共和国特种设备安全法》等法律法规，特种设备按期检验、持证使用；所提交的修复材料真实有效。如再次"
    "发生同类失信行为或承诺不实，自愿接受从严惩戒，并记入信用记录。",
    [
        EvidenceSpec("罚款缴纳凭证.pdf", "江苏省非税收入一般缴款书（电子）", [
            "缴款人：南通海晟建设工程有限公司",
            "执收单位：南通市市场监督管理局",
            "项目：罚没收入    金额：30000.00元",
            "行政处罚决定书文号：通市监处罚〔2025〕96号",
            "缴款日期：2025年7月28日",
        ]),
        EvidenceSpec("塔式起重机定期检验报告.pdf", "塔式起重机定期检验报告（结论页）", [
            "使用单位：南通海晟建设工程有限公司",
            "设备名称：塔式起重机    型号：QTZ80",
            "检验类别：定期检验    检验结论：合格",
            "检验机构：江苏省特种设备安全监督检验研究院南通分院",
            "检验日期：2025年7月25日",
        ]),
    ],
)


# --- Loading ----------------------------------------------------------------------------------


def ensure_workflows(*, actor, report: SeedReport) -> None:
    """The demo cases that are missing, made through the services (in the loader's transaction)."""
    _ensure_commitments(actor=actor, report=report)
    cast = _cast(report)
    if cast is None:
        return
    _ensure_authorizations(cast, report=report)
    _ensure_objections(cast, report=report)
    _ensure_paper_objection(cast, report=report)
    _ensure_repair(cast, report=report)


@dataclass(frozen=True)
class _Cast:
    company: Subject
    provider: Provider
    agent: object
    requester: object
    clerk: object


def _cast(report: SeedReport) -> _Cast | None:
    """The accounts, company and department the cases need, or None (with a note) when the
    database no longer has them as the demo left them."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[AGENT, REQUESTER, CLERK])}
    company = _subject(COMPANY)
    provider = Provider.objects.filter(code=PROVIDER).first()
    missing = [name for name in (AGENT, REQUESTER, CLERK) if name not in users]
    if missing or company is None or provider is None:
        report.notes.append(f"缺少演示账号、主体或单位（{'、'.join(missing) or COMPANY + '/' + PROVIDER}），跳过授权、异议和修复演示案例")
        return None
    if not acts_for(users[AGENT], company):
        report.notes.append(f"{AGENT} 已不是 {company.name} 的经办账号，跳过授权、异议和修复演示案例")
        return None
    return _Cast(company, provider, users[AGENT], users[REQUESTER], users[CLERK])


def _subject(key: str) -> Subject | None:
    spec = subjects.BY_KEY[key]
    return subject_by_identifier(spec.kind, spec.identifier)


def _ensure_commitments(*, actor, report: SeedReport) -> None:
    for spec in COMMITMENTS:
        subject = _subject(spec.subject)
        if subject is None or CreditCommitment.objects.filter(subject=subject, matter=spec.matter).exists():
            report.count("commitments", False)
            continue
        record_commitment(subject=subject, kind=spec.kind, matter=spec.matter, text=spec.text, made_on=spec.made_on,
                          actor=actor, recipient=spec.recipient, is_public=True)
        report.count("commitments", True)


def _ensure_authorizations(cast: _Cast, *, report: SeedReport) -> None:
    today = timezone.localdate()
    for spec in AUTHORIZATIONS:
        if Authorization.objects.filter(requester=cast.requester, subject=cast.company, purpose=spec.purpose).exists():
            report.count("authorizations", False)
            continue
        until = today + dt.timedelta(days=spec.valid_days)
        try:
            authorization = authorization_services.request_authorization(
                requester=cast.requester, subject=cast.company, purpose=spec.purpose, categories=spec.categories,
                valid_until=until,
            )
            if spec.granted:
                authorization_services.grant_authorization(
                    authorization=authorization, actor=cast.agent, categories=spec.categories, valid_until=until,
                    note=spec.note,
                )
                authorization_services.record_authorized_query(authorization=authorization, actor=cast.requester)
        except authorization_services.AuthorizationError as error:
            report.notes.append(f"未能创建演示授权“{spec.purpose}”：{error.message}")
            continue
        report.count("authorizations", True)


def _ensure_objections(cast: _Cast, *, report: SeedReport) -> None:
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
                applicant=cast.agent, subject=cast.company, records=[record], statement=spec.statement,
                evidence=[_scan(e) for e in spec.evidence],
            )
            if spec.referral_note is not None:
                objection = objection_services.refer_objection(objection=objection, actor=cast.clerk,
                                                               note=spec.referral_note)
        except objection_services.ObjectionError as error:
            report.notes.append(f"未能创建对 {spec.record} 的演示异议：{error.message}")
            continue
        report.count("objections", True)
        report.info.append(f"异议 {objection.number}（{objection.get_status_display()}）查询码 {code}")


def _ensure_paper_objection(cast: _Cast, *, report: SeedReport) -> None:
    """Recorded at the counter, referred, and answered (二): it waits for the applicant's letter."""
    spec = PAPER_OBJECTION
    subject = _subject(spec.subject)
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
            clerk=cast.clerk, subject=subject, records=[record], statement=spec.statement, applicant=spec.applicant,
            channel=Objection.Channel.COUNTER, received_on=timezone.localdate(), authorization=None,
            application=_scan(spec.application), evidence=[_scan(e) for e in spec.evidence],
        )
        objection_services.refer_objection(objection=objection, actor=cast.clerk, note=spec.referral_note)
        objection = objection_services.answer_confirmed(objection=objection, actor=staff, reply=spec.reply)
    except objection_services.ObjectionError as error:
        report.notes.append(f"未能创建对 {spec.record} 的演示书面异议：{error.message}")
        return
    report.count("objections", True)
    report.info.append(f"书面异议 {objection.number}（{objection.get_status_display()}，待申请人书面意见）查询码 {code}")


def _scan(spec: EvidenceSpec) -> CheckedUpload:
    return evidence_file(spec.name, spec.title, spec.lines)


def _ensure_repair(cast: _Cast, *, report: SeedReport) -> None:
    spec = REPAIR
    record = record_of_provider(provider=cast.provider, item_code=PENALTY_ITEM, source_key=spec.record)
    if record is None:
        report.notes.append(f"没有演示记录 {spec.record}，跳过信用修复演示案例")
        return
    if RepairApplication.objects.filter(record=record).exists():
        report.count("repair applications", False)
        return
    try:
        submitted = repair_services.apply_for_repair(
            applicant=cast.agent, record=record, rectification=spec.rectification, not_intentional=True,
            commitment_text=spec.commitment_text,
            evidence=[_scan(e) for e in spec.evidence],
        )
    except repair_services.RepairError as error:
        # E.g. the seed runs after the record's publication ended: there is nothing left to repair.
        report.notes.append(f"未能创建对 {spec.record} 的演示信用修复申请：{error.message}")
        return
    report.count("repair applications", True)
    report.info.append(f"信用修复申请 {submitted.application.number}（待认定单位审核）查询码 {submitted.follow_up_code}")
