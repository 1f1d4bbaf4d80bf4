"""Bulk imports (批量导入, SPEC §3): an uploaded XLSX/CSV file of one catalog item, all or nothing.

How a row of the file becomes a submission (`submit_record`'s arguments) — `ItemLayout`:

- The file has the item's own fields as columns, headed exactly by their catalog labels, in
  catalog order: a department's 双公示 export already has them.
- The subject comes from the item's own subject fields where it has them: its name from
  `subject_name` (or `person_name`); its kind from `subject_category` (行政相对人类别:
  法人及非法人组织 / 个体工商户 / 自然人), else from the only kind the item applies to, else from the
  identifier (a 统一社会信用代码 starting 92 is an 个体工商户's, any other an organisation's, an ID
  number a natural person's); its identifier from `uscc` for organisations and individual
  businesses and from `id_number` (a 公民身份号码) for natural persons.
- The provider's key (业务编号) is the item's document-number field when it has a required one
  (`penalty_document_number`, `document_number`, `certificate_number`, in that order) and, for
  registration items, the subject's `uscc` (one registration record per subject and provider).
- Whatever the item lacks gets a leading column of its own: 业务编号, 主体类别, 主体名称,
  信用唯一识别码. An item created by a catalog admin with other fields still gets a usable file.

The template's 填写说明 sheet says all this for the item in question. Processing (`run_import`)
reads the file once, checking each chunk of rows with the submission pipeline's own
`check_submission` and storing it (`BatchWriter`, what `submit_checked_batch` uses) inside one
transaction, which commits only when every row has passed: a single rejected row rolls it all
back, and the rest of the file is then only checked, so that every error is reported.
"""

import gc
import hashlib
import logging
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePath

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record_event
from catalog.models import CatalogField, CatalogItem, Category, FieldType, Provider, SubjectKind
from nantong_credit import jobs
from nantong_credit.workdays import pinned_calendar

from .bulk import (
    DEFAULT_LIMITS, BulkFileError, Column, Limits, RowError, build_csv_template, build_error_report_xlsx,
    build_xlsx_template, open_table,
)
from .bulk.columns import MULTIPLE_SEPARATOR
from .bulk.limits import MIB
from .identifiers import INDIVIDUAL_BUSINESS_PREFIX, mask_id_numbers_in_text, tidy
from .jobs import IMPORT_JOB
from .models import BulkImport, BulkRowError, Channel
from .selectors import PublishedItems
from .services.batch import BatchConflict, BatchResult, BatchWriter, kind_conflicts
from .services.checks import SOURCE_KEY_MAX, CheckedSubmission, CheckMemo, check_submission
from .services.errors import ProviderNotResponsible, SubmissionInvalid

logger = logging.getLogger(__name__)

LEGAL, BUSINESS, PERSON = (SubjectKind.LEGAL_PERSON.value, SubjectKind.INDIVIDUAL_BUSINESS.value,
                           SubjectKind.NATURAL_PERSON.value)
# 行政相对人类别 as the 双公示 standard spells it (and the common variant of the first).
CATEGORY_KINDS = {"法人及非法人组织": LEGAL, "法人和非法人组织": LEGAL, "个体工商户": BUSINESS, "自然人": PERSON}
CATEGORY_LABELS = ["法人及非法人组织", "个体工商户", "自然人"]
KEY_FIELDS = ("penalty_document_number", "document_number", "certificate_number")
NAME_FIELDS = ("subject_name", "person_name")
CATEGORY_FIELD, USCC_FIELD, ID_FIELD, ID_TYPE_FIELD = "subject_category", "uscc", "id_number", "id_type"
RESIDENT_ID_CARD = "身份证"
# Keys of the columns an item may lack; catalog keys never start with "_".
SOURCE_KEY, KIND, NAME, IDENTIFIER = "_source_key", "_subject_kind", "_subject_name", "_subject_identifier"

CHUNK_ROWS = 2_000
GC_THRESHOLD = 50_000
PROGRESS_EVERY = 1_000
MAX_STORED_ERRORS = 100_000
EXTENSIONS = (".xlsx", ".csv", ".txt")


class ImportRefused(Exception):
    """An upload refused before it is stored; `message` is Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def import_limits() -> Limits:
    """The bulk layer's limits, with the file size and row count a deployment may lower."""
    return Limits(
        max_bytes=getattr(settings, "BULK_IMPORT_MAX_BYTES", DEFAULT_LIMITS.max_bytes),
        max_rows=getattr(settings, "BULK_IMPORT_MAX_ROWS", DEFAULT_LIMITS.max_rows),
    )


# --- Columns: how a row maps onto a submission ----------------------------------------------------


@dataclass(frozen=True)
class ItemLayout:
    item: CatalogItem
    columns: tuple[Column, ...]
    key_field: str | None
    name_field: str | None
    category_field: str | None
    uscc_field: str | None
    id_field: str | None
    id_type_field: str | None
    splits_on_comma: frozenset[str]  # multiple-choice fields where "、" separates values too
    data_keys: tuple[str, ...]  # the item's own fields, in catalog order

    @cached_property  # asked several times per row
    def labels(self) -> dict[str, str]:
        return {column.key: column.label for column in self.columns}

    @property
    def key_column(self) -> str:
        return self.key_field or SOURCE_KEY

    @property
    def name_column(self) -> str:
        return self.name_field or NAME


def layout_for(item: CatalogItem) -> ItemLayout:
    fields = {f.key: f for f in item.fields.all()}
    key_field = _key_field(item, fields)
    name_field = next((key for key in NAME_FIELDS if key in fields), None)
    category_field = CATEGORY_FIELD if CATEGORY_FIELD in fields else None
    uscc_field = USCC_FIELD if USCC_FIELD in fields else None
    id_field = ID_FIELD if ID_FIELD in fields else None
    extra = []
    if key_field is None:
        extra.append(Column(
            key=SOURCE_KEY, label=_("业务编号"), required=True, max_length=SOURCE_KEY_MAX,
            help_text=_("本单位标识该条记录的编号（如决定文书号）；同一编号再次导入即更新原记录"),
        ))
    kinds = [k for k in item.subject_kinds if k in SubjectKind.values]
    if category_field is None and len(kinds) > 1 and uscc_field is None and id_field is None:
        extra.append(Column(key=KIND, label=_("主体类别"), type=FieldType.CHOICE, required=True,
                            choices=[label for label in CATEGORY_LABELS if CATEGORY_KINDS[label] in kinds]))
    if name_field is None:
        extra.append(Column(key=NAME, label=_("主体名称"), required=True, max_length=200))
    if uscc_field is None and id_field is None:
        extra.append(Column(
            key=IDENTIFIER, label=_("信用唯一识别码"), type=FieldType.IDENTIFIER, required=True,
            help_text=_("法人及非法人组织、个体工商户填统一社会信用代码，自然人填公民身份号码"),
        ))
    own = [_column(f, is_key=f.key == key_field) for f in fields.values()]
    return ItemLayout(
        item=item, columns=(*extra, *own), key_field=key_field, name_field=name_field,
        category_field=category_field, uscc_field=uscc_field, id_field=id_field,
        id_type_field=ID_TYPE_FIELD if ID_TYPE_FIELD in fields else None,
        splits_on_comma=frozenset(
            f.key for f in fields.values()
            if f.type == FieldType.CHOICE and f.multiple and not any("、" in choice for choice in f.choices)
        ),
        data_keys=tuple(fields),
    )


def _key_field(item: CatalogItem, fields: dict[str, CatalogField]) -> str | None:
    candidates = [*KEY_FIELDS, USCC_FIELD] if item.category == Category.REGISTRATION else list(KEY_FIELDS)
    for key in candidates:
        f = fields.get(key)
        if f is not None and f.required and f.type in (FieldType.TEXT, FieldType.IDENTIFIER):
            return key
    return None


def _column(f: CatalogField, *, is_key: bool) -> Column:
    help_text = f.help_text
    if is_key:
        help_text = "；".join(filter(None, [help_text, _("作为本单位业务编号：同一编号再次导入即更新原记录")]))
    return Column(
        key=f.key, label=f.label, type=f.type, required=f.required, choices=f.choices, multiple=f.multiple,
        help_text=help_text, max_length=f.max_length,
    )


@dataclass
class RowSubmission:
    """A row as `check_submission` takes it, plus the problems only the file layout can have."""

    source_key: str
    subject: dict
    data: dict
    identifier_column: str | None
    kind_column: str | None
    problems: dict[str, str] = field(default_factory=dict)  # column key → message


def row_to_submission(layout: ItemLayout, values: dict[str, str]) -> RowSubmission:
    data = {key: values[key] for key in layout.data_keys if key in values}
    for key in layout.splits_on_comma:
        if key in data:
            data[key] = data[key].replace("、", MULTIPLE_SEPARATOR)
    key_text = values.get(layout.key_column, "")
    source_key = tidy(key_text) if layout.key_field == USCC_FIELD else key_text
    problems: dict[str, str] = {}
    kind, kind_column = _kind(layout, values, problems)
    identifier_column = _identifier_column(layout, kind)
    if kind == PERSON and layout.id_type_field and values.get(layout.id_type_field):
        if _folded(values[layout.id_type_field]) != RESIDENT_ID_CARD:
            problems[layout.id_type_field] = _("自然人以公民身份号码作为信用唯一识别码，“证件类型”应为“身份证”")
    subject = {
        "kind": kind,
        "name": values.get(layout.name_column, ""),
        "identifier": values.get(identifier_column, "") if identifier_column else "",
    }
    return RowSubmission(source_key, subject, data, identifier_column, kind_column, problems)


def _folded(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _kind(layout: ItemLayout, values: dict[str, str], problems: dict[str, str]) -> tuple[str, str | None]:
    """The subject's kind, and the column it was read from (None when derived)."""
    for column in (layout.category_field, KIND):
        if column is None or column not in layout.labels:
            continue
        text = values.get(column, "")
        if not text:
            if column == KIND:
                problems[column] = _("未填写主体类别")
            break  # a required category column reports its own emptiness
        kind = CATEGORY_KINDS.get(_folded(text))
        if kind is None and column == KIND:
            problems[column] = _("主体类别应为法人及非法人组织、个体工商户或自然人")
        elif kind is None and not _is_choice_error_reported(layout, column, text):
            problems[column] = _("无法根据“%(value)s”确定主体类别（应为法人及非法人组织、个体工商户或自然人）") % {
                "value": text[:30]}
        return kind or "", column
    return _derived_kind(layout, values), None


def _is_choice_error_reported(layout: ItemLayout, column: str, text: str) -> bool:
    """Whether the field's own choice check will refuse `text` (no second message needed)."""
    f = next(f for f in layout.item.fields.all() if f.key == column)
    return f.type == FieldType.CHOICE and unicodedata.normalize("NFKC", text).strip() not in {
        unicodedata.normalize("NFKC", choice).strip() for choice in f.choices
    }


def _derived_kind(layout: ItemLayout, values: dict[str, str]) -> str:
    kinds = [k for k in layout.item.subject_kinds if k in SubjectKind.values]
    if len(kinds) == 1:
        return kinds[0]
    code = tidy(values.get(layout.uscc_field or IDENTIFIER, ""))
    if code:
        return BUSINESS if code.startswith(INDIVIDUAL_BUSINESS_PREFIX) else LEGAL
    if layout.id_field and values.get(layout.id_field):
        return PERSON
    # Nothing identifies the subject: any organisation kind, so that only that is reported.
    return next((k for k in kinds if k != PERSON), kinds[0] if kinds else LEGAL)


def _identifier_column(layout: ItemLayout, kind: str) -> str | None:
    if IDENTIFIER in layout.labels:
        return IDENTIFIER
    if kind == PERSON:
        return layout.id_field
    return layout.uscc_field


def locate_errors(
    layout: ItemLayout, row: RowSubmission, values: dict[str, str], row_number: int, errors: dict[str, list[str]]
) -> list[RowError]:
    """The row's problems as the user sees the file: row number, column label, reason, value.

    A consequence reported twice in one cell (an invalid code is both a wrong data field and a
    wrong subject identifier) is reported once: the field's own message is kept.
    """
    by_column: dict[str, list[str]] = {key: [message] for key, message in row.problems.items()}
    # The fields' own messages first, so that a subject's message about the same cell yields.
    for path, messages in sorted(errors.items(), key=lambda pair: pair[0].startswith("subject.")):
        column = _column_of(layout, row, path)
        if path.startswith("subject.") and column in by_column:
            continue
        kept = by_column.setdefault(column, [])
        kept.extend(message for message in messages if message not in kept)
    labels, order = layout.labels, {key: i for i, key in enumerate(layout.labels)}
    return [
        # The value is kept to show the department its cell; an ID number in it only masked.
        RowError(row_number, labels.get(column, ""), str(message),
                 mask_id_numbers_in_text(values.get(column, "")) if column else "")
        for column in sorted(by_column, key=lambda key: order.get(key, -1))
        for message in by_column[column]
    ]


def _column_of(layout: ItemLayout, row: RowSubmission, path: str) -> str:
    if path.startswith("data."):
        return path[len("data."):]
    return {
        "source_key": layout.key_column,
        "subject.name": layout.name_column,
        "subject.identifier": row.identifier_column or "",
        "subject.kind": row.kind_column or row.identifier_column or "",
    }.get(path, "")


# --- Templates ----------------------------------------------------------------------------------


def template_xlsx(item: CatalogItem) -> bytes:
    layout = layout_for(item)
    return build_xlsx_template(title=_template_title(item), columns=layout.columns, limits=import_limits(),
                               notes=item_notes(layout))


def template_csv(item: CatalogItem) -> bytes:
    return build_csv_template(columns=layout_for(item).columns)


def template_filename(item: CatalogItem, extension: str) -> str:
    return f"{item.name}-批量导入模板.{extension}"


def _template_title(item: CatalogItem) -> str:
    return _("%(name)s（%(code)s）批量导入模板") % {"name": item.name, "code": item.code}


def item_notes(layout: ItemLayout) -> list[str]:
    """How this item's file is read, in the words of the template (and of the upload page)."""
    labels, item = layout.labels, layout.item
    quoted = {key: f"“{label}”" for key, label in labels.items()}
    notes = [_subject_note(layout, quoted)]
    key = quoted[layout.key_column]
    notes.append(
        _("以%(key)s作为本单位的业务编号：同一编号再次导入时更新原记录（内容未变的不作改动，有变化的保留历史版本），"
          "不会重复新增；同一文件中同一编号只能出现一次。") % {"key": key}
    )
    if item.submission_deadline_workdays is not None:
        notes.append(_("报送时限：自决定作出之日起%(n)d个工作日内报送，逾期的记为逾期报送。")
                     % {"n": item.submission_deadline_workdays})
    notes.append(_("上传后平台先逐行校验全部数据，全部无误才一次性导入；任何一行有误则整批不导入，"
                   "并列出每个错误的行号、列和原因，可下载错误报告，改正后重新上传即可。"))
    return notes


def _subject_note(layout: ItemLayout, quoted: dict[str, str]) -> str:
    parts = [_("信息主体：%(name)s为主体名称") % {"name": quoted[layout.name_column]}]
    if layout.category_field or KIND in quoted:
        parts.append(_("按%(kind)s确定主体类别") % {"kind": quoted[layout.category_field or KIND]})
    if IDENTIFIER in quoted:
        parts.append(_("以%(id)s识别") % {"id": quoted[IDENTIFIER]})
    else:
        if layout.uscc_field:
            parts.append(_("法人及非法人组织、个体工商户以%(uscc)s识别") % {"uscc": quoted[layout.uscc_field]})
        if layout.id_field:
            parts.append(_("自然人以%(id)s（18位公民身份号码，证件类型填身份证）识别") % {"id": quoted[layout.id_field]})
    return "，".join(parts) + "。"


# --- Upload ---------------------------------------------------------------------------------------


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
    from .tasks import process_bulk_import

    item = responsible_item(provider, item_code)
    name = safe_filename(upload.name or "")
    _refuse_unfit_upload(upload, name)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    bulk_import = BulkImport(
        provider=provider, item_code=item.code, uploaded_by=actor, original_name=name, size=upload.size,
        sha256=digest.hexdigest(),
    )
    # The stored name is ours: nothing the uploader chose reaches the file system.
    bulk_import.original_file.save(f"{uuid.uuid4().hex}{PurePath(name).suffix.lower()}", upload, save=False)
    try:
        with transaction.atomic():
            bulk_import.save()
            record_event(
                action="bulkimport.create", actor=actor, obj=bulk_import,
                summary=f"{provider.name}上传{item.name}批量导入文件“{name}”",
                after={"provider": provider.code, "item": item.code, "file": name, "size": upload.size,
                       "sha256": bulk_import.sha256},
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


# --- Processing -----------------------------------------------------------------------------------

SYSTEM_FAILURE = gettext_lazy("处理过程中发生系统错误，未导入任何数据。请稍后重新上传；如仍失败，请联系市公共信用信息中心。")


def run_import(*, import_id: int, task_id: str = "") -> BulkImport | None:
    """Process a queued batch: check every row, then store all rows or none.

    Safe to call again: a batch that is finished, or being processed by another worker, is left
    alone (None); one whose worker died is taken over by its redelivered message (`task_id`) or
    queued again by the stuck-job sweep. A transient database error releases the batch for a
    retry and is raised.
    """
    bulk_import = _claim(import_id, task_id)
    if bulk_import is None:
        return None
    try:
        with pinned_calendar(), _fewer_collections():
            _process(bulk_import)
    except TRANSIENT_ERRORS:
        BulkImport.objects.filter(pk=import_id, status__in=_RUNNING).update(
            status=BulkImport.Status.QUEUED, queued_at=timezone.now())
        raise
    except Exception:  # noqa: BLE001 — whatever goes wrong, the batch must end, and nothing is imported
        logger.exception("bulk import %s failed", import_id)
        _finish(bulk_import, status=BulkImport.Status.FAILED, last_error=str(SYSTEM_FAILURE))
    bulk_import.refresh_from_db()
    return bulk_import


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cycle collector runs every 700 new containers: ~800 times for 20,000 rows, 15 %
    of an import's CPU, finding next to nothing (rows make no cycles). Less often meanwhile."""
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def fail_import(*, import_id: int) -> None:
    """End a batch that could not be processed even after retries."""
    BulkImport.objects.filter(pk=import_id, status__in=[BulkImport.Status.QUEUED, *_RUNNING]).update(
        status=BulkImport.Status.FAILED, last_error=str(SYSTEM_FAILURE), finished_at=timezone.now()
    )


# A lost connection, a failover, a deadlock or serialization failure: worth trying again.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
_RUNNING = [BulkImport.Status.VALIDATING, BulkImport.Status.IMPORTING]


def _claim(import_id: int, task_id: str) -> BulkImport | None:
    """Take the batch if it is queued, or held by this very message (`jobs.claimable`)."""
    if not jobs.claim(IMPORT_JOB, import_id, task_id=task_id, processed_rows=0, error_count=0, last_error=""):
        return None
    BulkRowError.objects.filter(bulk_import_id=import_id).delete()  # left by an interrupted run
    return BulkImport.objects.select_related("provider", "uploaded_by").get(pk=import_id)


def _finish(bulk_import: BulkImport, **changes) -> bool:
    changes.setdefault("finished_at", timezone.now())
    return bool(BulkImport.objects.filter(pk=bulk_import.pk, status__in=_RUNNING).update(**changes))


def _process(bulk_import: BulkImport) -> None:
    items = PublishedItems()
    try:
        item = responsible_item(bulk_import.provider, bulk_import.item_code, items)
    except ProviderNotResponsible as exc:  # the catalog changed since the upload
        _finish(bulk_import, status=BulkImport.Status.REJECTED, last_error=str(exc))
        return
    layout = layout_for(item)
    try:
        try:
            _process_once(bulk_import, layout, items)
        except IntegrityError:
            # Another channel created one of these records or subjects meanwhile: once more.
            BulkImport.objects.filter(pk=bulk_import.pk).update(processed_rows=0)
            _process_once(bulk_import, layout, items)
    except IntegrityError:
        _finish(bulk_import, status=BulkImport.Status.FAILED,
                last_error=_("导入时与同时进行的其他报送发生冲突，未导入任何数据，请重新上传。"))
    finally:
        cache.delete(_progress_key(bulk_import.pk))


def _process_once(bulk_import: BulkImport, layout: ItemLayout, items: PublishedItems) -> None:
    """One pass over the file: check each chunk of rows and store it at once, all in one
    transaction. At the first rejected row that transaction is rolled back, and the rest of the
    file is only checked, so that every error is reported; nothing of the batch is kept."""
    checker = _Checker(bulk_import, layout, items)
    try:
        with bulk_import.original_file.open("rb") as stream, open_table(
            stream, filename=bulk_import.original_name, columns=layout.columns, limits=import_limits()
        ) as table:
            BulkImport.objects.filter(pk=bulk_import.pk).update(total_rows=table.total_rows_hint or 0)
            chunks = _chunks(table.rows())
            if _check_and_store(bulk_import, checker, chunks):
                return
            checker.check_rest(chunks)
    except BulkFileError as exc:
        _finish(bulk_import, status=BulkImport.Status.REJECTED, last_error=exc.message,
                processed_rows=checker.rows_seen)
        return
    _reject(bulk_import, checker)


def _chunks(rows: Iterator[tuple[int, dict[str, str]]]) -> Iterator[list[tuple[int, dict[str, str]]]]:
    chunk: list[tuple[int, dict[str, str]]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _RowsRejected(Exception):
    """A chunk has a rejected row: leave the storing transaction (rolled back)."""


@dataclass
class _Totals:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    subjects_created: int = 0
    subjects_updated: int = 0
    name_mismatches: int = 0
    rows: int = 0

    def add(self, result: BatchResult, rows: int) -> None:
        for name in ("created", "updated", "unchanged", "subjects_created", "subjects_updated", "name_mismatches"):
            setattr(self, name, getattr(self, name) + getattr(result, name))
        self.rows += rows


def _check_and_store(bulk_import: BulkImport, checker: "_Checker", chunks) -> bool:
    """Check and store chunk after chunk in one transaction; True when all went in.

    The database writes one chunk (in the background, `BatchWriter`) while the next is checked.
    Rows are stored only while every row so far has passed; the transaction commits only when
    the whole file has, together with the batch's one audit event.
    """
    totals, digest = _Totals(), hashlib.sha256()
    try:
        with transaction.atomic(), BatchWriter(
            provider=bulk_import.provider, actor=bulk_import.uploaded_by, channel=Channel.FILE,
            received_at=bulk_import.created_at,
        ) as writer:
            for chunk in chunks:
                checked = checker.check_chunk(chunk)
                if checker.error_count:
                    checker.pending_checked = checked  # its kinds are checked after the rollback
                    raise _RowsRejected
                try:
                    result = writer.store([row for _number, row in checked])
                except BatchConflict as exc:
                    checker.pending_checked, checker.pending_conflict = checked, exc
                    raise _RowsRejected from None
                for (number, row), content in zip(checked, result.content_hashes, strict=True):
                    digest.update(f"{number}\t{row.source_key}\t{content}\n".encode())
                totals.add(result, len(checked))
            _record_batch_event(bulk_import, checker.layout.item, totals, digest.hexdigest())
            if not _finish(bulk_import, status=BulkImport.Status.SUCCEEDED, processed_rows=totals.rows,
                           total_rows=totals.rows, created_count=totals.created, updated_count=totals.updated,
                           unchanged_count=totals.unchanged, name_mismatch_count=totals.name_mismatches,
                           error_count=0):
                raise RuntimeError("the batch changed state while it was being imported")
    except _RowsRejected:
        return False
    return True


class _Checker:
    """Checks rows chunk by chunk with the submission pipeline's own `check_submission`, and
    keeps their errors (in the database, in chunks: memory stays flat whatever the file's size)."""

    def __init__(self, bulk_import: BulkImport, layout: ItemLayout, items: PublishedItems):
        self.bulk_import, self.layout, self.items = bulk_import, layout, items
        self.memo = CheckMemo()
        self.rows_seen = 0
        self.error_count = 0
        self.stored_errors = 0
        self.first_row_of_key: dict[str, int] = {}
        self._pending_errors: list[BulkRowError] = []
        # Left by the chunk that ended storing, for `check_rest`.
        self.pending_checked: list[tuple[int, CheckedSubmission]] = []
        self.pending_conflict: BatchConflict | None = None

    def check_chunk(self, chunk: list[tuple[int, dict[str, str]]]) -> list[tuple[int, CheckedSubmission]]:
        """The rows that passed; the others' errors are kept (written by `check_rest`)."""
        checked: list[tuple[int, CheckedSubmission]] = []
        for row_number, values in chunk:
            found = self._check_row(row_number, values)
            if isinstance(found, CheckedSubmission):
                checked.append((row_number, found))
            else:
                self._add_errors(found)
            self.rows_seen += 1
            if self.rows_seen % PROGRESS_EVERY == 0:
                _report_progress(self.bulk_import, self.rows_seen)
        return checked

    def check_rest(self, chunks: Iterator[list[tuple[int, dict[str, str]]]]) -> None:
        """After the storing transaction ended: the errors so far, then the rest of the file."""
        self._kind_errors(self.pending_checked, self.pending_conflict)
        self._flush_errors()
        for chunk in chunks:
            self._kind_errors(self.check_chunk(chunk))
            self._flush_errors()

    def _kind_errors(self, checked: list[tuple[int, CheckedSubmission]], conflict: BatchConflict | None = None) -> None:
        """Rows whose identifier belongs to a subject of another kind (as stored, outside the batch)."""
        conflicts = kind_conflicts([row for _number, row in checked])
        if conflict is not None and not conflicts:  # the rows disagree among themselves
            conflicts = {conflict.index: conflict.message}
        for index in sorted(conflicts):
            self._add_errors([RowError(checked[index][0], self._kind_label(), conflicts[index], "")])

    def _check_row(self, row_number: int, values: dict[str, str]) -> CheckedSubmission | list[RowError]:
        row = row_to_submission(self.layout, values)
        if row.source_key:
            first = self.first_row_of_key.setdefault(row.source_key, row_number)
            if first != row_number:
                row.problems.setdefault(self.layout.key_column, _(
                    "与第%(row)d行的业务编号相同；同一文件中每条记录只能出现一次") % {"row": first})
        try:
            checked = check_submission(
                provider=self.bulk_import.provider, item_code=self.layout.item.code, source_key=row.source_key,
                subject=row.subject, data=row.data, items=self.items, memo=self.memo,
            )
        except SubmissionInvalid as exc:
            return locate_errors(self.layout, row, values, row_number, exc.errors)
        if row.problems:
            return locate_errors(self.layout, row, values, row_number, {})
        return checked

    def _kind_label(self) -> str:
        layout = self.layout
        return layout.labels.get(layout.category_field or KIND) or layout.labels.get(layout.uscc_field or "", "")

    def _add_errors(self, errors: list[RowError]) -> None:
        self.error_count += len(errors)
        for error in errors:
            if self.stored_errors >= MAX_STORED_ERRORS:
                return
            self.stored_errors += 1
            self._pending_errors.append(BulkRowError(
                bulk_import_id=self.bulk_import.pk, row_number=error.row_number, column=error.column[:100],
                message=error.message[:500], value=error.value[:200],
            ))

    def _flush_errors(self) -> None:
        if self._pending_errors:
            BulkRowError.objects.bulk_create(self._pending_errors, batch_size=1_000)
            self._pending_errors = []


def _reject(bulk_import: BulkImport, checker: _Checker) -> None:
    """Nothing is imported; the errors stay on the page and go into a downloadable report."""
    errors = (
        RowError(e.row_number, e.column, e.message, e.value)
        for e in BulkRowError.objects.filter(bulk_import=bulk_import).order_by("row_number", "id").iterator(2_000)
    )
    report = build_error_report_xlsx(title=_("批量导入错误报告"), errors=_with_truncation_note(errors, checker))
    bulk_import.errors_file.save(f"{uuid.uuid4().hex}.xlsx", ContentFile(report), save=False)
    _finish(bulk_import, status=BulkImport.Status.REJECTED, error_count=checker.error_count,
            errors_file=bulk_import.errors_file.name, processed_rows=checker.rows_seen, total_rows=checker.rows_seen)


def _with_truncation_note(errors: Iterable[RowError], checker: _Checker) -> Iterator[RowError]:
    yield from errors
    if checker.error_count > checker.stored_errors:
        yield RowError(0, "", _("共有%(n)d处错误，仅列出前%(shown)d处；请先改正以上错误后重新上传。")
                       % {"n": checker.error_count, "shown": checker.stored_errors})


def _record_batch_event(bulk_import: BulkImport, item: CatalogItem, totals: _Totals, rows_digest: str) -> None:
    """One event for the whole batch (issue 3): the counts and a SHA-256 of its accepted rows.

    The digest covers, in file order, each row's number, 业务编号 and content hash (which itself
    covers the subject's identifier hash and every field value), so that the rows a batch
    imported can be proved afterwards from the kept original file.
    """
    record_event(
        action="bulkimport.import", actor=bulk_import.uploaded_by, obj=bulk_import,
        summary=(f"批量导入{item.name} {totals.rows} 条：新增 {totals.created}，更新 {totals.updated}，"
                 f"未变化 {totals.unchanged}（{bulk_import.original_name}）"),
        after={
            "provider": bulk_import.provider.code, "item": item.code, "file": bulk_import.original_name,
            "file_sha256": bulk_import.sha256, "rows": totals.rows, "rows_sha256": rows_digest,
            "created": totals.created, "updated": totals.updated, "unchanged": totals.unchanged,
            "subjects_created": totals.subjects_created, "subjects_updated": totals.subjects_updated,
            "name_mismatches": totals.name_mismatches,
        },
    )


# --- Progress -------------------------------------------------------------------------------------


def _progress_key(import_id: int) -> str:
    return f"bulkimport:{import_id}:imported"


def _report_progress(bulk_import: BulkImport, rows: int) -> None:
    """Rows are checked and stored inside one transaction, where an UPDATE of the batch would
    stay invisible until the end: progress goes through the cache (see `progress_of`)."""
    cache.set(_progress_key(bulk_import.pk), rows, timeout=3600)


def progress_of(bulk_import: BulkImport) -> dict:
    """What the progress endpoint answers while a batch is processed (and after)."""
    processed = bulk_import.processed_rows
    if bulk_import.status in _RUNNING:
        processed = max(processed, cache.get(_progress_key(bulk_import.pk)) or 0)
    total = max(bulk_import.total_rows, processed)
    finished = bulk_import.status not in (BulkImport.Status.QUEUED, *_RUNNING)
    return {
        "status": bulk_import.status,
        "status_label": str(bulk_import.get_status_display()),
        "processed": processed,
        "total": total,
        "percent": 100 if finished else (int(processed * 100 / total) if total else 0),
        "finished": finished,
    }
