"""The public credit lists (issue 16 §3): 严重失信主体名单 and 守信激励对象名单（红名单）, the entries
listed today, for `/lists/`.

An entry is a public record of the list's catalog item; whether it is listed today is the public
visibility rule (`collection.visibility.public_filter`): removed (移出), expired (有效期至),
withheld, suspended, repaired and revoked entries and natural persons are never shown, and the
dates come from the record's disclosure window (`catalog.disclosure`), so that a list, a subject's
page and the API always agree.

The entries of a list are read from the partial index `record_public_list_entries` (migration
`collection.0014`), newest first; pages stop at `MAX_PAGES` and the count at `COUNT_CAP`, so a
scraper cannot walk millions of rows and a count never reads more than a page set's worth.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import TypedDict

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from catalog.disclosure import LISTED_UNTIL_KEY, LONG_TERM_DATE, means_long_term
from catalog.models import PUBLIC_LIST_ITEM_CODES, CatalogItem, Openness, Provider
from catalog.selectors import published_version
from collection.models import CreditRecord
from collection.visibility import public_filter

PAGE_SIZE = 20
MAX_PAGES = 50
COUNT_CAP = PAGE_SIZE * MAX_PAGES
# A CSV holds the filtered list up to this many entries, newest first (a list of Nantong holds a
# few thousand); the page says so when a list is longer.
CSV_CAP = 10_000
LIST_TYPE_KEY = "list_type"


@dataclass(frozen=True)
class PublicList:
    slug: str
    item_code: str
    title: str
    short_title: str
    has_term: bool  # whether entries may have a 有效期至
    summary: str  # what the list is, for the visitor (the item's description speaks to providers)


DISHONESTY = PublicList(
    "dishonesty",
    "serious_dishonesty_list",
    "严重失信主体名单",
    "失信名单",
    has_term=False,
    summary="行政机关依照法律、法规和党中央、国务院政策文件认定的严重失信主体，如重大税收违法失信主体、"
    "拖欠农民工工资失信联合惩戒对象、安全生产和环境违法严重失信主体等，列入期间依法实施失信惩戒。",
)
RED = PublicList(
    "red",
    "red_list",
    "守信激励对象名单（红名单）",
    "红名单",
    has_term=True,
    summary="各部门依法认定的守信主体，如纳税信用A级纳税人、江苏省“守合同重信用”企业、海关高级认证企业、"
    "劳动保障守法诚信A级用人单位等，列入期间享受守信激励措施。",
)
LISTS = {DISHONESTY.slug: DISHONESTY, RED.slug: RED}
# The partial index `record_public_list_entries` holds these items' entries only.
assert {DISHONESTY.item_code, RED.item_code} == set(PUBLIC_LIST_ITEM_CODES)


@dataclass(frozen=True)
class ListFilters:
    """What the visitor narrowed the list to; the form has checked every value."""

    subject_code: str = ""  # a 统一社会信用代码, exactly
    name_words: tuple[str, ...] = ()  # every word must be in the name
    list_type: str = ""
    provider: str = ""  # Provider.code
    listed_from: dt.date | None = None
    listed_to: dt.date | None = None


class EntryRow(TypedDict):
    """An entry as the table and the CSV show it, every value ready to print."""

    subject_url: str
    record_url: str
    name: str
    code: str
    list_type: str
    provider: str
    listed_on: dt.date | None
    listed_until: dt.date | None


@dataclass
class EntryPage:
    rows: list[EntryRow] = field(default_factory=list)
    total: int = 0
    capped: bool = False
    page: int = 1
    page_count: int = 0

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def list_item(public_list: PublicList) -> CatalogItem | None:
    """The list's item in the published catalog, when it is there and public."""
    version = published_version()
    if version is None:
        return None
    return (
        version.items.filter(code=public_list.item_code, openness=Openness.PUBLIC)
        .prefetch_related("fields", "providers")
        .first()
    )


def list_types(item: CatalogItem) -> list[str]:
    found = [f for f in item.fields.all() if f.key == LIST_TYPE_KEY]
    return list(found[0].choices) if found else []


def item_providers(item: CatalogItem) -> list[Provider]:
    return sorted(item.providers.all(), key=lambda provider: provider.code)


def current_entries(public_list: PublicList, filters: ListFilters, today: dt.date | None = None) -> QuerySet:
    """The list's entries listed today that pass `filters`, newest first."""
    today = today or timezone.localdate()
    entries = CreditRecord.objects.filter(public_filter(today), item_code=public_list.item_code)
    entries = entries.filter(_filter_conditions(filters))
    return entries.order_by("-decision_date", "-pk")


def _filter_conditions(filters: ListFilters) -> Q:
    condition = Q()
    if filters.subject_code:
        condition &= Q(subject__code=filters.subject_code)
    for word in filters.name_words:
        condition &= Q(subject__name__contains=word)
    if filters.list_type:
        condition &= Q(data__list_type=filters.list_type)
    if filters.provider:
        condition &= Q(provider__code=filters.provider)
    if filters.listed_from:
        condition &= Q(decision_date__gte=filters.listed_from)
    if filters.listed_to:
        condition &= Q(decision_date__lte=filters.listed_to)
    return condition


def count_entries(
    public_list: PublicList, filters: ListFilters | None = None, cap: int = COUNT_CAP
) -> tuple[int, bool]:
    """How many entries are listed, up to `cap`; and whether there are more."""
    found = current_entries(public_list, filters or ListFilters()).order_by()[: cap + 1].count()
    return min(found, cap), found > cap


def entry_page(public_list: PublicList, filters: ListFilters, page: int) -> EntryPage:
    result = EntryPage()
    result.total, result.capped = count_entries(public_list, filters)
    result.page_count = -(-result.total // PAGE_SIZE)
    result.page = max(1, min(page, result.page_count or 1))
    start = (result.page - 1) * PAGE_SIZE
    # The page's ids first, from the index alone; then only those twenty rows: a deep page
    # skips index entries, not table rows.
    ids = list(current_entries(public_list, filters).values_list("pk", flat=True)[start : start + PAGE_SIZE])
    found = CreditRecord.objects.select_related("subject", "provider").in_bulk(ids)
    result.rows = entry_rows([found[pk] for pk in ids])
    return result


def csv_rows(public_list: PublicList, filters: ListFilters, *, with_entries: bool = True) -> list[list]:
    """The filtered list as the CSV holds it, header first: plain values straight from the
    query, no model instances (ten thousand of them cost seconds)."""
    header = ["主体名称", "统一社会信用代码", "名单类型", "认定单位", "列入日期"]
    columns = ["subject__name", "subject__code", "data__list_type", "provider__name", "decision_date"]
    if public_list.has_term:
        header.append("有效期至")
        columns.append(f"data__{LISTED_UNTIL_KEY}")
    if not with_entries:  # the list is not in the published catalog: its header only
        return [header]
    values = current_entries(public_list, filters).values_list(*columns)[:CSV_CAP]
    return [header, *(_csv_row(row, public_list.has_term) for row in values)]


def _csv_row(row: tuple, has_term: bool) -> list:
    name, code, list_type, provider, listed_on = row[:5]
    values = [name, code, list_type or "", provider, listed_on.isoformat() if listed_on else ""]
    if has_term:
        until = str(row[5] or "")
        values.append("" if until >= LONG_TERM_DATE.isoformat() else until)
    return values


_CODE_MARKER = "0" * 18
_PK_MARKER = 999999999


def entry_rows(records) -> list[EntryRow]:
    # One `reverse` per page, not per row (as the search's result rows do).
    subject_url = reverse("subjects:detail", args=[_CODE_MARKER])
    record_url = reverse("subjects:record", args=[_CODE_MARKER, _PK_MARKER])
    return [
        EntryRow(
            subject_url=subject_url.replace(_CODE_MARKER, record.subject.code),
            record_url=record_url.replace(_CODE_MARKER, record.subject.code).replace(str(_PK_MARKER), str(record.pk)),
            name=record.subject.name,
            code=record.subject.code,
            list_type=str(record.data.get(LIST_TYPE_KEY) or ""),
            provider=record.provider.name,
            listed_on=record.decision_date,
            listed_until=_listed_until(record),
        )
        for record in records
    ]


def _listed_until(record: CreditRecord) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(str(record.data.get(LISTED_UNTIL_KEY) or ""))
    except ValueError:
        return None
    return None if means_long_term(day) else day
