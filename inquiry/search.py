"""Public search of subjects (公开检索): by 统一社会信用代码, exactly, or by any part of the name.

Only legal persons and individual businesses are found; natural persons never are (Art. 11:
their information is reached only through an authorized query).

How a name term is matched, on PostgreSQL (migrations `inquiry.0002` and `0005` build the
indexes; `name_matches` decides, from the statistics of `ANALYZE`, not the planner's guesses):

- a term (and filters) in one subject of thirty or more (有限, 科, 工程有) is matched with
  `LIKE`, reading the subjects in table order until a page's worth is found (`common_terms`);
- a rarer one or two characters: the stored column `name_grams` (every single character and
  character pair of the name) contains the term, served by its GIN index. A trigram index
  cannot serve such short terms and they are common in Chinese (四建, 金沙);
- a rarer three characters and more: `name LIKE '%term%'` (`ILIKE` when the term has Latin
  letters), served by the trigram index;
- narrowed by the form's filters (主体类别, 所属地区, 登记状态): the filter keys of migration
  `0005` (`k:个体工商户|有限`), whose posting lists hold exactly the subjects that match, so that
  a common term in a rare or empty combination is not looked for among every subject.

On SQLite (the embedded mode) a plain `LIKE` does it all.

Counting every match of a common term (南, 有限) costs more than finding the page itself, so the
count stops at `COUNT_CAP` (as many as the pages served hold) and the page says "500+". Up to
that many matches come best first (the exact name, then names that start with the term, then
shorter names); beyond it, in registration order, and the page suggests a longer term.
"""

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TypedDict

from django.db import connection
from django.db.models import BooleanField, Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import SubjectKind
from collection.identifiers import diagnose_code, looks_like_ric, mask_identifier, tidy
from collection.models import CreditRecord, Subject
from collection.visibility import public_filter, public_records, with_marks

from . import common_terms
from .commitments import public_commitments
from .models import CreditCommitment
from .selectors import Section, category_counts, record_sections

PAGE_SIZE = 20
# Deeper pages are not served: nobody reads them, and scrapers would.
MAX_PAGES = 25
# Matches are counted up to what can be paged through, no further: at 1,000,000 subjects a
# common term (有限, 科) has hundreds of thousands of matches, and finding them costs in
# proportion to how many are wanted: a term in one name of twenty is found by reading twenty
# names per match. Counting to 1,000 made such terms the slowest searches (p95 23 ms for the
# matches alone on the reference machine, 12–20 ms at 500; bench/README.md). The page then
# says "500+" and suggests a longer term or a filter.
COUNT_CAP = MAX_PAGES * PAGE_SIZE
MAX_TERM_LENGTH = 100

PUBLIC_KINDS = (SubjectKind.LEGAL_PERSON, SubjectKind.INDIVIDUAL_BUSINESS)
_CODE = re.compile(r"[0-9A-Z]{18}")

# Nantong's districts and counties, as `Subject.district` names them.
DISTRICTS = ["崇川区", "通州区", "海门区", "如东县", "启东市", "如皋市", "海安市", "南通经济技术开发区"]
# 登记状态 as the registration authorities report it (市场主体 and 社会组织).
REGISTRATION_STATUSES = ["存续（在营、开业、在册）", "正常", "迁出", "停业", "注销", "吊销", "撤销"]


@dataclass
class Filters:
    kind: str = ""
    district: str = ""
    status: str = ""


@dataclass
class SearchResult:
    """One page of matches. `total` is exact up to `COUNT_CAP`; `capped` says it went beyond."""

    query: str
    rows: list[Subject] = field(default_factory=list)
    total: int = 0
    capped: bool = False
    page: int = 1
    page_count: int = 0
    by_code: bool = False
    notice: str = ""
    count_cap: int = COUNT_CAP
    dishonesty_counts: dict[int, int] = field(default_factory=dict)
    # `rows` as the page lists them (`result_rows`).
    listed: list["ResultRow"] = field(default_factory=list)

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def clean_query(raw: str) -> str:
    """Full-width letters and digits as half-width, spaces collapsed, bounded in length."""
    text = unicodedata.normalize("NFKC", raw or "")
    return " ".join(text.split())[:MAX_TERM_LENGTH]


def as_code(query: str) -> str | None:
    """The query as a 统一社会信用代码 (or an ID number), in any case or spacing; None for a name."""
    value = tidy(query)
    return value if _CODE.fullmatch(value) else None


def loggable_terms(query: str) -> str:
    """What the query log may keep of a query: a natural person's ID number only masked."""
    code = as_code(query)
    if code and looks_like_ric(code):
        return mask_identifier(code)
    return query


def public_subjects() -> QuerySet[Subject]:
    # `exclude` compiles to `kind <> 'natural_person'`, the predicate of both partial indexes.
    return Subject.objects.exclude(kind=SubjectKind.NATURAL_PERSON)


def search_subjects(query: str, filters: Filters | None = None, page: int = 1) -> SearchResult:
    query = clean_query(query)
    result = SearchResult(query=query)
    if not query:
        return result
    filters = filters or Filters()
    code = as_code(query)
    if code:
        return _by_code(result, _filtered(public_subjects(), filters), code)
    if _looks_like_partial_code(query):
        result.notice = _("统一社会信用代码应为18位，您输入了%(n)d位，请核对后重新输入。") % {"n": len(tidy(query))}
        return result
    return _by_name(result, page, filters)


def _filtered(queryset: QuerySet[Subject], filters: Filters) -> QuerySet[Subject]:
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.district:
        queryset = queryset.filter(district=filters.district)
    if filters.status:
        queryset = queryset.filter(registration_status=filters.status)
    return queryset


def _looks_like_partial_code(query: str) -> bool:
    value = tidy(query)
    return value.isascii() and value.isalnum() and sum(ch.isdigit() for ch in value) >= 6


def _by_code(result: SearchResult, queryset: QuerySet[Subject], code: str) -> SearchResult:
    result.by_code = True
    diagnosis = diagnose_code(code)
    if diagnosis.id_number:
        result.notice = _("自然人的信用信息不公开查询，须经本人授权后通过授权查询获取（《办法》第十一条）。")
        return result
    # Looked up even when irregular: an early pilot code is stored as its provider declared it.
    result.rows = list(queryset.filter(code=diagnosis.value))
    result.total = len(result.rows)
    result.page_count = 1 if result.rows else 0
    if not result.rows and diagnosis.problem:
        result.notice = diagnosis.problem
    _attach_counts(result)
    result.listed = result_rows(result.rows)
    return result


def _by_name(result: SearchResult, page: int, filters: Filters) -> SearchResult:
    # One pass finds up to COUNT_CAP + 1 matches, unordered (in whatever order the index or
    # the table yields them; `Subject.Meta.ordering` would sort every match first). They are the
    # count and the set the pages are cut from: sorting or paging the whole match set of a
    # common term again would cost far more than this.
    ids = _matching_ids(result.query.split(" "), filters)
    result.count_cap = COUNT_CAP
    result.capped = len(ids) > COUNT_CAP
    ids = ids[:COUNT_CAP]
    result.total = len(ids)
    result.page_count = -(-result.total // PAGE_SIZE)
    result.page = max(1, min(page, result.page_count or 1))
    start = (result.page - 1) * PAGE_SIZE
    if result.capped:  # in registration order
        page_ids = sorted(ids)[start : start + PAGE_SIZE]
        found = Subject.objects.in_bulk(page_ids)
        result.rows = [found[pk] for pk in page_ids]
    else:  # few enough to sort them all, best first
        chosen = Subject.objects.filter(pk__in=ids).order_by(*_best_first(result.query))
        result.rows = list(chosen[start : start + PAGE_SIZE])
    _attach_counts(result)
    result.listed = result_rows(result.rows)
    return result


def _matching_ids(words: list[str], filters: Filters) -> list[int]:
    queryset, by_index = public_subjects(), False
    for word in words:
        conditions, uses_index = name_matches(word, filters)
        for condition in conditions:
            queryset = queryset.filter(condition)
        by_index |= uses_index
    if not (by_index and _filter_prefixes(filters)):
        queryset = _filtered(queryset, filters)
    # else the filter keys hold the filters' values exactly (the form's values have no "|"); the
    # same conditions on the columns again would have the planner add their own indexes, whose
    # entries for a whole district or kind cost more than the search (95 of 140 ms).
    ids = queryset.order_by().values_list("pk", flat=True)
    if not by_index:
        return list(ids[: COUNT_CAP + 1])
    # Planned without the LIMIT: with it, the planner's guess of how many subjects match decides
    # between the index and reading in table order, and a guess 1 % off flipped a 3 ms search
    # into a 20 ms one. The rows are still fetched only as far as the LIMIT asks.
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"WITH matches AS MATERIALIZED ({sql}) SELECT * FROM matches LIMIT %s", [*params, COUNT_CAP + 1])
        return [row[0] for row in cursor.fetchall()]


def name_matches(word: str, filters: Filters | None = None) -> tuple[list, bool]:
    """Conditions on `collection_subject` true when the name contains `word`, and whether they
    lead the database to an index (else it reads the subjects in table order: `common_terms`).

    Which way is decided here from the statistics of `ANALYZE`, not left to the planner's
    estimates: a term and the filters as common as `COMMON_SHARE` are read in table order; a
    rarer one is looked up in the index of its grams, prefixed by the filters' values when the
    form narrows the search (migration `inquiry.0005`)."""
    if connection.vendor != "postgresql":
        return [Q(name__contains=word)], False
    term = word.lower()
    prefixes = _filter_prefixes(filters or Filters())
    if _estimated_share(term, prefixes) >= common_terms.COMMON_SHARE:
        return [_name_like(word, indexable=False)], False
    grams = _grams(term)
    if prefixes:
        keys = [f"{prefix}|{gram}" for prefix in prefixes for gram in grams]
        conditions = [
            RawSQL(
                'inquiry_filter_keys("collection_subject"."name_grams", "collection_subject"."kind", '
                '"collection_subject"."district", "collection_subject"."registration_status") @> %s::text[]',
                [keys],
                output_field=BooleanField(),
            )
        ]
    elif len(term) <= 2:
        conditions = [RawSQL('"collection_subject"."name_grams" @> %s::text[]', [grams], output_field=BooleanField())]
    else:  # the trigram index serves it
        return [_name_like(word, indexable=True)], True
    if len(term) > 2:  # the grams (character pairs) narrow; the name itself decides
        conditions.append(_name_like(word, indexable=False))
    return conditions, True


def _grams(term: str) -> list[str]:
    """The grams of `name_grams` a name containing `term` holds: the term itself up to two
    characters, else every character pair of it."""
    if len(term) <= 2:
        return [term]
    return sorted({term[i : i + 2] for i in range(len(term) - 1)})


def _filter_prefixes(filters: Filters) -> list[str]:
    pairs = (("k", filters.kind), ("d", filters.district), ("s", filters.status))
    return [f"{letter}:{value}" for letter, value in pairs if value]


def _estimated_share(term: str, prefixes: list[str]) -> float:
    """The share of public subjects whose name holds `term` and which pass the filters: each
    filter's share within the term's names is known exactly from its keys (at most that of the
    rarest gram); several filters are taken as independent within the term's names."""
    grams = _grams(term)
    share = min(common_terms.share(gram) for gram in grams)
    if share == 0:
        return 0.0
    estimate = share
    for prefix in prefixes:
        estimate *= min(common_terms.filter_key_share(f"{prefix}|{gram}") for gram in grams) / share
    return estimate


def _name_like(word: str, indexable: bool):
    """`name LIKE '%word%'` (`ILIKE` when the word has Latin letters). Never Django's `icontains`,
    which compiles to `UPPER(name) LIKE …`, an expression no index serves. Where the subjects are
    to be read in table order, the name is compared in the "C" collation, an expression the
    trigram index does not serve, so the planner cannot choose it: for a caseless (Chinese) word
    the matches are the same, byte for byte."""
    if word.lower() != word.upper():
        return RawSQL('"collection_subject"."name" ILIKE %s', [f"%{_escape_like(word)}%"], output_field=BooleanField())
    column = '"collection_subject"."name"' if indexable else '("collection_subject"."name" COLLATE "C")'
    return RawSQL(f"{column} LIKE %s", [f"%{_escape_like(word)}%"], output_field=BooleanField())


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _best_first(query: str) -> list:
    rank = Case(
        When(name=query, then=Value(0)),
        When(name__startswith=query, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return [rank, Length("name"), "name", "pk"]


def _attach_counts(result: SearchResult) -> None:
    """Public dishonesty records per subject of the page, by the one visibility rule: expired,
    suspended and repaired records are not counted."""
    ids = [subject.pk for subject in result.rows]
    if not ids:
        return
    today = timezone.localdate()
    if connection.vendor == "postgresql":
        sql, params = _counts_statement(today)
        with connection.cursor() as cursor:
            cursor.execute(sql, [ids if param is _PAGE_IDS else param for param in params])
            result.dishonesty_counts = dict(cursor.fetchall())
    else:
        counts = _counts_queryset(today, Q(subject_id__in=ids))
        result.dishonesty_counts = dict(counts)
    for subject in result.rows:
        subject.public_dishonesty_count = result.dishonesty_counts.get(subject.pk, 0)


def _counts_queryset(today: dt.date, subjects) -> QuerySet:
    return (
        CreditRecord.objects.filter(public_filter(today), subjects, is_dishonesty=True)
        .values_list("subject_id")
        .annotate(n=Count("*"))
        .order_by()
    )


# Stands for the page's subject ids in the statement below until a search fills them in.
_PAGE_IDS = object()


@functools.lru_cache(maxsize=2)
def _counts_statement(today: dt.date) -> tuple[str, tuple]:
    """`_counts_queryset` as SQL, built by the ORM from the visibility rule once a day instead of
    on every search (building it cost ~1.5 ms, a tenth of a search)."""
    page = RawSQL('"collection_creditrecord"."subject_id" = ANY(%s)', [_PAGE_IDS], output_field=BooleanField())
    return _counts_queryset(today, page).query.sql_with_params()


# --- The page's result rows ---------------------------------------------------------------------


class ResultRow(TypedDict):
    """A subject as its row on the results page shows it, every value ready to print: the row
    template only looks values up and escapes them, and does no `{% url %}`, display method,
    date filter or number formatting twenty times a page. A dict, not a dataclass: the template
    engine tries `row[key]` before `getattr`, and a miss costs an exception per value."""

    url: str
    name: str
    code: str
    kind: str
    status: str
    dishonesty_count: str  # "3"; "" when there are none
    # What is known of representative, district and founding date, each part after a "　":
    # one value instead of three conditions and four values in each row of the template.
    details: str


_CODE_MARKER = "0" * 18


def result_rows(subjects: list[Subject]) -> list[ResultRow]:
    # One `reverse` for the page instead of one per row; codes are [0-9A-Z]{18}.
    detail_url = reverse("subjects:detail", args=[_CODE_MARKER])
    kinds = {kind.value: str(kind.label) for kind in SubjectKind}
    return [_result_row(subject, detail_url, kinds) for subject in subjects]


def _result_row(subject: Subject, detail_url: str, kinds: dict[str, str]) -> ResultRow:
    count = getattr(subject, "public_dishonesty_count", 0)
    return ResultRow(
        url=detail_url.replace(_CODE_MARKER, subject.code),
        name=subject.name,
        code=subject.code,
        kind=kinds.get(subject.kind, subject.kind),
        status=subject.registration_status,
        dishonesty_count=str(count) if count else "",
        details="".join(f"　{part}" for part in _details(subject) if part),
    )


def _details(subject: Subject) -> tuple[str, str, str]:
    role = "经营者" if subject.kind == SubjectKind.INDIVIDUAL_BUSINESS else "法定代表人"
    day = subject.established_on
    return (
        subject.legal_representative and f"{role}：{subject.legal_representative}",
        subject.district,
        f"成立于{day.year}年{day.month}月{day.day}日" if day else "",
    )


# --- One subject's public page and API answer ---------------------------------------------------


@dataclass
class SubjectDisclosure:
    """What anyone may see of a subject today: its public records by catalog item, in the
    catalog's order, with their marks, and its public credit commitments."""

    subject: Subject
    sections: list[Section]
    commitments: list[CreditCommitment]

    @property
    def counts(self) -> list[tuple[str, int]]:
        return category_counts(self.sections)

    @property
    def record_count(self) -> int:
        return sum(len(section.records) for section in self.sections)

    @property
    def dishonesty_count(self) -> int:
        return sum(view.record.is_dishonesty for section in self.sections for view in section.records)


def public_subject(code: str) -> Subject | None:
    return public_subjects().filter(code=code).first()


def subject_disclosure(subject: Subject, today: dt.date | None = None) -> SubjectDisclosure:
    records = with_marks(public_records(subject.records.select_related("provider"), today))
    return SubjectDisclosure(
        subject=subject,
        sections=record_sections(records, today=today),
        commitments=list(public_commitments(subject)),
    )
