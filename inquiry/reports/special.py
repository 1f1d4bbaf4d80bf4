"""Special credit reports (专项信用报告, 信用代证): what one covers and what it lists.

National and provincial policy (发改财金〔2025〕565号; 苏政办规〔2025〕5号) replaces the certificates
of "有无违法违规记录" that companies fetched from each department with one report: for each chosen
领域 (`catalog.CreditDomain`) and a period of at most five years, the 行政处罚, 行政强制 and
严重失信主体名单 records of that field's providers, or the statement that none was found.

What is listed follows the credit report (`collection.visibility.special_report_filter`): only
what is disclosed on the day the report is made — nothing revoked, suspended (Art. 14), withheld
(轻微·不公示) or past its disclosure period, since a report must not disclose what the rules no
longer let anyone disclose. A repaired record (Art. 17) is listed marked 已修复 while the period
its rule gives it would still run: the report certifies the record's status, and a repair must
never make a report look worse than no repair. A 严重失信主体名单 entry counts when it was listed
on or before the period's end and is still listed; it leaves the list on its 移出日期.
"""

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from catalog.disclosure import disclosure_window
from catalog.errors import DisclosureError
from catalog.models import SPECIAL_REPORT_ITEM_CODES, CreditDomain, Provider
from collection.models import CreditRecord
from collection.visibility import special_report_filter, with_marks
from inquiry.models import CreditReport
from inquiry.selectors import RecordView, disclosure_notes, public_fields

MAX_YEARS = 5
LIST_ITEM = "serious_dishonesty_list"
ITEM_NAMES = {"admin_penalty": "行政处罚", "admin_coercion": "行政强制", LIST_ITEM: "严重失信主体名单"}
NUMERALS = "一二三四五六七八九十"


class PeriodError(ValueError):
    """A period a special report may not cover; the message says why, in Chinese."""


def earliest_start(today: dt.date) -> dt.date:
    """Five years back, counted as the calendar counts them (29 February → 28 February)."""
    return today - relativedelta(years=MAX_YEARS)


def check_period(start: dt.date, end: dt.date, today: dt.date) -> None:
    if start > end:
        raise PeriodError(_("报告期间的起始日期不能晚于截止日期。"))
    if end > today:
        raise PeriodError(_("报告期间的截止日期不能晚于今天。"))
    if start < earliest_start(today):
        raise PeriodError(
            _("报告期间最长为近%(years)s年：起始日期不能早于%(date)s。")
            % {"years": MAX_YEARS, "date": f"{earliest_start(today):%Y年%-m月%-d日}"}
        )


def active_domains() -> QuerySet[CreditDomain]:
    return CreditDomain.objects.filter(is_active=True).order_by("position", "code")


def domain_snapshot(domain: CreditDomain) -> dict:
    """The domain as the report keeps it: named, with the providers and items it meant when ordered."""
    items = [code for code in SPECIAL_REPORT_ITEM_CODES if code in (domain.item_codes or [])]
    return {
        "code": domain.code,
        "name": domain.name,
        "providers": sorted(domain.providers.values_list("pk", flat=True)),
        "items": items,
    }


@dataclass
class ItemBlock:
    code: str
    name: str
    records: list[RecordView] = field(default_factory=list)


@dataclass
class DomainBlock:
    name: str
    numeral: str
    providers: list[str]
    items: list[ItemBlock]

    @property
    def count(self) -> int:
        return sum(len(item.records) for item in self.items)


def in_period(start: dt.date, end: dt.date) -> Q:
    """Decided within the period; a list entry listed by its end (and, by the visibility filter,
    not yet removed)."""
    return Q(decision_date__range=(start, end)) | Q(item_code=LIST_ITEM, decision_date__lte=end)


def report_records(report: CreditReport, today: dt.date) -> list[CreditRecord]:
    """Every record the report may list, of any of its domains, oldest first."""
    providers = {pk for domain in report.domains for pk in domain["providers"]}
    items = {code for domain in report.domains for code in domain["items"]}
    assert report.period_start and report.period_end, "a special report has its period"
    records = (
        CreditRecord.objects.filter(subject=report.subject, provider_id__in=providers, item_code__in=items)
        .filter(special_report_filter(today))
        .filter(in_period(report.period_start, report.period_end))
        .select_related("provider", "catalog_item__disclosure_scheme")
        .prefetch_related("catalog_item__fields", "catalog_item__disclosure_scheme__rules")
        .order_by("decision_date", "id")
    )
    return [record for record in with_marks(records) if _still_in_its_period(record, today)]


def _still_in_its_period(record: CreditRecord, today: dt.date) -> bool:
    """A repaired record counts while its rule's period would have run without the repair."""
    if record.repaired_at is None:
        return True
    try:
        window = disclosure_window(item=record.catalog_item, data=record.data, decision_date=record.decision_date)
    except DisclosureError:
        return True  # its rule cannot be read again: it was listed until repaired, keep it marked
    return window.ends_on is None or window.ends_on >= today


def domain_blocks(report: CreditReport, today: dt.date) -> list[DomainBlock]:
    records = report_records(report, today)
    provider_names = {record.provider_id: record.provider.name for record in records}
    provider_names.update(_provider_names(report))
    blocks = []
    for index, domain in enumerate(report.domains):
        items = [ItemBlock(code, ITEM_NAMES.get(code, code)) for code in domain["items"]]
        by_code = {item.code: item for item in items}
        for record in records:
            if record.provider_id in domain["providers"] and record.item_code in by_code:
                by_code[record.item_code].records.append(_view(record, today))
        names = [provider_names[pk] for pk in domain["providers"] if pk in provider_names]
        blocks.append(DomainBlock(domain["name"], NUMERALS[index % len(NUMERALS)], names, items))
    return blocks


def _provider_names(report: CreditReport) -> dict[int, str]:
    pks = {pk for domain in report.domains for pk in domain["providers"]}
    return dict(Provider.objects.filter(pk__in=pks).values_list("pk", "name"))


def _view(record: CreditRecord, today: dt.date) -> RecordView:
    # The report is handed to third parties: public fields only, whoever ordered it.
    return RecordView(record, public_fields(record, record.catalog_item), disclosure_notes(record, today))
