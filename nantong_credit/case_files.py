"""Case files (案卷, Art. 20): the PDF bundle of a closed case — an objection or a credit repair
application — made once when the case closes, stored with its hash and registered in the archive.

A case file holds what an archivist needs to reconstruct the case without the platform: its
timeline (every step, when, by which party and person), its deadlines and whether they were
met, the decisions with their reasons, the records it concerns (their public fields, plus the
fields the case itself concerns, such as a correction's before and after; a natural person's ID
number only ever masked) and the list of its evidence files (name, size, SHA-256, who uploaded
them and when; the files themselves stay where they are, their hashes tie them to the bundle).

Each app says what its case files contain (`CaseFileContent`) and declares a `CaseFiles`: the
kernel imports no app, so the app hands it the archive's registration and the audit trail's
`record_event`, as it does for its `CaseWorkflow`. `CaseFiles.make(case_id)` is what the app's
Celery task and the backfill command call: idempotent, one case file per case, however often and
from however many workers it runs (the case row is locked while the file is stored, and the
file's row has a one-to-one key to its case).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .case_models import CaseEvidence
from .log_filters import mask_id_numbers
from .pdf import RenderedPdf, render_pdf

logger = logging.getLogger(__name__)

TEMPLATE = "case_files/pdf/case_file.html"


# --- What a case file contains --------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    occurred_at: dt.datetime
    label: str  # the step, e.g. 转信息提供单位核查
    role: str  # the party that took it: 申请人, 市信用信息中心, 信息提供单位, 系统
    actor: str  # who, as the case's timeline names them
    note: str = ""


@dataclass(frozen=True)
class DeadlineRow:
    title: str
    basis: str
    due_text: str  # the last day, e.g. 2026年12月14日24:00
    done_at: dt.datetime | None
    met: bool | None  # None: it never had to be met (the case ended otherwise first)
    remark: str = ""

    @property
    def result(self) -> str:
        if self.met is None:
            return self.remark or "不适用"
        return "按期办理" if self.met else "逾期办理"


@dataclass(frozen=True)
class RecordBlock:
    title: str  # item name and the provider's document number
    rows: list[tuple[str, str]]  # the record's own facts: provider, dates, status
    fields: list[tuple[str, str]]  # its public fields and those the case concerns
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)


@dataclass(frozen=True)
class EvidenceRow:
    name: str
    kind: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: dt.datetime


@dataclass(frozen=True)
class CaseFileContent:
    heading: str  # 异议案卷 / 信用修复案卷
    case_number: str
    title: str  # also the archive entry's title
    result: str  # how the case ended, in one line
    case_rows: list[tuple[str, str]]  # subject, applicant, provider, dates
    timeline: list[TimelineRow]
    deadlines: list[DeadlineRow]
    decisions: list[tuple[str, str]]  # (whose decision or statement, its text)
    records: list[RecordBlock]
    evidence: list[EvidenceRow]


def masked(text: object) -> str:
    """Free text of a case (statements, reasons, file names) as a case file prints it: anything
    shaped like an ID number masked, whoever typed it where."""
    return mask_id_numbers(str(text or ""))


def evidence_rows(files: Iterable[CaseEvidence], *, kind: Callable[[Any], str], uploader: Callable[[Any], str]):
    return [
        EvidenceRow(
            name=masked(evidence.original_name),
            kind=kind(evidence),
            size=evidence.size,
            sha256=evidence.sha256,
            uploaded_by=uploader(evidence),
            uploaded_at=evidence.uploaded_at,
        )
        for evidence in files
    ]


def field_rows(record: Any, *, concerned: Iterable[str] = ()) -> list[tuple[str, str]]:
    """A record's public fields in the catalog's order, and the non-public ones the case
    concerns (a field an objection corrected); empty values left out."""
    wanted = set(concerned)
    rows = []
    for catalog_field in record.catalog_item.fields.all():
        if not (catalog_field.is_public or catalog_field.key in wanted):
            continue
        value = record.data.get(catalog_field.key)
        if value not in (None, "", []):
            rows.append((catalog_field.label, display(value)))
    return rows


def field_labels(record: Any) -> dict[str, str]:
    return {catalog_field.key: catalog_field.label for catalog_field in record.catalog_item.fields.all()}


def display(value: object) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "；".join(str(item) for item in value)
    return masked(value)


def cn_date(day: dt.date | dt.datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day)
    return f"{day.year}年{day.month}月{day.day}日"


def cn_moment(moment: dt.datetime | None) -> str:
    return "" if moment is None else timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --- The PDF ---------------------------------------------------------------------------------------


def case_file_html(content: CaseFileContent, *, made_at: dt.datetime) -> str:
    with translation.override("zh-hans"):
        return render_to_string(
            TEMPLATE,
            {
                "c": content,
                "made_at": timezone.localtime(made_at),
                "site_name": settings.SITE_NAME,
                "center_name": settings.CENTER_NAME,
            },
        )


def render_case_file(content: CaseFileContent, *, made_at: dt.datetime) -> RenderedPdf:
    return render_pdf(case_file_html(content, made_at=made_at))


# --- Making each case file once ---------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFiles:
    """How one app makes the case files of its closed cases (see module docstring).

    `file_model` is a `CaseFile` whose one-to-one key to the case is `case_field`; `register`
    registers a stored case file in the archive (`register(case_file, title=..., actor=None)`)
    and returns the archive entry's number; `event` is the audit action of making one.
    """

    # Typed Any: each case model has its own `objects` and `status`, which no base declares.
    case_model: type[Any]
    file_model: type[Any]
    case_field: str
    closed: tuple[str, ...]
    content: Callable[[Any], CaseFileContent]
    register: Callable[..., str]
    record_event: Callable[..., Any]
    event: str
    closed_field: str  # when the case closed: the sweep leaves the newest to their own task
    related: tuple[str, ...] = ()

    def existing(self, case_id: int) -> Any | None:
        return self.file_model.objects.filter(**{f"{self.case_field}_id": case_id}).first()

    def stored(self, object_id: str) -> tuple[Any, str] | None:
        """A case file's stored PDF and the name it downloads as, by the case file's id as the
        archive registers it; None for an id that is no case file."""
        if not object_id.isdigit():
            return None
        found = self.file_model.objects.select_related(self.case_field).filter(pk=object_id).first()
        if found is None:
            return None
        return found.file, f"{getattr(found, self.case_field).number}-案卷.pdf"

    def missing(self, closed_before: dt.datetime | None = None) -> models.QuerySet:
        """The ids of closed cases without a case file (the backfill's and the sweep's work),
        oldest first; only those closed before `closed_before` when given."""
        have = self.file_model.objects.values(f"{self.case_field}_id")
        cases = self.case_model.objects.filter(status__in=self.closed).exclude(pk__in=have)
        if closed_before is not None:
            cases = cases.filter(**{f"{self.closed_field}__lt": closed_before})
        return cases.order_by("pk").values_list("pk", flat=True)

    def make(self, case_id: int, *, actor=None) -> Any | None:
        """The case's case file, made now if it has none; None while the case is not closed
        (or is gone). The PDF is rendered outside any transaction: it takes a second or two."""
        case = self.case_model.objects.select_related(*self.related).filter(pk=case_id).first()
        if case is None or case.status not in self.closed:
            return None
        found = self.existing(case_id)
        if found is not None:
            return found
        made_at = timezone.now()
        content = self.content(case)
        return self._store(case_id, content, render_case_file(content, made_at=made_at), made_at, actor)

    def _store(self, case_id: int, content: CaseFileContent, pdf: RenderedPdf, made_at: dt.datetime, actor) -> Any:
        stored_name = ""
        storage = None
        try:
            with transaction.atomic():
                # The case's row is the lock: of two workers making the same case file, the
                # second waits here and then finds the first one's.
                case = self.case_model.objects.select_for_update(of=("self",)).get(pk=case_id)
                found = self.existing(case_id)
                if found is not None:
                    return found
                case_file = self.file_model(
                    **{self.case_field: case},
                    sha256=hashlib.sha256(pdf.content).hexdigest(),
                    size=len(pdf.content),
                    page_count=pdf.page_count,
                    made_at=made_at,
                )
                storage = case_file.file.storage
                case_file.file.save(f"{content.case_number}.pdf", ContentFile(pdf.content), save=False)
                stored_name = case_file.file.name
                case_file.save()
                case_file.archive_number = self.register(case_file, title=content.title, actor=actor)
                case_file.save(update_fields=["archive_number"])
                self.record_event(
                    action=self.event,
                    actor=actor if actor is not None else "案卷归档",
                    obj=case,
                    summary=f"{content.heading} {content.case_number} 归档，档案编号 {case_file.archive_number}",
                    after={
                        "archive": case_file.archive_number,
                        "sha256": case_file.sha256,
                        "size": case_file.size,
                        "pages": case_file.page_count,
                        "evidence": len(content.evidence),
                    },
                )
        except BaseException:
            if stored_name and storage is not None:  # the row went with the transaction; so must the file
                storage.delete(stored_name)
            raise
        return case_file


def schedule(send: Callable[[int], Any], case_id: int) -> None:
    """Queue the case file of a case that is closing, once the closing step commits. A broker
    that is down must not undo or fail the step: the backfill (`make_case_files`) makes what
    was not queued."""

    def _send() -> None:
        try:
            send(case_id)
        except Exception:
            logger.exception("case file of case %s not made now; `manage.py make_case_files` will make it", case_id)

    transaction.on_commit(_send)


# --- The apps' case files, for the backfill ----------------------------------------------------------

# label -> dotted path of the app's `CaseFiles`, filled by the apps' AppConfig.ready().
_REGISTERED: dict[str, str] = {}


def register_case_files(path: str, *, label: str) -> None:
    _REGISTERED[label] = path


def registered() -> dict[str, CaseFiles]:
    from django.utils.module_loading import import_string

    return {label: import_string(path) for label, path in sorted(_REGISTERED.items())}


@dataclass
class Made:
    missing: int = 0
    made: int = 0
    failed: int = 0


def make_missing(*, closed_before: dt.datetime | None = None, limit: int | None = None) -> dict[str, Made]:
    """The case files that closed cases lack, per app: every one (the backfill), or those closed
    before `closed_before`, at most `limit` per app (the sweep). One broken case is logged and
    left for the next run; it holds up nobody else."""
    results = {}
    for label, files in registered().items():
        missing = files.missing(closed_before)
        ids = list(missing[:limit] if limit is not None else missing)
        result = results[label] = Made(missing=len(ids))
        for case_id in ids:
            try:
                result.made += files.make(case_id) is not None
            except Exception:
                result.failed += 1
                logger.exception("case file of %s case %s could not be made", label, case_id)
    return results


# A closing step queues its case file at once; the sweep makes those whose task was lost (a
# broker down at the moment of closing, a worker gone), once the task had ample time.
SWEEP_GRACE = dt.timedelta(minutes=15)
SWEEP_LIMIT = 50


def sweep_missing_case_files(now: dt.datetime | None = None) -> dict[str, dict[str, int]]:
    cutoff = (now or timezone.now()) - SWEEP_GRACE
    made = make_missing(closed_before=cutoff, limit=SWEEP_LIMIT)
    return {label: vars(result) for label, result in made.items()}
