"""The case file (案卷) of a closed or withdrawn objection (Art. 20): what goes into it, and the
app's `CaseFiles` (the kernel's `nantong_credit.case_files`, which renders, stores, registers in
the archive and audits, once per case). `workflow.finish` queues it when a step ends a case."""

from audit.archive import register_archive_entry
from audit.archive_documents import StoredDocument
from audit.models import ArchiveEntry
from audit.services import record_event
from collection.models import RecordRevision
from nantong_credit import case_files
from nantong_credit.case_files import CaseFileContent, DeadlineRow, RecordBlock, TimelineRow, cn_moment, masked

from . import selectors, workflow
from .models import Objection, ObjectionCaseFile

Status = Objection.Status

# Who takes each step, as the case file names the party (the timeline's own label names the person).
CENTER, PROVIDER, APPLICANT, SYSTEM = "市信用信息中心", "信息提供单位", "申请人", "系统"
ROLES = {
    "file": APPLICANT,
    "file_on_paper": CENTER,
    "refer": CENTER,
    "correct_platform_error": CENTER,
    "reject": CENTER,
    "reissue_code": CENTER,
    "answer_corrected": PROVIDER,
    "answer_confirmed": PROVIDER,
    "answer_unverifiable": PROVIDER,
    "keep_objection": APPLICANT,
    "accept_answer": APPLICANT,
    "withdraw": APPLICANT,
}


def content(objection: Objection) -> CaseFileContent:
    subject = objection.subject
    return CaseFileContent(
        heading="异议案卷",
        case_number=objection.number,
        title=f"异议案卷 {objection.number}（{subject.name}）",
        result=result(objection),
        case_rows=case_rows(objection),
        timeline=timeline(objection),
        deadlines=deadlines(objection),
        decisions=decisions(objection),
        records=records(objection),
        evidence=case_files.evidence_rows(
            selectors.evidence_of(objection).select_related("uploaded_by"),
            kind=lambda e: str(e.get_kind_display()),
            uploader=lambda e: e.uploaded_by.real_name or e.uploaded_by.username,
        ),
    )


def result(objection: Objection) -> str:
    if objection.status == Status.WITHDRAWN:
        return "申请人撤回异议"
    text = str(objection.get_outcome_display()) if objection.outcome else "已办结"
    if objection.applicant_keeps_objection:
        return f"{text}；申请人仍持异议，异议及理由随记录披露"
    return text


def case_rows(objection: Objection) -> list[tuple[str, str]]:
    subject = objection.subject
    rows = [
        ("信息主体", f"{subject.name}（{subject.code or subject.identifier_masked}）"),
        ("申请人", applicant(objection)),
        ("受理方式", str(objection.get_channel_display())),
        ("受理时间", cn_moment(objection.received_at)),
        ("信息提供单位", objection.provider.name),
        ("状态", str(objection.get_status_display())),
        ("办结时间", cn_moment(objection.closed_at)),
    ]
    return [(label, value) for label, value in rows if value]


def applicant(objection: Objection) -> str:
    if objection.is_paper:
        role = objection.get_applicant_role_display()
        kind = objection.get_applicant_id_kind_display()
        return f"{objection.applicant_name}（{role}；{kind} {objection.applicant_id_masked}）"
    user = objection.applicant
    return user.real_name or user.username if user else ""


def timeline(objection: Objection) -> list[TimelineRow]:
    return [
        TimelineRow(
            occurred_at=step.occurred_at,
            label=workflow.step_label(step.action),
            role=ROLES.get(step.action, CENTER) if step.actor_id else SYSTEM,
            actor=step.actor_label,
            note=masked(step.note),
        )
        for step in selectors.timeline(objection)
    ]


def deadlines(objection: Objection) -> list[DeadlineRow]:
    """Each legal period, and whether the party it bound acted in time. A period the applicant
    ended by withdrawing was not missed by anyone."""
    rows = []
    for deadline, done in zip(selectors.deadlines(objection, objection.closed_at), _acted(objection), strict=False):
        rows.append(
            DeadlineRow(
                title=str(deadline.title),
                basis=str(deadline.basis),
                due_text=deadline.text,
                done_at=done,
                met=None if done is None else done < deadline.due_at,
                remark="申请人撤回，期限终止" if done is None else "",
            )
        )
    return rows


def _acted(objection: Objection) -> list:
    """When the center, then the provider, did what its period asked (None: it never had to)."""
    center_closed = objection.outcome in (Objection.Outcome.PLATFORM_CORRECTED, Objection.Outcome.REJECTED)
    center = objection.referred_at or (objection.closed_at if center_closed else None)
    return [center, objection.answered_at]


def decisions(objection: Objection) -> list[tuple[str, str]]:
    withdrawal = objection.steps.filter(action="withdraw").values_list("note", flat=True).first()
    rows = [
        ("异议内容及理由", objection.statement),
        ("市信用信息中心意见", objection.clerk_note),
        ("信息提供单位核查意见", objection.provider_reply),
        ("处理结果", result(objection)),
        ("申请人声明（仍持异议）", objection.applicant_final_statement),
        ("撤回理由", withdrawal if withdrawal is not None else ""),
    ]
    return [(label, masked(text)) for label, text in rows if text]


def records(objection: Objection) -> list[RecordBlock]:
    corrected = {int(pk): change.get("data", {}) for pk, change in (objection.correction or {}).items()}
    blocks = []
    for record in selectors.case_records(objection):
        changed = corrected.get(record.pk, {})
        blocks.append(
            RecordBlock(
                title=f"{record.catalog_item.name} {record.source_key}",
                rows=_record_rows(record),
                fields=case_files.field_rows(record, concerned=changed),
                changes=_changes(record, objection, changed),
            )
        )
    return blocks


def _record_rows(record) -> list[tuple[str, str]]:
    rows = [
        ("信息提供单位", record.provider.name),
        ("决定日期", case_files.cn_date(record.decision_date)),
        ("记录状态", str(record.get_status_display())),
        *[(str(mark.get_kind_display()), masked(mark.text)) for mark in getattr(record, "marks", [])],
    ]
    return [(label, value) for label, value in rows if value]


def _changes(record, objection: Objection, changed: dict) -> list[tuple[str, str, str]]:
    """Each corrected field with its value before the correction (the revision before it)."""
    if not changed:
        return []
    corrected_revision = (objection.correction or {}).get(str(record.pk), {}).get("revision", record.revision)
    revision = RecordRevision.objects.filter(record=record, number=corrected_revision - 1).first()
    before = revision.data if revision is not None else {}
    labels = case_files.field_labels(record)
    return [
        (labels.get(key, key), case_files.display(before.get(key)), case_files.display(value))
        for key, value in changed.items()
    ]


def _register(case_file: ObjectionCaseFile, *, title: str, actor=None) -> str:
    entry = register_archive_entry(
        kind=ArchiveEntry.Kind.CASE_FILE,
        obj=case_file,
        title=title,
        sha256=case_file.sha256,
        size=case_file.size,
        actor=actor,
    )
    return entry.number


CASE_FILES = case_files.CaseFiles(
    case_model=Objection,
    file_model=ObjectionCaseFile,
    case_field="objection",
    closed=workflow.FINISHED,
    content=content,
    register=_register,
    record_event=record_event,
    event="objection.case_file",
    closed_field="closed_at",
    related=("subject", "provider", "applicant"),
)


def make_case_file(objection_id: int) -> ObjectionCaseFile | None:
    return CASE_FILES.make(objection_id)


def schedule(objection_id: int) -> None:
    """After the step that ends the case commits: its case file, from a task."""
    from .tasks import make_objection_case_file

    case_files.schedule(make_objection_case_file.delay, objection_id)


def stored_document(object_id: str) -> StoredDocument | None:
    """The archive's way to a case file (`audit.archive_documents`)."""
    found = CASE_FILES.stored(object_id)
    return StoredDocument(file=found[0], name=found[1]) if found else None
