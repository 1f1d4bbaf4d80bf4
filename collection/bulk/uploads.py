"""Receiving a bulk-import file (批量导入, SPEC §3): which items a provider may upload, the checks
an upload passes before it is stored, and the stored batch queued for processing
(`collection.bulk.imports.run_import`).
"""

import hashlib
import unicodedata
import uuid
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_event
from catalog.models import CatalogItem, Provider

from ..models import BulkImport
from ..selectors import PublishedItems
from ..services.errors import ProviderNotResponsible
from . import Limits
from .layout import import_limits
from .limits import MIB

EXTENSIONS = (".xlsx", ".csv", ".txt")


class ImportRefused(Exception):
    """An upload refused before it is stored; `message` is Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def responsible_items(provider: Provider, items: PublishedItems | None = None) -> list[CatalogItem]:
    """The published items this provider is responsible for, in catalog order."""
    items = items or PublishedItems()
    if items.version is None:
        return []
    codes = items.version.items.filter(providers=provider).order_by("position", "code").values_list("code", flat=True)
    return [item for item in (items.get(code) for code in codes) if item is not None]


def responsible_item(provider: Provider, item_code: str, items: PublishedItems | None = None) -> CatalogItem:
    """The published item, if the provider is responsible for it; `ProviderNotResponsible` else."""
    item = (items or PublishedItems()).get(item_code)
    if item is None or provider.pk not in item.provider_ids:
        raise ProviderNotResponsible(
            _("%(provider)s不是现行目录事项“%(item)s”的责任单位") % {"provider": provider.name, "item": item_code}
        )
    return item


def create_import(*, provider: Provider, item_code: str, upload: UploadedFile, actor) -> BulkImport:
    """Keep the uploaded file with a new batch and queue it for processing (after commit)."""
    from ..tasks import process_bulk_import

    item = responsible_item(provider, item_code)
    name = safe_filename(upload.name or "")
    _refuse_unfit_upload(upload, name)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    bulk_import = BulkImport(
        provider=provider,
        item_code=item.code,
        uploaded_by=actor,
        original_name=name,
        size=upload.size,
        sha256=digest.hexdigest(),
    )
    # The stored name is ours: nothing the uploader chose reaches the file system.
    bulk_import.original_file.save(f"{uuid.uuid4().hex}{PurePath(name).suffix.lower()}", upload, save=False)
    try:
        with transaction.atomic():
            bulk_import.save()
            record_event(
                action="bulkimport.create",
                actor=actor,
                obj=bulk_import,
                summary=f"{provider.name}上传{item.name}批量导入文件“{name}”",
                after={
                    "provider": provider.code,
                    "item": item.code,
                    "file": name,
                    "size": upload.size,
                    "sha256": bulk_import.sha256,
                },
            )
            transaction.on_commit(lambda: process_bulk_import.delay(bulk_import.pk))
    except BaseException:
        bulk_import.original_file.delete(save=False)
        raise
    return bulk_import


def _refuse_unfit_upload(upload: UploadedFile, name: str) -> None:
    limits = import_limits()
    if not upload.size:
        raise ImportRefused(_("文件是空的。"))
    if upload.size > limits.max_bytes:
        raise ImportRefused(too_large_message(limits))
    if PurePath(name).suffix.lower() not in EXTENSIONS:
        raise ImportRefused(_("只能上传 .xlsx 或 .csv 文件，“%(name)s”的扩展名不受支持。") % {"name": name})


def too_large_message(limits: Limits) -> str:
    size = limits.max_bytes
    limit = f"{size / MIB:g} MB" if size >= MIB else f"{max(size // 1024, 1)} KB"
    return _("文件大小超过 %(limit)s 的上限，请拆分为多个文件上传。") % {"limit": limit}


def safe_filename(raw: str) -> str:
    """The uploader's file name without any path, control or quoting characters, for display."""
    name = PurePath(raw.replace("\\", "/")).name
    kept = "".join(c for c in unicodedata.normalize("NFC", name) if c.isprintable() and c not in '"<>:|?*/')
    kept = kept.strip(" .") or "upload"
    if len(kept) > 200:
        suffix = PurePath(kept).suffix[:10]
        kept = kept[: 200 - len(suffix)] + suffix
    return kept
