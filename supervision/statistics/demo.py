"""The demo's statistics (`seed_demo`): last month's statistical report, issued as the schedule
would, and the public figures of /statistics/. Idempotent: an issued report is found by its
period, and the public figures are left alone once computed (the nightly sweep refreshes them)."""

from __future__ import annotations

from django.utils import timezone

from nantong_credit.demo.loader import DemoRun

from ..models import HeadlineFigures
from .periods import Period
from .services import issue_report


def ensure_statistics(run: DemoRun) -> None:
    # Last month's report, and last quarter's: the demo's history is spread over the years, so
    # a month alone may be thin.
    for kind in ("monthly", "quarterly"):
        period = Period.last_complete(kind, timezone.localdate())
        report, created = issue_report(kind=kind, start=period.start, actor=run.actor)
        run.report.count("statistical reports", created)
        if created:
            run.report.info.append(f"统计分析报告：{report.number}（{period.label}，工作台 → 统计分析报告）")
    if not HeadlineFigures.objects.exists():
        from .public import refresh_public_figures

        refresh_public_figures()
        run.report.count("public statistics", True)
    else:
        run.report.count("public statistics", False)
