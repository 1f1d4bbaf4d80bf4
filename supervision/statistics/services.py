"""Issuing statistical reports (Art. 20): compute once, store, number, archive.

`issue_report` is idempotent per kind and period: the schedule, a retried task and a clerk's
click all end at the one report of that period; an issued report is never recomputed.
"""

import datetime as dt
import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.archive import Kind as ArchiveKind
from audit.archive import create_numbered, register_archive_entry
from audit.services import record_event

from ..models import StatisticalReport
from .figures import report_figures
from .periods import Period

NUMBER_PREFIX = "TJ"
NUMBER_WIDTH = 4
KIND_LABELS = dict(StatisticalReport.Kind.choices)


class PeriodNotEnded(ValueError):
    """A report is only issued for a period that has ended: its figures would still change."""


def content_hash(data: dict) -> str:
    """SHA-256 of the report's content in a canonical form (sorted keys, no spaces), the same
    whether computed before saving or from the stored JSON later."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def report_title(period: Period) -> str:
    return f"南通市公共信用信息平台{period.label}{KIND_LABELS[period.kind]}统计分析报告"


def build_content(period: Period, *, issued_at: dt.datetime) -> dict:
    previous = period.previous
    return {
        "title": report_title(period),
        "period": {
            "kind": period.kind,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label": period.label,
        },
        "previous": {"start": previous.start.isoformat(), "end": previous.end.isoformat(), "label": previous.label},
        "issued_at": timezone.localtime(issued_at).isoformat(timespec="seconds"),
        "sections": report_figures(period),
    }


def issue_report(
    *, kind: str, start: dt.date, actor=None, today: dt.date | None = None
) -> tuple[StatisticalReport, bool]:
    """The report of `kind` for the period containing `start`: the existing one, or a new one
    computed now, numbered and registered in the archive. Returns (report, created)."""
    period = Period.of(kind, start)
    existing = StatisticalReport.objects.filter(kind=kind, period_start=period.start).first()
    if existing is not None:
        return existing, False
    if not period.ended_by(today or timezone.localdate()):
        raise PeriodNotEnded(f"{period.label}尚未结束，结束后才能生成统计分析报告")
    issued_at = timezone.now()
    data = build_content(period, issued_at=issued_at)
    try:
        return _store(period, data, issued_at=issued_at, actor=actor), True
    except IntegrityError:  # another worker issued it meanwhile: that one is the report
        return StatisticalReport.objects.get(kind=kind, period_start=period.start), False


def _store(period: Period, data: dict, *, issued_at: dt.datetime, actor) -> StatisticalReport:
    digest = content_hash(data)
    issuer = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        report = create_numbered(
            StatisticalReport,
            lambda number: StatisticalReport(
                number=number,
                kind=period.kind,
                period_start=period.start,
                period_end=period.end,
                data=data,
                sha256=digest,
                issued_at=issued_at,
                issued_by=issuer,
            ),
            prefix=f"{NUMBER_PREFIX}{issued_at.astimezone(timezone.get_current_timezone()).year}",
            width=NUMBER_WIDTH,
        )
        register_archive_entry(
            kind=ArchiveKind.STATISTICAL_REPORT,
            title=f"{data['title']}（{report.number}）",
            obj=report,
            sha256=digest,
            size=len(json.dumps(data, ensure_ascii=False).encode("utf-8")),
            actor=actor,
        )
        record_event(
            action="statistics.issue_report",
            actor=actor,
            obj=report,
            summary=f"生成统计分析报告 {report.number}：{data['title']}"[:300],
            after={
                "number": report.number,
                "kind": period.kind,
                "period_start": period.start.isoformat(),
                "sha256": digest,
            },
        )
    return report


def record_download(*, report: StatisticalReport, actor, file_format: str, ip_address: str | None = None) -> None:
    """Who took a copy of an official report, and in which form."""
    with transaction.atomic():
        record_event(
            action="statistics.download_report",
            actor=actor,
            obj=report,
            summary=f"下载统计分析报告 {report.number}（{file_format.upper()}）",
            after={"number": report.number, "format": file_format, "sha256": report.sha256},
            ip_address=ip_address,
        )


def issue_scheduled_reports(*, today: dt.date | None = None) -> list[str]:
    """The last complete month, quarter and year, each issued once (beat runs this daily, so a
    missed day is made up the next)."""
    today = today or timezone.localdate()
    numbers = []
    for kind in StatisticalReport.Kind.values:
        period = Period.last_complete(kind, today)
        report, created = issue_report(kind=kind, start=period.start, today=today)
        if created:
            numbers.append(report.number)
    return numbers
