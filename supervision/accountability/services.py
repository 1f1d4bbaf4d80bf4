"""State changes of accountability cases (提请追责, Art. 22).

Each function runs in one transaction and moves the case through `supervision.accountability.workflow`
(lock, check, timeline step and audit event); `notices` tells the parties after commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.archive import create_numbered, register_archive_entry
from audit.models import ArchiveEntry
from catalog.models import Provider
from collection.validation import id_number_in_text_message
from nantong_credit.case_evidence import store_evidence
from nantong_credit.uploads import CheckedUpload
from nantong_credit.workdays import as_local_date, deadline_end

from . import evidence as evidence_module
from . import notices
from .letters import render_letter
from .models import AccountabilityAttachment, AccountabilityCase, AccountabilityLetter, Ground
from .workflow import WORKFLOW, Status, TransitionNotAllowed

TEXT_MAX = 5000
MAX_ATTACHMENTS = 10
# A 督办函 usually asks for a written answer within 10 working days: an internal inquiry into who
# was responsible takes longer than the 7 working days Art. 14 gives for checking one record. The
# commission may set another period per case within these bounds.
DEFAULT_RESPONSE_WORKDAYS = 10
MIN_RESPONSE_WORKDAYS, MAX_RESPONSE_WORKDAYS = 5, 30
CASE_PREFIX = "ZR"
LETTER_PREFIX = "通工信督〔%(year)d〕"


class AccountabilityError(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# Free text is printed in the letter, archived and audited: no ID number may be in it in clear.
LABELS = {"facts": "事实与理由", "response": "书面答复", "conclusion": "结论意见", "reason": "撤销理由"}


def _text(value: str, *, field: str, required_message: str = "") -> str:
    value = str(value or "").strip()
    if required_message and not value:
        raise AccountabilityError(required_message, field=field)
    if len(value) > TEXT_MAX:
        raise AccountabilityError(_("最多%(n)d个字") % {"n": TEXT_MAX}, field=field)
    if message := id_number_in_text_message(LABELS.get(field, field), value):
        raise AccountabilityError(message, field=field)
    return value


def _lock(case: AccountabilityCase, action: str) -> AccountabilityCase:
    try:
        return WORKFLOW.lock(case.pk, action)
    except TransitionNotAllowed as exc:
        raise AccountabilityError(exc.message) from None


def _label(user) -> str:
    return user.real_name or user.username


# --- Opening ----------------------------------------------------------------------------------


def open_case(
    *,
    actor,
    provider: Provider,
    grounds: list[str],
    period_from: dt.date,
    period_to: dt.date,
    facts: str,
    response_workdays: int = DEFAULT_RESPONSE_WORKDAYS,
) -> AccountabilityCase:
    """A draft case with the evidence of the period gathered and frozen on it."""
    grounds = [g for g in Ground.values if g in set(grounds or [])]
    if not grounds:
        raise AccountabilityError(_("请选择至少一项事由"), field="grounds")
    if period_from > period_to:
        raise AccountabilityError(_("结束日期不能早于开始日期"), field="period_to")
    if period_to > timezone.localdate():
        raise AccountabilityError(_("核查期间不能晚于今天"), field="period_to")
    if not MIN_RESPONSE_WORKDAYS <= response_workdays <= MAX_RESPONSE_WORKDAYS:
        raise AccountabilityError(
            _("答复期限应为%(a)d至%(b)d个工作日") % {"a": MIN_RESPONSE_WORKDAYS, "b": MAX_RESPONSE_WORKDAYS},
            field="response_workdays",
        )
    facts = _text(facts, field="facts", required_message=_("请写明事实与理由"))
    with transaction.atomic():
        now = timezone.now()
        snapshot = evidence_module.gather(provider, period_from, period_to)
        case = create_numbered(
            AccountabilityCase,
            lambda number: AccountabilityCase(
                number=number,
                provider=provider,
                grounds=grounds,
                period_from=period_from,
                period_to=period_to,
                facts=facts,
                evidence=snapshot,
                evidence_gathered_at=now,
                response_workdays=response_workdays,
                opened_by=actor,
                opened_at=now,
            ),
            prefix=f"{CASE_PREFIX}-{as_local_date(now).year}-",
            width=4,
        )
        WORKFLOW.apply(
            case,
            "opened",
            actor=actor,
            actor_label=_label(actor),
            summary=f"提请追责立案 {case.number}（{provider.name}）",
            note=_("核查期间%(a)s至%(b)s；证据已固定") % {"a": period_from, "b": period_to},
            at=now,
            audited=(),
            after={
                "number": case.number,
                "provider": provider.code,
                "grounds": grounds,
                "period": [period_from, period_to],
                "evidence_counts": _counts(snapshot),
                "response_workdays": response_workdays,
            },
        )
    return case


def _counts(snapshot: dict) -> dict:
    keys = ("late_records", "corrections", "missed_deadlines", "suspended_records")
    return {key: snapshot.get(key, {}).get("total", 0) for key in keys} | {
        "silent_items": len(snapshot.get("silent_items", []))
    }


# --- Issuing the letter -----------------------------------------------------------------------


def issue_letter(*, case: AccountabilityCase, actor) -> AccountabilityCase:
    """The numbered 督办函 as a PDF, archived; the provider's response period starts."""
    stored: list[AccountabilityLetter] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            locked = _lock(case, "issued")
            due_at = deadline_end(now, locked.response_workdays)
            letter = _make_letter(locked, now, due_at)
            stored.append(letter)
            entry = register_archive_entry(
                kind=ArchiveEntry.Kind.OFFICIAL_DOCUMENT,
                title=f"督办函 {letter.number}号（{locked.provider.name}）",
                obj=letter,
                sha256=letter.sha256,
                size=letter.size,
                actor=actor,
            )
            AccountabilityLetter.objects.filter(pk=letter.pk).update(archive_number=entry.number)
            WORKFLOW.apply(
                locked,
                "issued",
                actor=actor,
                actor_label=_label(actor),
                summary=f"印发督办函 {letter.number}号（{locked.number}，{locked.provider.name}）",
                note=_("文号%(number)s号，档案编号%(archive)s；请于%(due)s 24:00前答复")
                % {"number": letter.number, "archive": entry.number, "due": _due_day(due_at)},
                at=now,
                fields={"issued_at": now, "response_due_at": due_at},
                after={"letter": letter.number, "sha256": letter.sha256, "archive": entry.number, "due_at": due_at},
            )
            notices.issued(locked)
    except Exception:
        for letter in stored:
            letter.file.delete(save=False)
        raise
    case.refresh_from_db()
    return case


def _due_day(due_at: dt.datetime) -> str:
    return as_local_date(due_at - dt.timedelta(microseconds=1)).isoformat()


def _make_letter(case: AccountabilityCase, now: dt.datetime, due_at: dt.datetime) -> AccountabilityLetter:
    year = as_local_date(now).year
    letter = create_numbered(
        AccountabilityLetter,
        lambda number: AccountabilityLetter(number=number, case=case, sha256="", size=0, issued_at=now),
        prefix=LETTER_PREFIX % {"year": year},
        width=3,
    )
    content = render_letter(
        case, number=letter.number, issued_at=now, due_on=as_local_date(due_at - dt.timedelta(microseconds=1))
    )
    letter.sha256, letter.size = hashlib.sha256(content).hexdigest(), len(content)
    letter.file.save(f"{case.number}.pdf", ContentFile(content), save=False)
    letter.save(update_fields=["file", "sha256", "size"])
    return letter


# --- The provider's response -------------------------------------------------------------------


def respond_to_case(
    *, case: AccountabilityCase, actor, response: str, attachments: list[CheckedUpload]
) -> AccountabilityCase:
    if not case.provider.staff.filter(pk=actor.pk).exists():
        raise AccountabilityError(_("只有%(p)s的工作人员可以答复该督办函") % {"p": case.provider.name})
    response = _text(response, field="response", required_message=_("请填写书面答复"))
    if len(attachments) > MAX_ATTACHMENTS:
        raise AccountabilityError(_("最多上传%(n)d个文件") % {"n": MAX_ATTACHMENTS}, field="attachments")
    stored: list[AccountabilityAttachment] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            locked = _lock(case, "responded")
            for checked in attachments:
                stored.append(store_evidence(AccountabilityAttachment(case=locked, uploaded_by=actor), checked))
            late = locked.response_due_at is not None and now >= locked.response_due_at
            WORKFLOW.apply(
                locked,
                "responded",
                actor=actor,
                actor_label=f"{locked.provider.name} {_label(actor)}",
                summary=f"答复督办函 {locked.number}（{locked.provider.name}）",
                note=(_("逾期答复；") if late else "") + _("附件%(n)d份") % {"n": len(stored)},
                at=now,
                fields={"response": response, "responded_at": now, "responded_by": actor},
                after={
                    "late": late,
                    "attachments": [{"name": a.original_name, "size": a.size, "sha256": a.sha256} for a in stored],
                },
            )
            notices.responded(locked)
    except Exception:
        for row in stored:
            row.file.delete(save=False)
        raise
    case.refresh_from_db()
    return case


# --- Concluding, withdrawing ------------------------------------------------------------------


def close_case(*, case: AccountabilityCase, actor, outcome: str, conclusion: str) -> AccountabilityCase:
    if outcome not in AccountabilityCase.Conclusion.values:
        raise AccountabilityError(_("请选择结论"), field="outcome")
    conclusion = _text(conclusion, field="conclusion", required_message=_("请写明结论意见"))
    with transaction.atomic():
        now = timezone.now()
        locked = _lock(case, "closed")
        if locked.status == Status.ISSUED and locked.overdue_at is None:
            raise AccountabilityError(_("单位尚未答复，答复期限届满前不能作出结论"))
        WORKFLOW.apply(
            locked,
            "closed",
            actor=actor,
            actor_label=_label(actor),
            summary=f"追责案件办结 {locked.number}：{AccountabilityCase.Conclusion(outcome).label}",
            note=conclusion,
            at=now,
            fields={"outcome": outcome, "conclusion": conclusion, "closed_at": now},
            after={"conclusion": conclusion},
        )
        notices.closed(locked)
    case.refresh_from_db()
    return case


def withdraw_case(*, case: AccountabilityCase, actor, reason: str) -> AccountabilityCase:
    reason = _text(reason, field="reason", required_message=_("请写明撤销理由"))
    with transaction.atomic():
        now = timezone.now()
        locked = _lock(case, "withdrawn")
        was_issued = locked.status == Status.ISSUED
        WORKFLOW.apply(
            locked,
            "withdrawn",
            actor=actor,
            actor_label=_label(actor),
            summary=f"撤销追责案件 {locked.number}",
            note=reason,
            at=now,
            fields={"withdrawn_reason": reason, "closed_at": now},
            after={"reason": reason},
        )
        notices.withdrawn(locked, was_issued=was_issued)
    case.refresh_from_db()
    return case
