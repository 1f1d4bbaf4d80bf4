"""State changes of the catalog (Art. 7-8). One function per change, each audited.

Every function locks the version row it changes (`select_for_update`), checks that the version
is still a draft, validates through the models' `full_clean()` (Chinese messages, raised as
`ValidationError` keyed by field) and writes an audit event in the same transaction.
"""

import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event

from .errors import CatalogError, CatalogLocked, DraftExists, NotPublishable
from .models import (
    CatalogDocument,
    CatalogField,
    CatalogItem,
    CatalogVersion,
    Provider,
)

# Attributes a caller may set; anything else is a programming error, not user input.
ITEM_ATTRIBUTES = frozenset(
    {
        "code",
        "name",
        "category",
        "openness",
        "is_dishonesty",
        "is_warning",
        "accepts_self_declaration",
        "subject_kinds",
        "submission_deadline_workdays",
        "disclosure_scheme",
        "legal_basis",
        "description",
        "position",
        "public_section",
    }
)
FIELD_ATTRIBUTES = frozenset(
    {
        "key",
        "label",
        "type",
        "required",
        "max_length",
        "choices",
        "multiple",
        "is_public",
        "help_text",
        "position",
    }
)
DOCUMENT_ATTRIBUTES = frozenset({"title", "body", "position"})
VERSION_ATTRIBUTES = frozenset({"title", "notes"})


# --- Versions ---------------------------------------------------------------------------------


def create_draft(*, actor) -> CatalogVersion:
    """A new draft copying the newest version (items with providers and fields, documents).

    Refuses while a draft exists. The very first draft starts empty.
    """
    with transaction.atomic():
        newest = CatalogVersion.objects.select_for_update().order_by("-number").first()
        if newest is not None and newest.is_draft:
            raise DraftExists()
        try:
            with transaction.atomic():
                draft = CatalogVersion.objects.create(
                    number=(newest.number + 1) if newest else 1,
                    title=newest.title if newest else "",
                    created_by=actor if _is_user(actor) else None,
                )
        except IntegrityError as error:  # another draft was created concurrently
            raise DraftExists() from error
        if newest is not None:
            _copy_contents(source=newest, target=draft)
        record_event(
            action="catalog.draft_created",
            actor=actor,
            obj=draft,
            summary=_("新建目录草稿第%(number)s版") % {"number": draft.number},
            after={"number": draft.number, "copied_from": newest.number if newest else None},
        )
    return draft


def _copy_contents(*, source: CatalogVersion, target: CatalogVersion) -> None:
    for item in source.items.prefetch_related("providers", "fields"):
        provider_ids = [p.pk for p in item.providers.all()]
        fields = list(item.fields.all())
        item._prefetched_objects_cache = {}  # type: ignore[attr-defined]  # those rows belong to the source item
        item.pk = None
        item._state.adding = True
        item.version = target
        item.save(force_insert=True)
        item.providers.set(provider_ids)
        for field in fields:
            field.pk = None
            field.item = item
        CatalogField.objects.bulk_create(fields)
    documents = list(source.documents.all())
    for document in documents:
        document.pk = None
        document.version = target
    CatalogDocument.objects.bulk_create(documents)


def update_draft(*, version: CatalogVersion, actor, **changes: Any) -> CatalogVersion:
    """Change the draft's title or revision notes (修订说明)."""
    _check_attributes(changes, VERSION_ATTRIBUTES)
    with transaction.atomic():
        draft = _locked_draft(version.pk)
        before = {name: getattr(draft, name) for name in changes}
        for name, value in changes.items():
            setattr(draft, name, value)
        draft.full_clean(exclude=["created_by", "published_by"])
        draft.save(update_fields=list(changes))
        record_event(
            action="catalog.draft_changed",
            actor=actor,
            obj=draft,
            summary=_("修改目录草稿第%(number)s版的说明") % {"number": draft.number},
            before=before,
            after=changes,
        )
    return draft


logger = logging.getLogger(__name__)

# A value renewed in the shared cache whenever a version is published or a disclosure rule
# changes: readers that keep the published catalog and its rules in memory
# (collection.selectors.PublishedItems) key it on this token too.
PUBLISHED_CATALOG_TOKEN = "catalog:published:token"


def _renew_published_token() -> None:
    try:
        cache.set(PUBLISHED_CATALOG_TOKEN, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 — the publication stands; readers' keys still hold the new pk
        logger.warning("catalog: could not renew the published-catalog token in the shared cache")


def renew_token_after_rule_change(**_kwargs) -> None:
    """Disclosure rules are edited in the admin, outside any service: a signal calls this."""
    transaction.on_commit(_renew_published_token)


def publish_version(*, version: CatalogVersion, actor) -> CatalogVersion:
    """Publish a draft: from now on it is the public catalog, and immutable."""
    with transaction.atomic():
        transaction.on_commit(_renew_published_token)
        draft = _locked_draft(version.pk)
        _check_publishable(draft)
        now = timezone.now()
        updated = CatalogVersion.objects.filter(pk=draft.pk, status=CatalogVersion.Status.DRAFT).update(
            status=CatalogVersion.Status.PUBLISHED,
            published_at=now,
            published_by=actor if _is_user(actor) else None,
        )
        if updated != 1:
            raise CatalogLocked()
        draft.refresh_from_db()
        record_event(
            action="catalog.version_published",
            actor=actor,
            obj=draft,
            summary=_("发布目录第%(number)s版") % {"number": draft.number},
            before={"status": CatalogVersion.Status.DRAFT},
            after={
                "status": draft.status,
                "published_at": now,
                "items": sorted(draft.items.values_list("code", flat=True)),
            },
        )
    return draft


def _check_publishable(draft: CatalogVersion) -> None:
    items = list(draft.items.prefetch_related("fields").order_by("position", "code"))
    if not items:
        raise NotPublishable(_("目录草稿中没有任何事项，不能发布空目录。"))
    empty = [item.name for item in items if not item.fields.all()]
    if empty:
        raise NotPublishable(_("以下事项还没有数据项，不能发布：%(names)s") % {"names": "、".join(empty)})


# --- Items ------------------------------------------------------------------------------------


def add_item(*, version: CatalogVersion, actor, providers: Iterable[Provider] = (), **attributes: Any) -> CatalogItem:
    """Add a catalog item (目录事项) to the draft."""
    _check_attributes(attributes, ITEM_ATTRIBUTES)
    with transaction.atomic():
        draft = _locked_draft(version.pk)
        if "position" not in attributes:
            attributes["position"] = _next_position(draft.items.all())
        item = CatalogItem(version=draft, **attributes)
        item.full_clean()
        item.save()
        item.providers.set(list(providers))
        record_event(
            action="catalog.item_added",
            actor=actor,
            obj=item,
            summary=_("目录草稿第%(number)s版新增事项“%(name)s”") % {"number": draft.number, "name": item.name},
            after=item_snapshot(item),
        )
    return item


def update_draft_item(
    *, item: CatalogItem, actor, providers: Iterable[Provider] | None = None, **changes: Any
) -> CatalogItem:
    """Change a draft item's attributes and/or responsible providers."""
    _check_attributes(changes, ITEM_ATTRIBUTES)
    with transaction.atomic():
        _locked_draft(item.version_id)
        current = CatalogItem.objects.select_for_update().get(pk=item.pk)
        before = item_snapshot(current)
        _refuse_renaming_published_code(current, changes.get("code", current.code))
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean()
        current.save()
        if providers is not None:
            current.providers.set(list(providers))
        after = item_snapshot(current)
        record_event(
            action="catalog.item_changed",
            actor=actor,
            obj=current,
            summary=_("修改目录事项“%(name)s”") % {"name": current.name},
            before=_changed_only(before, after),
            after=_changed_only(after, before),
        )
    return current


def _refuse_renaming_published_code(item: CatalogItem, new_code: str) -> None:
    # Records name their item by code; a code that the public already knows must stay.
    if new_code == item.code:
        return
    if CatalogItem.objects.filter(code=item.code, version__status=CatalogVersion.Status.PUBLISHED).exists():
        raise ValidationError(
            {"code": [_("事项代码“%(code)s”已在已发布的目录中使用，不能修改。") % {"code": item.code}]}
        )


def remove_item(*, item: CatalogItem, actor) -> None:
    """Remove an item (with its fields) from the draft."""
    with transaction.atomic():
        draft = _locked_draft(item.version_id)
        current = CatalogItem.objects.select_for_update().get(pk=item.pk)
        before = item_snapshot(current)
        try:
            current.delete()
        except ProtectedError as error:
            raise CatalogError(_("已有信用记录引用该事项，不能删除。")) from error
        record_event(
            action="catalog.item_removed",
            actor=actor,
            object_type="catalog.catalogitem",
            object_id=str(item.pk),
            summary=_("目录草稿第%(number)s版删除事项“%(name)s”") % {"number": draft.number, "name": before["name"]},
            before=before,
        )


# --- Fields -----------------------------------------------------------------------------------


def add_field(*, item: CatalogItem, actor, **attributes: Any) -> CatalogField:
    """Append a data field (数据项) to a draft item."""
    _check_attributes(attributes, FIELD_ATTRIBUTES)
    with transaction.atomic():
        _locked_draft(item.version_id)
        if "position" not in attributes:
            attributes["position"] = _next_position(item.fields.all())
        field = CatalogField(item_id=item.pk, **attributes)
        field.full_clean()
        field.save()
        record_event(
            action="catalog.field_added",
            actor=actor,
            obj=field,
            summary=_("事项“%(item)s”新增数据项“%(label)s”") % {"item": item.name, "label": field.label},
            after=field_snapshot(field),
        )
    return field


def update_field(*, field: CatalogField, actor, **changes: Any) -> CatalogField:
    _check_attributes(changes, FIELD_ATTRIBUTES)
    with transaction.atomic():
        _locked_draft(field.item.version_id)
        current = CatalogField.objects.select_for_update().select_related("item").get(pk=field.pk)
        before = field_snapshot(current)
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean()
        current.save()
        after = field_snapshot(current)
        record_event(
            action="catalog.field_changed",
            actor=actor,
            obj=current,
            summary=_("修改事项“%(item)s”的数据项“%(label)s”") % {"item": current.item.name, "label": current.label},
            before=_changed_only(before, after),
            after=_changed_only(after, before),
        )
    return current


def remove_field(*, field: CatalogField, actor) -> None:
    with transaction.atomic():
        _locked_draft(field.item.version_id)
        current = CatalogField.objects.select_for_update().select_related("item").get(pk=field.pk)
        before = field_snapshot(current)
        current.delete()
        record_event(
            action="catalog.field_removed",
            actor=actor,
            object_type="catalog.catalogfield",
            object_id=str(field.pk),
            summary=_("删除事项“%(item)s”的数据项“%(label)s”") % {"item": current.item.name, "label": before["label"]},
            before=before,
        )


def move_field(*, field: CatalogField, direction: str, actor=None) -> CatalogField:
    """Move a field one place `"up"` or `"down"` among its item's fields (a no-op at the ends).

    Positions are renumbered 1..n on the way, so fields entered with equal positions get a
    stable, visible order.
    """
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
    with transaction.atomic():
        _locked_draft(field.item.version_id)
        siblings = list(
            CatalogField.objects.select_for_update().filter(item_id=field.item_id).order_by("position", "id")
        )
        index = next(i for i, f in enumerate(siblings) if f.pk == field.pk)
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(siblings):
            return siblings[index]
        before = [f.key for f in siblings]
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for position, sibling in enumerate(siblings, start=1):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position"])
        moved = siblings[target]
        record_event(
            action="catalog.field_moved",
            actor=actor,
            obj=moved,
            summary=_("调整事项“%(item)s”的数据项顺序") % {"item": field.item.name},
            before={"order": before},
            after={"order": [f.key for f in siblings]},
        )
    return moved


# --- Documents (标准与规范, Art. 7) ------------------------------------------------------------


def add_document(*, version: CatalogVersion, actor, **attributes: Any) -> CatalogDocument:
    _check_attributes(attributes, DOCUMENT_ATTRIBUTES)
    with transaction.atomic():
        draft = _locked_draft(version.pk)
        if "position" not in attributes:
            attributes["position"] = _next_position(draft.documents.all())
        document = CatalogDocument(version=draft, **attributes)
        document.full_clean()
        document.save()
        record_event(
            action="catalog.document_added",
            actor=actor,
            obj=document,
            summary=_("目录草稿第%(number)s版新增标准与规范“%(title)s”")
            % {"number": draft.number, "title": document.title},
            after=document_snapshot(document),
        )
    return document


def update_document(*, document: CatalogDocument, actor, **changes: Any) -> CatalogDocument:
    _check_attributes(changes, DOCUMENT_ATTRIBUTES)
    with transaction.atomic():
        _locked_draft(document.version_id)
        current = CatalogDocument.objects.select_for_update().get(pk=document.pk)
        before = document_snapshot(current)
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean()
        current.save()
        after = document_snapshot(current)
        record_event(
            action="catalog.document_changed",
            actor=actor,
            obj=current,
            summary=_("修改标准与规范“%(title)s”") % {"title": current.title},
            before=_changed_only(before, after),
            after=_changed_only(after, before),
        )
    return current


def remove_document(*, document: CatalogDocument, actor) -> None:
    with transaction.atomic():
        _locked_draft(document.version_id)
        current = CatalogDocument.objects.select_for_update().get(pk=document.pk)
        before = document_snapshot(current)
        current.delete()
        record_event(
            action="catalog.document_removed",
            actor=actor,
            object_type="catalog.catalogdocument",
            object_id=str(document.pk),
            summary=_("删除标准与规范“%(title)s”") % {"title": before["title"]},
            before=before,
        )


# --- Helpers ----------------------------------------------------------------------------------


def _locked_draft(version_id: int) -> CatalogVersion:
    """The version row, locked against concurrent publication; refuses unless it is a draft."""
    version = CatalogVersion.objects.select_for_update().get(pk=version_id)
    if not version.is_draft:
        raise CatalogLocked()
    return version


def _check_attributes(given: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(given) - allowed
    if unknown:
        raise TypeError(f"unknown attributes: {', '.join(sorted(unknown))}")


def _next_position(queryset) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _changed_only(snapshot: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in snapshot.items() if other.get(key) != value}


def item_snapshot(item: CatalogItem) -> dict[str, Any]:
    data = model_to_dict(item, exclude=["id", "version", "providers"])
    data["disclosure_scheme"] = item.disclosure_scheme.code if item.disclosure_scheme_id else None
    data["providers"] = sorted(item.providers.values_list("code", flat=True)) if item.pk else []
    return data


def field_snapshot(field: CatalogField) -> dict[str, Any]:
    return model_to_dict(field, exclude=["id", "item"]) | {"item": field.item.code}


def document_snapshot(document: CatalogDocument) -> dict[str, Any]:
    return model_to_dict(document, exclude=["id", "version"])
