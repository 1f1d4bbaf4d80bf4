"""Inquiry's demo cases (`python manage.py seed_demo`): credit commitments (信用承诺), shown on the
subjects' public pages, and authorized queries (授权查询, Art. 11): `requester` asks about 南通海晟
online and its agent `subject_user` answers. Made by the services the pages call; a case is looked
up by its natural key first and left as it is when found. Registered with the kernel's loader in
`InquiryConfig.ready()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from catalog.models import Category
from collection.demo.cast import Cast, demo_subject
from nantong_credit.demo.loader import DemoRun

from .authorizations import services as authorization_services
from .commitments import record_commitment
from .models import Authorization, CreditCommitment

D = dt.date


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
        "haisheng",
        CreditCommitment.Kind.APPROVAL,
        "建筑工程施工许可告知承诺（幸福安置房三期1#-6#楼）",
        "本单位申请办理崇川区观音山街道幸福安置房三期1#-6#楼建筑工程施工许可，已知悉告知承诺制的全部内容，承诺：施工图设计文件"
        "已按规定审查合格，施工场地已具备施工条件，建设资金已经落实，所提交的材料真实、合法、有效。如有虚假承诺或违反承诺，"
        "愿意承担撤销行政许可、记入信用记录等法律责任。",
        D(2024, 9, 20),
        "南通市崇川区行政审批局",
    ),
    CommitmentSpec(
        "haohe_catering",
        CreditCommitment.Kind.VOLUNTARY,
        "餐饮服务食品安全主动承诺",
        "本单位承诺：严格落实食品安全主体责任，建立并执行原料进货查验记录和临近保质期食品清理制度，不采购、不使用超过保质期的"
        "食品原料；从业人员持有效健康证明上岗；后厨实行“明厨亮灶”，接受社会监督。如违反承诺，自愿接受有关部门依法依规实施的"
        "信用惩戒。",
        D(2026, 7, 8),
        "南通市市场监督管理局",
    ),
    CommitmentSpec(
        "zhongxiu_pharmacy",
        CreditCommitment.Kind.INDUSTRY,
        "药品零售诚信经营承诺",
        "本企业承诺：依法经营，不购进、不销售假药劣药和超过有效期的药品；处方药凭处方销售，执业药师在岗履职；明码标价，不作虚假"
        "宣传；每月开展近效期药品检查。自愿接受行业协会和社会公众监督，如有违反，接受行业自律惩戒并记入信用记录。",
        D(2025, 3, 15),
        "南通市医药行业协会",
    ),
    CommitmentSpec(
        "tongzhou_bay_port",
        CreditCommitment.Kind.CERTIFICATION,
        "港口经营许可延续：安全评价报告证明事项告知承诺",
        "本单位申请延续港口经营许可，对港口设施安全评价报告等证明事项承诺如下：所填写的信息真实、准确，本单位港口设施已通过安全"
        "评价，评价报告在有效期内。本单位知悉虚假承诺将被撤销许可并记入信用记录，愿意承担相应法律责任。",
        D(2026, 6, 10),
        "南通市交通运输局",
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
    AuthorizationSpec(
        "幸福安置房四期施工总承包招标（招标编号NTZB-2026-0318）投标人资格审查",
        [Category.QUALIFICATION, Category.RATING],
        90,
        granted=True,
        note="仅限本次招标资格审查使用",
    ),
    AuthorizationSpec(
        "签订钢结构劳务分包合同前核查合作单位信用状况", [Category.REGULATORY, Category.RATING], 60, granted=False
    ),
]


# --- Loading ----------------------------------------------------------------------------------


def ensure_commitments(run: DemoRun) -> None:
    report = run.report
    for spec in COMMITMENTS:
        subject = demo_subject(spec.subject)
        if subject is None or CreditCommitment.objects.filter(subject=subject, matter=spec.matter).exists():
            report.count("commitments", False)
            continue
        record_commitment(
            subject=subject,
            kind=spec.kind,
            matter=spec.matter,
            text=spec.text,
            made_on=spec.made_on,
            actor=run.actor,
            recipient=spec.recipient,
            is_public=True,
        )
        report.count("commitments", True)


def ensure_authorizations(run: DemoRun) -> None:
    cast: Cast | None = run.shared["cast"]
    if cast is None:
        return
    report = run.report
    today = timezone.localdate()
    for spec in AUTHORIZATIONS:
        if Authorization.objects.filter(requester=cast.requester, subject=cast.company, purpose=spec.purpose).exists():
            report.count("authorizations", False)
            continue
        until = today + dt.timedelta(days=spec.valid_days)
        try:
            authorization = authorization_services.request_authorization(
                requester=cast.requester,
                subject=cast.company,
                purpose=spec.purpose,
                categories=spec.categories,
                valid_until=until,
            )
            if spec.granted:
                authorization_services.grant_authorization(
                    authorization=authorization,
                    actor=cast.agent,
                    categories=spec.categories,
                    valid_until=until,
                    note=spec.note,
                )
                authorization_services.record_authorized_query(authorization=authorization, actor=cast.requester)
        except authorization_services.AuthorizationError as error:
            report.notes.append(f"未能创建演示授权“{spec.purpose}”：{error.message}")
            continue
        report.count("authorizations", True)


# --- A record with a history (its public page, `/subjects/<code>/records/<id>/`) --------------------

# 市行政审批局 widened the scope of 濠河餐饮's food licence: the record's second revision, so
# that its page shows a change of a public field and why.
HISTORY_LICENCE = "通审批食许〔2024〕0312号"
HISTORY_SCOPE = "；糕点类食品制售（含裱花蛋糕）"


def ensure_record_history(run: DemoRun) -> None:
    from collection.demo import records, subjects
    from collection.demo.licences import LICENCES
    from collection.selectors import record_of_provider
    from collection.services.records import submit_record

    spec = next(s for s in LICENCES if s.source_key == HISTORY_LICENCE)
    provider = run.shared["providers"][spec.provider]
    record = record_of_provider(provider=provider, item_code=spec.item, source_key=spec.source_key)
    if record is None or record.revision > 1:
        run.report.count("record updates", False)
        return
    data = {**record.data, "license_content": record.data["license_content"] + HISTORY_SCOPE}
    submit_record(
        provider=provider,
        item_code=spec.item,
        source_key=spec.source_key,
        subject=records.subject_payload(subjects.BY_KEY[spec.subject]),
        data=data,
        actor=run.actor,
        channel=records.SEED_CHANNEL,
        reason="许可事项变更",
    )
    run.report.count("record updates", True)
