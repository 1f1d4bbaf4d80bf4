"""The public figures of /statistics/: computed by the nightly sweep into small tables, so that
a public page, open to anyone at any rate, reads 25 rows instead of counting millions.

Only counts and rates: no subject, record or person is named. Each monthly figure comes from
one grouped query per table over the whole window (GROUP BY month), not a query per month.
"""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from catalog.models import Category
from collection.models import CreditRecord, RecordStatus, Subject
from inquiry.models import CreditReport, QueryLog
from objections.models import Objection
from repair.models import RepairApplication

from ..models import HeadlineFigures, MonthlyFigures, StatisticalReport
from .periods import SHANGHAI, Period, add_months

TREND_MONTHS = 24
TREND_FIGURES = {
    "records_new": "新增信用记录",
    "dishonesty_new": "新增失信信息",
    "good_new": "新增良好信息",
    "queries": "信用信息查询",
    "reports": "出具信用报告",
    "objections_filed": "受理异议",
    "objections_closed": "办结异议",
    "objections_on_time": "异议办理按时率（%）",
    "repairs_approved": "准予信用修复",
}


# A closed objection was handled on time when the center reviewed it within its 5 working days
# and its provider, if referred, never ran past its deadline (Art. 14).
ON_TIME = Count("pk", filter=Q(center_done_at__lte=F("center_due_at"), provider_overdue_at__isnull=True))


def _closed_objections():
    return Objection.objects.filter(status=Objection.Status.CLOSED).annotate(
        center_done_at=Coalesce("referred_at", "closed_at")
    )


def trend_months(today: dt.date) -> list[dt.date]:
    """The first days of the last TREND_MONTHS months, this one included, oldest first."""
    current = today.replace(day=1)
    return [add_months(current, offset) for offset in range(1 - TREND_MONTHS, 1)]


def _by_month(queryset, field_name: str, start: dt.datetime, **counts) -> dict[dt.date, dict]:
    rows = (
        queryset.filter(**{f"{field_name}__gte": start})
        .annotate(month=TruncMonth(field_name, tzinfo=SHANGHAI))
        .values("month")
        .annotate(**counts)
        .order_by()
    )
    return {_day(row.pop("month")): row for row in rows}


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return (value.astimezone(SHANGHAI) if value.tzinfo else value).date().replace(day=1)
    return value


def monthly_trends(months: list[dt.date]) -> dict[dt.date, dict]:
    """Each month's figures (the keys of TREND_FIGURES), zero where nothing happened."""
    start = Period.of("monthly", months[0]).bounds[0]
    merged: dict[dt.date, dict] = defaultdict(dict)
    sources = [
        _by_month(
            CreditRecord.objects,
            "received_at",
            start,
            records_new=Count("pk"),
            dishonesty_new=Count("pk", filter=Q(is_dishonesty=True)),
            good_new=Count("pk", filter=Q(category=Category.COMMENDATION)),
        ),
        _by_month(QueryLog.objects, "occurred_at", start, queries=Count("pk")),
        _by_month(
            CreditReport.objects.filter(status=CreditReport.Status.READY), "generated_at", start, reports=Count("pk")
        ),
        _by_month(Objection.objects, "received_at", start, objections_filed=Count("pk")),
        _by_month(_closed_objections(), "closed_at", start, objections_closed=Count("pk"), closed_on_time=ON_TIME),
        _by_month(
            RepairApplication.objects.filter(status=RepairApplication.Status.APPROVED),
            "decided_at",
            start,
            repairs_approved=Count("pk"),
        ),
    ]
    for source in sources:
        for month, values in source.items():
            merged[month].update(values)
    return {month: _complete(merged.get(month, {})) for month in months}


def _complete(values: dict) -> dict:
    figures = {key: values.get(key, 0) for key in TREND_FIGURES if key != "objections_on_time"}
    closed = figures["objections_closed"]
    on_time = values.get("closed_on_time", 0)
    figures["objections_on_time"] = round(on_time * 100 / closed, 1) if closed else None
    return figures


def headline(now: dt.datetime) -> dict:
    """The platform's totals now: what a visitor sees first."""
    records = CreditRecord.objects.filter(
        is_public=True, publication_withheld=False, status__in=[RecordStatus.ACTIVE, RecordStatus.CORRECTED]
    )
    by_category = dict(records.values_list("category").annotate(n=Count("pk")).order_by())
    objections = _closed_objections().aggregate(handled=Count("pk"), on_time=ON_TIME)
    return {
        "subjects": Subject.objects.count(),
        "public_records": sum(by_category.values()),
        "records_by_category": [[str(label), by_category.get(code, 0)] for code, label in Category.choices],
        "dishonesty_records": records.filter(is_dishonesty=True, repaired_at__isnull=True).count(),
        "objections_handled": objections["handled"],
        "objections_on_time": round(objections["on_time"] * 100 / objections["handled"], 1)
        if objections["handled"]
        else None,
        "repairs_approved": RepairApplication.objects.filter(status=RepairApplication.Status.APPROVED).count(),
        "reports_issued": CreditReport.objects.filter(status=CreditReport.Status.READY).count(),
        "statistical_reports": StatisticalReport.objects.count(),
        "as_of": timezone.localtime(now).isoformat(timespec="minutes"),
    }


def refresh_public_figures(*, now: dt.datetime | None = None) -> int:
    """Recompute the headline and the last TREND_MONTHS months; returns the months written.
    Safe to run any number of times: each month's row is replaced, and only the newest
    headline is kept."""
    now = now or timezone.now()
    months = trend_months(timezone.localdate(now))
    trends = monthly_trends(months)
    totals = headline(now)
    with transaction.atomic():
        for month, figures in trends.items():
            MonthlyFigures.objects.update_or_create(month=month, defaults={"data": figures, "computed_at": now})
        newest = HeadlineFigures.objects.create(data=totals, computed_at=now)
        HeadlineFigures.objects.exclude(pk=newest.pk).delete()
    return len(trends)


def public_statistics() -> dict | None:
    """What /statistics/ shows: the newest headline and the last TREND_MONTHS months. None
    before the first sweep."""
    latest = HeadlineFigures.objects.order_by("-computed_at").first()
    if latest is None:
        return None
    months = list(MonthlyFigures.objects.order_by("-month")[:TREND_MONTHS])[::-1]
    return {
        "headline": latest.data,
        "months": [{"month": f"{row.month:%Y-%m}", **row.data} for row in months],
        "labels": TREND_FIGURES,
    }
