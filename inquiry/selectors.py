"""How records are laid out wherever they are disclosed: the public subject page, the public API,
an authorized query, a credit report and the subject's own view all use these, so a record reads
the same everywhere (its public fields, its provider, its dates and its marks).

Which records may be shown is decided by `collection.visibility`, never here.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from catalog.models import CatalogItem, Category
from catalog.selectors import published_version
from collection.models import CreditRecord
from collection.selectors import PublishedItems

CATEGORY_ORDER = {code: position for position, code in enumerate(Category.values)}


@dataclass
class DisplayField:
    key: str
    label: str
    value: object


@dataclass
class RecordView:
    record: CreditRecord
    fields: list[DisplayField]
    notes: list[str]
    # Shown on the card where records of several items share a list (the subject page's sections).
    item_name: str = ""
    # Set where a page builds many cards (the subject page): the record's public page.
    url: str = ""

    @property
    def fields_table(self) -> SafeString:
        """The public fields as the card's table (`inquiry/_record.html`), built in Python: in the
        template, sixty cards of twenty fields cost more than everything else on the subject
        page. Every label and value is escaped (`html.escape`, what Django's `escape` does)."""
        rows = "".join(
            f'<tr><th scope="row" class="text-secondary fw-normal w-25">{escape(f.label)}</th>'
            f"<td>{_display(f.value)}</td></tr>"
            for f in self.fields
        )
        caption = escape(self.record.source_key)
        return mark_safe(  # built from escaped parts only
            f'<table class="table table-sm small mb-2"><caption class="visually-hidden">{caption} 的公开数据项</caption>'
            f"<tbody>{rows}</tbody></table>"
        )

    @property
    def marks(self):
        prefetched = getattr(self.record, "marks", None)  # `collection.visibility.with_marks`
        return prefetched if prefetched is not None else list(self.record.annotations.filter(is_active=True))


def _display(value: object) -> str:
    # As the template filters showed a value: 是/否 for booleans, line breaks kept (`linebreaksbr`).
    if value is True:
        return "是"
    if value is False:
        return "否"
    text = escape(str(value))
    if "\n" in text or "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")
    return text


@dataclass
class Section:
    code: str
    name: str
    category: str
    category_label: str
    records: list[RecordView] = field(default_factory=list)


def _published_items() -> dict[str, CatalogItem]:
    """The published items in catalog order, each with its fields, from the per-process cache
    that submissions use (two queries a page instead of one per item and its fields)."""
    version = published_version()
    if version is None:
        return {}
    items = PublishedItems(version)
    codes = version.items.order_by("position", "code").values_list("code", flat=True)
    return {code: item for code in codes if (item := items.get(code)) is not None}


def public_fields(
    record: CreditRecord, item: CatalogItem | None, *, include_private: bool = False
) -> list[DisplayField]:
    """The record's field values in the catalog's order, public fields only unless the viewer
    has a right to all (the subject itself, an authorized requester for that scope)."""
    item = item or record.catalog_item
    shown = []
    for catalog_field in item.fields.all():
        if not (catalog_field.is_public or include_private):
            continue
        value = record.data.get(catalog_field.key)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            value = "、".join(str(v) for v in value)
        shown.append(DisplayField(catalog_field.key, catalog_field.label, value))
    return shown


def disclosure_notes(record: CreditRecord, today: dt.date | None = None) -> list[str]:
    """In plain Chinese: until when the record is published and from when repair may be asked."""
    today = today or timezone.localdate()
    if record.repaired_at is not None:
        repaired_on = timezone.localdate(record.repaired_at)
        return [_("已于%(date)s完成信用修复，终止公示") % {"date": _cn_date(repaired_on)}]
    if record.publication_withheld:
        return [
            _("%(label)s：依规不在南通信用网公示，仅本主体、信息提供单位、市信用信息中心及政府部门核查时可见")
            % {"label": record.withheld_label}
        ]
    notes = []
    if record.disclosure_ends_on is None:
        notes.append(_("长期公示"))
    elif record.disclosure_ends_on >= today:
        notes.append(_("公示至%(date)s，届满后自动停止公示") % {"date": _cn_date(record.disclosure_ends_on)})
    else:
        notes.append(_("已于%(date)s公示期满") % {"date": _cn_date(record.disclosure_ends_on)})
    if record.is_dishonesty and record.repaired_at is None and record.repairable_from is not None:
        if record.repairable_from <= today:
            notes.append(_("信息主体现可申请信用修复"))
        else:
            notes.append(_("自%(date)s起可申请信用修复") % {"date": _cn_date(record.repairable_from)})
    return notes


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def record_sections(
    records: Iterable[CreditRecord], *, include_private: bool = False, today: dt.date | None = None
) -> list[Section]:
    """Records grouped by catalog item, items in the published catalog's order (categories in
    the order of Art. 8); items no longer in the catalog come last, by name."""
    items = _published_items()
    sections: dict[str, Section] = {}
    for record in records:
        item = items.get(record.item_code) or record.catalog_item
        section = sections.get(record.item_code)
        if section is None:
            section = sections[record.item_code] = Section(
                record.item_code,
                item.name,
                item.category,
                str(Category(item.category).label) if item.category in Category.values else item.category,
            )
        section.records.append(
            RecordView(
                record, public_fields(record, item, include_private=include_private), disclosure_notes(record, today)
            )
        )
    positions = {code: index for index, code in enumerate(items)}
    return sorted(
        sections.values(),
        key=lambda s: (CATEGORY_ORDER.get(s.category, 99), positions.get(s.code, len(positions)), s.name),
    )


def category_counts(sections: Iterable[Section]) -> list[tuple[str, int]]:
    """(category label, number of records) in the order of Art. 8, for summaries."""
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    for section in sections:
        counts[section.category] = counts.get(section.category, 0) + len(section.records)
        labels[section.category] = section.category_label
    return [(labels[c], counts[c]) for c in sorted(counts, key=lambda c: CATEGORY_ORDER.get(c, 99))]
