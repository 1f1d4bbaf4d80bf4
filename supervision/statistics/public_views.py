"""/statistics/: the platform's figures for everyone, from the precomputed tables only."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from nantong_credit.charts import line_chart
from nantong_credit.spreadsheets import CSV_CONTENT_TYPE, csv_bytes

from .charts import CURRENT_COLOR
from .public import public_statistics

CHARTS = (
    ("records", "新增信用记录", ("records_new", "dishonesty_new", "good_new")),
    ("queries", "查询与信用报告", ("queries", "reports")),
    ("objections", "异议与信用修复", ("objections_filed", "objections_closed", "repairs_approved")),
)


def _trend_chart(stats: dict, keys: tuple[str, ...]) -> dict:
    return line_chart(
        [row["month"] for row in stats["months"]],
        [(stats["labels"][key], [row[key] for row in stats["months"]]) for key in keys],
        height=280,
        colors=(CURRENT_COLOR, "#c0392b", "#2e7d32"),
    )


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    stats = public_statistics()
    charts, month_rows = [], []
    if stats:
        charts = [{"id": key, "title": title, "config": _trend_chart(stats, keys)} for key, title, keys in CHARTS]
        month_rows = [(row["month"], [row[key] for key in stats["labels"]]) for row in reversed(stats["months"])]
    context = {"stats": stats, "charts": charts, "month_rows": month_rows}
    return render(request, "supervision/statistics/public.html", context)


@require_safe
def statistics_csv(request: HttpRequest) -> HttpResponse:
    stats = public_statistics() or {"months": [], "labels": {}}
    keys = list(stats["labels"])
    rows = [
        ["月份", *stats["labels"].values()],
        *([row["month"], *(row[key] for key in keys)] for row in stats["months"]),
    ]
    response = HttpResponse(csv_bytes(rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="nantong-credit-statistics.csv"'
    return response
