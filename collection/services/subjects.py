"""Subjects (信息主体): found by the hash of their identifier, created, renamed; and who may
name an organisation (`names_subject`), with the center's 名称不一致 list.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from catalog.models import Category, Provider, SubjectKind

from ..identifiers import ORGANISATION_KINDS, IdentifierResult, identifier_family, mask_identifier, normalise_identifier
from ..models import NameMismatch, Subject
from ..personal_data import encrypt_identifier, identifier_hash
from ..validation import parse_date_value
from .checks import REGISTRATION_FIELDS, CheckedSubmission, _check_registration
from .errors import SubjectKindConflict, SubmissionInvalid
from .inserts import insert_unless_taken


def find_or_create_subject(
    *, kind: str, name: str, identifier: str, allow_irregular: bool = False, actor=None, **registration_fields
) -> tuple[Subject, bool, str]:
    """(subject, created, warning) for an identifier.

    Raises `IdentifierError` for an invalid identifier (or `SubjectKindConflict`), and
    `SubmissionInvalid` for registration details that do not fit (e.g. an address too long).
    """
    unknown = set(registration_fields) - set(REGISTRATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown registration fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    _check_registration({k: v for k, v in registration_fields.items() if v not in (None, "")}, errors)
    if errors:
        raise SubmissionInvalid(errors)
    result = normalise_identifier(kind, identifier, allow_irregular=allow_irregular)
    with transaction.atomic():
        subject, created = _find_or_create_subject(
            kind=kind, name=name.strip(), result=result, actor=actor, fields=registration_fields
        )
    return subject, created, result.warning


def _find_or_create_subject(
    *,
    kind: str,
    name: str,
    result: IdentifierResult,
    actor,
    fields: dict,
    audit_creation: bool = True,
    rename: bool = True,
) -> tuple[Subject, bool]:
    """The subject of an identifier, created if new. `audit_creation=False` leaves the creation's
    event to the caller (a submission's one event names the subject it created); `rename=False`
    keeps an existing subject's name (`names_subject`)."""
    family = identifier_family(kind)
    lookup = identifier_hash(family, result.value)
    subject = _subject_by_hash(lookup)
    if subject is None:
        subject = Subject(
            name=name, **_identity_values(kind=kind, result=result, lookup=lookup), **_registration_values(fields)
        )
        # Another submission may create it meanwhile: then take that one.
        if insert_unless_taken(subject):
            if audit_creation:
                _record_subject_creation(subject, result=result, actor=actor)
            return subject, True
        subject = Subject.objects.get(identifier_hash=lookup)
    if subject.kind != kind:
        raise SubjectKindConflict(_kind_conflict_message(subject.kind))
    _update_subject(subject, name=name if rename else "", actor=actor, fields=fields)
    return subject, False


def _subject_by_hash(lookup: str) -> Subject | None:
    """The subject with this identifier hash. On PostgreSQL by a prepared statement text rather
    than the ORM's query building, which costs half a millisecond on every single submission;
    elsewhere (SQLite returns dates as text, which the ORM converts) by the ORM."""
    if connection.vendor != "postgresql":
        return Subject.objects.filter(identifier_hash=lookup).first()
    with connection.cursor() as cursor:
        cursor.execute(_SUBJECT_BY_HASH, [lookup])
        row = cursor.fetchone()
    return None if row is None else Subject.from_db(connection.alias, _SUBJECT_ATTNAMES, row)


_SUBJECT_ATTNAMES = [f.attname for f in Subject._meta.concrete_fields]
_SUBJECT_BY_HASH = "SELECT {} FROM {} WHERE identifier_hash = %s".format(
    ", ".join(f'"{f.column}"' for f in Subject._meta.concrete_fields), Subject._meta.db_table
)


def _kind_conflict_message(registered_kind: str) -> str:
    return _("该信用唯一识别码已登记为“%(kind)s”，与报送的主体类别不符") % {"kind": SubjectKind(registered_kind).label}


def _identity_values(*, kind: str, result: IdentifierResult, lookup: str) -> dict:
    """How a new subject keeps its identifier: an ID number only encrypted and masked."""
    is_person = kind == SubjectKind.NATURAL_PERSON
    return {
        "kind": kind,
        "code": None if is_person else result.value,
        "identifier_hash": lookup,
        "identifier_encrypted": encrypt_identifier(result.value) if is_person else "",
        "identifier_masked": mask_identifier(result.value, kind),
        "identifier_flag": result.flag,
    }


def _subject_facts(subject: Subject, flag: str) -> dict:
    return {"kind": subject.kind, "name": subject.name, "identifier": subject.identifier_masked, "flag": flag}


def _record_subject_creation(subject: Subject, *, result: IdentifierResult, actor) -> None:
    record_event(
        action="subject.create",
        actor=actor,
        obj=subject,
        summary=f"新增信息主体 {subject.name}",
        after=_subject_facts(subject, result.flag),
    )


def _registration_values(fields: dict) -> dict:
    values: dict[str, object] = {key: str(value).strip() for key, value in fields.items() if value not in (None, "")}
    if "established_on" in values:
        values["established_on"] = parse_date_value(fields["established_on"])
    return values


def _update_subject(subject: Subject, *, name: str, actor, fields: dict) -> None:
    """A provider's newer name (when it may give one) or registration data replaces the old
    one, audited."""
    wanted = {"name": name, **_registration_values(fields)}
    changed = {key: value for key, value in wanted.items() if value and getattr(subject, key) != value}
    if not changed:
        return
    before = {key: getattr(subject, key) for key in changed}
    for key, value in changed.items():
        setattr(subject, key, value)
    subject.save(update_fields=[*changed, "updated_at"])
    _record_subject_update(subject, before=before, after=changed, actor=actor)


def _record_subject_update(subject: Subject, *, before: dict, after: dict, actor) -> None:
    if "name" in after:
        summary = f"信息主体更名：{before['name']} → {after['name']}（{subject.identifier_masked}）"
    else:
        summary = f"更新信息主体 {subject.identifier_masked} 的登记信息"
    record_event(action="subject.update", actor=actor, obj=subject, summary=summary, before=before, after=after)


# --- Names: who may name an organisation --------------------------------------------------------


def names_subject(row: CheckedSubmission) -> bool:
    """Whether a submission's name becomes its subject's name.

    An organisation is named by its registration record (登记类, sent by the authority that
    registers it: that is how a change of name arrives) or, before one exists, by the
    submission that brought it to the platform. Another department's different name is kept
    as a `NameMismatch` for the center and answered with a warning, never shown site-wide. A
    natural person's name is never public and follows each submission as before.
    """
    return row.kind not in ORGANISATION_KINDS or row.item.category == Category.REGISTRATION


@dataclass(frozen=True)
class NameSeen:
    """A submission that gave its subject a name other than the subject's own."""

    subject_id: int
    name: str
    item_code: str
    source_key: str


def note_name_mismatches(*, provider: Provider, seen: Sequence[NameSeen]) -> None:
    """Add (or bring up to date) the center's 名称不一致 rows, in one statement."""
    now = timezone.now()
    rows = {
        (entry.subject_id, entry.name): NameMismatch(
            subject_id=entry.subject_id,
            provider=provider,
            submitted_name=entry.name,
            item_code=entry.item_code,
            source_key=entry.source_key,
            first_seen_at=now,
            last_seen_at=now,
        )
        for entry in seen
    }
    NameMismatch.objects.bulk_create(
        rows.values(),
        update_conflicts=True,
        unique_fields=["subject", "provider", "submitted_name"],
        update_fields=["item_code", "source_key", "last_seen_at"],
    )


def name_mismatch_warning(submitted: str, registered: str) -> str:
    return _(
        "信息主体名称“%(submitted)s”与平台登记的名称“%(registered)s”不一致：记录已受理，主体名称不变"
        "（以登记类信息为准），已列入市公共信用信息中心的名称核对清单"
    ) % {"submitted": submitted, "registered": registered}
