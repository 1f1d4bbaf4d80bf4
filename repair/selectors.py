"""Read queries of credit repair: the Art. 15 flags, what a record's repair state is, the
countdown of a deadline, the queues and the center's dashboard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Provider
from catalog.selectors import providers_of
from collection.bindings import bound_subjects
from collection.models import CreditRecord, RecordStatus, Severity
from collection.visibility import own_records
from nantong_credit.charts import line_chart
from nantong_credit.workdays import (
    as_local_date,
    current_calendar,
    period_is_provisional,
    workdays_between,
    workdays_left,
)

from .models import RepairApplication
from .notices import cn_date
from .workflow import OPEN_STATUSES, STEP_LABELS, Status

# --- Art. 15: minor and first offences ----------------------------------------------------------

# A first offence (初次失信) is a dishonesty record with no other dishonesty record of the same
# subject decided in the year before it. One year, because that is how 首违 is read in
# administrative practice ("一年内首次违法", the 首违不罚 lists under 行政处罚法 Art. 33), and it
# is the longest publication of an 一般 record: a subject is not "first" again while an earlier
# record of ordinary weight could still be public, nor marked a repeat offender forever for one
# old record. Counted: records of every provider and item, also expired or repaired ones (the
# conduct happened); not counted: revoked records (they were withdrawn as wrong), later records,
# and records decided the same day (one inspection often yields several decisions).
FIRST_OFFENCE_LOOKBACK = relativedelta(years=1)


@dataclass(frozen=True)
class Art15Flags:
    minor: bool
    first_offence: bool
    earlier: tuple[CreditRecord, ...] = ()

    @property
    def summary(self) -> str:
        parts = [
            _("轻微失信") if self.minor else _("非轻微失信"),
            _("初次失信") if self.first_offence else _("一年内有其他失信记录%(n)d条") % {"n": len(self.earlier)},
        ]
        return _("第十五条：%(parts)s") % {"parts": "、".join(parts)}

    @property
    def any(self) -> bool:
        return self.minor or self.first_offence


def earlier_dishonesty(record: CreditRecord) -> QuerySet[CreditRecord]:
    if record.decision_date is None:
        return CreditRecord.objects.none()
    return (
        CreditRecord.objects.filter(
            subject_id=record.subject_id,
            is_dishonesty=True,
            decision_date__lt=record.decision_date,
            decision_date__gte=record.decision_date - FIRST_OFFENCE_LOOKBACK,
        )
        .exclude(pk=record.pk)
        .exclude(status=RecordStatus.REVOKED)
        .select_related("catalog_item", "provider")
        .order_by("-decision_date")
    )


def art15_flags(record: CreditRecord) -> Art15Flags:
    earlier = tuple(earlier_dishonesty(record))
    return Art15Flags(minor=record.severity == Severity.LIGHT, first_offence=not earlier, earlier=earlier)


# --- A record's repair state (the subject's own record list) ------------------------------------


@dataclass(frozen=True)
class RepairState:
    """What the subject can do about one record: `kind` is one of `repaired`, `open`, `can_apply`,
    `wait` (until `repairable_from`), `not_applicable`."""

    kind: str
    application: RepairApplication | None = None
    repairable_from: dt.date | None = None
    last: RepairApplication | None = None

    @property
    def repairable_from_text(self) -> str:
        return cn_date(self.repairable_from) if self.repairable_from else ""


def prefetch_repair_state(records: QuerySet[CreditRecord]) -> QuerySet[CreditRecord]:
    """Load each record's applications with the records (`record.repair_list`), so that a list
    of records shows its repair states without one query per record."""
    return records.prefetch_related(
        Prefetch(
            "repair_applications",
            queryset=RepairApplication.objects.order_by("-submitted_at", "-id"),
            to_attr="repair_list",
        )
    )


def repair_state(record: CreditRecord, today: dt.date | None = None) -> RepairState:
    today = today or timezone.localdate()
    if not record.is_dishonesty or record.status == RecordStatus.REVOKED:
        return RepairState("not_applicable")
    applications = getattr(record, "repair_list", None)
    if applications is None:
        applications = list(record.repair_applications.order_by("-submitted_at", "-id")[:5])
    last = applications[0] if applications else None
    if record.repaired_at is not None:
        approved = next((a for a in applications if a.status == Status.APPROVED), None)
        return RepairState("repaired", application=approved, last=last)
    open_one = next((a for a in applications if a.status in OPEN_STATUSES), None)
    if open_one is not None:
        return RepairState("open", application=open_one, last=last)
    if record.publication_withheld or (record.disclosure_ends_on is not None and record.disclosure_ends_on < today):
        return RepairState("not_applicable", last=last)
    if record.repairable_from is None:
        return RepairState("not_applicable", last=last)
    if record.repairable_from > today:
        return RepairState("wait", repairable_from=record.repairable_from, last=last)
    return RepairState("can_apply", repairable_from=record.repairable_from, last=last)


def dishonesty_records_of(user) -> QuerySet[CreditRecord]:
    """The dishonesty records of every subject the account acts for, as the subject sees them."""
    records = own_records(CreditRecord.objects.filter(subject__in=bound_subjects(user), is_dishonesty=True))
    return prefetch_repair_state(records.select_related("subject", "provider", "catalog_item")).order_by(
        "subject__name", "-decision_date", "-id"
    )


# --- Applications -------------------------------------------------------------------------------

_RELATED = ("subject", "provider", "record", "record__catalog_item", "applicant", "decided_by", "commitment")


def applications_of(user) -> QuerySet[RepairApplication]:
    """Every application of the subjects the account acts for (also those a former agent filed)."""
    return RepairApplication.objects.filter(subject__in=bound_subjects(user)).select_related(*_RELATED)


def provider_applications(user) -> QuerySet[RepairApplication]:
    return RepairApplication.objects.filter(provider__in=providers_of(user)).select_related(*_RELATED)


def all_applications() -> QuerySet[RepairApplication]:
    return RepairApplication.objects.select_related(*_RELATED)


def filter_by_stage(applications: QuerySet[RepairApplication], stage: str, now: dt.datetime | None = None):
    """`open` (all undecided), `overdue` (undecided past the deadline), `decided`, or a status."""
    now = now or timezone.now()
    if stage == "open":
        return applications.filter(status__in=OPEN_STATUSES).order_by("due_at", "id")
    if stage == "overdue":
        return applications.filter(status__in=OPEN_STATUSES, due_at__lte=now).order_by("due_at", "id")
    if stage in Status.values:
        return applications.filter(status=stage)
    return applications


STAGES = [
    ("open", gettext_lazy("在办")),
    ("overdue", gettext_lazy("已逾期")),
    (Status.APPROVED, Status.APPROVED.label),
    (Status.REJECTED, Status.REJECTED.label),
    (Status.WITHDRAWN, Status.WITHDRAWN.label),
    ("all", gettext_lazy("全部")),
]


# --- Deadlines ----------------------------------------------------------------------------------

DECISION_BASIS = gettext_lazy(
    "《南通市公共信用信息归集和使用暂行办法》第十六条、国家《信用修复管理办法》（2026年4月1日起施行）："
    "信用修复由作出失信认定的单位办理（谁认定、谁修复）；本平台规定认定单位自收到申请之日起%(n)d个工作日内作出决定"
    "（收到申请当日不计入，期限至最后一个工作日24:00届满）。"
)
REPAIRABLE_BASIS = gettext_lazy(
    "国家《信用修复管理办法》（2026年4月1日起施行）：行政处罚信息按失信程度分为轻微、一般、严重，"
    "轻微失信信息可随时申请修复，一般、严重失信信息公示满最短公示期后方可申请。"
)


@dataclass(frozen=True)
class Deadline:
    label: str
    due_at: dt.datetime
    basis: str
    left: int  # working days left, today included while it is a working day
    overdue_workdays: int
    closed: bool
    provisional: bool  # it reaches a year whose holiday notice is not entered yet (SPEC §4)
    held: bool = False  # passed while provisional: 期限待确认, not escalated

    @property
    def last_day(self) -> dt.date:
        return as_local_date(self.due_at - dt.timedelta(microseconds=1))

    @property
    def last_day_text(self) -> str:
        return cn_date(self.last_day)

    @property
    def is_overdue(self) -> bool:
        return not self.closed and self.left == 0 and not self.held


def decision_deadline(application: RepairApplication, now: dt.datetime | None = None) -> Deadline:
    now = now or timezone.now()
    closed = application.status not in OPEN_STATUSES
    last_day = as_local_date(application.due_at - dt.timedelta(microseconds=1))
    left = 0 if closed else workdays_left(now, application.due_at, since=application.submitted_at)
    overdue = 0
    if not closed and now >= application.due_at:
        overdue = max(1, workdays_between(last_day, as_local_date(now)))
    return Deadline(
        label=_("认定单位作出决定"),
        due_at=application.due_at,
        basis=DECISION_BASIS % {"n": application.decision_workdays},
        left=left,
        overdue_workdays=overdue,
        closed=closed,
        provisional=period_is_provisional(application.submitted_at, application.due_at),
        held=not closed and is_held(application),
    )


def is_held(application: RepairApplication) -> bool:
    """期限待确认: the deadline passed while provisional, and no escalation followed yet."""
    return application.deadline_held_at is not None and application.overdue_at is None


def timeline(application: RepairApplication) -> list[dict]:
    return [
        {"step": step, "label": STEP_LABELS.get(step.action, step.action)}
        for step in application.steps.select_related("actor").order_by("occurred_at", "id")
    ]


# --- The center's dashboard ---------------------------------------------------------------------


_HELD = Q(deadline_held_at__isnull=False, overdue_at__isnull=True)


@dataclass
class ProviderRow:
    provider: Provider
    open: int = 0
    overdue: int = 0
    decided: int = 0
    approved: int = 0
    rejected: int = 0
    decided_late: int = 0
    _days: list[float] = field(default_factory=list)
    _workdays: list[int] = field(default_factory=list)

    @property
    def average_days(self) -> float | None:
        return round(sum(self._days) / len(self._days), 1) if self._days else None

    @property
    def average_workdays(self) -> float | None:
        return round(sum(self._workdays) / len(self._workdays), 1) if self._workdays else None


@dataclass
class Dashboard:
    date_from: dt.date
    date_to: dt.date
    stages: list[tuple[str, int]]
    overdue: list[RepairApplication]
    providers: list[ProviderRow]
    months: list[MonthRow] = field(default_factory=list)

    def trend_chart(self) -> dict:
        """The twelve months as lines for `static/js/charts.js`; the page shows the same table."""
        return line_chart(
            [row.label for row in self.months],
            [
                (_("申请"), [row.filed for row in self.months]),
                (_("准予修复"), [row.approved for row in self.months]),
                (_("不予修复"), [row.rejected for row in self.months]),
                (_("撤回"), [row.withdrawn for row in self.months]),
                (_("按期决定"), [row.on_time for row in self.months]),
            ],
        )


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    filed: int = 0
    approved: int = 0
    rejected: int = 0
    withdrawn: int = 0
    on_time: int = 0  # approved or refused by the deadline (the same rule as `decided_late`)

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"


def dashboard(*, date_from: dt.date, date_to: dt.date, now: dt.datetime | None = None) -> Dashboard:
    """Open cases by stage now; overdue cases; per provider its open and overdue cases and the
    average handling time of the applications decided between `date_from` and `date_to`."""
    now = now or timezone.now()
    open_apps = RepairApplication.objects.filter(status__in=OPEN_STATUSES)
    counts = open_apps.aggregate(
        within=Count("id", filter=Q(due_at__gt=now, reminded_at__isnull=True)),
        reminded=Count("id", filter=Q(due_at__gt=now, reminded_at__isnull=False)),
        overdue=Count("id", filter=Q(due_at__lte=now) & ~_HELD),
        held=Count("id", filter=Q(due_at__lte=now) & _HELD),
    )
    stages = [
        (_("待认定单位办理（期限内）"), counts["within"]),
        (_("临近期限（已提醒）"), counts["reminded"]),
        (_("已逾期（已督办）"), counts["overdue"]),
        (_("期限待确认（节假日安排未公布）"), counts["held"]),
    ]
    rows: dict[int, ProviderRow] = {}

    def row(provider_id: int) -> ProviderRow:
        if provider_id not in rows:
            rows[provider_id] = ProviderRow(provider=Provider.objects.get(pk=provider_id))
        return rows[provider_id]

    per_provider = (
        open_apps.order_by()
        .values("provider")
        .annotate(total=Count("id"), overdue=Count("id", filter=Q(due_at__lte=now) & ~_HELD))
    )
    for provider_id, total, overdue in per_provider.values_list("provider", "total", "overdue"):
        row(provider_id).open, row(provider_id).overdue = total, overdue
    _add_decided(row, date_from, date_to)
    overdue_list = list(filter_by_stage(all_applications(), "overdue", now)[:200])
    providers = sorted(rows.values(), key=lambda r: (-r.overdue, -r.open, r.provider.code))
    return Dashboard(date_from, date_to, stages, overdue_list, providers, trend_months(now))


def _add_decided(row, date_from: dt.date, date_to: dt.date) -> None:
    start = dt.datetime.combine(date_from, dt.time(0), tzinfo=timezone.get_current_timezone())
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=timezone.get_current_timezone())
    decided = RepairApplication.objects.filter(
        status__in=[Status.APPROVED, Status.REJECTED],
        decided_at__gte=start,
        decided_at__lt=end,
    ).values_list("provider", "status", "submitted_at", "decided_at", "due_at")
    calendar = current_calendar()
    for provider_id, status, submitted_at, decided_at, due_at in decided.iterator():
        target = row(provider_id)
        target.decided += 1
        target.approved += status == Status.APPROVED
        target.rejected += status == Status.REJECTED
        target.decided_late += decided_at > due_at
        target._days.append((decided_at - submitted_at).total_seconds() / 86400)
        target._workdays.append(calendar.workdays_between(as_local_date(submitted_at), as_local_date(decided_at)))


TREND_MONTHS = 12


def trend_months(now: dt.datetime) -> list[MonthRow]:
    """The last twelve months (Asia/Shanghai, this one included) whatever the period form says:
    applications filed (by submission) and decided or withdrawn (by decision time), two grouped
    queries; months without cases are zeros, a gap is information too."""
    today = timezone.localdate(now)
    first = today.replace(day=1) - relativedelta(months=TREND_MONTHS - 1)
    since = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    applications = RepairApplication.objects.order_by()
    filed = dict(
        applications.filter(submitted_at__gte=since)
        .annotate(month=TruncMonth("submitted_at"))
        .values_list("month")
        .annotate(n=Count("id"))
    )
    decided = {
        row["month"]: row
        for row in applications.filter(decided_at__gte=since)
        .annotate(month=TruncMonth("decided_at"))
        .values("month")
        .annotate(
            approved=Count("id", filter=Q(status=Status.APPROVED)),
            rejected=Count("id", filter=Q(status=Status.REJECTED)),
            withdrawn=Count("id", filter=Q(status=Status.WITHDRAWN)),
            on_time=Count("id", filter=Q(status__in=[Status.APPROVED, Status.REJECTED], decided_at__lte=F("due_at"))),
        )
    }
    rows = []
    for index in range(TREND_MONTHS):
        month = first + relativedelta(months=index)
        key = timezone.make_aware(dt.datetime.combine(month, dt.time.min))
        counts = decided.get(key, {})
        rows.append(
            MonthRow(
                month,
                filed=filed.get(key, 0),
                approved=counts.get("approved", 0),
                rejected=counts.get("rejected", 0),
                withdrawn=counts.get("withdrawn", 0),
                on_time=counts.get("on_time", 0),
            )
        )
    return rows
