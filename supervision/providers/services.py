"""Filling the providers' monthly figures (`supervision.models.ProviderMonth`, `ProviderItemMonth`).

A sweep over database state, safe to run any number of times: it recomputes every figure of the
months in its window from the records and objections and writes them over what was there
(upsert), so a second run changes nothing but the time of computation. Beat runs the whole
window nightly and the current month hourly; `run_deadline_sweeps` and `seed_demo` run it too.

Timeliness is `collection.compliance.report.compliance_report`, the one definition of late and
on-time that the back office's report uses. The rest:
- records updated: revisions after the first that the provider itself sent (form, file, API,
  seed data; a correction after an objection is the center's channel and counts as an
  objection outcome instead);
- objections: those the center referred to the provider (Art. 14 para. 2) and the provider
  answered, by month of the answer; corrected means outcome (一); the time to answer is working
  days from the day of referral (not counted) to the day of the answer, as the 7-day deadline
  counts them; late means answered after its deadline.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from catalog.models import Provider
from collection.compliance.report import compliance_report
from collection.models import Channel, CreditRecord, RecordRevision
from nantong_credit.workdays import workdays_between
from objections.models import Objection

from ..models import ProviderItemMonth, ProviderMonth

SHANGHAI = ZoneInfo("Asia/Shanghai")
WINDOW_MONTHS = 24
PROVIDER_CHANNELS = (Channel.FORM, Channel.FILE, Channel.API, Channel.SEED)
PROVIDER_OUTCOMES = (Objection.Outcome.CORRECTED, Objection.Outcome.CONFIRMED, Objection.Outcome.UNVERIFIABLE)
MONTH_FIGURES = (
    "records_received",
    "records_with_deadline",
    "records_late",
    "records_updated",
    "objections_answered",
    "objections_corrected",
    "objections_answered_late",
    "answer_workdays",
    "last_submission_at",
)
ITEM_FIGURES = ("records_received", "records_with_deadline", "records_late")


@dataclass(frozen=True)
class Window:
    months: list[dt.date]  # first days, oldest first, the current month last

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.months[0], dt.time(0), tzinfo=SHANGHAI)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(next_month(self.months[-1]), dt.time(0), tzinfo=SHANGHAI)

    @property
    def last_day(self) -> dt.date:
        return next_month(self.months[-1]) - dt.timedelta(days=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def months_back(today: dt.date, count: int) -> list[dt.date]:
    """The `count` months ending with today's, oldest first."""
    months = [today.replace(day=1)]
    while len(months) < count:
        months.insert(0, (months[0] - dt.timedelta(days=1)).replace(day=1))
    return months


def refresh_provider_scorecards(*, months: int = WINDOW_MONTHS, today: dt.date | None = None) -> int:
    """Recompute the figures of the last `months` months (today's included); rows written."""
    window = Window(months_back(today or timezone.localdate(), max(1, months)))
    figures: dict[tuple[int, dt.date], dict] = defaultdict(dict)
    item_rows = _record_figures(window, figures)
    _update_figures(window, figures)
    _objection_figures(window, figures)
    now = timezone.now()
    month_rows = [
        ProviderMonth(provider_id=pid, month=month, computed_at=now, **figures.get((pid, month), {}))
        for pid in Provider.objects.values_list("pk", flat=True)
        for month in window.months
    ]
    for row in item_rows:
        row.computed_at = now
    with transaction.atomic():
        ProviderMonth.objects.bulk_create(
            month_rows,
            update_conflicts=True,
            unique_fields=["provider", "month"],
            update_fields=[*MONTH_FIGURES, "computed_at"],
        )
        ProviderItemMonth.objects.bulk_create(
            item_rows,
            update_conflicts=True,
            unique_fields=["provider", "item_code", "month"],
            update_fields=[*ITEM_FIGURES, "computed_at"],
        )
        # An item row this run did not write has nothing left to count (its records are gone).
        ProviderItemMonth.objects.filter(month__in=window.months, computed_at__lt=now).delete()
    return len(month_rows) + len(item_rows)


def _record_figures(window: Window, figures: dict) -> list[ProviderItemMonth]:
    """Received, with a deadline and late, per provider and month and per item (the compliance
    report's rows), and the time of the newest record received in each month."""
    report = compliance_report(date_from=window.months[0], date_to=window.last_day)
    provider_ids = dict(Provider.objects.values_list("code", "pk"))
    items = []
    for row in report.rows:
        if not row.received or row.month is None:  # a month with rejected bulk rows only
            continue
        pid = provider_ids[row.provider_code]
        totals = figures[(pid, row.month)]
        totals["records_received"] = totals.get("records_received", 0) + row.received
        totals["records_with_deadline"] = totals.get("records_with_deadline", 0) + row.with_deadline
        totals["records_late"] = totals.get("records_late", 0) + row.late
        items.append(
            ProviderItemMonth(
                provider_id=pid,
                item_code=row.item_code,
                month=row.month,
                records_received=row.received,
                records_with_deadline=row.with_deadline,
                records_late=row.late,
            )
        )
    newest = (
        CreditRecord.objects.filter(received_at__gte=window.start, received_at__lt=window.end, self_declared=False)
        .annotate(month=TruncMonth("received_at", tzinfo=SHANGHAI))
        .values("provider_id", "month")
        .annotate(last=Max("received_at"))
        .order_by()
    )
    for latest in newest:
        _note_submission(figures[(latest["provider_id"], _as_month(latest["month"]))], latest["last"])
    return items


def _update_figures(window: Window, figures: dict) -> None:
    updates = (
        RecordRevision.objects.filter(
            created_at__gte=window.start,
            created_at__lt=window.end,
            number__gt=1,
            channel__in=PROVIDER_CHANNELS,
            record__self_declared=False,
        )
        .annotate(month=TruncMonth("created_at", tzinfo=SHANGHAI))
        .values("record__provider_id", "month")
        .annotate(n=Count("pk"), last=Max("created_at"))
        .order_by()
    )
    for row in updates:
        totals = figures[(row["record__provider_id"], _as_month(row["month"]))]
        totals["records_updated"] = row["n"]
        _note_submission(totals, row["last"])


def _objection_figures(window: Window, figures: dict) -> None:
    """One row per distinct (provider, month, day referred, day answered): the working days are
    computed once per pair, never once per case."""
    pairs = (
        Objection.objects.filter(
            referred_at__isnull=False,
            answered_at__gte=window.start,
            answered_at__lt=window.end,
            outcome__in=PROVIDER_OUTCOMES,
        )
        .annotate(
            month=TruncMonth("answered_at", tzinfo=SHANGHAI),
            referred_on=TruncDate("referred_at", tzinfo=SHANGHAI),
            answered_on=TruncDate("answered_at", tzinfo=SHANGHAI),
        )
        .values("provider_id", "month", "referred_on", "answered_on")
        .annotate(
            n=Count("pk"),
            corrected=Count("pk", filter=Q(outcome=Objection.Outcome.CORRECTED)),
            late=Count("pk", filter=Q(answered_at__gt=F("provider_due_at"))),
        )
        .order_by()
    )
    for row in pairs:
        totals = figures[(row["provider_id"], _as_month(row["month"]))]
        days = workdays_between(row["referred_on"], row["answered_on"])
        for name, value in (
            ("objections_answered", row["n"]),
            ("objections_corrected", row["corrected"]),
            ("objections_answered_late", row["late"]),
            ("answer_workdays", row["n"] * days),
        ):
            totals[name] = totals.get(name, 0) + value


def _note_submission(totals: dict, when: dt.datetime | None) -> None:
    if when is not None and (totals.get("last_submission_at") is None or when > totals["last_submission_at"]):
        totals["last_submission_at"] = when


def _as_month(value: dt.date | dt.datetime) -> dt.date:
    """TruncMonth gives a date on PostgreSQL's date columns, an aware datetime on timestamps."""
    if isinstance(value, dt.datetime):
        value = value.astimezone(SHANGHAI).date() if value.tzinfo else value.date()
    return value.replace(day=1)
