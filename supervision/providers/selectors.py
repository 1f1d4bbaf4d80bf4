"""What the public scorecard pages read: the precomputed monthly figures, summed over the chosen
period (a few hundred rows, whatever the size of the records table), and the published catalog."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import CatalogItem, Category, Openness, Provider
from catalog.selectors import published_version
from collection.compliance.report import Chart, MonthTotal, build_chart

from ..models import ProviderItemMonth, ProviderMonth
from .services import WINDOW_MONTHS, months_back

SUMMED = (
    "records_received",
    "records_with_deadline",
    "records_late",
    "records_updated",
    "objections_answered",
    "objections_corrected",
    "objections_answered_late",
    "answer_workdays",
)


# --- Periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    first: dt.date  # first month
    last: dt.date  # last month (its first day)


DEFAULT_PERIOD = "12m"


def periods(today: dt.date | None = None) -> list[Period]:
    """The choices of the selector: recent months, and this and last calendar year (all within
    the window the sweep keeps)."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    choices = [
        Period(f"{n}m", str(_("近%(n)d个月") % {"n": n}), months_back(today, n)[0], this_month) for n in (3, 6, 12, 24)
    ]
    for year in (today.year, today.year - 1):
        last = this_month if year == today.year else dt.date(year, 12, 1)
        choices.append(Period(f"y{year}", str(_("%(y)d年") % {"y": year}), dt.date(year, 1, 1), last))
    return choices


def period_for(key: str, today: dt.date | None = None) -> Period:
    choices = periods(today)
    return next((p for p in choices if p.key == key), next(p for p in choices if p.key == DEFAULT_PERIOD))


# --- Figures ---------------------------------------------------------------------------------


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Figures:
    records_received: int = 0
    records_with_deadline: int = 0
    records_late: int = 0
    records_updated: int = 0
    objections_answered: int = 0
    objections_corrected: int = 0
    objections_answered_late: int = 0
    answer_workdays: int = 0

    @property
    def records_on_time(self) -> int:
        return self.records_with_deadline - self.records_late

    @property
    def records_without_deadline(self) -> int:
        return self.records_received - self.records_with_deadline

    @property
    def on_time_rate(self) -> Decimal | None:
        """Records received on time among those that had a deadline, in percent."""
        return _percent(self.records_on_time, self.records_with_deadline)

    @property
    def correction_rate(self) -> Decimal | None:
        """Answered objections that ended in outcome (一), in percent."""
        return _percent(self.objections_corrected, self.objections_answered)

    @property
    def average_answer_workdays(self) -> Decimal | None:
        if not self.objections_answered:
            return None
        return (Decimal(self.answer_workdays) / Decimal(self.objections_answered)).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )


def _figures(values: dict) -> Figures:
    return Figures(**{name: values.get(name) or 0 for name in SUMMED})


@dataclass
class ProviderScore:
    code: str
    name: str
    is_active: bool
    items: int
    figures: Figures
    last_submission_at: dt.datetime | None


@dataclass
class Scoreboard:
    period: Period
    rows: list[ProviderScore]
    computed_at: dt.datetime | None
    query: str
    sort: str


SORTS = {
    "name": lambda s: s.code,
    "items": lambda s: s.items,
    "received": lambda s: s.figures.records_received,
    "on_time": lambda s: s.figures.on_time_rate,
    "correction": lambda s: s.figures.correction_rate,
    "days": lambda s: s.figures.average_answer_workdays,
    "last": lambda s: s.last_submission_at,
}
DEFAULT_SORT = "name"


def _items_per_provider() -> dict[int, int]:
    version = published_version()
    if version is None:
        return {}
    counts: dict[int, int] = {}
    for pid in version.items.values_list("providers", flat=True):
        if pid is not None:
            counts[pid] = counts.get(pid, 0) + 1
    return counts


def scoreboard(*, period: Period, query: str = "", sort: str = DEFAULT_SORT) -> Scoreboard:
    """Every provider with its figures over `period`: the active ones, and a deactivated one
    while it has figures in the period."""
    query = query.strip()[:50]
    providers = Provider.objects.order_by("code")
    if query:
        providers = providers.filter(
            Q(name__icontains=query) | Q(short_name__icontains=query) | Q(code__icontains=query)
        )
    months = ProviderMonth.objects.filter(month__gte=period.first, month__lte=period.last)
    sums = {row["provider_id"]: row for row in months.values("provider_id").annotate(**{n: Sum(n) for n in SUMMED})}
    lasts = dict(
        ProviderMonth.objects.filter(last_submission_at__isnull=False)
        .values("provider_id")
        .annotate(last=Max("last_submission_at"))
        .values_list("provider_id", "last")
    )
    items = _items_per_provider()
    rows = []
    for provider in providers:
        figures = _figures(sums.get(provider.pk, {}))
        if not provider.is_active and not figures.records_received and not figures.objections_answered:
            continue
        rows.append(
            ProviderScore(
                provider.code,
                provider.name,
                provider.is_active,
                items.get(provider.pk, 0),
                figures,
                lasts.get(provider.pk),
            )
        )
    sort = sort if sort.lstrip("-") in SORTS else DEFAULT_SORT
    rows = _sorted(rows, sort)
    computed_at = months.aggregate(at=Max("computed_at"))["at"]
    return Scoreboard(period, rows, computed_at, query, sort)


def _sorted(rows: list[ProviderScore], sort: str) -> list[ProviderScore]:
    """By the chosen column; providers without a figure (no deadline, no objection) always last."""
    descending = sort.startswith("-")
    key = SORTS[sort.lstrip("-")]
    known = [row for row in rows if key(row) is not None]
    unknown = [row for row in rows if key(row) is None]
    known.sort(key=lambda row: row.code)
    known.sort(key=key, reverse=descending)
    return known + unknown


# --- One provider ------------------------------------------------------------------------------


@dataclass
class ItemScore:
    code: str
    name: str
    category: str
    openness: str
    deadline_workdays: int | None
    responsible: bool  # in the published catalog, this provider supplies it
    figures: Figures


@dataclass
class HistoryMonth:
    month: dt.date
    figures: Figures
    last_submission_at: dt.datetime | None


@dataclass
class ProviderPage:
    provider: Provider
    period: Period
    figures: Figures
    items: list[ItemScore]
    history: list[HistoryMonth]
    chart: Chart | None
    computed_at: dt.datetime | None
    last_submission_at: dt.datetime | None


def provider_page(provider: Provider, *, period: Period, today: dt.date | None = None) -> ProviderPage:
    months = ProviderMonth.objects.filter(provider=provider)
    in_period = months.filter(month__gte=period.first, month__lte=period.last)
    figures = _figures(in_period.aggregate(**{n: Sum(n) for n in SUMMED}))
    history = _history(months, today or timezone.localdate())
    chart = build_chart(
        [
            MonthTotal(m.month, m.figures.records_on_time, m.figures.records_late, m.figures.records_without_deadline)
            for m in history
        ]
    )
    return ProviderPage(
        provider=provider,
        period=period,
        figures=figures,
        items=_items(provider, period),
        history=history,
        chart=chart,
        computed_at=months.aggregate(at=Max("computed_at"))["at"],
        last_submission_at=months.aggregate(at=Max("last_submission_at"))["at"],
    )


def _history(months, today: dt.date) -> list[HistoryMonth]:
    """The last 24 months, newest first in the table; a month the sweep has not written reads 0."""
    window = months_back(today, WINDOW_MONTHS)
    stored = {row.month: row for row in months.filter(month__gte=window[0], month__lte=window[-1])}
    history = []
    for month in window:
        row = stored.get(month)
        values = {n: getattr(row, n) for n in SUMMED} if row else {}
        history.append(HistoryMonth(month, _figures(values), row.last_submission_at if row else None))
    return history


def _items(provider: Provider, period: Period) -> list[ItemScore]:
    """The items it must supply under the published catalog, then any other item it sent records
    of in the period (an item since given to another department, or withdrawn)."""
    sums = {
        row["item_code"]: row
        for row in ProviderItemMonth.objects.filter(provider=provider, month__gte=period.first, month__lte=period.last)
        .values("item_code")
        .annotate(**{n: Sum(n) for n in ("records_received", "records_with_deadline", "records_late")})
    }
    version = published_version()
    responsible = list(version.items.filter(providers=provider).order_by("position", "code")) if version else []
    scores = [_item_score(item, True, sums.pop(item.code, {})) for item in responsible]
    if sums:
        known = {i.code: i for i in CatalogItem.objects.filter(code__in=sums).order_by("version__number")}
        for code in sorted(sums):
            item = known.get(code)
            scores.append(
                _item_score(item, False, sums[code])
                if item
                else ItemScore(code, code, "", "", None, False, _figures(sums[code]))
            )
    return scores


def _item_score(item: CatalogItem, responsible: bool, values: dict) -> ItemScore:
    return ItemScore(
        item.code,
        item.name,
        str(Category(item.category).label) if item.category in Category.values else item.category,
        str(Openness(item.openness).label) if item.openness in Openness.values else item.openness,
        item.submission_deadline_workdays,
        responsible,
        _figures(values),
    )
