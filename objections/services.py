"""State changes of objections (异议, Art. 13-14), one service per step of `objections.workflow`.

Each runs in one transaction: `workflow.begin` locks the case and checks that the step is
allowed, the service does its part (records corrected, marked, suspended; annotations added),
`workflow.finish` moves the case on with its timeline entry and audit event, and
`objections.notices` tells every party (email once the transaction commits).
"""

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from collection.bindings import acts_for
from collection.models import Annotation, CreditRecord, RecordStatus, Subject
from collection.records.corrections import CorrectionError, NothingToCorrect, correct_record
from nantong_credit.case_evidence import store_evidence
from nantong_credit.follow_up import new_number
from nantong_credit.uploads import CheckedUpload

from . import followup, notices, paper, record_effects, workflow
from .errors import ObjectionError
from .errors import clean_text as _text  # the name every service here knows it by
from .models import Objection, ObjectionEvidence, ObjectionRecord
from .paper import PAPER_CHANNELS
from .permissions import REVIEW
from .workflow import Party

Status = Objection.Status
Kind = Annotation.Kind
EvidenceKind = ObjectionEvidence.Kind

STATEMENT_MAX = 5000
# Shown with the record wherever it is disclosed: long enough for reasons, short enough to read.
FINAL_STATEMENT_MAX = 1000
REPLY_MAX = 5000
NOTE_MAX = 1000
MAX_EVIDENCE = 10
NUMBER_PREFIX = "YY"  # 异议


class CorrectionsRefused(ObjectionError):
    """Corrections that failed the catalog's validation; `errors` maps record pk → CorrectionError."""

    def __init__(self, errors: dict[int, CorrectionError]):
        super().__init__(_("更正内容未通过校验，未作任何变更，请按提示修改"))
        self.errors = errors


# --- Filing -------------------------------------------------------------------------------------


def file_objection(
    *, applicant, subject: Subject, records: list[CreditRecord], statement: str, evidence: list[CheckedUpload]
) -> tuple[Objection, str]:
    """A new case against `records` of one provider, and its follow-up code (shown only now)."""
    statement = _text(statement, STATEMENT_MAX, field="statement", missing=_("请写明异议内容及理由"))
    if not acts_for(applicant, subject):
        raise ObjectionError(_("您的账号未绑定该信息主体，不能代其提出异议"))
    _check_evidence(evidence)
    now = timezone.now()
    return _file(
        subject=subject,
        records=records,
        action="file",
        actor=applicant,
        party=Party.APPLICANT,
        now=now,
        case={"applicant": applicant, "statement": statement, "received_at": now},
        files=[(EvidenceKind.EVIDENCE, checked) for checked in evidence],
    )


@sensitive_variables("applicant")
def record_paper_objection(
    *,
    clerk,
    subject: Subject,
    records: list[CreditRecord],
    statement: str,
    applicant: paper.PaperApplicant,
    channel: str,
    received_on: dt.date | None,
    application: CheckedUpload | None,
    authorization: CheckedUpload | None,
    evidence: list[CheckedUpload],
) -> tuple[Objection, str]:
    """A written application received at the counter or by post (Art. 13 书面申请), recorded by
    a center clerk for an applicant who may have no account: the same case as one filed online,
    whose center period runs from the day of receipt. Returns the case and its follow-up code,
    which goes on the printed receipt (only its hash is kept)."""
    if channel not in PAPER_CHANNELS:
        raise ObjectionError(_("请选择受理方式（窗口受理或邮寄）"), field="channel")
    if received_on is None:
        raise ObjectionError(_("请填写收件日期"), field="received_on")
    now = timezone.now()
    received_at = paper.receipt_moment(received_on, now, channel)
    statement = _text(statement, STATEMENT_MAX, field="statement", missing=_("请按书面申请写明异议内容及理由"))
    identity = paper.applicant_fields(applicant, subject)
    if application is None:
        raise ObjectionError(_("请上传书面异议申请的扫描件（第十三条：书面申请）"), field="application")
    if applicant.role == Objection.ApplicantRole.AGENT and authorization is None:
        raise ObjectionError(_("委托代理人提出的，请上传信息主体签署的授权委托书扫描件"), field="authorization")
    _check_evidence(evidence)
    files = [
        (EvidenceKind.APPLICATION, application),
        *([(EvidenceKind.AUTHORIZATION, authorization)] if authorization is not None else []),
        *[(EvidenceKind.EVIDENCE, checked) for checked in evidence],
    ]
    case = {
        "channel": channel,
        "received_on": received_on,
        "received_at": received_at,
        "received_by": clerk,
        "statement": statement,
        **identity,
    }
    note = _("%(channel)s，收件日期%(day)s；申请人：%(name)s（%(role)s）") % {
        "channel": Objection.Channel(channel).label,
        "day": f"{received_on:%Y-%m-%d}",
        "name": identity["applicant_name"],
        "role": Objection.ApplicantRole(applicant.role).label,
    }
    return _file(
        subject=subject,
        records=records,
        action="file_on_paper",
        actor=clerk,
        party=Party.CENTER,
        now=now,
        case=case,
        files=files,
        note=note,
        after={
            key: str(case[key])
            for key in (
                "channel",
                "received_on",
                "applicant_name",
                "applicant_role",
                "applicant_id_kind",
                "applicant_id_masked",
            )
        },
    )


def _check_evidence(evidence: list[CheckedUpload]) -> None:
    if not evidence:
        raise ObjectionError(_("请上传证明材料（第十三条：提交相应证据材料）"), field="evidence")
    if len(evidence) > MAX_EVIDENCE:
        raise ObjectionError(_("最多上传%(n)d个文件") % {"n": MAX_EVIDENCE}, field="evidence")


def _file(
    *,
    subject: Subject,
    records: list[CreditRecord],
    action: str,
    actor,
    party: str,
    now: dt.datetime,
    case: dict,
    files: Sequence[tuple[str, CheckedUpload]],
    note: str = "",
    after: dict | None = None,
) -> tuple[Objection, str]:
    """What every filing does, online or on paper: check the records (one provider, none with an
    unfinished case, none revoked), open the case with its number and code, store the files,
    mark the records, put the step on the timeline with its audit event and tell the parties.
    All or nothing: the files of a refused filing are removed with its rows."""
    stored: list[ObjectionEvidence] = []
    with _files_go_with_their_rows(stored), transaction.atomic():
        locked = _lock_records(subject, records)
        provider = _single_provider(locked)
        _refuse_open_cases(locked)
        code = followup.new_code()
        objection = _create_case(subject=subject, provider=provider, code=code, now=now, fields=case)
        ObjectionRecord.objects.bulk_create([ObjectionRecord(objection=objection, record=r) for r in locked])
        for kind, checked in files:
            stored.append(_store(objection, actor, kind, checked))
        record_effects.mark_under_objection(locked)
        workflow.finish(
            objection,
            action,
            actor=actor,
            party=party,
            note=note,
            at=now,
            after={
                "records": [r.pk for r in locked],
                "provider": provider.code,
                "evidence": [{"name": e.original_name, "sha256": e.sha256, "kind": e.kind} for e in stored],
                **(after or {}),
            },
        )
        notices.filed(objection)
    return objection, code


@contextmanager
def _files_go_with_their_rows(stored: list[ObjectionEvidence]) -> Iterator[None]:
    """Around a transaction that stores files: if it fails, the rows go with it, so must their files."""
    try:
        yield
    except Exception:
        for row in stored:
            row.file.delete(save=False)
        raise


def _store(objection: Objection, actor, kind: str, checked: CheckedUpload) -> ObjectionEvidence:
    return store_evidence(ObjectionEvidence(objection=objection, uploaded_by=actor, kind=kind), checked)


def _lock_records(subject: Subject, records: list[CreditRecord]) -> list[CreditRecord]:
    ids = sorted({record.pk for record in records})
    if not ids:
        raise ObjectionError(_("请至少选择一条信用记录"), field="records")
    locked = list(
        CreditRecord.objects.select_for_update(of=("self",))
        .select_related("provider", "catalog_item")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(locked) != len(ids) or any(record.subject_id != subject.pk for record in locked):
        raise ObjectionError(_("所选记录不属于该信息主体"), field="records")
    revoked = [record for record in locked if record.status == RecordStatus.REVOKED]
    if revoked:
        raise ObjectionError(
            _("记录“%(key)s”已由信息提供单位撤销，无需提出异议") % {"key": revoked[0].source_key}, field="records"
        )
    return locked


def _single_provider(records: list[CreditRecord]):
    providers = {record.provider_id: record.provider for record in records}
    if len(providers) > 1:
        names = "、".join(sorted(p.name for p in providers.values()))
        raise ObjectionError(
            _("一件异议只能针对同一信息提供单位报送的记录。所选记录分别由%(names)s报送，请按报送单位分别提出异议。")
            % {"names": names},
            field="records",
        )
    return next(iter(providers.values()))


def _refuse_open_cases(records: list[CreditRecord]) -> None:
    busy = (
        ObjectionRecord.objects.filter(record__in=records, objection__status__in=workflow.OPEN)
        .select_related("objection", "record")
        .first()
    )
    if busy is not None:
        raise ObjectionError(
            _("记录“%(key)s”已有尚未办结的异议（案件编号%(number)s），请在该案件中继续办理")
            % {"key": busy.record.source_key, "number": busy.objection.number},
            field="records",
        )


def _create_case(*, subject, provider, code: str, now: dt.datetime, fields: dict) -> Objection:
    """`fields` hold who applied, the statement and `received_at`, from which the center's 5
    working days run."""
    day = timezone.localtime(now).date()
    for _attempt in range(10):
        number = new_number(NUMBER_PREFIX, day, 5)
        try:
            with transaction.atomic():  # a savepoint: a number drawn twice is drawn again
                return Objection.objects.create(
                    number=number,
                    follow_up_code_hash=followup.code_hash(number, code),
                    subject=subject,
                    provider=provider,
                    center_due_at=workflow.center_due(fields["received_at"]),
                    **fields,
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a free case number")


def reissue_follow_up_code(*, objection: Objection, actor) -> tuple[Objection, str]:
    """A paper applicant lost its receipt: a new 查询码 for a new receipt, and the old one no
    longer opens the case. (Online applicants follow their cases in their account.)"""
    with transaction.atomic():
        case = workflow.begin(objection.pk, "reissue_code")
        if not case.is_paper:
            raise ObjectionError(_("网上提交的异议由申请人在“我的异议”中查看，无需重新生成查询码"))
        code = followup.new_code()
        case.follow_up_code_hash = followup.code_hash(case.number, code)
        case.save(update_fields=["follow_up_code_hash", "updated_at"])
        workflow.finish(case, "reissue_code", actor=actor, party=Party.CENTER, note=_("原查询码已作废"))
        notices.code_reissued(case)
    return case, code


# --- The center's review (Art. 14 para. 1) --------------------------------------------------------


def refer_objection(*, objection: Objection, actor, note: str = "") -> Objection:
    """Caused by the provider: notify it at once; its 7 working days start (Art. 14 para. 2)."""
    note = _text(note, NOTE_MAX, field="note", required=False)
    with transaction.atomic():
        case = workflow.begin(objection.pk, "refer")
        now = timezone.now()
        workflow.finish(
            case,
            "refer",
            actor=actor,
            party=Party.CENTER,
            note=note,
            at=now,
            fields={
                "referred_at": now,
                "provider_due_at": workflow.provider_due(now),
                "clerk_note": note,
            },
        )
        notices.referred(case)
    return case


def correct_platform_error(*, objection: Objection, actor, corrections: dict[int, dict], note: str) -> Objection:
    """A technical error of the platform: the center corrects the records now and closes the case
    (Art. 14 para. 1, "应当立即更正并通知异议申请人")."""
    note = _text(note, NOTE_MAX, field="note", missing=_("请说明技术差错的情况"))
    with transaction.atomic():
        case = workflow.begin(objection.pk, "correct_platform_error")
        reason = _("异议%(number)s：平台技术处理差错，中心更正") % {"number": case.number}
        applied = _apply_corrections(case, corrections, actor=actor, reason=reason)
        now = timezone.now()
        record_effects.end_marks(case, now)
        workflow.finish(
            case,
            "correct_platform_error",
            actor=actor,
            party=Party.CENTER,
            note=note,
            at=now,
            fields={"closed_at": now, "clerk_note": note, "correction": applied},
        )
        notices.platform_corrected(case)
    return case


def reject_objection(*, objection: Objection, actor, reason: str) -> Objection:
    """Not an objection the center can handle (e.g. it names no error): closed with the reason."""
    reason = _text(reason, NOTE_MAX, field="reason", missing=_("请填写不予受理的理由，申请人将看到该理由"))
    with transaction.atomic():
        case = workflow.begin(objection.pk, "reject")
        now = timezone.now()
        record_effects.end_marks(case, now)
        workflow.finish(
            case,
            "reject",
            actor=actor,
            party=Party.CENTER,
            note=reason,
            at=now,
            fields={"closed_at": now, "clerk_note": reason},
        )
        notices.rejected(case)
    return case


# --- The provider's answer (Art. 14 para. 2) -------------------------------------------------------


def answer_with_correction(*, objection: Objection, actor, reply: str, corrections: dict[int, dict]) -> Objection:
    """(一) The information is wrong: the provider's correction, applied by the center's platform
    at once through the collection pipeline (a new revision; the old one is kept)."""
    reply = _reply(reply)
    with transaction.atomic():
        case = _begin_answer(objection, actor, "answer_corrected")
        reason = _("异议%(number)s：信息提供单位核实有误，予以更正（第十四条第二款第（一）项）") % {
            "number": case.number
        }
        applied = _apply_corrections(case, corrections, actor=actor, reason=reason)
        now = timezone.now()
        reinstated = _close_answer(case, actor, now)
        workflow.finish(
            case,
            "answer_corrected",
            actor=actor,
            party=Party.PROVIDER,
            note=reply,
            at=now,
            fields={
                "answered_at": now,
                "closed_at": now,
                "provider_reply": reply,
                "correction": applied,
            },
        )
        record_effects.log_reinstated(case, reinstated, now)
        notices.answered(case, reinstated=bool(reinstated))
    return case


def answer_confirmed(*, objection: Objection, actor, reply: str) -> Objection:
    """(二) The information is correct: both the center and the applicant are told; the applicant
    may then keep its objection (`keep_objection`) or accept the answer."""
    reply = _reply(reply)
    with transaction.atomic():
        case = _begin_answer(objection, actor, "answer_confirmed")
        now = timezone.now()
        reinstated = _close_answer(case, actor, now)
        workflow.finish(
            case,
            "answer_confirmed",
            actor=actor,
            party=Party.PROVIDER,
            note=reply,
            at=now,
            fields={"answered_at": now, "provider_reply": reply},
        )
        record_effects.log_reinstated(case, reinstated, now)
        notices.answered(case, reinstated=bool(reinstated))
    return case


def answer_unverifiable(*, objection: Objection, actor, reply: str, note: str) -> Objection:
    """(三) Cannot be verified: an appended note (附注声明) on each record of the case."""
    reply = _reply(reply)
    note = _text(note, NOTE_MAX, field="note", missing=_("请填写附注声明的内容"))
    with transaction.atomic():
        case = _begin_answer(objection, actor, "answer_unverifiable")
        now = timezone.now()
        Annotation.objects.bulk_create(
            [
                Annotation(record=record, kind=Kind.APPENDED_NOTE, text=note)
                for record in record_effects.live_records(case)
            ]
        )
        reinstated = _close_answer(case, actor, now)
        workflow.finish(
            case,
            "answer_unverifiable",
            actor=actor,
            party=Party.PROVIDER,
            note=reply,
            at=now,
            fields={"answered_at": now, "closed_at": now, "provider_reply": reply},
            after={"appended_note": note},
        )
        record_effects.log_reinstated(case, reinstated, now)
        notices.answered(case, reinstated=bool(reinstated))
    return case


def _reply(reply: str) -> str:
    return _text(reply, REPLY_MAX, field="reply", missing=_("请填写核查意见"))


def _begin_answer(objection: Objection, actor, action: str) -> Objection:
    case = workflow.begin(objection.pk, action)
    if not case.provider.staff.filter(pk=actor.pk).exists():
        raise ObjectionError(_("只有%(provider)s的工作人员可以答复该异议") % {"provider": case.provider.name})
    return case


def _close_answer(case: Objection, actor, now: dt.datetime) -> list[int]:
    """What every answer ends: the 异议处理中 marks, and a suspension for a missed deadline."""
    record_effects.end_marks(case, now)
    return record_effects.reinstate(case, actor=actor, now=now)


# --- The applicant ----------------------------------------------------------------------------------
#
# Each step is taken online by an account acting for the subject, or — for a case received on
# paper, whose applicant may have no account — by a center clerk from the applicant's letter
# (`letter`, its scan stored with the case). The same function either way, so the same check,
# change, timeline entry and notices; the audit event's actor is whoever acted.


def keep_objection(*, objection: Objection, actor, statement: str, letter: paper.Letter | None = None) -> Objection:
    """After a (二) answer the applicant still disagrees: its objection and reasons are shown
    with each record wherever it is disclosed (an `objector_statement` annotation)."""
    statement = _text(
        statement, FINAL_STATEMENT_MAX, field="statement", missing=_("请填写异议及理由，该声明将随记录一并披露")
    )
    with _applicant_step(objection, "keep_objection", actor, letter) as (case, finish):
        now = timezone.now()
        Annotation.objects.bulk_create(
            [
                Annotation(record=record, kind=Kind.OBJECTOR_STATEMENT, text=statement)
                for record in record_effects.live_records(case)
            ]
        )
        finish(
            note=statement,
            at=now,
            fields={
                "applicant_keeps_objection": True,
                "applicant_final_statement": statement,
                "closed_at": now,
            },
        )
        notices.kept(case)
    return case


def accept_answer(*, objection: Objection, actor, letter: paper.Letter | None = None) -> Objection:
    with _applicant_step(objection, "accept_answer", actor, letter) as (case, finish):
        now = timezone.now()
        finish(at=now, fields={"closed_at": now})
        notices.accepted(case)
    return case


def withdraw_objection(
    *, objection: Objection, actor, reason: str = "", letter: paper.Letter | None = None
) -> Objection:
    reason = _text(reason, NOTE_MAX, field="reason", required=False)
    with _applicant_step(objection, "withdraw", actor, letter) as (case, finish):
        was_referred = case.status == Status.REFERRED
        now = timezone.now()
        record_effects.end_marks(case, now)
        reinstated = record_effects.reinstate(case, actor=actor, now=now)
        finish(note=reason, at=now, fields={"closed_at": now})
        record_effects.log_reinstated(case, reinstated, now)
        notices.withdrawn(case, was_referred=was_referred, reinstated=bool(reinstated))
    return case


@contextmanager
def _applicant_step(
    objection: Objection, action: str, actor, letter: paper.Letter | None
) -> Iterator[tuple[Objection, Callable]]:
    """The locked case, once `actor` may take `action` for the applicant, and the `finish` that
    puts the step on the timeline under the applicant's name. In one transaction; a stored
    letter goes if the step fails."""
    if letter is not None:
        paper.check_letter(letter, timezone.localdate())
    stored: list[ObjectionEvidence] = []
    with _files_go_with_their_rows(stored), transaction.atomic():
        case = workflow.begin(objection.pk, action)
        finish = partial(workflow.finish, case, action, actor=actor, party=Party.APPLICANT)
        if letter is None:
            _require_applicant_side(case, actor)
        else:
            _require_paper_clerk(case, actor)
            paper.check_letter_arrival(letter, case)
            stored.append(_store(case, actor, EvidenceKind.LETTER, letter.scan))  # type: ignore[arg-type]  # checked
            finish = partial(
                finish,
                actor_label=paper.letter_label(case, letter, actor),
                after={"in_writing": paper.letter_facts(letter)},
            )
        yield case, finish


def _require_applicant_side(case: Objection, actor) -> None:
    if not acts_for(actor, case.subject):
        raise ObjectionError(_("您的账号未绑定该信息主体，不能办理该案件"))


def _require_paper_clerk(case: Objection, actor) -> None:
    if not case.is_paper:
        raise ObjectionError(_("网上提交的异议由申请人登录后自行办理，中心不代为登记书面意见"))
    if not actor.has_perm(REVIEW):
        raise ObjectionError(_("只有市公共信用信息中心的工作人员可以登记申请人的书面意见"))


def _apply_corrections(case: Objection, corrections: dict[int, dict], *, actor, reason: str) -> dict:
    """Correct each record of the case with its changed values; all or nothing."""
    applied: dict[str, dict] = {}
    errors: dict[int, CorrectionError] = {}
    for record in record_effects.live_records(case):
        data = corrections.get(record.pk)
        if not data:
            continue
        try:
            corrected = correct_record(record=record, data=data, actor=actor, reason=reason)
        except NothingToCorrect:
            continue
        except CorrectionError as exc:
            errors[record.pk] = exc
        else:
            applied[str(record.pk)] = {"revision": corrected.revision, "data": data}
    if errors:
        raise CorrectionsRefused(errors)
    if not applied:
        raise ObjectionError(_("更正后的内容与现有记录相同：请至少修改一条记录中有误的数据项"))
    return applied
