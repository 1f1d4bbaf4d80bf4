"""The center's dashboard of objections: open cases by stage, overdue cases, and how quickly
each provider answers the cases referred to it — on the page and as XLSX."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Provider
from nantong_credit.charts import line_chart
from nantong_credit.spreadsheets import BOLD, SpreadsheetWriter

from . import workflow
from .models import Objection

Status = Objection.Status
OVERDUE_LISTED = 100
DAY = Decimal(86400)


@dataclass
class ProviderRow:
    provider: Provider
    referred: int
    waiting: int
    overdue_now: int
    answered: int
    answered_late: int
    average_days: Decimal | None

    @property
    def on_time_percent(self) -> Decimal | None:
        if not self.answered:
            return None
        return (Decimal(self.answered - self.answered_late) * 100 / self.answered).quantize(Decimal("0.1"))


@dataclass
class Dashboard:
    generated_at: dt.datetime
    stages: list[tuple[str, str, int]]  # (status, label, count)
    center_overdue: list[Objection]
    center_overdue_count: int
    provider_overdue: list[Objection]
    provider_overdue_count: int
    providers: list[ProviderRow] = field(default_factory=list)
    center_average_days: Decimal | None = None
    months: list["MonthRow"] = field(default_factory=list)

    def trend_chart(self) -> dict:
        """The months as a line chart for `static/js/charts.js` (its table is on the page too)."""
        return line_chart(
            [row.label for row in self.months],
            [
                ("受理", [row.filed for row in self.months]),
                ("办结", [row.closed for row in self.months]),
                ("转信息提供单位", [row.referred for row in self.months]),
                ("更正", [row.corrected for row in self.months]),
            ],
        )


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    filed: int
    closed: int
    referred: int
    corrected: int

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"


STAGE_LABELS = {
    Status.SUBMITTED: gettext_lazy("待中心核查"),
    Status.REFERRED: gettext_lazy("待信息提供单位答复"),
    Status.ANSWERED: gettext_lazy("待申请人确认（提供单位核实无误）"),
}


def _days(duration: dt.timedelta | None) -> Decimal | None:
    if duration is None:
        return None
    return (Decimal(duration.total_seconds()) / DAY).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _elapsed(start: str, end: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def build_dashboard(now: dt.datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    counts = dict(Objection.objects.filter(status__in=workflow.OPEN).values_list("status").annotate(n=Count("pk")))
    center_overdue = Objection.objects.filter(status=Status.SUBMITTED, center_due_at__lte=now)
    provider_overdue = Objection.objects.filter(status=Status.REFERRED, provider_due_at__lte=now)
    related = ("subject", "provider")
    return Dashboard(
        generated_at=now,
        stages=[(status, str(label), counts.get(status, 0)) for status, label in STAGE_LABELS.items()],
        center_overdue=list(center_overdue.select_related(*related).order_by("center_due_at")[:OVERDUE_LISTED]),
        center_overdue_count=center_overdue.count(),
        provider_overdue=list(provider_overdue.select_related(*related).order_by("provider_due_at")[:OVERDUE_LISTED]),
        provider_overdue_count=provider_overdue.count(),
        providers=_provider_rows(now),
        center_average_days=_days(
            Objection.objects.filter(referred_at__isnull=False).aggregate(
                avg=Avg(_elapsed("received_at", "referred_at"))
            )["avg"]
        ),
        months=_months(now),
    )


TREND_MONTHS = 12


def _months(now: dt.datetime) -> list[MonthRow]:
    """The last twelve months (Asia/Shanghai) of cases filed, closed, referred and corrected: one
    grouped query per date column over a table of thousands, months without cases as zeros."""
    today = timezone.localdate(now)
    back = today.year * 12 + today.month - 1 - (TREND_MONTHS - 1)
    first = dt.date(back // 12, back % 12 + 1, 1)
    since = timezone.make_aware(dt.datetime.combine(first, dt.time.min))

    def per_month(column: str, **only) -> dict[dt.date, int]:
        rows = (
            Objection.objects.filter(**{f"{column}__gte": since}, **only)
            .annotate(month=TruncMonth(column))
            .values("month")
            .annotate(n=Count("pk"))
        )
        return {
            timezone.localdate(row["month"]) if isinstance(row["month"], dt.datetime) else row["month"]: row["n"]
            for row in rows
        }

    filed, closed = per_month("received_at"), per_month("closed_at")
    referred = per_month("referred_at")
    corrected = per_month("closed_at", outcome__in=(Objection.Outcome.CORRECTED, Objection.Outcome.PLATFORM_CORRECTED))
    months, month = [], first
    while month <= today:
        months.append(
            MonthRow(month, filed.get(month, 0), closed.get(month, 0), referred.get(month, 0), corrected.get(month, 0))
        )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _provider_rows(now: dt.datetime) -> list[ProviderRow]:
    referred = Q(objections__referred_at__isnull=False)
    answered = referred & Q(objections__answered_at__isnull=False)
    rows = (
        Provider.objects.filter(referred)
        .annotate(
            referred_count=Count("objections", filter=referred),
            waiting=Count("objections", filter=Q(objections__status=Status.REFERRED)),
            overdue_now=Count(
                "objections", filter=Q(objections__status=Status.REFERRED, objections__provider_due_at__lte=now)
            ),
            answered_count=Count("objections", filter=answered),
            answered_late=Count(
                "objections", filter=answered & Q(objections__answered_at__gt=F("objections__provider_due_at"))
            ),
            average=Avg(_elapsed("objections__referred_at", "objections__answered_at"), filter=answered),
        )
        .order_by("code")
    )
    return [
        ProviderRow(p, p.referred_count, p.waiting, p.overdue_now, p.answered_count, p.answered_late, _days(p.average))
        for p in rows
    ]


# --- XLSX ----------------------------------------------------------------------------------------


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def build_dashboard_xlsx(dashboard: Dashboard) -> bytes:
    writer = SpreadsheetWriter()
    summary = writer.add_sheet(_("概况"))
    summary.append([_("异议处理情况（生成时间 %(t)s）") % {"t": _local(dashboard.generated_at)}], style=BOLD)
    summary.append([_("环节"), _("在办件数")], style=BOLD)
    for _status, label, count in dashboard.stages:
        summary.append([label, count])
    summary.append([_("中心核查超期"), dashboard.center_overdue_count])
    summary.append([_("提供单位答复超期"), dashboard.provider_overdue_count])
    summary.append([_("中心平均转办用时（自然日）"), _float(dashboard.center_average_days)])

    providers = writer.add_sheet(_("各提供单位"))
    providers.append(
        [
            _("信息提供单位"),
            _("转办件数"),
            _("待答复"),
            _("当前超期"),
            _("已答复"),
            _("逾期答复"),
            _("按时答复率（%）"),
            _("平均答复用时（自然日）"),
        ],
        style=BOLD,
    )
    for row in dashboard.providers:
        providers.append(
            [
                row.provider.name,
                row.referred,
                row.waiting,
                row.overdue_now,
                row.answered,
                row.answered_late,
                _float(row.on_time_percent),
                _float(row.average_days),
            ]
        )

    overdue = writer.add_sheet(_("超期案件"))
    overdue.append([_("案件编号"), _("信息主体"), _("信息提供单位"), _("环节"), _("期限")], style=BOLD)
    for case in dashboard.center_overdue:
        overdue.append(
            [
                case.number,
                case.subject.name,
                case.provider.name,
                _("中心核查"),
                workflow.deadline_text(case.center_due_at),
            ]
        )
    for case in dashboard.provider_overdue:
        overdue.append(
            [
                case.number,
                case.subject.name,
                case.provider.name,
                _("提供单位答复"),
                workflow.deadline_text(case.provider_due_at),
            ]
        )
    return writer.to_bytes()


def _float(value: Decimal | None):
    return float(value) if value is not None else None
