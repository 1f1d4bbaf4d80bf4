"""The case file (案卷) of a decided or withdrawn repair application (Art. 20): what goes into it,
and the app's `CaseFiles` (the kernel's `nantong_credit.case_files`, which renders, stores,
registers in the archive and audits, once per case). `services._take_step` queues it when a step
ends an application."""

from audit.archive import register_archive_entry
from audit.archive_documents import StoredDocument
from audit.models import ArchiveEntry
from audit.services import record_event
from nantong_credit import case_files
from nantong_credit.case_files import CaseFileContent, DeadlineRow, RecordBlock, TimelineRow, cn_moment, masked

from .models import RepairApplication, RepairCaseFile
from .selectors import art15_flags, decision_deadline, timeline
from .workflow import OPEN_STATUSES, Status

CLOSED = tuple(status for status in Status.values if status not in OPEN_STATUSES)
APPLICANT, PROVIDER, SYSTEM = "申请人", "认定单位", "系统"
ROLES = {"submitted": APPLICANT, "withdrawn": APPLICANT, "approved": PROVIDER, "rejected": PROVIDER}


def content(application: RepairApplication) -> CaseFileContent:
    return CaseFileContent(
        heading="信用修复案卷",
        case_number=application.number,
        title=f"信用修复案卷 {application.number}（{application.subject.name}）",
        result=str(application.get_status_display()),
        case_rows=case_rows(application),
        timeline=[
            TimelineRow(
                occurred_at=row["step"].occurred_at,
                label=str(row["label"]),
                role=ROLES.get(row["step"].action, SYSTEM) if row["step"].actor_id else SYSTEM,
                actor=row["step"].actor_label,
                note=masked(row["step"].note),
            )
            for row in timeline(application)
        ],
        deadlines=[deadline(application)],
        decisions=decisions(application),
        records=[record_block(application)],
        evidence=case_files.evidence_rows(
            application.evidence_files.order_by("uploaded_at", "pk"),
            kind=lambda e: "证明材料",
            # Only the applicant's account uploads a repair application's evidence.
            uploader=lambda e: _person(application.applicant),
        ),
    )


def _person(user) -> str:
    return (user.real_name or user.username) if user else ""


def case_rows(application: RepairApplication) -> list[tuple[str, str]]:
    subject = application.subject
    rows = [
        ("信息主体", f"{subject.name}（{subject.code or subject.identifier_masked}）"),
        ("申请人", _person(application.applicant)),
        ("认定单位", application.provider.name),
        ("申请时间", cn_moment(application.submitted_at)),
        ("第十五条情形", art15_flags(application.record).summary),
        ("信用承诺", masked(application.commitment.text) if application.commitment else ""),
        ("状态", str(application.get_status_display())),
        ("决定（撤回）时间", cn_moment(application.decided_at)),
    ]
    return [(label, value) for label, value in rows if value]


def deadline(application: RepairApplication) -> DeadlineRow:
    found = decision_deadline(application, application.decided_at)
    decided = application.status in (Status.APPROVED, Status.REJECTED)
    done = application.decided_at if decided else None
    return DeadlineRow(
        title=str(found.label) + f"（{application.decision_workdays}个工作日）",
        basis=str(found.basis),
        due_text=found.last_day_text + "24:00",
        done_at=done,
        met=None if done is None else done < application.due_at,
        remark="申请人撤回，期限终止",
    )


def decisions(application: RepairApplication) -> list[tuple[str, str]]:
    rows = [
        ("整改及履行义务情况", application.rectification),
        ("非主观故意声明（第十六条）", "申请人已声明" if application.not_intentional else ""),
        ("决定", str(application.get_status_display())),
        ("决定理由", application.decision_reason or _default_reason(application)),
        ("决定人", _person(application.decided_by) if application.status != Status.WITHDRAWN else ""),
    ]
    return [(label, masked(text)) for label, text in rows if text]


def _default_reason(application: RepairApplication) -> str:
    step = application.steps.filter(action=application.status).values_list("note", flat=True).first()
    return step or ""


def record_block(application: RepairApplication) -> RecordBlock:
    record = application.record
    rows = [
        ("信息提供单位", record.provider.name),
        ("决定日期", case_files.cn_date(record.decision_date)),
        ("失信程度", str(record.get_severity_display()) if record.severity else ""),
        ("公示截止期", case_files.cn_date(record.disclosure_ends_on) or "长期"),
        ("修复时间", cn_moment(record.repaired_at)),
    ]
    return RecordBlock(
        title=f"{record.catalog_item.name} {record.source_key}",
        rows=[(label, value) for label, value in rows if value],
        fields=case_files.field_rows(record),
    )


def _register(case_file: RepairCaseFile, *, title: str, actor=None) -> str:
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
    case_model=RepairApplication,
    file_model=RepairCaseFile,
    case_field="application",
    closed=CLOSED,
    content=content,
    register=_register,
    record_event=record_event,
    event="repair.case_file",
    closed_field="decided_at",  # a withdrawal sets it too
    related=(
        "subject",
        "provider",
        "applicant",
        "decided_by",
        "commitment",
        "record__catalog_item",
        "record__provider",
    ),
)


def make_case_file(application_id: int) -> RepairCaseFile | None:
    return CASE_FILES.make(application_id)


def schedule(application_id: int) -> None:
    """After the step that ends the application commits: its case file, from a task."""
    from .tasks import make_repair_case_file

    case_files.schedule(make_repair_case_file.delay, application_id)


def stored_document(object_id: str) -> StoredDocument | None:
    """The archive's way to a case file (`audit.archive_documents`)."""
    found = CASE_FILES.stored(object_id)
    return StoredDocument(file=found[0], name=found[1]) if found else None
