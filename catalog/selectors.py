"""Read-side queries over the catalog."""

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, timedelta
from types import SimpleNamespace

from django.core.cache import cache
from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from .models import (
    CatalogDocument,
    CatalogField,
    CatalogItem,
    CatalogVersion,
    Category,
    DisclosureRule,
    Openness,
    Provider,
)

logger = logging.getLogger(__name__)


@dataclass
class CategoryGroup:
    code: str
    label: str
    items: list[CatalogItem]


def published_version() -> CatalogVersion | None:
    """The catalog in force: the newest published version."""
    return CatalogVersion.objects.filter(status=CatalogVersion.Status.PUBLISHED).order_by("-number").first()


def items_of(version: CatalogVersion) -> QuerySet[CatalogItem]:
    return (
        version.items.select_related("disclosure_scheme")
        .prefetch_related(
            Prefetch("fields", queryset=CatalogField.objects.order_by("position", "id")),
            Prefetch("providers", queryset=Provider.objects.order_by("code")),
        )
        .order_by("position", "code")
    )


def group_by_category(items) -> list[CategoryGroup]:
    """Items grouped under the five categories of Art. 8, in the regulation's order."""
    groups = [CategoryGroup(value, str(label), []) for value, label in Category.choices]
    by_code = {group.code: group for group in groups}
    for item in items:
        by_code[item.category].items.append(item)
    return [group for group in groups if group.items]


# The home page's catalog: what it shows of the published items, as plain data kept in the shared
# cache together with the publication token it was built under (`catalog.services`, renewed on
# every publication and disclosure-rule change). One round trip fetches both, so the most
# visited page reads no catalog row and builds no model instance while the catalog stands.
HOME_CATALOG_KEY = "catalog:home"
HOME_CATALOG_TIMEOUT = 24 * 3600


def home_catalog() -> list[dict]:
    """[{"label", "items": [{"name", "href", "authorized"}]}] of the published catalog, in the
    order of Art. 8's categories and the items' positions."""
    from .services import PUBLISHED_CATALOG_TOKEN

    try:
        found = cache.get_many([PUBLISHED_CATALOG_TOKEN, HOME_CATALOG_KEY])
        token, kept = found.get(PUBLISHED_CATALOG_TOKEN), found.get(HOME_CATALOG_KEY)
        if token is not None and kept is not None and kept[0] == token:
            return kept[1]
        if token is None:  # lost (evicted, flushed): a new one, never an old one taken for current
            cache.add(PUBLISHED_CATALOG_TOKEN, uuid.uuid4().hex, timeout=None)
            token = cache.get(PUBLISHED_CATALOG_TOKEN)
        # Read after the token: a publication renews it only once committed, so what is kept
        # under a token is never older than the catalog that token stands for.
        categories = _home_catalog()
        cache.set(HOME_CATALOG_KEY, (token, categories), timeout=HOME_CATALOG_TIMEOUT)
        return categories
    except Exception:  # noqa: BLE001 — a cache outage costs the query, never the page
        logger.warning("catalog: shared cache unreachable, home catalog read from the database")
        return _home_catalog()


def _home_catalog() -> list[dict]:
    version = published_version()
    if version is None:
        return []
    base = reverse("catalog:public")
    items = version.items.order_by("position", "code").values("code", "name", "category", "openness")
    return [
        {
            "label": group.label,
            "items": [
                {"name": i.name, "href": f"{base}#item-{i.code}", "authorized": i.openness == Openness.AUTHORIZED}
                for i in group.items
            ],
        }
        for group in group_by_category(SimpleNamespace(**i) for i in items)
    ]


def providers_of(user) -> QuerySet[Provider]:
    """The providers whose staff the user is."""
    if not user.is_authenticated:
        return Provider.objects.none()
    return Provider.objects.filter(staff=user, is_active=True).order_by("code")


# --- Versions ---------------------------------------------------------------------------------


def versions() -> QuerySet[CatalogVersion]:
    return (
        CatalogVersion.objects.select_related("created_by", "published_by")
        .annotate(item_count=Count("items", distinct=True))
        .order_by("-number")
    )


def current_draft() -> CatalogVersion | None:
    return CatalogVersion.objects.filter(status=CatalogVersion.Status.DRAFT).first()


def previous_published(version: CatalogVersion) -> CatalogVersion | None:
    """What `version` is compared with: the newest published version older than it."""
    return (
        CatalogVersion.objects.filter(status=CatalogVersion.Status.PUBLISHED, number__lt=version.number)
        .order_by("-number")
        .first()
    )


def documents_of(version: CatalogVersion) -> QuerySet[CatalogDocument]:
    return version.documents.order_by("position", "id")


# --- Disclosure descriptions for the public catalog -------------------------------------------


@dataclass(frozen=True)
class RuleDescription:
    effective_from: date
    text: str
    legal_basis: str
    in_force: bool
    upcoming: bool


def describe_disclosure(items: Iterable[CatalogItem], on_date: date | None = None) -> None:
    """Attach `disclosure_rules` (newest first) and `disclosure_text` to each item.

    A decision falls under the rule in force on its date, so the page lists earlier rules too.
    """
    from .disclosure import describe_rule

    on_date = on_date or timezone.localdate()
    items = list(items)
    scheme_ids = {item.disclosure_scheme_id for item in items}
    rules: dict[int, list[DisclosureRule]] = {}
    for rule in DisclosureRule.objects.filter(scheme_id__in=scheme_ids).order_by("-effective_from"):
        rules.setdefault(rule.scheme_id, []).append(rule)
    for item in items:
        scheme_rules = rules.get(item.disclosure_scheme_id, [])
        in_force = next((r for r in scheme_rules if r.effective_from <= on_date), None)
        item.disclosure_rules = [
            RuleDescription(
                r.effective_from, describe_rule(r), r.legal_basis, r is in_force, r.effective_from > on_date
            )
            for r in scheme_rules
        ]
        item.disclosure_text = describe_rule(in_force) if in_force else ""
        item.disclosure_rule_note = _which_rule_note(scheme_rules)


def _which_rule_note(rules_newest_first: list[DisclosureRule]) -> str:
    """Rules do not apply retroactively: say so, with an example from the scheme's own rules."""
    if len(rules_newest_first) < 2:
        return ""
    newest, earlier = rules_newest_first[0], rules_newest_first[1]
    example = newest.effective_from - timedelta(days=1)
    return (
        f"公示期限按决定作出之日施行的规则确定，新规则不适用于施行前作出的决定：例如{example.year}年{example.month}月"
        f"作出的决定，仍适用{_cn(earlier.effective_from)}起施行的规则。"
    )


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- Differences between two versions -----------------------------------------------------------

ITEM_DIFF_ATTRIBUTES = (
    "code",
    "name",
    "category",
    "openness",
    "is_dishonesty",
    "is_warning",
    "accepts_self_declaration",
    "subject_kinds",
    "providers",
    "submission_deadline_workdays",
    "disclosure_scheme",
    "legal_basis",
    "description",
    "position",
    "public_section",
)
FIELD_DIFF_ATTRIBUTES = (
    "label",
    "type",
    "required",
    "max_length",
    "choices",
    "multiple",
    "is_public",
    "help_text",
    "position",
)
DOCUMENT_DIFF_ATTRIBUTES = ("title", "body", "position")


@dataclass(frozen=True)
class AttributeChange:
    name: str
    label: str
    old: str
    new: str


@dataclass
class FieldDiff:
    key: str
    label: str
    status: str  # "added", "removed" or "changed"
    changes: list[AttributeChange] = dataclass_field(default_factory=list)


@dataclass
class ItemDiff:
    code: str
    name: str
    category: str
    status: str  # "added", "removed" or "changed"
    changes: list[AttributeChange] = dataclass_field(default_factory=list)
    fields: list[FieldDiff] = dataclass_field(default_factory=list)


@dataclass
class DocumentDiff:
    title: str
    status: str
    changes: list[AttributeChange] = dataclass_field(default_factory=list)


@dataclass
class VersionDiff:
    old: CatalogVersion | None
    new: CatalogVersion
    added: list[ItemDiff]
    removed: list[ItemDiff]
    changed: list[ItemDiff]
    documents: list[DocumentDiff]

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.documents)


def diff_versions(old: CatalogVersion | None, new: CatalogVersion) -> VersionDiff:
    """What changed from `old` (None: nothing published yet) to `new`, matched by item code and
    field key. Reads both versions and changes nothing."""
    old_items = {item.code: item for item in items_of(old)} if old else {}
    new_items = {item.code: item for item in items_of(new)}
    added = [_whole_item(new_items[code], "added") for code in new_items if code not in old_items]
    removed = [_whole_item(old_items[code], "removed") for code in old_items if code not in new_items]
    changed = []
    for code in new_items.keys() & old_items.keys():
        item_diff = _item_diff(old_items[code], new_items[code])
        if item_diff.changes or item_diff.fields:
            changed.append(item_diff)
    changed.sort(key=lambda d: (new_items[d.code].position, d.code))
    old_documents = list(documents_of(old)) if old else []
    return VersionDiff(old, new, added, removed, changed, _documents_diff(old_documents, list(documents_of(new))))


def _whole_item(item: CatalogItem, status: str) -> ItemDiff:
    fields = [FieldDiff(f.key, f.label, status) for f in item.fields.all()]
    return ItemDiff(item.code, item.name, item.get_category_display(), status, fields=fields)


def _item_diff(old: CatalogItem, new: CatalogItem) -> ItemDiff:
    changes = _attribute_changes(old, new, ITEM_DIFF_ATTRIBUTES)
    old_fields = {f.key: f for f in old.fields.all()}
    new_fields = {f.key: f for f in new.fields.all()}
    fields = []
    for key, field in new_fields.items():
        if key not in old_fields:
            fields.append(FieldDiff(key, field.label, "added"))
        elif field_changes := _attribute_changes(old_fields[key], field, FIELD_DIFF_ATTRIBUTES):
            fields.append(FieldDiff(key, field.label, "changed", field_changes))
    fields += [FieldDiff(key, f.label, "removed") for key, f in old_fields.items() if key not in new_fields]
    return ItemDiff(new.code, new.name, new.get_category_display(), "changed", changes, fields)


def _documents_diff(old: list[CatalogDocument], new: list[CatalogDocument]) -> list[DocumentDiff]:
    # Documents have no stable code; their title identifies them across versions.
    old_by_title = {d.title: d for d in old}
    new_by_title = {d.title: d for d in new}
    diffs = [DocumentDiff(t, "added") for t in new_by_title if t not in old_by_title]
    for title, document in new_by_title.items():
        if title in old_by_title and (
            changes := _attribute_changes(old_by_title[title], document, DOCUMENT_DIFF_ATTRIBUTES)
        ):
            diffs.append(DocumentDiff(title, "changed", changes))
    diffs += [DocumentDiff(t, "removed") for t in old_by_title if t not in new_by_title]
    return diffs


def _attribute_changes(old, new, names: Iterable[str]) -> list[AttributeChange]:
    changes = []
    for name in names:
        old_value, new_value = _comparable(old, name), _comparable(new, name)
        if old_value != new_value:
            label = str(new._meta.get_field(name).verbose_name)
            changes.append(AttributeChange(name, label, _display(old, name), _display(new, name)))
    return changes


def _comparable(obj, name: str):
    if name == "providers":
        return sorted(p.code for p in obj.providers.all())
    if name == "disclosure_scheme":
        return obj.disclosure_scheme_id
    if name == "subject_kinds":
        return sorted(obj.subject_kinds)
    return getattr(obj, name)


def _display(obj, name: str) -> str:
    value = getattr(obj, name) if name != "providers" else None
    if name == "providers":
        return "、".join(p.name for p in obj.providers.all()) or "—"
    if name == "subject_kinds":
        return "、".join(obj.subject_kind_labels()) or "—"
    if name == "disclosure_scheme":
        return str(obj.disclosure_scheme)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    if obj._meta.get_field(name).choices:
        return str(getattr(obj, f"get_{name}_display")())
    return "—" if value in (None, "") else str(value)
