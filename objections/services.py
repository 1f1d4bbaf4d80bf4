"""State changes of objections (异议, Art. 13-14), one service per step of `objections.workflow`.

Each runs in one transaction: `workflow.begin` locks the case and checks that the step is
allowed, the service does its part (records corrected, marked, suspended; annotations added),
`workflow.finish` moves the case on with its timeline entry and audit event, and
`objections.notices` tells every party (email once the transaction commits).
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from collection.bindings import acts_for
from collection.corrections import CorrectionError, NothingToCorrect, correct_record
from collection.models import Annotation, CreditRecord, RecordStatus, Subject
from collection.uploads import CheckedUpload
from nantong_credit.case_evidence import store_evidence
from nantong_credit.follow_up import new_number
from nantong_credit.workdays import provisional_years

from . import followup, notices, workflow
from .models import Objection, ObjectionEvidence, ObjectionRecord
from .workflow import Party

Status = Objection.Status
Kind = Annotation.Kind

STATEMENT_MAX = 5000
# Shown with the record wherever it is disclosed: long enough for reasons, short enough to read.
FINAL_STATEMENT_MAX = 1000
REPLY_MAX = 5000
NOTE_MAX = 1000
MAX_EVIDENCE = 10
NUMBER_PREFIX = "YY"  # 异议
# The mark says it all; every page words it itself (and a dishonesty record stays published).
UNDER_OBJECTION_TEXT = ""


class ObjectionError(Exception):
    """A step that cannot be taken; `field` names the form field the message belongs to."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


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
    if not evidence:
        raise ObjectionError(_("请上传证明材料（第十三条：提交相应证据材料）"), field="evidence")
    if len(evidence) > MAX_EVIDENCE:
        raise ObjectionError(_("最多上传%(n)d个文件") % {"n": MAX_EVIDENCE}, field="evidence")
    stored: list[ObjectionEvidence] = []
    try:
        with transaction.atomic():
            locked = _lock_records(subject, records)
            provider = _single_provider(locked)
            _refuse_open_cases(locked)
            now, code = timezone.now(), followup.new_code()
            objection = _create_case(applicant=applicant, subject=subject, provider=provider, statement=statement,
                                     code=code, now=now)
            ObjectionRecord.objects.bulk_create([ObjectionRecord(objection=objection, record=r) for r in locked])
            for checked in evidence:
                stored.append(store_evidence(ObjectionEvidence(objection=objection, uploaded_by=applicant), checked))
            _mark_under_objection(locked)
            workflow.finish(objection, "file", actor=applicant, party=Party.APPLICANT, at=now, after={
                "records": [r.pk for r in locked], "provider": provider.code,
                "evidence": [{"name": e.original_name, "sha256": e.sha256} for e in stored],
            })
            notices.filed(objection)
    except Exception:
        for row in stored:  # the rows go with the transaction; so must their files
            row.file.delete(save=False)
        raise
    return objection, code


def _lock_records(subject: Subject, records: list[CreditRecord]) -> list[CreditRecord]:
    ids = sorted({record.pk for record in records})
    if not ids:
        raise ObjectionError(_("请至少选择一条信用记录"), field="records")
    locked = list(CreditRecord.objects.select_for_update(of=("self",)).select_related("provider", "catalog_item")
                  .filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids) or any(record.subject_id != subject.pk for record in locked):
        raise ObjectionError(_("所选记录不属于该信息主体"), field="records")
    revoked = [record for record in locked if record.status == RecordStatus.REVOKED]
    if revoked:
        raise ObjectionError(_("记录“%(key)s”已由信息提供单位撤销，无需提出异议") % {"key": revoked[0].source_key},
                             field="records")
    return locked


def _single_provider(records: list[CreditRecord]):
    providers = {record.provider_id: record.provider for record in records}
    if len(providers) > 1:
        names = "、".join(sorted(p.name for p in providers.values()))
        raise ObjectionError(
            _("一件异议只能针对同一信息提供单位报送的记录。所选记录分别由%(names)s报送，请按报送单位分别提出异议。")
            % {"names": names}, field="records",
        )
    return next(iter(providers.values()))


def _refuse_open_cases(records: list[CreditRecord]) -> None:
    busy = (ObjectionRecord.objects.filter(record__in=records, objection__status__in=workflow.OPEN)
            .select_related("objection", "record").first())
    if busy is not None:
        raise ObjectionError(
            _("记录“%(key)s”已有尚未办结的异议（案件编号%(number)s），请在该案件中继续办理")
            % {"key": busy.record.source_key, "number": busy.objection.number}, field="records",
        )


def _create_case(*, applicant, subject, provider, statement: str, code: str, now: dt.datetime) -> Objection:
    day = timezone.localtime(now).date()
    for _attempt in range(10):
        number = new_number(NUMBER_PREFIX, day, 5)
        try:
            with transaction.atomic():  # a savepoint: a number drawn twice is drawn again
                return Objection.objects.create(
                    number=number, follow_up_code_hash=followup.code_hash(number, code), subject=subject,
                    applicant=applicant, provider=provider, statement=statement, received_at=now,
                    center_due_at=workflow.center_due(now),
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a free case number")


# --- The center's review (Art. 14 para. 1) --------------------------------------------------------


def refer_objection(*, objection: Objection, actor, note: str = "") -> Objection:
    """Caused by the provider: notify it at once; its 7 working days start (Art. 14 para. 2)."""
    note = _text(note, NOTE_MAX, field="note", required=False)
    with transaction.atomic():
        case = workflow.begin(objection.pk, "refer")
        now = timezone.now()
        workflow.finish(case, "refer", actor=actor, party=Party.CENTER, note=note, at=now, fields={
            "referred_at": now, "provider_due_at": workflow.provider_due(now), "clerk_note": note,
        })
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
        _end_marks(case, now)
        workflow.finish(case, "correct_platform_error", actor=actor, party=Party.CENTER, note=note, at=now,
                        fields={"closed_at": now, "clerk_note": note, "correction": applied})
        notices.platform_corrected(case)
    return case


def reject_objection(*, objection: Objection, actor, reason: str) -> Objection:
    """Not an objection the center can handle (e.g. it names no error): closed with the reason."""
    reason = _text(reason, NOTE_MAX, field="reason", missing=_("请填写不予受理的理由，申请人将看到该理由"))
    with transaction.atomic():
        case = workflow.begin(objection.pk, "reject")
        now = timezone.now()
        _end_marks(case, now)
        workflow.finish(case, "reject", actor=actor, party=Party.CENTER, note=reason, at=now,
                        fields={"closed_at": now, "clerk_note": reason})
        notices.rejected(case)
    return case


# --- The provider's answer (Art. 14 para. 2) -------------------------------------------------------


def answer_with_correction(*, objection: Objection, actor, reply: str, corrections: dict[int, dict]) -> Objection:
    """(一) The information is wrong: the provider's correction, applied by the center's platform
    at once through the collection pipeline (a new revision; the old one is kept)."""
    reply = _reply(reply)
    with transaction.atomic():
        case = _begin_answer(objection, actor, "answer_corrected")
        reason = _("异议%(number)s：信息提供单位核实有误，予以更正（第十四条第二款第（一）项）") % {"number": case.number}
        applied = _apply_corrections(case, corrections, actor=actor, reason=reason)
        now = timezone.now()
        reinstated = _close_answer(case, actor, now)
        workflow.finish(case, "answer_corrected", actor=actor, party=Party.PROVIDER, note=reply, at=now, fields={
            "answered_at": now, "closed_at": now, "provider_reply": reply, "correction": applied,
        })
        _log_reinstated(case, reinstated, now)
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
        workflow.finish(case, "answer_confirmed", actor=actor, party=Party.PROVIDER, note=reply, at=now,
                        fields={"answered_at": now, "provider_reply": reply})
        _log_reinstated(case, reinstated, now)
        notices.answered(case, reinstated=bool(reinstated))
    return case


def answer_unverifiable(*, objection: Objection, actor, reply: str, note: str) -> Objection:
    """(三) Cannot be verified: an appended note (附注声明) on each record of the case."""
    reply = _reply(reply)
    note = _text(note, NOTE_MAX, field="note", missing=_("请填写附注声明的内容"))
    with transaction.atomic():
        case = _begin_answer(objection, actor, "answer_unverifiable")
        now = timezone.now()
        Annotation.objects.bulk_create([
            Annotation(record=record, kind=Kind.APPENDED_NOTE, text=note) for record in _live_records(case)
        ])
        reinstated = _close_answer(case, actor, now)
        workflow.finish(case, "answer_unverifiable", actor=actor, party=Party.PROVIDER, note=reply, at=now,
                        fields={"answered_at": now, "closed_at": now, "provider_reply": reply},
                        after={"appended_note": note})
        _log_reinstated(case, reinstated, now)
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
    _end_marks(case, now)
    return _reinstate(case, actor=actor, now=now)


# --- The applicant ----------------------------------------------------------------------------------


def keep_objection(*, objection: Objection, actor, statement: str) -> Objection:
    """After a (二) answer the applicant still disagrees: its objection and reasons are shown
    with each record wherever it is disclosed (an `objector_statement` annotation)."""
    statement = _text(statement, FINAL_STATEMENT_MAX, field="statement",
                      missing=_("请填写异议及理由，该声明将随记录一并披露"))
    with transaction.atomic():
        case = workflow.begin(objection.pk, "keep_objection")
        _require_applicant_side(case, actor)
        now = timezone.now()
        Annotation.objects.bulk_create([
            Annotation(record=record, kind=Kind.OBJECTOR_STATEMENT, text=statement) for record in _live_records(case)
        ])
        workflow.finish(case, "keep_objection", actor=actor, party=Party.APPLICANT, note=statement, at=now, fields={
            "applicant_keeps_objection": True, "applicant_final_statement": statement, "closed_at": now,
        })
        notices.kept(case)
    return case


def accept_answer(*, objection: Objection, actor) -> Objection:
    with transaction.atomic():
        case = workflow.begin(objection.pk, "accept_answer")
        _require_applicant_side(case, actor)
        now = timezone.now()
        workflow.finish(case, "accept_answer", actor=actor, party=Party.APPLICANT, at=now, fields={"closed_at": now})
        notices.accepted(case)
    return case


def withdraw_objection(*, objection: Objection, actor, reason: str = "") -> Objection:
    reason = _text(reason, NOTE_MAX, field="reason", required=False)
    with transaction.atomic():
        case = workflow.begin(objection.pk, "withdraw")
        _require_applicant_side(case, actor)
        was_referred = case.status == Status.REFERRED
        now = timezone.now()
        _end_marks(case, now)
        reinstated = _reinstate(case, actor=actor, now=now)
        workflow.finish(case, "withdraw", actor=actor, party=Party.APPLICANT, note=reason, at=now,
                        fields={"closed_at": now})
        _log_reinstated(case, reinstated, now)
        notices.withdrawn(case, was_referred=was_referred, reinstated=bool(reinstated))
    return case


def _require_applicant_side(case: Objection, actor) -> None:
    if not acts_for(actor, case.subject):
        raise ObjectionError(_("您的账号未绑定该信息主体，不能办理该案件"))


# --- The deadline sweep -----------------------------------------------------------------------------


def remind_center(*, objection_ids: list[int], now: dt.datetime) -> int:
    """Once per case, when two working days of the center's period are left; how many were
    reminded (cases no longer due are skipped)."""
    with transaction.atomic():
        cases = workflow.begin_many(objection_ids, "remind_center", center_reminded_at__isnull=True,
                                    center_due_at__gt=now)
        if not cases:
            return 0
        workflow.finish_many(cases, "remind_center", at=now, fields={"center_reminded_at": now},
                             notes={c.pk: _due_note(c.center_due_at) for c in cases})
        notices.center_reminders(cases)
    return len(cases)


def remind_provider(*, objection_ids: list[int], now: dt.datetime) -> int:
    with transaction.atomic():
        cases = workflow.begin_many(objection_ids, "remind_provider", provider_reminded_at__isnull=True,
                                    provider_due_at__gt=now)
        if not cases:
            return 0
        workflow.finish_many(cases, "remind_provider", at=now, fields={"provider_reminded_at": now},
                             notes={c.pk: _due_note(c.provider_due_at) for c in cases})
        notices.provider_reminders(cases)
    return len(cases)


def hold_provider_deadlines(*, objection_ids: list[int], now: dt.datetime) -> int:
    """The provider's 7 working days have passed, but they reach a year whose State Council
    holiday notice is not entered yet: the deadline may still move later, so nothing is
    suspended (SPEC §4). The case shows 期限待确认 and the center and the calendar managers are
    told, once. How many cases were held."""
    with transaction.atomic():
        cases = workflow.begin_many(objection_ids, "hold_deadline", provider_overdue_at__isnull=True,
                                    provider_deadline_held_at__isnull=True, provider_due_at__lte=now)
        years = {c.pk: provisional_years(c.referred_at, c.provider_due_at) for c in cases}
        cases = [c for c in cases if years[c.pk]]
        if not cases:
            return 0
        notes = {c.pk: _("答复期限%(due)s所在的%(years)s年国务院节假日安排尚未录入，期限可能顺延；录入后重新计算，"
                         "仍已届满的再暂停查询") % {"due": workflow.deadline_text(c.provider_due_at),
                                          "years": "、".join(map(str, years[c.pk]))} for c in cases}
        workflow.finish_many(cases, "hold_deadline", at=now, fields={"provider_deadline_held_at": now}, notes=notes)
        notices.deadlines_held(cases, years=sorted({y for c in cases for y in years[c.pk]}))
    return len(cases)


def mark_provider_overdue(*, objection_ids: list[int], now: dt.datetime) -> int:
    """The provider missed its 7 working days: its records of the case are withheld from every
    query until it answers (Art. 14 para. 3). How many cases were marked. Never on a provisional
    deadline (`hold_provider_deadlines` holds those until their year's notice is entered)."""
    with transaction.atomic():
        cases = workflow.begin_many(objection_ids, "provider_overdue", provider_overdue_at__isnull=True,
                                    provider_due_at__lte=now)
        cases = [c for c in cases if not provisional_years(c.referred_at, c.provider_due_at)]
        if not cases:
            return 0
        suspended = _suspend(cases, now)
        notes = {c.pk: _("答复期限%(due)s已过，暂停查询的记录：%(n)d条")
                 % {"due": workflow.deadline_text(c.provider_due_at), "n": len(suspended.get(c.pk, []))} for c in cases}
        workflow.finish_many(cases, "provider_overdue", at=now, fields={"provider_overdue_at": now}, notes=notes,
                             after={"suspended_records": sorted(pk for pks in suspended.values() for pk in pks)})
        notices.providers_overdue(cases)
    return len(cases)


def _due_note(due: dt.datetime) -> str:
    return _("期限：%(due)s") % {"due": workflow.deadline_text(due)}


def adjust_deadline(*, objection_id: int, now: dt.datetime) -> bool:
    """Recompute a period once its year's holidays are known (or an override changed it).

    A running period moves only if the result differs and still lies ahead: a deadline never
    passes by surprise. A held one (期限待确认) moves whatever the result: if it now lies ahead the
    case runs on with it and the parties are told; if it has still passed, the sweep's next step
    applies the consequence on the recomputed deadline."""
    with transaction.atomic():
        case = workflow.begin_if(objection_id, "adjust_deadline")
        if case is None:
            return False
        field, start = (("center_due_at", case.received_at) if case.status == Status.SUBMITTED
                        else ("provider_due_at", case.referred_at))
        old = getattr(case, field)
        new = workflow.center_due(start) if field == "center_due_at" else workflow.provider_due(start)
        held = field == "provider_due_at" and case.provider_deadline_held_at is not None \
            and case.provider_overdue_at is None
        if new == old or (not held and (new <= now or old <= now)):
            return False
        fields = {field: new}
        if held and new > now:
            fields["provider_deadline_held_at"] = None  # no longer passed: the case runs on
        old_text, new_text = workflow.deadline_text(old), workflow.deadline_text(new)
        workflow.finish(case, "adjust_deadline", actor=None, party=Party.SYSTEM, at=now, fields=fields,
                        note=_("由%(old)s调整为%(new)s") % {"old": old_text, "new": new_text})
        if new > now:
            notices.deadline_adjusted(case, old_text=old_text, new_text=new_text, was_held=held)
    return True


# --- Records ----------------------------------------------------------------------------------------


def _live_records(case: Objection) -> list[CreditRecord]:
    return list(CreditRecord.objects.filter(objection_links__objection=case).exclude(status=RecordStatus.REVOKED)
                .order_by("pk"))


def _mark_under_objection(records: list[CreditRecord]) -> None:
    # Marked, never hidden: "不影响失信行为记录的公示与处理" (Art. 14 para. 3).
    Annotation.objects.bulk_create([
        Annotation(record=record, kind=Kind.UNDER_OBJECTION, text=UNDER_OBJECTION_TEXT) for record in records
    ])


def _end_marks(case: Objection, now: dt.datetime) -> None:
    """The 异议处理期 is over. A record has one unfinished case at a time, so its active mark is this one's."""
    Annotation.objects.filter(
        record__objection_links__objection=case, kind=Kind.UNDER_OBJECTION, is_active=True
    ).update(is_active=False, ended_at=now)


def _suspend(cases: list[Objection], now: dt.datetime) -> dict[int, list[int]]:
    """Withhold the cases' records from every query; {case pk: ids of the records suspended now}.
    A record has one unfinished case at a time, so nothing else holds it suspended."""
    links = ObjectionRecord.objects.filter(objection__in=cases, record__suspended_since__isnull=True)
    by_case: dict[int, list[int]] = {}
    for case_pk, record_pk in links.values_list("objection_id", "record_id").order_by("record_id"):
        by_case.setdefault(case_pk, []).append(record_pk)
    record_ids = [pk for pks in by_case.values() for pk in pks]
    CreditRecord.objects.filter(pk__in=record_ids, suspended_since__isnull=True).update(suspended_since=now)
    return by_case


def _reinstate(case: Objection, *, actor, now: dt.datetime) -> list[int]:
    """Lift the suspension of the case's records ("直至答复"); the caller logs the step after
    its own with `_log_reinstated`."""
    if case.provider_overdue_at is None:
        return []
    records = list(CreditRecord.objects.select_for_update(of=("self",)).select_related("catalog_item")
                   .filter(objection_links__objection=case, suspended_since__isnull=False).order_by("pk"))
    CreditRecord.objects.filter(pk__in=[r.pk for r in records]).update(suspended_since=None)
    for record in records:
        record_event(action="record.reinstate", actor=actor, obj=record,
                     summary=f"恢复查询{record.catalog_item.name} {record.source_key}（异议{case.number}）",
                     before={"suspended_since": record.suspended_since}, after={"suspended_since": None})
    return [r.pk for r in records]


def _log_reinstated(case: Objection, record_ids: list[int], now: dt.datetime) -> None:
    if record_ids:
        workflow.finish(case, "reinstate", actor=None, party=Party.SYSTEM, at=now,
                        after={"reinstated_records": record_ids})


def _apply_corrections(case: Objection, corrections: dict[int, dict], *, actor, reason: str) -> dict:
    """Correct each record of the case with its changed values; all or nothing."""
    applied: dict[str, dict] = {}
    errors: dict[int, CorrectionError] = {}
    for record in _live_records(case):
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


def _text(value: str, limit: int, *, field: str, missing: str = "", required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ObjectionError(missing, field=field)
    if len(text) > limit:
        raise ObjectionError(_("最多%(n)d个字，现有%(m)d个字") % {"n": limit, "m": len(text)}, field=field)
    return text
