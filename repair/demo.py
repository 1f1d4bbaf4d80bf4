"""Repair's demo case (`python manage.py seed_demo`): 南通海晟's agent `subject_user` applies for
credit repair (信用修复, Art. 15-17) of a 市场监管局 penalty; it waits for the department. Made by
the service the page calls; looked up by its record first and left as it is when found; skipped
with a note when it can no longer be made (the repair window closed). Registered with the
kernel's loader in `RepairConfig.ready()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from collection.demo.cast import PENALTY_ITEM, Cast
from collection.demo.penalties import HAISHENG_REPAIRED
from collection.selectors import record_of_provider
from nantong_credit.demo.evidence import EvidenceSpec, scan
from nantong_credit.demo.loader import DemoRun

from . import services as repair_services
from .models import RepairApplication


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
        EvidenceSpec(
            "罚款缴纳凭证.pdf",
            "江苏省非税收入一般缴款书（电子）",
            [
                "缴款人：南通海晟建设工程有限公司",
                "执收单位：南通市市场监督管理局",
                "项目：罚没收入    金额：30000.00元",
                "行政处罚决定书文号：通市监处罚〔2025〕96号",
                "缴款日期：2025年7月28日",
            ],
        ),
        EvidenceSpec(
            "塔式起重机定期检验报告.pdf",
            "塔式起重机定期检验报告（结论页）",
            [
                "使用单位：南通海晟建设工程有限公司",
                "设备名称：塔式起重机    型号：QTZ80",
                "检验类别：定期检验    检验结论：合格",
                "检验机构：江苏省特种设备安全监督检验研究院南通分院",
                "检验日期：2025年7月25日",
            ],
        ),
    ],
)


# --- Loading ----------------------------------------------------------------------------------


def ensure_repair(run: DemoRun) -> None:
    cast: Cast | None = run.shared["cast"]
    if cast is None:
        return
    report = run.report
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
            applicant=cast.agent,
            record=record,
            rectification=spec.rectification,
            not_intentional=True,
            commitment_text=spec.commitment_text,
            evidence=[scan(e) for e in spec.evidence],
        )
    except repair_services.RepairError as error:
        # E.g. the seed runs after the record's publication ended: there is nothing left to repair.
        report.notes.append(f"未能创建对 {spec.record} 的演示信用修复申请：{error.message}")
        return
    report.count("repair applications", True)
    report.info.append(
        f"信用修复申请 {submitted.application.number}（待认定单位审核）查询码 {submitted.follow_up_code}"
    )
