"""Objections received on paper (Art. 13 书面申请): the applicant's identity document and the
subject named on the application.

A document number is personal information and is kept the way SPEC §2 keeps ID numbers:
masked for display, encrypted at rest, and found by a keyed hash; the number as typed lives only
in the request. A 居民身份证 number is checked like every 公民身份号码 (`collection.identifiers`)
and hashed in the same family as subjects' and accounts' numbers, so that "the applicant is the
subject itself" can be checked without decrypting anything.
"""

from dataclasses import dataclass, field

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

from .models import Objection

IdKind = Objection.IdKind
RIC_FAMILY = identifier_family(SubjectKind.NATURAL_PERSON)
# Passports and travel permits: letters and digits, 8 to 11 in practice; a little room either way.
DOCUMENT_MIN, DOCUMENT_MAX = 5, 20


@dataclass(frozen=True)
class IdentityDocument:
    """A checked document number in the forms the case stores (never the number itself)."""

    kind: str
    masked: str
    encrypted: str = field(repr=False)
    lookup: str = field(repr=False)

    def case_fields(self) -> dict:
        return {"applicant_id_kind": self.kind, "applicant_id_masked": self.masked,
                "applicant_id_encrypted": self.encrypted, "applicant_id_hash": self.lookup}


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
        return IdentityDocument(kind, mask_identifier(value), encrypt_identifier(value),
                                identifier_hash(RIC_FAMILY, value))
    if not (value.isascii() and value.isalnum() and DOCUMENT_MIN <= len(value) <= DOCUMENT_MAX):
        raise IdentifierError(_("%(kind)s号码应为%(min)d至%(max)d位字母或数字")
                              % {"kind": IdKind(kind).label, "min": DOCUMENT_MIN, "max": DOCUMENT_MAX})
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
