"""Objections received on paper (Art. 13 书面申请): who applied, with the identity document the
clerk saw; the day of receipt; the subject named on the application; and the applicant's later
letters (仍持异议, 接受核查结果, 撤回), which a clerk records as the applicant's own steps.

A document number is personal information and is kept the way SPEC §2 keeps ID numbers:
masked for display, encrypted at rest, and found by a keyed hash; the number as typed lives only
in the request. A 居民身份证 number is checked like every 公民身份号码 (`collection.identifiers`)
and hashed in the same family as subjects' and accounts' numbers, so that "the applicant is the
subject itself" can be checked without decrypting anything.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from catalog.models import SubjectKind
from collection.identifiers import (
    IdentifierError,
    identifier_family,
    mask_document_number,
    mask_identifier,
    normalise_any_identifier,
    normalise_identifier,
    tidy,
)
from collection.models import Subject
from collection.personal_data import encrypt_identifier, identifier_hash
from nantong_credit.uploads import CheckedUpload
from nantong_credit.workdays import SHANGHAI, as_local_date

from .errors import ObjectionError, clean_text
from .models import Objection

IdKind = Objection.IdKind
PAPER_CHANNELS = (Objection.Channel.COUNTER, Objection.Channel.POST)
RIC_FAMILY = identifier_family(SubjectKind.NATURAL_PERSON)
# A written application is recorded when it arrives; one dated further back is a typing error or
# a backlog the center's head must deal with, not something to record quietly.
PAPER_RECEIPT_MAX_AGE_DAYS = 30
NAME_MAX, PHONE_MAX, ADDRESS_MAX = 100, 30, 200
# Passports and travel permits: letters and digits, 8 to 11 in practice; a little room either way.
DOCUMENT_MIN, DOCUMENT_MAX = 5, 20


@dataclass(frozen=True)
class PaperApplicant:
    """Who brought or sent a written application, as the clerk read it from the documents."""

    name: str
    role: str  # Objection.ApplicantRole
    id_kind: str  # Objection.IdKind
    id_number: str = field(repr=False)
    phone: str
    address: str = ""


@dataclass(frozen=True)
class IdentityDocument:
    """A checked document number in the forms the case stores (never the number itself)."""

    kind: str
    masked: str
    encrypted: str = field(repr=False)
    lookup: str = field(repr=False)

    def case_fields(self) -> dict:
        return {
            "applicant_id_kind": self.kind,
            "applicant_id_masked": self.masked,
            "applicant_id_encrypted": self.encrypted,
            "applicant_id_hash": self.lookup,
        }


@sensitive_variables("number", "value")
def identity_document(kind: str, number: str) -> IdentityDocument:
    """The applicant's document, or `IdentifierError` saying in Chinese what is wrong with it."""
    if kind not in IdKind.values:
        raise IdentifierError(_("请选择证件类型"))
    value = tidy(number)
    if not value:
        raise IdentifierError(_("请填写证件号码"))
    if kind == IdKind.RESIDENT_ID:
        value = normalise_identifier(SubjectKind.NATURAL_PERSON, value).value
        return IdentityDocument(
            kind, mask_identifier(value), encrypt_identifier(value), identifier_hash(RIC_FAMILY, value)
        )
    if not (value.isascii() and value.isalnum() and DOCUMENT_MIN <= len(value) <= DOCUMENT_MAX):
        raise IdentifierError(
            _("%(kind)s号码应为%(min)d至%(max)d位字母或数字")
            % {"kind": IdKind(kind).label, "min": DOCUMENT_MIN, "max": DOCUMENT_MAX}
        )
    return IdentityDocument(kind, mask_document_number(value), encrypt_identifier(value), identifier_hash(kind, value))


def is_subject_itself(document: IdentityDocument, subject: Subject) -> bool:
    """Whether a natural person's document is the subject's own 公民身份号码 (by keyed hash)."""
    return document.kind == IdKind.RESIDENT_ID and document.lookup == subject.identifier_hash


@sensitive_variables("raw", "found")
def find_subject(raw: str) -> Subject:
    """The subject named on the application by its 统一社会信用代码 or 公民身份号码, diagnosed
    as everywhere else (`normalise_any_identifier`) and looked up by keyed hash."""
    if not tidy(raw):
        raise IdentifierError(_("请填写信息主体的统一社会信用代码或公民身份号码"))
    found = normalise_any_identifier(raw)
    subject = Subject.objects.filter(identifier_hash=identifier_hash(found.family, found.value)).first()
    if subject is None:
        raise IdentifierError(_("平台中没有该统一社会信用代码或公民身份号码的信息主体，请核对书面申请上的号码"))
    return subject


def receipt_moment(received_on: dt.date, now: dt.datetime, channel: str) -> dt.datetime:
    """When the center received the application: now if today, else the start of that day
    (only the day counts for the deadline)."""
    today = timezone.localdate(now)
    check_receipt_day(received_on, today, channel)
    if received_on == today:
        return now
    return dt.datetime.combine(received_on, dt.time(0), tzinfo=SHANGHAI)


def check_receipt_day(received_on: dt.date, today: dt.date, channel: str) -> None:
    """A day of receipt is today or at most `PAPER_RECEIPT_MAX_AGE_DAYS` back."""
    if received_on > today:
        raise ObjectionError(
            _("收件日期%(day)s晚于今天，请核对") % {"day": f"{received_on:%Y-%m-%d}"}, field="received_on"
        )
    if received_on < today - dt.timedelta(days=PAPER_RECEIPT_MAX_AGE_DAYS):
        where = _("（邮寄的，填写信件送达中心的日期）") if channel == Objection.Channel.POST else ""
        raise ObjectionError(
            _("收件日期%(day)s距今已超过%(n)d天，请核对收件日期%(where)s；确属积压的申请，请报中心负责人处理")
            % {"day": f"{received_on:%Y-%m-%d}", "n": PAPER_RECEIPT_MAX_AGE_DAYS, "where": where},
            field="received_on",
        )


@sensitive_variables("applicant")
def applicant_fields(applicant: PaperApplicant, subject: Subject) -> dict:
    """The case's applicant_* fields: the name, role and contact checked, the document number
    checked and kept only masked, encrypted and hashed."""
    name = clean_text(applicant.name, NAME_MAX, field="applicant_name", missing=_("请填写申请人姓名"))
    if applicant.role not in Objection.ApplicantRole.values:
        raise ObjectionError(_("请选择申请人身份"), field="applicant_role")
    try:
        document = identity_document(applicant.id_kind, applicant.id_number)
    except IdentifierError as exc:
        raise ObjectionError(exc.message, field="id_number") from None
    if (
        applicant.role == Objection.ApplicantRole.SELF
        and subject.is_natural_person
        and not is_subject_itself(document, subject)
    ):
        raise ObjectionError(
            _(
                "申请人为信息主体本人的，其居民身份证号码应与信息主体的公民身份号码一致；"
                "代他人提出的，请选择“委托代理人”并上传授权委托书"
            ),
            field="id_number",
        )
    phone = clean_text(
        applicant.phone, PHONE_MAX, field="applicant_phone", missing=_("请填写联系电话，以便中心联系申请人")
    )
    address = clean_text(applicant.address, ADDRESS_MAX, field="applicant_address", required=False)
    return {
        "applicant_name": name,
        "applicant_role": applicant.role,
        "applicant_phone": phone,
        "applicant_address": address,
        **document.case_fields(),
    }


# --- The applicant's later letters ---------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    """What a paper applicant brought or posted for a step of its case (仍持异议, 接受核查结果,
    撤回), as the clerk records it: how and on which day it arrived, and its scan."""

    channel: str
    received_on: dt.date | None
    scan: CheckedUpload | None


def check_letter(letter: Letter, today: dt.date) -> None:
    """What a letter must have before its step is taken, each missing part named."""
    if letter.channel not in PAPER_CHANNELS:
        raise ObjectionError(_("请选择收件方式（窗口递交或邮寄）"), field="channel")
    if letter.received_on is None:
        raise ObjectionError(_("请填写收件日期"), field="received_on")
    check_receipt_day(letter.received_on, today, letter.channel)
    if letter.scan is None:
        raise ObjectionError(_("请上传申请人书面意见的扫描件（须申请人签字，单位加盖公章）"), field="letter")


def check_letter_arrival(letter: Letter, case: Objection) -> None:
    """A reply to the provider's answer cannot have arrived before the answer, nor a
    withdrawal before the application (a typing error in the date)."""
    if case.status == Objection.Status.ANSWERED and case.answered_at is not None:
        since, event = as_local_date(case.answered_at), _("提供单位答复之日")
    else:
        since, event = as_local_date(case.received_at), _("异议申请的收件日期")
    if letter.received_on < since:
        raise ObjectionError(
            _("收件日期%(day)s早于%(event)s（%(since)s），请核对")
            % {"day": f"{letter.received_on:%Y-%m-%d}", "event": event, "since": f"{since:%Y-%m-%d}"},
            field="received_on",
        )


def letter_label(case: Objection, letter: Letter, clerk) -> str:
    """How the timeline names a step taken by letter: the applicant's side, and the clerk."""
    return _("%(subject)s（书面提出：%(channel)s，收件日期%(day)s；经办：%(clerk)s）") % {
        "subject": case.subject.name,
        "channel": Objection.Channel(letter.channel).label,
        "day": f"{letter.received_on:%Y-%m-%d}",
        "clerk": clerk.real_name or clerk.username,
    }


def letter_facts(letter: Letter) -> dict:
    """The letter as the audit event keeps it."""
    return {
        "channel": letter.channel,
        "received_on": f"{letter.received_on:%Y-%m-%d}",
        "letter": {"name": letter.scan.original_name, "sha256": letter.scan.sha256},
    }
