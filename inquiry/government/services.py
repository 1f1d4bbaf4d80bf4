"""Batch credit checks for government use (Art. 12): an official uploads or pastes the list of
subjects of a procurement, a subsidy or an evaluation and gets back, per subject, whether it has
current dishonesty records, warning records (Art. 23) or commendations, and its commitments.

"Current" is what the public subject page shows today (`collection.visibility.public_records`),
so that every figure matches the page the result links to. A warning record is also a dishonesty
record in the catalog; it is counted under warnings only, so that no record is counted twice.
Dishonesty records that are never published (轻微·不公示, SPEC §2) are counted apart, within their
period, so that the official sees them marked as such and the public figures stay the page's.

Lines are read and judged before anything is stored; bad lines are kept as rows with the reason,
so the official sees every line of the list, in order, with what became of it.
"""

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record_event
from catalog.models import Category
from collection.bulk.detect import OLE2_MAGIC, ZIP_MAGICS, check_xlsx_archive
from collection.bulk.errors import BulkFileError
from collection.bulk.limits import Limits
from collection.bulk.xlsx_table import open_workbook
from collection.identifiers import diagnose_code, mask_identifier, tidy
from collection.models import CreditRecord, Subject
from collection.names.matching import comparable_name, same_name
from collection.visibility import public_filter, withheld_public_filter
from nantong_credit import jobs
from nantong_credit.model_fields import max_length
from nantong_credit.notifications import absolute_url
from nantong_credit.spreadsheets import HEADER, SpreadsheetWriter

from ..jobs import BATCH_CHECK_JOB
from ..models import BatchCheck, BatchCheckRow, CreditCommitment, QueryLog
from ..querylog import log_query
from ..search import public_subjects

logger = logging.getLogger(__name__)

MAX_SUBJECTS = 5_000
# Up to this many subjects the check runs while the official waits; longer lists go to a task.
INLINE_LIMIT = 50
MAX_SHEET_ROWS = 20_000
MAX_FILE_BYTES = 5 * 1024 * 1024
# The reader's own bounds (collection.bulk.xlsx_guard); its row bound stays the bulk default so
# that rows Excel writes for blank but formatted lines past MAX_SHEET_ROWS are not refused.
LIST_LIMITS = Limits(max_bytes=MAX_FILE_BYTES, max_columns=50)
CHUNK = 500
CODE_MAX = max_length(BatchCheckRow, "code")
NAME_MAX = max_length(BatchCheckRow, "name")
MESSAGE_MAX = BatchCheckRow._meta.get_field("message").max_length
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
UNKNOWN_SUBJECT = gettext_lazy("平台暂无该主体的信用信息")
SYSTEM_FAILURE = gettext_lazy("核查过程中发生系统错误，请稍后重新提交名单；如仍失败，请联系市公共信用信息中心。")

# Where the code ends and a name begins on a pasted line: a tab, a comma or the like, or the
# first character that cannot be part of a code (e.g. the first Chinese character).
_DELIMITERS = re.compile(r"[\t,，;；|]")
_CODE_PART = re.compile(r"^([0-9A-Za-z０-９Ａ-Ｚａ-ｚ \u3000\-－]*)(.*)$", re.S)
_ID_NUMBER_IN_TEXT = re.compile(r"[0-9０-９]{17}[0-9０-９XxＸｘ]")


class ListRejected(Exception):
    """A list that cannot be checked at all; `message` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


@dataclass(frozen=True)
class ListLine:
    """One line of the list: the normalised code, or `error` and the line as typed (masked)."""

    line: int
    code: str
    name: str = ""
    error: str = ""


# --- Reading the list -------------------------------------------------------------------------


def parse_pasted(text: str) -> list[ListLine]:
    """One subject per line: a code, optionally followed by the name."""
    entries: list[tuple[int, str, str]] = []
    for number, raw in enumerate(str(text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        if not entries and _is_header(raw):
            continue
        code, name = _split_line(raw)
        entries.append((number, code, name))
    return _judge(entries)


def _split_line(raw: str) -> tuple[str, str]:
    raw = raw.strip()
    parts = _DELIMITERS.split(raw, maxsplit=1)
    if len(parts) == 2:
        return parts[0], parts[1]
    match = _CODE_PART.match(raw)
    assert match is not None  # the pattern matches any text: both parts may be empty
    return match.group(1), match.group(2)


def _is_header(text: str) -> bool:
    """A first line such as "统一社会信用代码 名称": words, no digits."""
    return "代码" in text and not re.search(r"\d", text)


def parse_xlsx(upload) -> list[ListLine]:
    """The first sheet of an .xlsx file: codes in the column headed "…代码…" (or column A), names in
    the column headed "…名称…" (or column B). Row numbers are Excel's."""
    return _judge(read_xlsx_lines(upload))


def read_xlsx_lines(upload) -> list[tuple[int, str, str]]:
    """(row number, code, name) of every non-blank line of the list, not judged yet. The file is
    read within LIST_LIMITS, as a bulk import is (collection.bulk.xlsx_guard)."""
    stream = _checked_workbook_stream(upload)
    try:
        book = open_workbook(stream, limits=LIST_LIMITS)
    except BulkFileError as exc:
        raise ListRejected(exc.message) from None
    try:
        sheets = book.workbook.worksheets
        return _sheet_entries(sheets[0]) if sheets else []
    except ListRejected:
        raise
    except BulkFileError as exc:
        raise ListRejected(exc.message) from None
    except Exception as exc:  # noqa: BLE001 — a broken sheet part surfaces while streaming rows
        logger.info("unreadable batch check sheet: %r", exc)
        raise ListRejected(_("文件已损坏或格式不规范，无法读取。请用 Excel 打开后另存为 .xlsx 再上传。")) from None
    finally:
        book.close()


def _checked_workbook_stream(upload):
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise ListRejected(_("文件是空的。"))
    if size > MAX_FILE_BYTES:
        raise ListRejected(_("文件大小超过5 MB的上限，请拆分名单后分批核查。"))
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(OLE2_MAGIC):
        raise ListRejected(_("不支持旧版 .xls 或设置了密码的 Excel 文件，请另存为 .xlsx 后上传。"))
    if not head.startswith(ZIP_MAGICS):
        raise ListRejected(_("文件不是 Excel（.xlsx）文件。文本或 CSV 名单请直接复制粘贴到文本框中。"))
    stream = getattr(upload, "file", upload)
    try:
        check_xlsx_archive(stream, LIST_LIMITS)  # zip directory only: refuses bombs before reading
    except BulkFileError as exc:
        raise ListRejected(exc.message) from None
    stream.seek(0)
    return stream


def _sheet_entries(sheet) -> list[tuple[int, str, str]]:
    sheet.reset_dimensions()  # the stored dimension is only a claim; rows are bounded below
    entries: list[tuple[int, str, str]] = []
    code_col, seen_first = 0, False
    name_col: int | None = 1
    rows = sheet.iter_rows(max_row=MAX_SHEET_ROWS + 1, max_col=LIST_LIMITS.max_columns)
    for number, row in enumerate(rows, start=1):  # read-only sheets yield blank rows too
        texts = [_cell_text(cell) for cell in row]
        if not any(texts):
            continue
        if number > MAX_SHEET_ROWS:
            raise ListRejected(_("名单超过%(n)d行，请拆分后分批核查。") % {"n": MAX_SHEET_ROWS})
        if not seen_first:
            seen_first = True
            header = _header_columns(texts)
            if header is not None:
                code_col, name_col = header
                continue
        code = texts[code_col] if code_col < len(texts) else ""
        name = texts[name_col] if name_col is not None and name_col < len(texts) else ""
        entries.append((number, code, name))
    return entries


def _header_columns(texts: list[str]) -> tuple[int, int | None] | None:
    codes = [i for i, text in enumerate(texts) if "代码" in text and not re.search(r"\d", text)]
    if not codes:
        return None
    names = [i for i, text in enumerate(texts) if "名称" in text or "单位" in text]
    return codes[0], (names[0] if names else None)


def _cell_text(cell) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if getattr(cell, "data_type", "") == "f":
        return "=" + str(value).lstrip("=")  # judged (and refused) as a code like any other text
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 10**15:
            return str(int(value))
        return "#number"  # an 18-digit code typed as a number: Excel kept 15 digits only
    return str(value).strip()


def _judge(entries: Iterable[tuple[int, str, str]]) -> list[ListLine]:
    lines: list[ListLine] = []
    first_seen: dict[str, int] = {}
    for number, raw_code, raw_name in entries:
        name = _clean_name(raw_name)
        code, error = normalise_code(raw_code)
        key = code or f"name:{comparable_name(name)}"
        if not code and not name and not error:
            error = _("未填写统一社会信用代码或名称")
        elif not error and key in first_seen:
            error = _("与第%(n)d行重复") % {"n": first_seen[key]}
        elif not error:
            first_seen[key] = number
        lines.append(ListLine(number, code[:CODE_MAX], name, error[:MESSAGE_MAX]))
        if len(lines) > MAX_SUBJECTS:
            raise ListRejected(_("名单超过%(n)d个主体，请拆分后分批核查。") % {"n": MAX_SUBJECTS})
    if not lines:
        raise ListRejected(_("名单中没有统一社会信用代码。请每行填写一个代码（可在代码后用逗号或Tab隔开填写名称）。"))
    return lines


def normalise_code(raw: str) -> tuple[str, str]:
    """(code, "") as public search reads it (`diagnose_code`), or (the line as typed, masked; why).
    No code at all is ("", ""): the line is looked up by its name."""
    value = tidy(raw)
    if not value:
        return "", ""
    if value == "#NUMBER":
        return value, _("代码被 Excel 存成了数字，后几位已丢失。请把该列设为“文本”后重新填写代码")
    if value.startswith("="):
        return "", _("单元格是公式，请改为代码文本")
    diagnosis = diagnose_code(value)
    if not diagnosis.problem:
        return diagnosis.value, ""
    if diagnosis.id_number:
        return diagnosis.shown, _("名单只接受统一社会信用代码，该行像是公民身份号码（已隐去）")
    if Subject.objects.filter(code=diagnosis.value).exists():
        return diagnosis.value, ""  # an early pilot code with an irregular check character, known as such
    # A whole 18-character value is no ID number (diagnosed above); one inside longer text is masked.
    return (value if len(value) == 18 else _masked_text(value)), diagnosis.problem


def _masked_text(text: str) -> str:
    """Whatever was typed, with anything shaped like an ID number masked (SPEC §2)."""
    return _ID_NUMBER_IN_TEXT.sub(lambda m: mask_identifier(m.group(0)), text)


def _clean_name(raw: str) -> str:
    name = _masked_text(" ".join(str(raw or "").split()))
    return name.strip(" ,，;；|")[:NAME_MAX]


# --- Running a check --------------------------------------------------------------------------


def start_batch_check(*, actor, purpose: str, lines: list[ListLine], source_name: str = "") -> BatchCheck:
    """Store the list and run it: now if it is short, in a task after commit if it is long."""
    from ..tasks import run_batch_check_task

    purpose = str(purpose or "").strip()
    if not purpose:
        raise ListRejected(_("请填写核查用途，如“2026年度市级专项资金申报审核”"))
    with transaction.atomic():
        batch = BatchCheck.objects.create(
            requested_by=actor, purpose=purpose[:300], source_name=source_name[:255], total=len(lines)
        )
        BatchCheckRow.objects.bulk_create(
            [
                BatchCheckRow(batch=batch, line=item.line, code=item.code, name=item.name, message=item.error)
                for item in lines
            ],
            batch_size=CHUNK,
        )
        record_event(
            action="batch_check.start",
            actor=actor,
            obj=batch,
            summary=f"{actor.get_username()} 提交批量信用核查（{len(lines)}行）：{purpose[:100]}",
            after={
                "purpose": batch.purpose,
                "source": batch.source_name,
                "lines": len(lines),
                "bad_lines": sum(1 for item in lines if item.error),
            },
        )
        if len(lines) > INLINE_LIMIT:
            transaction.on_commit(lambda: run_batch_check_task.delay(batch.pk))
    if len(lines) <= INLINE_LIMIT:
        run_batch_check(batch_id=batch.pk)
        batch.refresh_from_db()
    return batch


def run_batch_check(*, batch_id: int, task_id: str = "") -> BatchCheck | None:
    """Check every row still unchecked. Safe to call again: a batch that is finished or being
    checked by another worker is left alone; an interrupted one resumes where it stopped (taken
    over by its redelivered message `task_id`, or queued again by the stuck-job sweep)."""
    if not jobs.claim(BATCH_CHECK_JOB, batch_id, task_id=task_id):
        return None
    batch = BatchCheck.objects.select_related("requested_by").get(pk=batch_id)
    try:
        _check_rows(batch)
    except TRANSIENT_ERRORS:
        BatchCheck.objects.filter(pk=batch_id, status=BatchCheck.Status.RUNNING).update(
            status=BatchCheck.Status.QUEUED, queued_at=timezone.now()
        )
        raise
    except Exception:  # noqa: BLE001 — whatever goes wrong, the batch must end and say so
        logger.exception("batch check %s failed", batch_id)
        fail_batch_check(batch_id=batch_id)
        return BatchCheck.objects.get(pk=batch_id)
    _finish(batch)
    return batch


def fail_batch_check(*, batch_id: int) -> None:
    BatchCheck.objects.filter(pk=batch_id, status__in=[BatchCheck.Status.QUEUED, BatchCheck.Status.RUNNING]).update(
        status=BatchCheck.Status.FAILED, error=str(SYSTEM_FAILURE), finished_at=timezone.now()
    )


def unchecked_rows(batch: BatchCheck):
    """Rows neither refused when read nor checked yet."""
    return batch.rows.filter(subject__isnull=True, message="")


def _check_rows(batch: BatchCheck) -> None:
    today = timezone.localdate()
    while True:
        rows = list(unchecked_rows(batch).order_by("line")[:CHUNK])
        if not rows:
            return
        with transaction.atomic():
            _check_chunk(batch, rows, today)


def _check_chunk(batch: BatchCheck, rows: list[BatchCheckRow], today: dt.date) -> None:
    found = _subjects_of(batch, rows)
    ids = [s.pk for s in found.values() if isinstance(s, Subject)]
    counts = _record_counts(ids, today)
    commitments = dict(
        CreditCommitment.objects.filter(subject_id__in=ids, is_public=True)
        .values_list("subject_id")
        .annotate(n=Count("id"))
    )
    for row in rows:
        subject = found[row.pk]
        if not isinstance(subject, Subject):
            row.message = subject
            continue
        _fill_row(row, subject, counts.get(subject.pk, {}), commitments.get(subject.pk, 0))
        log_query(
            kind=QueryLog.Kind.GOVERNMENT,
            actor=batch.requested_by,
            subject=subject,
            purpose=batch.purpose,
            terms=subject.code or "",
        )
    BatchCheckRow.objects.bulk_update(
        rows,
        [
            "subject",
            "code",
            "name",
            "dishonesty_count",
            "withheld_count",
            "warning_count",
            "commendation_count",
            "commitment_count",
            "message",
        ],
    )


def _subjects_of(batch: BatchCheck, rows: list[BatchCheckRow]) -> dict[int, Subject | str]:
    """Per row, its subject or why there is none: by code, or for a line without one by its exact
    registered name. Natural persons are never found by name (Art. 11)."""
    by_code = {s.code: s for s in Subject.objects.filter(code__in=[row.code for row in rows if row.code])}
    by_name: dict[str, list[Subject]] = {}
    named = public_subjects().filter(name__in={row.name for row in rows if not row.code}).order_by("pk")
    for subject in named:
        by_name.setdefault(subject.name, []).append(subject)
    found: dict[int, Subject | str] = {}
    for row in rows:
        if row.code:
            matches = [by_code[row.code]] if row.code in by_code else []
        else:
            matches = by_name.get(row.name, [])
        if len(matches) > 1:
            found[row.pk] = (
                _("平台中有%(n)d个主体名称均为“%(name)s”，请填写统一社会信用代码")
                % {"n": len(matches), "name": row.name}
            )[:MESSAGE_MAX]
        else:
            found[row.pk] = matches[0] if matches else str(UNKNOWN_SUBJECT)
    return _without_listed_codes(batch, rows, found)


def _without_listed_codes(batch: BatchCheck, rows: list[BatchCheckRow], found: dict) -> dict:
    """A subject found by name whose code another line lists is that line's duplicate."""
    by_name = {row.pk: found[row.pk].code for row in rows if not row.code and isinstance(found[row.pk], Subject)}
    listed = dict(
        batch.rows.filter(code__in=set(by_name.values()))
        .exclude(pk__in=list(by_name))
        .order_by("-line")
        .values_list("code", "line")
    )
    for pk, code in by_name.items():
        if code in listed:
            found[pk] = _("与第%(n)d行重复") % {"n": listed[code]}
    return found


def _record_counts(subject_ids: list[int], today: dt.date) -> dict[int, dict]:
    published = Q(publication_withheld=False)
    warning = published & Q(catalog_item__is_warning=True)
    rows = (
        CreditRecord.objects.filter(public_filter(today) | withheld_public_filter(today), subject_id__in=subject_ids)
        .values("subject_id")
        .annotate(
            dishonesty=Count("id", filter=published & Q(is_dishonesty=True, catalog_item__is_warning=False)),
            withheld=Count("id", filter=Q(publication_withheld=True, is_dishonesty=True)),
            warning=Count("id", filter=warning),
            commendation=Count("id", filter=published & Q(category=Category.COMMENDATION)),
        )
    )
    return {row["subject_id"]: dict(row) for row in rows}


def _fill_row(row: BatchCheckRow, subject: Subject, counts: dict, commitments: int) -> None:
    listed_name, by_name = row.name, not row.code
    row.subject = subject
    row.code = (subject.code or "")[:CODE_MAX]
    row.name = subject.name[:NAME_MAX]
    row.dishonesty_count = counts.get("dishonesty", 0)
    row.withheld_count = counts.get("withheld", 0)
    row.warning_count = counts.get("warning", 0)
    row.commendation_count = counts.get("commendation", 0)
    row.commitment_count = commitments
    if by_name:
        row.message = _("名单未填写代码，按名称查到")
    elif listed_name and not same_name(listed_name, subject.name):
        row.message = (_("名单中的名称“%(listed)s”与登记名称不一致，请核对") % {"listed": listed_name})[:MESSAGE_MAX]


def _finish(batch: BatchCheck) -> None:
    with transaction.atomic():
        summary = batch_summary(batch)
        updated = BatchCheck.objects.filter(pk=batch.pk, status=BatchCheck.Status.RUNNING).update(
            status=BatchCheck.Status.DONE, finished_at=timezone.now(), error=""
        )
        if updated:
            record_event(
                action="batch_check.done",
                actor=batch.requested_by,
                obj=batch,
                summary=f"批量信用核查完成：{summary.checked}个主体，{summary.with_dishonesty}个有失信信息",
                after=summary.__dict__,
            )
    batch.refresh_from_db()


# --- Results ----------------------------------------------------------------------------------


@dataclass
class BatchSummary:
    lines: int
    checked: int
    unknown: int
    bad: int
    with_dishonesty: int
    with_warning: int
    with_commendation: int


def batch_summary(batch: BatchCheck) -> BatchSummary:
    rows = batch.rows.all()
    found = rows.filter(subject__isnull=False)
    return BatchSummary(
        lines=rows.count(),
        checked=found.count(),
        unknown=rows.filter(subject__isnull=True, message=str(UNKNOWN_SUBJECT)).count(),
        bad=rows.filter(subject__isnull=True).exclude(message__in=["", str(UNKNOWN_SUBJECT)]).count(),
        with_dishonesty=found.filter(dishonesty_count__gt=0).count(),
        with_warning=found.filter(warning_count__gt=0).count(),
        with_commendation=found.filter(commendation_count__gt=0).count(),
    )


def checks_of(user):
    return BatchCheck.objects.filter(requested_by=user).order_by("-created_at", "-id")


def subject_path(code: str) -> str:
    return f"/subjects/{code}/"


RESULT_HEADERS = [
    gettext_lazy("序号"),
    gettext_lazy("统一社会信用代码"),
    gettext_lazy("主体名称"),
    gettext_lazy("失信信息（条）"),
    gettext_lazy("轻微·不公示（条）"),
    gettext_lazy("警示信息（条）"),
    gettext_lazy("良好信息（条）"),
    gettext_lazy("信用承诺（项）"),
    gettext_lazy("核查结论"),
    gettext_lazy("说明"),
    gettext_lazy("信用信息页面"),
]


def conclusion(row: BatchCheckRow) -> str:
    if row.subject_id is None:
        return _("未核查")
    findings = []
    if row.dishonesty_count:
        findings.append(_("有失信信息"))
    if row.withheld_count:
        findings.append(_("有轻微失信信息（不公示）"))
    if row.warning_count:
        findings.append(_("有警示信息"))
    if row.commendation_count:
        findings.append(_("有良好信息"))
    return "、".join(findings) or _("未发现失信、警示或良好信息")


def result_xlsx(batch: BatchCheck) -> bytes:
    """The result as a sheet, row by row."""
    writer = SpreadsheetWriter(title=_("批量信用核查结果"))
    sheet = writer.add_sheet(_("核查结果"), widths=(6, 22, 36, 10, 10, 10, 10, 10, 28, 40, 48))
    sheet.append([_("核查用途"), batch.purpose])
    sheet.append([_("核查时间"), timezone.localtime(batch.finished_at or batch.created_at).strftime("%Y-%m-%d %H:%M")])
    sheet.append(RESULT_HEADERS, style=HEADER)
    for row in _rows_in_order(batch):
        sheet.append(_result_cells(row))
    return writer.to_bytes()


def _rows_in_order(batch: BatchCheck) -> Iterator[BatchCheckRow]:
    return batch.rows.order_by("line").iterator(chunk_size=CHUNK)


def _result_cells(row: BatchCheckRow) -> list:
    found = row.subject_id is not None
    numbers = [
        row.dishonesty_count,
        row.withheld_count,
        row.warning_count,
        row.commendation_count,
        row.commitment_count,
    ]
    return [
        row.line,
        row.code,
        row.name,
        *(numbers if found else [None] * len(numbers)),
        conclusion(row),
        row.message,
        absolute_url(subject_path(row.code)) if found else "",
    ]


# --- Commitments ------------------------------------------------------------------------------


def subject_by_code(code: str) -> Subject | None:
    """An organisation or individual business by its normalised 统一社会信用代码."""
    return Subject.objects.filter(code=code).first() if code else None


def recorded_commitments(code: str = ""):
    """Commitments as the agencies see them (public or not), newest first, optionally of one subject."""
    commitments = CreditCommitment.objects.select_related("subject", "recorded_by").order_by("-recorded_at", "-id")
    if code:
        commitments = commitments.filter(subject__code=code)
    return commitments
