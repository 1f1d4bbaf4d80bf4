"""State changes of credit repair (信用修复, Art. 15-17; national 信用修复管理办法 in force
2026-04-01).

A subject's account applies to the provider that made the dishonesty record (谁认定、谁修复) once
the record's minimum disclosure period is over (轻微 records at once), with evidence of
rectification, the Art. 16 statement that the conduct was not intentional, and a public credit
commitment. The provider decides within `settings.REPAIR_DECISION_WORKDAYS` working days;
approval ends the record's disclosure and marks it repaired in the database (Art. 17).

Every function here runs in its own transaction and moves the application through the table in
`repair.workflow` (the kernel's transition helper locks the application, checks the step, writes
the timeline step and the audit event), and `repair.notices` tells the parties (inbox + email
after commit). The sweep's reminders, escalations and recomputed deadlines are in
`repair.deadlines`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from catalog.selectors import providers_of
from collection.bindings import acts_for
from collection.models import Annotation, CreditRecord, RecordStatus
from inquiry.commitments import CommitmentInvalid, record_commitment
from nantong_credit import follow_up
from nantong_credit.case_evidence import store_evidence
from nantong_credit.uploads import CheckedUpload
from nantong_credit.workdays import as_local_date, deadline_end

from . import notices
from .models import RepairApplication, RepairEvidence, RepairStep
from .notices import cn_date, record_label
from .workflow import OPEN_STATUSES, WORKFLOW, Status, TransitionNotAllowed

MAX_EVIDENCE_FILES = 10
RECTIFICATION_MAX = 5000
COMMITMENT_MAX = 2000
REASON_MAX = 2000
NUMBER_PREFIX = "XF"
# 查询码 as 信用中国 issues them: short, typed by hand, shown as XXXX-XXXX.
CODE_LENGTH = 8
NUMBER_DIGITS = 6
_CODE_SALT = "repair.follow_up_code"


class RepairError(Exception):
    """An application or decision that cannot be made; `field` names the form field."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Submitted:
    """A new application and its follow-up code, which exists only here: shown once, then only
    its keyed hash is kept."""

    application: RepairApplication
    follow_up_code: str


def decision_workdays() -> int:
    return int(getattr(settings, "REPAIR_DECISION_WORKDAYS", 5))


# --- Follow-up codes (the shared rule in `nantong_credit.follow_up`) ----------------------------


def new_follow_up_code() -> str:
    raw = follow_up.new_code(CODE_LENGTH)
    return f"{raw[:4]}-{raw[4:]}"


def follow_up_code_hash(number: str, code: str) -> str:
    return follow_up.code_hash(_CODE_SALT, number, code)


def code_matches(application: RepairApplication, code: str) -> bool:
    return follow_up.code_matches(_CODE_SALT, application.number, code, application.follow_up_code_hash)


# --- Applying -----------------------------------------------------------------------------------


def check_repairable(record: CreditRecord, today: dt.date) -> None:
    """`RepairError` saying why this record cannot be repaired now, in the applicant's terms."""
    if not record.is_dishonesty:
        raise RepairError(_("该记录不是失信信息，无需信用修复"))
    if record.status == RecordStatus.REVOKED:
        raise RepairError(_("该记录已被撤销，无需信用修复"))
    if record.repaired_at is not None:
        raise RepairError(_("该记录已于%(date)s完成信用修复") % {"date": cn_date(as_local_date(record.repaired_at))})
    if record.publication_withheld:
        raise RepairError(_("该记录依规不予公示（轻微·不公示），无需申请信用修复"))
    if record.disclosure_ends_on is not None and record.disclosure_ends_on < today:
        raise RepairError(
            _("该记录已于%(date)s公示期满，停止公示，无需申请信用修复") % {"date": cn_date(record.disclosure_ends_on)}
        )
    if record.repairable_from is None:
        raise RepairError(_("该记录的公示期限规则未规定可申请信用修复的日期，请联系认定单位"))
    if record.repairable_from > today:
        raise RepairError(
            _("该记录最短公示期未满，自%(date)s起可申请信用修复") % {"date": cn_date(record.repairable_from)}
        )


def apply_for_repair(
    *,
    applicant,
    record: CreditRecord,
    rectification: str,
    not_intentional: bool,
    commitment_text: str,
    evidence: list[CheckedUpload],
) -> Submitted:
    """A submitted application to the record's provider, with its public credit commitment."""
    rectification, commitment_text = _check_application(
        applicant=applicant,
        record=record,
        rectification=rectification,
        not_intentional=not_intentional,
        commitment_text=commitment_text,
        evidence=evidence,
    )
    stored: list[RepairEvidence] = []
    try:
        with transaction.atomic():
            # The record's row is the lock that keeps two applications for it from both opening.
            record = (
                CreditRecord.objects.select_for_update()
                .select_related("subject", "provider", "catalog_item")
                .get(pk=record.pk)
            )
            now = timezone.now()
            check_repairable(record, timezone.localdate())
            _check_no_open_application(record)
            commitment = _record_repair_commitment(applicant, record, commitment_text, now)
            application, code = _create_application(applicant, record, rectification, commitment, now)
            for checked in evidence:
                stored.append(store_evidence(RepairEvidence(application=application), checked))
            _after_submission(application, stored)
    except Exception:
        for row in stored:  # the rows go with the transaction; so must their files
            row.file.delete(save=False)
        raise
    return Submitted(application, code)


def _check_application(*, applicant, record, rectification, not_intentional, commitment_text, evidence):
    if not acts_for(applicant, record.subject):
        raise RepairError(_("您的账号未绑定该信息主体，不能为其申请信用修复"))
    rectification = str(rectification or "").strip()
    commitment_text = str(commitment_text or "").strip()
    if not rectification:
        raise RepairError(_("请说明整改情况和履行法定义务情况"), field="rectification")
    if len(rectification) > RECTIFICATION_MAX:
        raise RepairError(_("整改情况最多%(n)d个字") % {"n": RECTIFICATION_MAX}, field="rectification")
    if not not_intentional:
        raise RepairError(
            _("依据第十六条，信用修复适用于非因主观故意发生的失信行为，请确认声明"), field="not_intentional"
        )
    if not commitment_text:
        raise RepairError(_("请填写信用承诺"), field="commitment_text")
    if len(commitment_text) > COMMITMENT_MAX:
        raise RepairError(_("信用承诺最多%(n)d个字") % {"n": COMMITMENT_MAX}, field="commitment_text")
    if not evidence:
        raise RepairError(_("请上传已纠正失信行为、履行法定义务的证明材料"), field="evidence")
    if len(evidence) > MAX_EVIDENCE_FILES:
        raise RepairError(_("最多上传%(n)d个文件") % {"n": MAX_EVIDENCE_FILES}, field="evidence")
    return rectification, commitment_text


def _check_no_open_application(record: CreditRecord) -> None:
    open_one = RepairApplication.objects.filter(record=record, status__in=OPEN_STATUSES).first()
    if open_one is not None:
        raise RepairError(
            _("该记录已有正在办理的信用修复申请（编号%(number)s），请等待办理结果") % {"number": open_one.number}
        )


def _record_repair_commitment(applicant, record: CreditRecord, text: str, now: dt.datetime):
    try:
        return record_commitment(
            # The matter names the kind of record, not its document number: the commitment stays
            # public after the record itself has left publication.
            subject=record.subject,
            kind="repair",
            matter=_("申请信用修复：%(item)s信息") % {"item": record.catalog_item.name},
            text=text,
            made_on=as_local_date(now),
            actor=applicant,
            recipient=record.provider.name,
            is_public=True,
        )
    except CommitmentInvalid as exc:
        raise RepairError(str(exc), field="commitment_text") from None


def _create_application(applicant, record: CreditRecord, rectification: str, commitment, now: dt.datetime):
    code = new_follow_up_code()
    submitted_on = as_local_date(now)
    for _attempt in range(5):
        number = follow_up.new_number(NUMBER_PREFIX, submitted_on, NUMBER_DIGITS)
        try:
            with transaction.atomic():  # a savepoint: a clash of random numbers only retries
                application = RepairApplication.objects.create(
                    number=number,
                    follow_up_code_hash=follow_up_code_hash(number, code),
                    subject=record.subject,
                    record=record,
                    provider=record.provider,
                    applicant=applicant,
                    rectification=rectification,
                    not_intentional=True,
                    commitment=commitment,
                    status=Status.SUBMITTED,
                    submitted_at=now,
                    due_at=deadline_end(now, decision_workdays()),
                    decision_workdays=decision_workdays(),
                )
            return application, code
        except IntegrityError:
            continue
    raise RepairError(_("申请编号生成失败，请稍后重试"))


def _after_submission(application: RepairApplication, evidence: list[RepairEvidence]) -> None:
    from .selectors import art15_flags

    flags = art15_flags(application.record)
    note = _("申请人声明失信行为非因主观故意（第十六条），提交证明材料%(n)d份，作出信用承诺；%(flags)s") % {
        "n": len(evidence),
        "flags": flags.summary,
    }
    # The filing's audit event has always listed what was filed, not the status it starts in.
    _take_step(
        application,
        "submitted",
        actor=application.applicant,
        note=note,
        audited=(),
        summary=f"{application.subject.name} 申请信用修复 {record_label(application.record)}",
        after={
            "number": application.number,
            "record": application.record_id,
            "provider": application.provider.code,
            "due_at": application.due_at,
            "minor": flags.minor,
            "first_offence": flags.first_offence,
            "commitment": application.commitment_id,
            "evidence": [{"name": e.original_name, "size": e.size, "sha256": e.sha256} for e in evidence],
        },
    )
    notices.submitted(application, workdays=decision_workdays(), flags_summary=flags.summary)


def _take_step(
    application: RepairApplication,
    action: str,
    *,
    actor,
    summary: str,
    note: str = "",
    when: dt.datetime | None = None,
    fields: dict | None = None,
    after: dict | None = None,
    audited: tuple[str, ...] | None = None,
) -> RepairStep:
    """The step on the (locked, or just created) application: status and `fields`, the timeline
    entry under the person's name and the audit event (the kernel's `apply`)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = _actor_label(application, user) if user else str(actor or _("系统"))
    step = WORKFLOW.apply(
        application,
        action,
        actor=actor,
        actor_label=label,
        summary=summary,
        note=note,
        at=when,
        fields=fields,
        after=after,
        audited=audited,
    )
    if application.status not in OPEN_STATUSES:
        # Every step that ends an application ends here: its case file (Art. 20) follows the commit.
        from .case_file import schedule

        schedule(application.pk)
    return step  # type: ignore[return-value]  # repair has steps


def _actor_label(application: RepairApplication, user) -> str:
    """Who acted, as the timeline names them: the person and on whose behalf."""
    name = user.real_name or user.username
    if application.provider.staff.filter(pk=user.pk).exists():
        return f"{application.provider.name} {name}"
    if user.pk == application.applicant_id or acts_for(user, application.subject):
        return _("%(name)s（申请人）") % {"name": name}
    return name


# --- Deciding -----------------------------------------------------------------------------------


def _check_decider(application: RepairApplication, actor) -> None:
    """谁认定、谁修复: only staff of the provider that made the record decide."""
    if not providers_of(actor).filter(pk=application.provider_id).exists():
        raise RepairError(
            _("只有作出该失信认定的单位（%(provider)s）可以决定是否准予信用修复")
            % {"provider": application.provider.name}
        )


def _lock(application: RepairApplication, action: str) -> RepairApplication:
    """The application, locked until the transaction ends, if its status still allows `action`:
    of two people deciding at once, the second waits for the first and is then refused."""
    try:
        return WORKFLOW.lock(application.pk, action)
    except TransitionNotAllowed as exc:
        raise RepairError(exc.message) from None


def approve_repair(*, application: RepairApplication, actor, reason: str = "") -> RepairApplication:
    """Repair granted: the record's public disclosure ends and the database says 已修复 (Art. 17)."""
    _check_decider(application, actor)
    reason = _bounded(reason, field="reason", required=False)
    with transaction.atomic():
        now = timezone.now()
        case = _lock(application, "approved")
        record = _repair_record(case, actor=actor, now=now)
        _take_step(
            case,
            "approved",
            actor=actor,
            note=reason or _("整改到位，符合管理要求，准予信用修复"),
            when=now,
            fields={"decided_at": now, "decided_by": actor, "decision_reason": reason},
            summary=f"准予信用修复 {case.number}（{case.subject.name}）",
            after={"reason": reason, "record": record.pk},
        )
        notices.decided(case, approved=True)
    application.refresh_from_db()
    return application


def _repair_record(application: RepairApplication, *, actor, now: dt.datetime) -> CreditRecord:
    """终止公示、停止共享 and the Art. 17 note. Publication ended before today, so the record's
    own dates say what `collection.visibility` does (it also excludes repaired records)."""
    record = (
        CreditRecord.objects.select_for_update().select_related("subject", "catalog_item").get(pk=application.record_id)
    )
    before = {"repaired_at": record.repaired_at, "disclosure_ends_on": record.disclosure_ends_on}
    last_day = as_local_date(now) - dt.timedelta(days=1)
    if record.disclosure_ends_on is None or record.disclosure_ends_on > last_day:
        record.disclosure_ends_on = last_day
    record.repaired_at = now
    record.save(update_fields=["repaired_at", "disclosure_ends_on", "updated_at"])
    Annotation.objects.create(
        record=record,
        kind=Annotation.Kind.REPAIRED,
        text=_("经%(provider)s认定准予信用修复（申请编号%(number)s），自%(date)s起终止公示")
        % {"provider": application.provider.name, "number": application.number, "date": cn_date(as_local_date(now))},
    )
    record_event(
        action="record.repair",
        actor=actor,
        obj=record,
        summary=f"信用修复，终止公示 {record_label(record)}（{record.subject.name}）",
        before=before,
        after={
            "repaired_at": record.repaired_at,
            "disclosure_ends_on": record.disclosure_ends_on,
            "application": application.number,
        },
    )
    return record


def reject_repair(*, application: RepairApplication, actor, reason: str) -> RepairApplication:
    """Repair refused, with reasons; the subject may apply again later."""
    _check_decider(application, actor)
    reason = _bounded(reason, field="reason", required=True)
    with transaction.atomic():
        now = timezone.now()
        case = _lock(application, "rejected")
        _take_step(
            case,
            "rejected",
            actor=actor,
            note=reason,
            when=now,
            fields={"decided_at": now, "decided_by": actor, "decision_reason": reason},
            summary=f"不予信用修复 {case.number}（{case.subject.name}）",
            after={"reason": reason},
        )
        notices.decided(case, approved=False)
    application.refresh_from_db()
    return application


def _bounded(text: str, *, field: str, required: bool) -> str:
    text = str(text or "").strip()
    if required and not text:
        raise RepairError(_("请填写不予修复的理由，申请人将看到该理由"), field=field)
    if len(text) > REASON_MAX:
        raise RepairError(_("最多%(n)d个字") % {"n": REASON_MAX}, field=field)
    return text


# --- Withdrawing --------------------------------------------------------------------------------


def withdraw_repair(*, application: RepairApplication, actor) -> RepairApplication:
    if not acts_for(actor, application.subject):
        raise RepairError(_("只有申请主体可以撤回信用修复申请"))
    with transaction.atomic():
        case = _lock(application, "withdrawn")
        _take_step(
            case,
            "withdrawn",
            actor=actor,
            fields={"decided_at": timezone.now()},
            summary=f"撤回信用修复申请 {case.number}（{case.subject.name}）",
        )
        notices.withdrawn(case)
    application.refresh_from_db()
    return application
