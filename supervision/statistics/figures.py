"""The figures of a statistical report, computed by aggregate queries (selectors).

Every count is made by the database (GROUP BY with conditional counts). The records table, the
largest, is read once per report: one query groups the records received or changed in the
period or the one before it by their finest dimensions (item, provider, district, subject kind)
with a conditional count per figure and period; the few hundred groups it returns are then
summed into each breakdown. Python never sees a record.

A report's content is plain JSON (`Table`s of rows with the period's and the previous period's
value), so the page, the PDF and the XLSX all draw the same numbers from the stored report.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import Coalesce

from catalog.models import Category, Provider, SubjectKind
from catalog.selectors import published_version
from collection.compliance.report import compliance_report
from collection.models import CreditRecord, RecordStatus, SelfDeclaration
from inquiry.models import CreditReport, QueryLog
from objections.models import Objection
from repair.models import RepairApplication

from .periods import Period

NO_DISTRICT = "未注明"
# The record figures and how a record counts for each: received in the period, or last changed
# in it (a record's status is the one it holds now; records keep no dated status history
# besides their revisions, which bulk histories may lack).
RECORD_FIGURES = ("new", "dishonesty", "good", "updated", "corrected", "revoked", "expired")
RECORD_FIGURE_LABELS = {
    "new": "新增记录",
    "dishonesty": "其中失信信息",
    "good": "其中良好信息",
    "updated": "更新记录",
    "corrected": "更正记录",
    "revoked": "撤销记录",
    "expired": "到期记录",
}


@dataclass
class Table:
    """Rows of (label, this period's value, the previous period's value). `unit` "%" marks rates,
    whose change is in percentage points; `chart` asks the page and the PDF to draw it."""

    key: str
    title: str
    label_header: str
    rows: list[list] = field(default_factory=list)
    unit: str = ""
    chart: str = ""  # "bar", "line" or ""
    note: str = ""

    def add(self, label: str, current, previous) -> None:
        self.rows.append([label, current, previous])

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "label_header": self.label_header,
            "rows": self.rows,
            "unit": self.unit,
            "chart": self.chart,
            "note": self.note,
        }


def rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal, None when there is nothing to measure."""
    return None if not whole else round(part * 100 / whole, 1)


def _window(period: Period, field_name: str) -> Q:
    start, end = period.bounds
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


# --- Records ------------------------------------------------------------------------------------


def _record_conditions(period: Period) -> dict[str, Q]:
    received = _window(period, "received_at")
    changed = _window(period, "updated_at") & ~received
    return {
        "new": received,
        "dishonesty": received & Q(is_dishonesty=True),
        "good": received & Q(category=Category.COMMENDATION),
        "updated": changed & Q(revision__gt=1, status=RecordStatus.ACTIVE),
        "corrected": changed & Q(status=RecordStatus.CORRECTED),
        "revoked": changed & Q(status=RecordStatus.REVOKED),
        "expired": changed & Q(status=RecordStatus.EXPIRED),
    }


def record_groups_query(period: Period) -> QuerySet:
    """One row per (item, category, provider, district, subject kind) with a count per figure
    and period (`new_cur`, `new_prev`, ...): the one read of the records table."""
    previous = period.previous
    both = Period(period.kind, previous.start, period.end)
    counts = {}
    for suffix, which in (("cur", period), ("prev", previous)):
        for name, condition in _record_conditions(which).items():
            counts[f"{name}_{suffix}"] = Count("pk", filter=condition)
    return (
        CreditRecord.objects.filter(_window(both, "received_at") | _window(both, "updated_at"))
        .values("item_code", "category", "provider_id", "subject__district", "subject__kind")
        .annotate(**counts)
        .order_by()
    )


def record_groups(period: Period) -> list[dict]:
    return [dict(group) for group in record_groups_query(period)]


def _sum_by(groups: Iterable[dict], key: str, figure: str) -> dict[str, list[int]]:
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for group in groups:
        sums[group[key] or ""][0] += group[f"{figure}_cur"]
        sums[group[key] or ""][1] += group[f"{figure}_prev"]
    return sums


def _breakdown(groups, key: str, title: str, header: str, labels: dict, *, chart: str = "bar") -> Table:
    """New records by one dimension, in the order of `labels`, then any other value seen."""
    sums = _sum_by(groups, key, "new")
    table = Table(f"records_by_{key}", title, header, chart=chart)
    for code in [*labels, *sorted(set(sums) - set(labels))]:
        current, previous = sums.get(code, (0, 0))
        if code in labels or current or previous:
            table.add(str(labels.get(code, code or NO_DISTRICT)), current, previous)
    return table


def _item_names() -> dict[str, str]:
    version = published_version()
    return dict(version.items.order_by("position", "code").values_list("code", "name")) if version else {}


def _provider_names() -> dict:
    return dict(Provider.objects.order_by("code").values_list("pk", "name"))


def record_tables(period: Period) -> list[Table]:
    groups = record_groups(period)
    summary = Table("records_summary", "归集记录概况", "指标", chart="bar")
    for figure in RECORD_FIGURES:
        summary.add(RECORD_FIGURE_LABELS[figure], *(sum(g[f"{figure}_{p}"] for g in groups) for p in ("cur", "prev")))
    districts = sorted({g["subject__district"] or "" for g in groups})
    return [
        summary,
        _breakdown(groups, "category", "新增记录（按类别）", "类别", dict(Category.choices)),
        _breakdown(groups, "item_code", "新增记录（按目录事项）", "目录事项", _item_names()),
        _breakdown(groups, "provider_id", "新增记录（按信息提供单位）", "信息提供单位", _provider_names()),
        _breakdown(
            groups,
            "subject__district",
            "新增记录（按主体所属地区）",
            "所属地区",
            {d: d or NO_DISTRICT for d in districts},
        ),
        _breakdown(groups, "subject__kind", "新增记录（按主体类别）", "主体类别", dict(SubjectKind.choices)),
    ]


# --- Timeliness (collection's report, not recomputed) -------------------------------------------


def _timeliness_by_provider(period: Period) -> dict[str, dict[str, list[int]]]:
    """{provider name: {"with_deadline": [cur, prev], "late": [cur, prev]}}, summed from the
    compliance report's rows (each already a GROUP BY of provider, item and month). One report
    over both periods: its rows carry their month, which says the period."""
    previous = period.previous
    report = compliance_report(date_from=previous.start, date_to=period.end, provider=None, item_code="")
    sums: dict[str, dict[str, list[int]]] = defaultdict(lambda: {"with_deadline": [0, 0], "late": [0, 0]})
    for row in report.rows:
        index = 0 if row.month is not None and row.month >= period.start else 1
        sums[row.provider_name]["with_deadline"][index] += row.with_deadline
        sums[row.provider_name]["late"][index] += row.late
    return sums


def timeliness_tables(period: Period) -> list[Table]:
    by_provider = _timeliness_by_provider(period)
    on_time = Table(
        "timeliness_rate",
        "按时报送率（按信息提供单位）",
        "信息提供单位",
        unit="%",
        chart="bar",
        note="有报送时限的记录中按时报送的比例；不含自主申报记录。",
    )
    late = Table("timeliness_late", "逾期报送记录（按信息提供单位）", "信息提供单位")
    for name in sorted(by_provider):
        counted, missed = by_provider[name]["with_deadline"], by_provider[name]["late"]
        on_time.add(name, *(rate(counted[i] - missed[i], counted[i]) for i in (0, 1)))
        late.add(name, *missed)
    return [on_time, late]


# --- Queries ------------------------------------------------------------------------------------

QUERY_KINDS = {
    "public": ("公开查询", [QueryLog.Kind.SEARCH, QueryLog.Kind.PUBLIC_PAGE, QueryLog.Kind.API]),
    "authorized": ("授权查询", [QueryLog.Kind.AUTHORIZED]),
    "government": ("政府部门核查", [QueryLog.Kind.GOVERNMENT]),
}


def _query_counts(period: Period) -> dict[str, int]:
    by_kind = {name: Count("pk", filter=Q(kind__in=kinds)) for name, (_label, kinds) in QUERY_KINDS.items()}
    counts = QueryLog.objects.filter(_window(period, "occurred_at")).aggregate(**by_kind)
    counts["reports"] = CreditReport.objects.filter(
        _window(period, "generated_at"), status=CreditReport.Status.READY
    ).count()
    return counts


def query_tables(period: Period) -> list[Table]:
    current, previous = _query_counts(period), _query_counts(period.previous)
    table = Table("queries", "信用信息查询", "查询类型", chart="bar")
    for name, (label, _kinds) in QUERY_KINDS.items():
        table.add(label, current[name], previous[name])
    table.add("出具信用报告", current["reports"], previous["reports"])
    return [table]


# --- Objections (Art. 13-14) --------------------------------------------------------------------

OUTCOMES = (
    (Objection.Outcome.CORRECTED, "信息有误，予以更正（第十四条第一项）"),
    (Objection.Outcome.CONFIRMED, "信息无误，予以维持（第十四条第二项）"),
    (Objection.Outcome.UNVERIFIABLE, "无法核实，附注声明（第十四条第三项）"),
)


def _objection_counts(period: Period) -> dict[str, int]:
    objections = Objection.objects.all()
    closed = _window(period, "closed_at") & Q(status=Objection.Status.CLOSED)
    counts = objections.annotate(center_done_at=Coalesce("referred_at", "closed_at")).aggregate(
        filed=Count("pk", filter=_window(period, "received_at")),
        closed=Count("pk", filter=closed),
        platform_corrected=Count("pk", filter=closed & Q(outcome=Objection.Outcome.PLATFORM_CORRECTED)),
        rejected=Count("pk", filter=closed & Q(outcome=Objection.Outcome.REJECTED)),
        **{outcome: Count("pk", filter=closed & Q(outcome=outcome)) for outcome, _label in OUTCOMES},
        center_done=Count("pk", filter=_window(period, "center_done_at")),
        center_on_time=Count(
            "pk", filter=_window(period, "center_done_at") & Q(center_done_at__lte=F("center_due_at"))
        ),
        provider_answered=Count("pk", filter=_window(period, "answered_at")),
        provider_on_time=Count("pk", filter=_window(period, "answered_at") & Q(answered_at__lte=F("provider_due_at"))),
        suspensions=Count("pk", filter=_window(period, "provider_overdue_at")),
    )
    return counts


def objection_tables(period: Period) -> list[Table]:
    cur, prev = _objection_counts(period), _objection_counts(period.previous)
    cases = Table("objections", "异议处理", "指标", chart="bar")
    cases.add("受理异议申请", cur["filed"], prev["filed"])
    cases.add("办结异议", cur["closed"], prev["closed"])
    for outcome, label in OUTCOMES:
        cases.add(label, cur[outcome], prev[outcome])
    cases.add("平台技术差错更正", cur["platform_corrected"], prev["platform_corrected"])
    cases.add("不予受理", cur["rejected"], prev["rejected"])
    cases.add("提供单位逾期、暂停查询", cur["suspensions"], prev["suspensions"])
    rates = Table(
        "objection_rates",
        "异议办理按时率",
        "环节",
        unit="%",
        chart="bar",
        note="中心：5个工作日内审核转办或办结；信息提供单位：期限内答复（第十四条）。",
    )
    rates.add(
        "信用信息中心",
        rate(cur["center_on_time"], cur["center_done"]),
        rate(prev["center_on_time"], prev["center_done"]),
    )
    rates.add(
        "信息提供单位",
        rate(cur["provider_on_time"], cur["provider_answered"]),
        rate(prev["provider_on_time"], prev["provider_answered"]),
    )
    return [cases, rates, _provider_answer_rates(period)]


def _answers_by_provider(period: Period) -> dict[str, tuple[int, int]]:
    answered = _window(period, "answered_at")
    rows = (
        Objection.objects.filter(answered)
        .values("provider__name")
        .annotate(answered=Count("pk"), on_time=Count("pk", filter=Q(answered_at__lte=F("provider_due_at"))))
        .order_by()
    )
    return {row["provider__name"]: (row["on_time"], row["answered"]) for row in rows}


def _provider_answer_rates(period: Period) -> Table:
    current, previous = _answers_by_provider(period), _answers_by_provider(period.previous)
    table = Table("objection_provider_rates", "异议答复按时率（按信息提供单位）", "信息提供单位", unit="%", chart="bar")
    for name in sorted(set(current) | set(previous)):
        table.add(name, rate(*current.get(name, (0, 0))), rate(*previous.get(name, (0, 0))))
    return table


# --- Repairs (Art. 15-16), self-declarations and warnings (Art. 10, 23) -------------------------


def _repair_counts(period: Period) -> dict:
    decided = _window(period, "decided_at")
    repairs = RepairApplication.objects.aggregate(
        applied=Count("pk", filter=_window(period, "submitted_at")),
        approved=Count("pk", filter=decided & Q(status=RepairApplication.Status.APPROVED)),
        refused=Count("pk", filter=decided & Q(status=RepairApplication.Status.REJECTED)),
        duration=Avg(F("decided_at") - F("submitted_at"), filter=decided),
    )
    duration = repairs.pop("duration")
    repairs["days"] = None if duration is None else round(duration.total_seconds() / 86400, 1)
    return repairs


def _declaration_counts(period: Period) -> dict[str, int]:
    reviewed = _window(period, "reviewed_at")
    return SelfDeclaration.objects.aggregate(
        submitted=Count("pk", filter=_window(period, "submitted_at")),
        approved=Count("pk", filter=reviewed & Q(status=SelfDeclaration.Status.APPROVED)),
        rejected=Count("pk", filter=reviewed & Q(status=SelfDeclaration.Status.REJECTED)),
        warnings=Count("pk", filter=reviewed & Q(status=SelfDeclaration.Status.FOUND_FALSE)),
    )


def repair_tables(period: Period) -> list[Table]:
    cur, prev = _repair_counts(period), _repair_counts(period.previous)
    repairs = Table("repairs", "信用修复", "指标", chart="bar")
    repairs.add("申请", cur["applied"], prev["applied"])
    repairs.add("准予修复", cur["approved"], prev["approved"])
    repairs.add("不予修复", cur["refused"], prev["refused"])
    days = Table("repair_days", "信用修复平均办理天数", "指标", note="自申请至作出决定的自然日，含本期作出的决定。")
    days.add("平均办理天数", cur["days"], prev["days"])
    return [repairs, days]


def declaration_tables(period: Period) -> list[Table]:
    cur, prev = _declaration_counts(period), _declaration_counts(period.previous)
    table = Table("declarations", "自主申报与警示信息", "指标", chart="bar")
    table.add("自主申报", cur["submitted"], prev["submitted"])
    table.add("审核通过", cur["approved"], prev["approved"])
    table.add("审核未通过", cur["rejected"], prev["rejected"])
    table.add("查实弄虚作假、列入警示信息（第二十三条）", cur["warnings"], prev["warnings"])
    return [table]


SECTIONS = (
    ("records", "一、信用信息归集", record_tables),
    ("timeliness", "二、信息提供单位报送及时性", timeliness_tables),
    ("queries", "三、信用信息查询", query_tables),
    ("objections", "四、异议处理", objection_tables),
    ("repairs", "五、信用修复", repair_tables),
    ("declarations", "六、自主申报与警示信息", declaration_tables),
)


def report_figures(period: Period) -> list[dict]:
    """Every section of the report for `period`, with the previous period's figures beside."""
    with transaction.atomic(), _without_jit():
        return [
            {"key": key, "title": title, "tables": [table.as_dict() for table in build(period)]}
            for key, title, build in SECTIONS
        ]


@contextmanager
def _without_jit() -> Iterator[None]:
    """PostgreSQL compiles the records query (fourteen filtered counts over millions of rows)
    with its JIT: measured over 5M records, compiling took longer than the scan it sped up
    (bench/README.md). Off for this transaction only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
    yield
