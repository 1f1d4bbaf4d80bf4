"""The public subject page's reads (`/subjects/<统一社会信用代码>/`): its sections as 信用中国 has
them, their counts, and one page of records per section.

The cost must not grow with the subject's records (a company may have a thousand): the counts
come from one aggregate over the visible records, grouped by item; the records of the page from
one query that numbers each section's records newest first (a window function) and keeps the
first page of each; marks are prefetched for those records only. Nothing is cached per subject:
the visibility rule (`collection.visibility`) is applied on every view, so a record ends at
midnight of its last day, or on a list's 移出日期, without any invalidation.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import CharField, Count, F, Q, QuerySet, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.db.models.query import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from catalog.models import CatalogItem, PublicSection, default_public_section
from collection.models import Annotation, CreditRecord, Subject
from collection.visibility import public_records, with_marks

from .commitments import public_commitments
from .models import CreditCommitment
from .selectors import RecordView, _published_items, disclosure_notes, public_fields

PAGE_SIZE = 10
COMMITMENTS = "commitment"
# The sections in the order of 信用中国's subject page; 信用承诺 holds the subject's public
# commitments (`inquiry.commitments`), the others the records of the items mapped to them.
SECTION_ORDER = [
    PublicSection.BASIC.value,
    PublicSection.LICENSING.value,
    PublicSection.PENALTY.value,
    PublicSection.INCENTIVE.value,
    PublicSection.DISCIPLINE.value,
    PublicSection.RATING.value,
    COMMITMENTS,
    PublicSection.OTHER.value,
]
SECTION_LABELS = {**{s.value: str(s.label) for s in PublicSection}, COMMITMENTS: "信用承诺"}
SECTION_HINTS = {
    PublicSection.BASIC.value: "登记信息",
    PublicSection.LICENSING.value: "行政许可、资质资格",
    PublicSection.PENALTY.value: "行政处罚、行政强制",
    PublicSection.INCENTIVE.value: "表彰奖励、守信激励对象名单",
    PublicSection.DISCIPLINE.value: "严重失信主体名单、警示记录",
    PublicSection.RATING.value: "信用评价、评级",
    COMMITMENTS: "公开的信用承诺",
    PublicSection.OTHER.value: "",
}
_OBJECTED = (Annotation.Kind.UNDER_OBJECTION,)
_REPAIRED = (Annotation.Kind.REPAIRED,)
_NOTED = (Annotation.Kind.APPENDED_NOTE, Annotation.Kind.OBJECTOR_STATEMENT)


@dataclass
class PageSection:
    key: str
    label: str
    hint: str = ""
    count: int = 0
    dishonesty: int = 0
    objected: int = 0
    noted: int = 0
    page: int = 1
    records: list[RecordView] = field(default_factory=list)
    commitments: list[CreditCommitment] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return max(1, -(-self.count // PAGE_SIZE))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count

    @property
    def previous_page(self) -> int:
        return self.page - 1

    @property
    def next_page(self) -> int:
        return self.page + 1


@dataclass
class SubjectPage:
    """What the public page of a subject shows today, one page of each section."""

    subject: Subject
    today: dt.date
    sections: list[PageSection]
    record_count: int = 0
    dishonesty_count: int = 0
    objected_count: int = 0
    repaired_count: int = 0
    noted_count: int = 0
    # Public dishonesty records whose repair may be asked today (申请信用修复 applies).
    repairable_count: int = 0

    @property
    def shown_sections(self) -> list[PageSection]:
        """Every section but 其他 when it is empty (信用中国 lists its sections even when empty)."""
        return [s for s in self.sections if s.count or s.key != PublicSection.OTHER.value]


def page_number(raw: str | None) -> int:
    """A `?page=` value as a page; anything not a positive number is the first page."""
    try:
        number = int(raw or "1")
    except ValueError:
        return 1
    return number if number >= 1 else 1


def subject_page(subject: Subject, today: dt.date | None = None, *, section: str = "", page: int = 1) -> SubjectPage:
    """The page with every section at its first page, except `section` at `page` (past its last
    page: its last page)."""
    today = today or timezone.localdate()
    items = _published_items()
    visible = public_records(CreditRecord.objects.filter(subject=subject), today)
    sections = {key: PageSection(key, SECTION_LABELS[key], SECTION_HINTS[key]) for key in SECTION_ORDER}
    result = SubjectPage(subject, today, list(sections.values()))
    section_of: dict[str, str] = {}
    for row in _counts(visible, today):
        item = items.get(row["item_code"])
        key = item.section if item is not None else default_public_section(row["category"])
        section_of[row["item_code"]] = key
        target = sections[key]
        target.count += row["n"]
        target.dishonesty += row["dishonesty"]
        target.objected += row["objected"]
        target.noted += row["noted"]
        result.record_count += row["n"]
        result.dishonesty_count += row["dishonesty"]
        result.objected_count += row["objected"]
        result.repaired_count += row["repaired"]
        result.noted_count += row["noted"]
        result.repairable_count += row["repairable"]
    paged = sections.get(section) if section != COMMITMENTS else None
    if paged is not None and paged.count:
        paged.page = min(page, paged.page_count)
    _fill_records(visible, sections, section_of, items, paged, today, subject.code or "")
    _fill_commitments(subject, sections[COMMITMENTS], page if section == COMMITMENTS else 1)
    return result


def _counts(visible: QuerySet[CreditRecord], today: dt.date):
    """Per item: its records, and how many are dishonesty, repairable today, or carry an active
    mark of each kind. One pass with the (few) active marks joined on: counted per record, as a
    record with two marks of a kind is one record."""

    def marked(kinds) -> Q:
        return Q(annotations__is_active=True, annotations__kind__in=kinds)

    return (
        visible.values("item_code", "category")
        .annotate(
            n=Count("pk", distinct=True),
            dishonesty=Count("pk", distinct=True, filter=Q(is_dishonesty=True)),
            repairable=Count("pk", distinct=True, filter=Q(is_dishonesty=True, repairable_from__lte=today)),
            objected=Count("pk", distinct=True, filter=marked(_OBJECTED)),
            repaired=Count("pk", distinct=True, filter=marked(_REPAIRED)),
            noted=Count("pk", distinct=True, filter=marked(_NOTED)),
        )
        .order_by()
    )


def _newest_first():
    return [F("decision_date").desc(nulls_last=True), F("pk").desc()]


def _fill_records(
    visible: QuerySet[CreditRecord],
    sections: dict[str, PageSection],
    section_of: dict[str, str],
    items: dict[str, CatalogItem],
    paged: PageSection | None,
    today: dt.date,
    subject_code: str,
) -> None:
    codes_of: dict[str, list[str]] = {}
    for code, key in section_of.items():
        codes_of.setdefault(key, []).append(code)
    if not codes_of:
        return
    first_pages = visible
    chosen: list[int] = []
    if paged is not None and paged.page > 1:
        # The section asked for, at its page: a plain LIMIT/OFFSET on the subject's index order.
        mine = Q(item_code__in=codes_of[paged.key])
        start = (paged.page - 1) * PAGE_SIZE
        chosen += (
            visible.filter(mine).order_by(*_newest_first()).values_list("pk", flat=True)[start : start + PAGE_SIZE]
        )
        first_pages = visible.exclude(mine)
    # Which records: numbered within their section, newest first, on the narrow columns only
    # (sorting the whole rows, their data included, cost most of the time); then those rows.
    # The section as SQL of its own: the ORM's Case/When of item lists cost more to compile
    # (expression identities) than the query took to run.
    whens, params = [], []
    for key, codes in codes_of.items():
        whens.append('WHEN "collection_creditrecord"."item_code" = ANY(%s) THEN %s')
        params += [codes, key]
    section_sql = RawSQL(f"CASE {' '.join(whens)} ELSE '' END", params, output_field=CharField())
    numbered = (
        first_pages.annotate(row_number=Window(RowNumber(), partition_by=[section_sql], order_by=_newest_first()))
        .filter(row_number__lte=PAGE_SIZE)
        .values_list("pk", flat=True)
    )
    chosen += numbered
    fetched = list(with_marks(CreditRecord.objects.filter(pk__in=chosen).select_related("provider")))
    unknown = [record for record in fetched if record.item_code not in items]
    if unknown:  # items no longer in the published catalog: their own version's fields, at once
        prefetch_related_objects(unknown, "catalog_item__fields")
    fetched.sort(key=lambda r: (r.decision_date is None, -(r.decision_date or today).toordinal(), -r.pk))
    # One `reverse` for the page instead of one per card (`inquiry.search.result_rows` does so too).
    record_url = reverse("subjects:record", args=[subject_code, 0])
    for record in fetched:
        item = items.get(record.item_code) or record.catalog_item
        view = RecordView(record, public_fields(record, item), disclosure_notes(record, today), item.name)
        view.url = record_url.replace("/0/", f"/{record.pk}/")
        sections[section_of[record.item_code]].records.append(view)


def _fill_commitments(subject: Subject, section: PageSection, page: int) -> None:
    commitments = public_commitments(subject)
    section.count = commitments.count()
    if not section.count:
        return
    section.page = min(page, section.page_count)
    start = (section.page - 1) * PAGE_SIZE
    section.commitments = list(commitments[start : start + PAGE_SIZE])
