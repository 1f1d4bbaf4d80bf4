"""Timeliness of the providers (报送及时性, Art. 9 and 22): read-side queries and the export.

Per provider, catalog item and month of receipt (Asia/Shanghai): how many records arrived, how
many of those had a deadline, how many came late and by how many working days on average, and
how many rows of bulk files were rejected. Counting happens in the database (GROUP BY with
conditional counts); the only work left to Python is the working-day delay, which a calendar
with statutory holidays cannot express in SQL: it is computed once per distinct (due date,
receipt date) pair and weighted by how many late records share it, never once per record.

Self-declared records (Art. 10) are left out: a subject's declaration of an old honour is not a
provider's late submission.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import CharField, Count, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, TruncDate, TruncMonth
from django.utils.translation import gettext as _

from catalog.models import CatalogItem, Provider
from catalog.selectors import published_version
from nantong_credit.spreadsheets import BOLD, CellStyle, SpreadsheetWriter
from nantong_credit.workdays import workdays_between

from ..models import BulkRowError, CreditRecord

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class ComplianceRow:
    provider_code: str
    provider_name: str
    item_code: str
    item_name: str
    month: dt.date | None  # None in the totals row
    received: int = 0
    with_deadline: int = 0
    late: int = 0
    delay_workdays: int = 0
    rejected_rows: int = 0

    @property
    def on_time(self) -> int:
        return self.with_deadline - self.late

    @property
    def without_deadline(self) -> int:
        return self.received - self.with_deadline

    @property
    def late_ratio(self) -> Decimal | None:
        """Late records among those that had a deadline, as a fraction (0.25 = 25%)."""
        if not self.with_deadline:
            return None
        return (Decimal(self.late) / Decimal(self.with_deadline)).quantize(Decimal("0.0001"), ROUND_HALF_UP)

    @property
    def late_percent(self) -> Decimal | None:
        ratio = self.late_ratio
        return None if ratio is None else (ratio * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def on_time_percent(self) -> Decimal | None:
        """The complement of `late_percent`, so that the two always add up to 100 on the page."""
        late = self.late_percent
        return None if late is None else Decimal(100) - late

    @property
    def average_delay(self) -> Decimal | None:
        """Average working days by which the late records missed their deadline."""
        if not self.late:
            return None
        return (Decimal(self.delay_workdays) / Decimal(self.late)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def add(self, other: "ComplianceRow") -> None:
        self.received += other.received
        self.with_deadline += other.with_deadline
        self.late += other.late
        self.delay_workdays += other.delay_workdays
        self.rejected_rows += other.rejected_rows


@dataclass
class MonthTotal:
    month: dt.date
    on_time: int = 0
    late: int = 0
    without_deadline: int = 0
    rejected_rows: int = 0


@dataclass
class ComplianceReport:
    date_from: dt.date
    date_to: dt.date
    provider: Provider | None
    item_code: str
    rows: list[ComplianceRow]
    totals: ComplianceRow
    months: list[MonthTotal] = field(default_factory=list)

    def by_provider(self) -> list[ComplianceRow]:
        """The report's rows summed per provider (all items and months of the period)."""
        totals: dict[str, ComplianceRow] = {}
        for row in self.rows:
            total = totals.setdefault(
                row.provider_code, ComplianceRow(row.provider_code, row.provider_name, "", "", None)
            )
            total.add(row)
        return list(totals.values())


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants of the first and the day after the last Nantong day (index-friendly)."""
    start = dt.datetime.combine(date_from, dt.time(0), tzinfo=SHANGHAI)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=SHANGHAI)
    return start, end


def _month(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.astimezone(SHANGHAI) if value.tzinfo else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def _records(date_from: dt.date, date_to: dt.date, provider: Provider | None, item_code: str) -> QuerySet:
    start, end = _bounds(date_from, date_to)
    records = CreditRecord.objects.filter(received_at__gte=start, received_at__lt=end, self_declared=False)
    if provider is not None:
        records = records.filter(provider=provider)
    if item_code:
        records = records.filter(item_code=item_code)
    return records.annotate(month=TruncMonth("received_at", tzinfo=SHANGHAI))


def _record_counts(records: QuerySet) -> Iterable[dict]:
    return (
        records.values("provider_id", "item_code", "month")
        .annotate(
            received=Count("pk"),
            with_deadline=Count("pk", filter=Q(due_on__isnull=False)),
            late=Count("pk", filter=Q(is_late=True)),
        )
        .order_by()
    )


def _delays(records: QuerySet) -> dict[tuple, int]:
    """Total working days late per (provider, item, month), from one row per distinct
    (due date, receipt date) pair."""
    pairs = (
        records.filter(is_late=True, due_on__isnull=False)
        .annotate(received_on=TruncDate("received_at", tzinfo=SHANGHAI))
        .values("provider_id", "item_code", "month", "due_on", "received_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    delays: dict[tuple, int] = {}
    for pair in pairs:
        key = (pair["provider_id"], pair["item_code"], _month(pair["month"]))
        delays[key] = delays.get(key, 0) + pair["n"] * workdays_between(pair["due_on"], pair["received_on"])
    return delays


def _rejected_rows(date_from: dt.date, date_to: dt.date, provider: Provider | None, item_code: str) -> Iterable[dict]:
    """Rejected rows of bulk files per (provider, item, month of upload). A row with errors in
    several columns is one rejected row: count distinct (batch, row number) pairs."""
    start, end = _bounds(date_from, date_to)
    errors = BulkRowError.objects.filter(bulk_import__created_at__gte=start, bulk_import__created_at__lt=end)
    if provider is not None:
        errors = errors.filter(bulk_import__provider=provider)
    if item_code:
        errors = errors.filter(bulk_import__item_code=item_code)
    row_id = Concat(
        Cast("bulk_import_id", CharField()), Value(":"), Cast("row_number", CharField()), output_field=CharField()
    )
    return (
        errors.annotate(month=TruncMonth("bulk_import__created_at", tzinfo=SHANGHAI))
        .values("bulk_import__provider_id", "bulk_import__item_code", "month")
        .annotate(rows=Count(row_id, distinct=True))
        .order_by()
    )


def _item_names(codes: set[str]) -> dict[str, str]:
    """Names from the published catalog; an item since removed keeps its last known name."""
    known = CatalogItem.objects.filter(code__in=codes).order_by("version__number").values_list("code", "name")
    names = dict(known)  # later versions overwrite earlier ones
    version = published_version()
    if version is not None:
        names.update(version.items.filter(code__in=codes).values_list("code", "name"))
    return names


def compliance_report(
    *, date_from: dt.date, date_to: dt.date, provider: Provider | None = None, item_code: str = ""
) -> ComplianceReport:
    records = _records(date_from, date_to, provider, item_code)
    groups: dict[tuple, dict] = {}
    for row in _record_counts(records):
        key = (row["provider_id"], row["item_code"], _month(row["month"]))
        groups[key] = {"received": row["received"], "with_deadline": row["with_deadline"], "late": row["late"]}
    for key, days in _delays(records).items():
        groups.setdefault(key, {})["delay_workdays"] = days
    for row in _rejected_rows(date_from, date_to, provider, item_code):
        key = (row["bulk_import__provider_id"], row["bulk_import__item_code"], _month(row["month"]))
        groups.setdefault(key, {})["rejected_rows"] = row["rows"]
    rows = _named_rows(groups)
    totals = ComplianceRow("", _("合计"), "", "", None)
    for row in rows:
        totals.add(row)
    months = _month_totals(rows, date_from, date_to)
    return ComplianceReport(date_from, date_to, provider, item_code, rows, totals, months)


def _named_rows(groups: dict[tuple, dict]) -> list[ComplianceRow]:
    providers = {p.pk: p for p in Provider.objects.filter(pk__in={key[0] for key in groups})}
    items = _item_names({key[1] for key in groups})
    rows = [
        ComplianceRow(providers[pid].code, providers[pid].name, code, items.get(code, code), month, **counts)
        for (pid, code, month), counts in groups.items()
    ]
    rows.sort(key=lambda r: (r.provider_code, r.item_code, r.month))
    return rows


def _months_between(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    months, month = [], date_from.replace(day=1)
    while month <= date_to:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _month_totals(rows: list[ComplianceRow], date_from: dt.date, date_to: dt.date) -> list[MonthTotal]:
    """One total per month of the period, empty months included (a gap is information too)."""
    months = {month: MonthTotal(month) for month in _months_between(date_from, date_to)}
    for row in rows:
        total = months.setdefault(row.month, MonthTotal(row.month))
        total.on_time += row.on_time
        total.late += row.late
        total.without_deadline += row.without_deadline
        total.rejected_rows += row.rejected_rows
    return [months[m] for m in sorted(months)]


# --- The chart (inline SVG, drawn on the server) ----------------------------------------------

CHART_HEIGHT = 200
BAR_WIDTH = 28
BAR_GAP = 24
CHART_LEFT = 40


@dataclass(frozen=True)
class Bar:
    x: int
    label: str
    on_time: int
    late: int
    without_deadline: int
    on_time_y: float
    on_time_h: float
    late_y: float
    late_h: float
    none_y: float
    none_h: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    top: int
    bars: list[Bar]
    ticks: list[tuple[float, int]]


def build_chart(months: list[MonthTotal]) -> Chart | None:
    """Stacked bars per month: on time, late and without a deadline, scaled to the largest."""
    if not months:
        return None
    peak = max(m.on_time + m.late + m.without_deadline for m in months) or 1
    scale = CHART_HEIGHT / peak
    bars = []
    for index, month in enumerate(months):
        x = CHART_LEFT + BAR_GAP + index * (BAR_WIDTH + BAR_GAP)
        on_time_h, late_h, none_h = month.on_time * scale, month.late * scale, month.without_deadline * scale
        base = CHART_HEIGHT
        bars.append(
            Bar(
                x,
                f"{month.month:%Y-%m}",
                month.on_time,
                month.late,
                month.without_deadline,
                base - on_time_h,
                on_time_h,
                base - on_time_h - late_h,
                late_h,
                base - on_time_h - late_h - none_h,
                none_h,
            )
        )
    ticks = [(CHART_HEIGHT - value * scale, value) for value in sorted({0, peak // 2, peak})]
    width = CHART_LEFT + BAR_GAP + len(months) * (BAR_WIDTH + BAR_GAP)
    return Chart(width, CHART_HEIGHT, 0, bars, ticks)


# --- The XLSX export --------------------------------------------------------------------------

HEADERS = (
    "报送单位",
    "单位代码",
    "目录事项",
    "事项代码",
    "月份",
    "收到记录",
    "有报送时限",
    "按时",
    "逾期",
    "无时限",
    "逾期率",
    "平均逾期（工作日）",
    "批量导入被拒行数",
)


def _row_values(row: ComplianceRow) -> list:
    return [
        row.provider_name,
        row.provider_code,
        row.item_name,
        row.item_code,
        f"{row.month:%Y-%m}" if row.month else "",
        row.received,
        row.with_deadline,
        row.on_time,
        row.late,
        row.without_deadline,
        float(row.late_ratio) if row.late_ratio is not None else None,
        float(row.average_delay) if row.average_delay is not None else None,
        row.rejected_rows,
    ]


# The late ratio (column K) reads as a percentage.
PERCENT = {10: CellStyle(number_format="0.0%")}


def build_compliance_xlsx(report: ComplianceReport) -> bytes:
    """The report as a workbook: the table, its totals, and a sheet saying what each column means."""
    writer = SpreadsheetWriter(title=_("公共信用信息报送及时性报告"))
    sheet = writer.add_sheet(_("报送及时性"))
    sheet.append(list(HEADERS), style=BOLD)
    for row in report.rows:
        sheet.append(_row_values(row), styles=PERCENT)
    sheet.append(_row_values(report.totals), style=BOLD, styles=PERCENT)
    notes = writer.add_sheet(_("说明"))
    for line in _notes(report):
        notes.append([line])
    return writer.to_bytes()


def _notes(report: ComplianceReport) -> list[str]:
    return [
        _("统计期间（按归集时间，北京时间）：%(a)s 至 %(b)s") % {"a": report.date_from, "b": report.date_to},
        _("报送单位：%(p)s") % {"p": report.provider.name if report.provider else _("全部")},
        _("目录事项：%(i)s") % {"i": report.item_code or _("全部")},
        _("月份按平台收到记录的时间（北京时间）归属；不含信息主体自主申报的记录。"),
        _("按时/逾期：目录事项规定报送时限的，自决定作出之日起按工作日计算应报送日期，晚于该日收到为逾期。"),
        _("逾期率 = 逾期 ÷ 有报送时限的记录数；平均逾期 = 逾期记录晚于应报送日期的工作日数之和 ÷ 逾期记录数。"),
        _("批量导入被拒行数：当月上传、未通过校验的文件中被拒的行数（同一行多处错误计一行）。"),
        _("依据：《南通市公共信用信息归集和使用暂行办法》第九条、第二十二条。"),
    ]
