"""Ordering a credit report and the steps of its generation.

`order_report` is what the order page calls: it checks the orderer's right (see `permissions`),
numbers the report, logs the query (Art. 11) and queues `generate_credit_report` after commit.
The task calls `generate_report`, which claims the report, renders it, and `finish_report`
stores the PDF with its hash and registers it in the archive (Art. 20) in one transaction.
"""

import datetime as dt
import hashlib
import logging
import secrets
import unicodedata

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.archive import create_numbered, register_archive_entry
from audit.models import ArchiveEntry
from audit.services import record_event
from catalog.models import CreditDomain, SubjectKind
from collection.models import Subject
from inquiry.jobs import REPORT_JOB
from inquiry.models import Authorization, CreditReport, QueryLog
from inquiry.querylog import log_query
from nantong_credit import jobs

from . import special, workflow
from .permissions import ReportScope, scope_for_authorization, scope_for_special, scope_for_subject

logger = logging.getLogger(__name__)
Status = CreditReport.Status

NUMBER_PREFIX = "NTXY"
SPECIAL_NUMBER_PREFIX = "NTZX"  # 专项信用报告 run their own series
NUMBER_WIDTH = 6
# No 0/O, 1/I/L: the code is read off paper and typed in by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS, CODE_GROUP_LENGTH = 3, 4  # "7KQ2-M9XD-4HTB": 12 characters, ~59 bits
# A lost connection, a failover, a deadlock: worth trying again (the task retries).
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


# --- Numbers and codes --------------------------------------------------------------------------


def report_prefix(day: dt.date, *, special: bool = False) -> str:
    """Report numbers run per day: NTXY-20261127-000001 (special reports NTZX-20261127-000001)."""
    return f"{SPECIAL_NUMBER_PREFIX if special else NUMBER_PREFIX}-{day:%Y%m%d}-"


def new_verification_code() -> str:
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH)) for _ in range(CODE_GROUPS))
    return "-".join(groups)


def normalise_code(raw: str) -> str:
    """The code as stored, from what people type: any case, spaces, full-width characters,
    with or without the dashes."""
    text = "".join(ch for ch in unicodedata.normalize("NFKC", str(raw or "")).upper() if ch.isalnum())
    size = CODE_GROUPS * CODE_GROUP_LENGTH
    if len(text) != size:
        return text[:40]
    return "-".join(text[i : i + CODE_GROUP_LENGTH] for i in range(0, size, CODE_GROUP_LENGTH))


def edition_for(subject: Subject) -> str:
    """个人版 for natural persons; 法人版 for legal persons and individual businesses."""
    if subject.kind == SubjectKind.NATURAL_PERSON:
        return CreditReport.Edition.NATURAL_PERSON
    return CreditReport.Edition.LEGAL_PERSON


# --- Ordering -----------------------------------------------------------------------------------


def order_report(*, user, subject: Subject | None = None, authorization: Authorization | None = None) -> CreditReport:
    """Order the subject's own report (`subject`) or an authorized report (`authorization`).

    Raises `ReportRefused` when the user may not. A second order while the same report is still
    queued or being generated returns that report (a double click orders once); one stuck past
    its time limit is not returned (the stuck-job sweep will finish or fail it).
    """
    if (subject is None) == (authorization is None):
        raise ValueError("order_report needs exactly one of subject and authorization")
    if subject is not None:
        scope = scope_for_subject(user, subject)
    else:
        scope = scope_for_authorization(user, authorization)  # type: ignore[arg-type]  # one of the two (above)
    with transaction.atomic():
        pending = _pending_order(user, scope)
        if pending is not None:
            return pending
        report = _create_report(user, scope)
        log_query(
            kind=QueryLog.Kind.REPORT,
            actor=user,
            subject=scope.subject,
            authorization=scope.authorization,
            purpose=scope.purpose,
            terms=report.number,
        )
        record_event(
            action="report.order",
            actor=user,
            obj=report,
            summary=f"{user.get_username()} 申请信用报告 {report.number}（{scope.subject.name}）",
            after={
                "number": report.number,
                "subject": scope.subject.identifier_masked,
                "subject_name": scope.subject.name,
                "edition": report.edition,
                "categories": scope.categories,
                "authorization": scope.authorization.pk if scope.authorization else None,
                "status": report.status,
            },
        )
        _enqueue(report.pk)
    return report


def _pending_order(user, scope: ReportScope) -> CreditReport | None:
    return (
        CreditReport.objects.filter(
            jobs.alive(REPORT_JOB),
            ordered_by=user,
            subject=scope.subject,
            authorization=scope.authorization,
        )
        .order_by("-created_at")
        .first()
    )


def _create_report(user, scope: ReportScope) -> CreditReport:
    return create_numbered(
        CreditReport,
        lambda number: CreditReport(
            number=number,
            verification_code=new_verification_code(),
            subject=scope.subject,
            edition=edition_for(scope.subject),
            ordered_by=user,
            authorization=scope.authorization,
            categories=scope.categories,
        ),
        prefix=report_prefix(timezone.localdate()),
        width=NUMBER_WIDTH,
    )


def order_special_report(
    *, user, subject: Subject, domains: list[CreditDomain], period_start: dt.date, period_end: dt.date
) -> CreditReport:
    """Order a special credit report (信用代证) of the subject for `domains` over the period.

    Raises `ReportRefused` when the user may not order one for the subject, `special.PeriodError`
    for a period beyond the rules, ValueError without any domain. A second identical order while
    the first is still being made returns that one (a double click orders once).
    """
    scope = scope_for_special(user, subject)
    special.check_period(period_start, period_end, timezone.localdate())
    if not domains:
        raise ValueError("a special report needs at least one domain")
    snapshots = [special.domain_snapshot(domain) for domain in domains]
    with transaction.atomic():
        pending = _pending_special(user, subject, snapshots, period_start, period_end)
        if pending is not None:
            return pending
        report = create_numbered(
            CreditReport,
            lambda number: CreditReport(
                number=number,
                kind=CreditReport.Kind.SPECIAL,
                verification_code=new_verification_code(),
                subject=subject,
                edition=edition_for(subject),
                ordered_by=user,
                domains=snapshots,
                period_start=period_start,
                period_end=period_end,
            ),
            prefix=report_prefix(timezone.localdate(), special=True),
            width=NUMBER_WIDTH,
        )
        log_query(kind=QueryLog.Kind.REPORT, actor=user, subject=subject, purpose=scope.purpose, terms=report.number)
        record_event(
            action="report.order",
            actor=user,
            obj=report,
            summary=f"{user.get_username()} 申请专项信用报告 {report.number}（{subject.name}）",
            after={
                "number": report.number,
                "kind": report.kind,
                "subject": subject.identifier_masked,
                "subject_name": subject.name,
                "domains": [snapshot["name"] for snapshot in snapshots],
                "period": [period_start, period_end],
                "status": report.status,
            },
        )
        _enqueue(report.pk)
    return report


def _pending_special(user, subject: Subject, snapshots: list[dict], start: dt.date, end: dt.date):
    return (
        CreditReport.objects.filter(
            jobs.alive(REPORT_JOB),
            kind=CreditReport.Kind.SPECIAL,
            ordered_by=user,
            subject=subject,
            domains=snapshots,
            period_start=start,
            period_end=end,
        )
        .order_by("-created_at")
        .first()
    )


def _enqueue(report_id: int) -> None:
    from inquiry.tasks import generate_credit_report  # the tasks module imports this one

    transaction.on_commit(lambda: generate_credit_report.delay(report_id))


# --- Generation -----------------------------------------------------------------------------------


def generate_report(*, report_id: int, task_id: str = "") -> CreditReport | None:
    """Generate a queued report: what the task does (`task_id`: its message, see `start_report`).
    Safe to call again: a report that is finished or being generated elsewhere is left alone
    (None). A transient database error puts the report back in the queue and is raised for the
    task to retry; any other error ends the report as failed, with the reason shown to the orderer."""
    from .rendering import render_report  # WeasyPrint loads only where reports are made

    report = start_report(report_id=report_id, task_id=task_id)
    if report is None:
        return None
    try:
        generated_at = timezone.now()
        rendered = render_report(
            report,
            generated_at=generated_at,
            progress=lambda value: record_progress(report_id=report_id, progress=value),
        )
        return finish_report(
            report_id=report_id, pdf=rendered.content, page_count=rendered.page_count, generated_at=generated_at
        )
    except TRANSIENT_ERRORS:
        release_report(report_id=report_id)
        raise
    except Exception as exc:  # noqa: BLE001 — whatever goes wrong, the orderer must learn it ended
        logger.exception("credit report %s failed", report_id)
        fail_report(report_id=report_id, error=failure_message(exc))
        return CreditReport.objects.filter(pk=report_id).first()


def failure_message(exc: BaseException | None = None) -> str:
    if isinstance(exc, SoftTimeLimitExceeded):
        return _("报告生成超时，未能完成。请重新申请；如仍失败，请联系南通市公共信用信息中心。")
    reason = f"（{type(exc).__name__}）" if exc is not None else ""
    return _("报告生成失败：系统错误%(reason)s。请重新申请；如仍失败，请联系南通市公共信用信息中心。") % {
        "reason": reason
    }


def start_report(*, report_id: int, task_id: str = "") -> CreditReport | None:
    """Claim a queued report for this task, or take over one whose worker died while this very
    message had it; None if another has it, it is done, or it died too often."""
    claimed = workflow.move(
        report_id,
        "claim",
        also=jobs.claimable(REPORT_JOB, task_id),
        **jobs.claim_changes(REPORT_JOB, task_id),
        progress=5,
        error="",
    )
    if not claimed:
        return None
    return CreditReport.objects.select_related("subject", "authorization", "ordered_by").get(pk=report_id)


def record_progress(*, report_id: int, progress: int) -> None:
    # Outside any transaction: the progress page sees it at once.
    CreditReport.objects.filter(pk=report_id, status=Status.GENERATING).update(progress=min(progress, 99))


def release_report(*, report_id: int) -> None:
    """Back to the queue after a transient error, for the task's retry."""
    workflow.move(report_id, "release", progress=0, queued_at=timezone.now())


def finish_report(*, report_id: int, pdf: bytes, page_count: int, generated_at: dt.datetime) -> CreditReport | None:
    """Store the PDF with its hash, mark the report ready and register it in the archive, all
    or nothing. None when the report is no longer being generated by us (another worker that
    took over a stale run finished first): nothing is stored twice."""
    stored_name: str | None = ""
    try:
        with transaction.atomic():
            report = workflow.lock_if(report_id, "finish")
            if report is None:
                return None
            report.file.save(f"{report.number}.pdf", ContentFile(pdf), save=False)
            stored_name = report.file.name
            _mark_ready(report, pdf=pdf, page_count=page_count, generated_at=generated_at)
    except BaseException:
        if stored_name:  # the row went with the transaction; so must the file
            report.file.storage.delete(stored_name)  # type: ignore[union-attr]  # stored_name: report was found
        raise
    return report


def _mark_ready(report: CreditReport, *, pdf: bytes, page_count: int, generated_at: dt.datetime) -> None:
    report.sha256 = hashlib.sha256(pdf).hexdigest()
    report.size = len(pdf)
    report.page_count = page_count
    report.generated_at = generated_at
    report.status = workflow.STEPS["finish"].target  # type: ignore[assignment]  # "finish" has a target
    report.progress = 100
    report.error = ""
    report.save(update_fields=["file", "sha256", "size", "page_count", "generated_at", "status", "progress", "error"])
    subject = report.subject
    entry = register_archive_entry(
        kind=ArchiveEntry.Kind.CREDIT_REPORT,
        obj=report,
        sha256=report.sha256,
        size=report.size,
        title=archive_title(report),
    )
    record_event(
        action=workflow.WORKFLOW.event("finish"),
        obj=report,
        summary=f"生成{report.get_kind_display()} {report.number}（{subject.name}），档案编号 {entry.number}",
        before={"status": Status.GENERATING},
        after={
            "status": report.status,
            "sha256": report.sha256,
            "size": report.size,
            "pages": page_count,
            "archive": entry.number,
        },
    )


def archive_title(report: CreditReport) -> str:
    subject = report.subject
    if report.is_special:
        period = f"{report.period_start:%Y.%m.%d}—{report.period_end:%Y.%m.%d}"
        return f"{subject.name}专项信用报告（{'、'.join(report.domain_names)}；{period}）{report.number}"[:200]
    return f"{subject.name}信用报告（{report.get_edition_display()}）{report.number}"


def fail_report(*, report_id: int, error: str) -> bool:
    """End a report as failed, with the reason the orderer will read. False if it already ended."""
    with transaction.atomic():
        if not workflow.move(report_id, "fail", error=error[:2000]):
            return False
        record_failure(report_id)
    return True


def record_failure(report_id: int) -> None:
    """The audit event of a report that ended failed, here or in the stuck-job sweep."""
    report = CreditReport.objects.select_related("subject").get(pk=report_id)
    record_event(
        action=workflow.WORKFLOW.event("fail"),
        obj=report,
        summary=f"信用报告 {report.number}（{report.subject.name}）生成失败",
        after={"status": Status.FAILED, "error": report.error[:300]},
    )
