"""Supervision's demo (`seed_demo`): one accountability case against the 市场监管局 that
`provider_staff` works for, its letter issued and waiting for the answer; and filings: the 市场
监管局's usage rules accepted and its internal procedures waiting for review (the other departments
have filed nothing, as the public list shows). Made by the services the pages call; left alone when they exist.

And the providers' scorecard computed from the demo's records and objections, so that
`/providers/` shows figures right after `seed_demo` (the embedded mode has no beat;
`run_deadline_sweeps` refreshes them later). Recomputing writes the same figures again, and no
audit event: they are statistics, not credit information."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog.models import Provider
from nantong_credit.demo.evidence import demo_pdf
from nantong_credit.demo.loader import DemoRun

from .accountability import services as accountability
from .accountability.models import AccountabilityCase, Ground
from .filings import services as filings
from .filings.models import Filing, FilingKind
from .filings.uploads import check_document
from .providers.services import refresh_provider_scorecards

COMMISSION = "catalog_admin"
STAFF = "provider_staff"
FACTS = (
    "经核查南通市公共信用信息平台数据，贵单位负责的部分目录事项在核查期间内未报送任何信息，"
    "另有转办异议答复不及时的情况，影响了信用信息的完整性和及时性。"
)


def ensure_accountability(run: DemoRun) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[COMMISSION, STAFF])}
    scjgj = Provider.objects.filter(code="scjgj").first()
    if COMMISSION not in users or STAFF not in users or scjgj is None:
        run.report.notes.append("缺少演示账号或市场监管局，跳过追责督办和制度备案演示")
        return
    _case(run, users[COMMISSION], scjgj)
    _filings(run, users[COMMISSION], users[STAFF], scjgj)


def _case(run: DemoRun, commission, provider: Provider) -> None:
    if AccountabilityCase.objects.filter(provider=provider).exists():
        run.report.count("accountability cases", False)
        return
    today = timezone.localdate()
    case = accountability.open_case(
        actor=commission,
        provider=provider,
        grounds=[Ground.MISSING, Ground.LATE],
        period_from=today - dt.timedelta(days=365),
        period_to=today,
        facts=FACTS,
    )
    case = accountability.issue_letter(case=case, actor=commission)
    run.report.count("accountability cases", True)
    run.report.info.append(f"追责督办案件 {case.number}（督办函 {case.letter.number}号，待市场监管局答复）")


def _document(title: str, lines: list[str]):
    return check_document(SimpleUploadedFile(f"{title}.pdf", demo_pdf(title, lines), content_type="application/pdf"))


def _filings(run: DemoRun, commission, staff, scjgj: Provider) -> None:
    if Filing.objects.exists():
        run.report.count("filings", False)
        return
    if not scjgj.staff.filter(pk=staff.pk).exists():
        return
    rules = filings.submit_filing(
        actor=staff,
        provider=scjgj,
        kind=FilingKind.USAGE_RULES,
        title="南通市市场监督管理局公共信用信息使用实施办法",
        effective_on=dt.date(2026, 3, 1),
        document=_document(
            "南通市市场监督管理局公共信用信息使用实施办法",
            ["第一条 为规范本局在行政许可、日常监管、评优评先中查询使用公共信用信息，制定本办法。", "第二条 ……"],
        ),
    )
    filings.accept_filing(filing=rules, actor=commission, note="符合第十二条要求，予以备案。")
    filings.submit_filing(
        actor=staff,
        provider=scjgj,
        kind=FilingKind.PROCEDURES,
        title="南通市市场监督管理局公共信用信息报送与异议处理工作规程",
        effective_on=dt.date(2026, 6, 1),
        document=_document(
            "南通市市场监督管理局公共信用信息报送与异议处理工作规程",
            ["第一条 本局行政处罚、行政许可信息自决定作出之日起7个工作日内报送。", "第二条 ……"],
        ),
    )
    run.report.count("filings", True)
    run.report.info.append("制度备案：市场监管局使用实施办法已备案，内部工作规程待审核")


def ensure_scorecards(run: DemoRun) -> None:
    refresh_provider_scorecards()
