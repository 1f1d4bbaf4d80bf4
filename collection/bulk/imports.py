"""Processing a bulk import (批量导入, SPEC §3): an uploaded XLSX/CSV file of one catalog item, all
or nothing. The file's columns are read as `collection.bulk.layout` lays them out; the upload is
received by `collection.bulk.uploads`.

Processing (`run_import`) reads the file once, checking each chunk of rows with the submission
pipeline's own `check_submission` and storing it (`BatchWriter`, what `submit_checked_batch`
uses) inside one transaction, which commits only when every row has passed: a single rejected row rolls it all
back, and the rest of the file is then only checked, so that every error is reported.
"""

import gc
import hashlib
import logging
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record_event
from catalog.models import CatalogItem
from nantong_credit import jobs
from nantong_credit.workdays import pinned_calendar

from ..jobs import IMPORT_JOB
from ..models import BulkImport, BulkRowError, Channel
from ..selectors import PublishedItems
from ..services.batch import BatchConflict, BatchResult, BatchWriter, kind_conflicts
from ..services.checks import CheckedSubmission, CheckMemo, check_submission
from ..services.errors import ProviderNotResponsible, SubmissionInvalid
from . import BulkFileError, RowError, build_error_report_xlsx, open_table
from .layout import KIND, ItemLayout, import_limits, layout_for, locate_errors, row_to_submission
from .uploads import responsible_item

logger = logging.getLogger(__name__)

CHUNK_ROWS = 2_000
GC_THRESHOLD = 50_000
PROGRESS_EVERY = 1_000
MAX_STORED_ERRORS = 100_000

SYSTEM_FAILURE = gettext_lazy(
    "处理过程中发生系统错误，未导入任何数据。请稍后重新上传；如仍失败，请联系市公共信用信息中心。"
)


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
            status=BulkImport.Status.QUEUED, queued_at=timezone.now()
        )
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
        _finish(
            bulk_import,
            status=BulkImport.Status.FAILED,
            last_error=_("导入时与同时进行的其他报送发生冲突，未导入任何数据，请重新上传。"),
        )
    finally:
        cache.delete(_progress_key(bulk_import.pk))


def _process_once(bulk_import: BulkImport, layout: ItemLayout, items: PublishedItems) -> None:
    """One pass over the file: check each chunk of rows and store it at once, all in one
    transaction. At the first rejected row that transaction is rolled back, and the rest of the
    file is only checked, so that every error is reported; nothing of the batch is kept."""
    checker = _Checker(bulk_import, layout, items)
    try:
        with (
            bulk_import.original_file.open("rb") as stream,
            open_table(
                stream, filename=bulk_import.original_name, columns=layout.columns, limits=import_limits()
            ) as table,
        ):
            BulkImport.objects.filter(pk=bulk_import.pk).update(total_rows=table.total_rows_hint or 0)
            chunks = _chunks(table.rows())
            if _check_and_store(bulk_import, checker, chunks):
                return
            checker.check_rest(chunks)
    except BulkFileError as exc:
        _finish(
            bulk_import, status=BulkImport.Status.REJECTED, last_error=exc.message, processed_rows=checker.rows_seen
        )
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
        with (
            transaction.atomic(),
            BatchWriter(
                provider=bulk_import.provider,
                actor=bulk_import.uploaded_by,
                channel=Channel.FILE,
                received_at=bulk_import.created_at,
            ) as writer,
        ):
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
            if not _finish(
                bulk_import,
                status=BulkImport.Status.SUCCEEDED,
                processed_rows=totals.rows,
                total_rows=totals.rows,
                created_count=totals.created,
                updated_count=totals.updated,
                unchanged_count=totals.unchanged,
                name_mismatch_count=totals.name_mismatches,
                error_count=0,
            ):
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
                row.problems.setdefault(
                    self.layout.key_column,
                    _("与第%(row)d行的业务编号相同；同一文件中每条记录只能出现一次") % {"row": first},
                )
        try:
            checked = check_submission(
                provider=self.bulk_import.provider,
                item_code=self.layout.item.code,
                source_key=row.source_key,
                subject=row.subject,
                data=row.data,
                items=self.items,
                memo=self.memo,
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
            self._pending_errors.append(
                BulkRowError(
                    bulk_import_id=self.bulk_import.pk,
                    row_number=error.row_number,
                    column=error.column[:100],
                    message=error.message[:500],
                    value=error.value[:200],
                )
            )

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
    _finish(
        bulk_import,
        status=BulkImport.Status.REJECTED,
        error_count=checker.error_count,
        errors_file=bulk_import.errors_file.name,
        processed_rows=checker.rows_seen,
        total_rows=checker.rows_seen,
    )


def _with_truncation_note(errors: Iterable[RowError], checker: _Checker) -> Iterator[RowError]:
    yield from errors
    if checker.error_count > checker.stored_errors:
        yield RowError(
            0,
            "",
            _("共有%(n)d处错误，仅列出前%(shown)d处；请先改正以上错误后重新上传。")
            % {"n": checker.error_count, "shown": checker.stored_errors},
        )


def _record_batch_event(bulk_import: BulkImport, item: CatalogItem, totals: _Totals, rows_digest: str) -> None:
    """One event for the whole batch (issue 3): the counts and a SHA-256 of its accepted rows.

    The digest covers, in file order, each row's number, 业务编号 and content hash (which itself
    covers the subject's identifier hash and every field value), so that the rows a batch
    imported can be proved afterwards from the kept original file.
    """
    record_event(
        action="bulkimport.import",
        actor=bulk_import.uploaded_by,
        obj=bulk_import,
        summary=(
            f"批量导入{item.name} {totals.rows} 条：新增 {totals.created}，更新 {totals.updated}，"
            f"未变化 {totals.unchanged}（{bulk_import.original_name}）"
        ),
        after={
            "provider": bulk_import.provider.code,
            "item": item.code,
            "file": bulk_import.original_name,
            "file_sha256": bulk_import.sha256,
            "rows": totals.rows,
            "rows_sha256": rows_digest,
            "created": totals.created,
            "updated": totals.updated,
            "unchanged": totals.unchanged,
            "subjects_created": totals.subjects_created,
            "subjects_updated": totals.subjects_updated,
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
