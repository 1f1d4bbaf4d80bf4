"""State changes of filings (备案, Art. 12 and 18): a department files a document, the commission
accepts it (备案号, archive) or returns it with reasons. One transaction each, through
`supervision.filings.workflow`; `notices` tells the other side after commit."""

from __future__ import annotations

import datetime as dt

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.archive import register_archive_entry
from audit.models import ArchiveEntry
from catalog.models import Provider
from catalog.selectors import providers_of
from collection.validation import id_number_in_text_message

from . import notices
from .models import Filing, FilingKind
from .uploads import CheckedDocument
from .workflow import WORKFLOW, TransitionNotAllowed

TITLE_MAX = 200
NOTE_MAX = 2000
NUMBER_PREFIX = "通工信备〔%(year)d〕"
NUMBER_ATTEMPTS = 5


class FilingError(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _label(user) -> str:
    return user.real_name or user.username


def submit_filing(
    *, actor, provider: Provider, kind: str, title: str, effective_on: dt.date, document: CheckedDocument
) -> Filing:
    if not providers_of(actor).filter(pk=provider.pk).exists():
        raise FilingError(_("只能为本单位报送备案"), field="provider")
    if kind not in FilingKind.values:
        raise FilingError(_("请选择备案类别"), field="kind")
    title = str(title or "").strip()
    if not title:
        raise FilingError(_("请填写文件名称"), field="title")
    if len(title) > TITLE_MAX:
        raise FilingError(_("最多%(n)d个字") % {"n": TITLE_MAX}, field="title")
    if message := id_number_in_text_message(_("文件名称"), title):
        raise FilingError(message, field="title")
    filing = None
    try:
        with transaction.atomic():
            # The department's row serialises two filings of it: each gets its own version number.
            Provider.objects.select_for_update().get(pk=provider.pk)
            if Filing.objects.filter(provider=provider, kind=kind, status=Filing.Status.SUBMITTED).exists():
                raise FilingError(_("本单位该类别已有待审核的备案文件，请等待审核结果"), field="kind")
            version = (Filing.objects.filter(provider=provider, kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1
            now = timezone.now()
            filing = Filing(
                provider=provider,
                kind=kind,
                version=version,
                title=title,
                effective_on=effective_on,
                original_name=document.original_name,
                content_type=document.content_type,
                size=document.size,
                sha256=document.sha256,
                filed_by=actor,
                filed_at=now,
            )
            document.file.seek(0)
            filing.document.save(document.storage_name(), File(document.file), save=False)
            filing.save()
            WORKFLOW.apply(
                filing,
                "submitted",
                actor=actor,
                actor_label=f"{provider.name} {_label(actor)}",
                summary=f"报送备案《{title}》（{provider.name}，第{version}版）",
                at=now,
                audited=(),
                after={
                    "provider": provider.code,
                    "kind": kind,
                    "version": version,
                    "title": title,
                    "effective_on": effective_on,
                    "file": {"name": document.original_name, "size": document.size, "sha256": document.sha256},
                },
            )
            notices.submitted(filing)
    except Exception:
        if filing is not None and filing.document:
            filing.document.delete(save=False)
        raise
    return filing


def _lock(filing: Filing, action: str) -> Filing:
    try:
        return WORKFLOW.lock(filing.pk, action)
    except TransitionNotAllowed as exc:
        raise FilingError(exc.message) from None


def accept_filing(*, filing: Filing, actor, note: str = "") -> Filing:
    note = str(note or "").strip()[:NOTE_MAX]
    if message := id_number_in_text_message(_("备案意见"), note):
        raise FilingError(message, field="note")
    with transaction.atomic():
        now = timezone.now()
        locked = _lock(filing, "accepted")
        number = _assign_number(locked, timezone.localdate(now).year)
        entry = register_archive_entry(
            kind=ArchiveEntry.Kind.OFFICIAL_DOCUMENT,
            title=f"备案 {number}：{locked.provider.name}《{locked.title}》",
            obj=locked,
            sha256=locked.sha256,
            size=locked.size,
            actor=actor,
        )
        WORKFLOW.apply(
            locked,
            "accepted",
            actor=actor,
            actor_label=_label(actor),
            summary=f"予以备案 {number}：{locked.provider.name}《{locked.title}》",
            note=note or _("备案号%(number)s") % {"number": number},
            at=now,
            fields={"reviewed_by": actor, "reviewed_at": now, "review_note": note, "archive_number": entry.number},
            after={"number": number, "archive": entry.number},
        )
        notices.reviewed(locked)
    filing.refresh_from_db()
    return filing


def _assign_number(filing: Filing, year: int) -> str:
    """The next 备案号 of the year, written on the locked filing; a clash with a concurrent
    acceptance (the unique index) retries with the number after."""
    prefix = NUMBER_PREFIX % {"year": year}
    for attempt in range(NUMBER_ATTEMPTS):
        last = (
            Filing.objects.filter(number__startswith=prefix)
            .annotate(n=Length("number"))
            .order_by("-n", "-number")
            .values_list("number", flat=True)
            .first()
        )
        serial = int(last[len(prefix) :]) if last and last[len(prefix) :].isdigit() else 0
        number = f"{prefix}{serial + 1:03d}"
        try:
            with transaction.atomic():
                Filing.objects.filter(pk=filing.pk).update(number=number)
            filing.number = number
            return number
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def return_filing(*, filing: Filing, actor, reason: str) -> Filing:
    reason = str(reason or "").strip()
    if not reason:
        raise FilingError(_("请写明退回理由，报送单位将看到该理由"), field="reason")
    if len(reason) > NOTE_MAX:
        raise FilingError(_("最多%(n)d个字") % {"n": NOTE_MAX}, field="reason")
    if message := id_number_in_text_message(_("退回理由"), reason):
        raise FilingError(message, field="reason")
    with transaction.atomic():
        now = timezone.now()
        locked = _lock(filing, "returned")
        WORKFLOW.apply(
            locked,
            "returned",
            actor=actor,
            actor_label=_label(actor),
            summary=f"退回备案文件：{locked.provider.name}《{locked.title}》",
            note=reason,
            at=now,
            fields={"reviewed_by": actor, "reviewed_at": now, "review_note": reason},
            after={"reason": reason},
        )
        notices.reviewed(locked)
    filing.refresh_from_db()
    return filing
