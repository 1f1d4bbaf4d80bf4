"""State changes of the collection app: subjects, credit records and API tokens.

`submit_record` is the one pipeline every channel goes through (web form, bulk file, API,
self-declaration): validate everything and report every error at once, find or create the
subject, then upsert the record keyed by the provider's own key, keeping each revision.
"""

import datetime as dt
import hashlib
import json
import secrets
import time
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from catalog.disclosure import (
    PUBLICATION_NECESSARY_KEY,
    PUBLICATION_REASON_KEY,
    DisclosurePeriod,
    DisclosureWindow,
    dated_window,
    disclosure_period,
    disclosure_window,
)
from catalog.errors import DisclosureError
from catalog.models import (
    CatalogField, CatalogItem, Category, DisclosureRule, FieldType, Openness, Provider, SubjectKind,
)
from nantong_credit.workdays import add_workdays

from .identifiers import (
    ORGANISATION_KINDS, IdentifierError, IdentifierResult, identifier_family, mask_identifier, normalise_identifier,
)
from .models import ApiToken, Channel, CreditRecord, NameMismatch, RecordRevision, RecordStatus, Severity, Subject
from .names import same_name
from .personal_data import encrypt_identifier, identifier_hash
from .bulk_store import CopyPipe, JsonText, RowSink, insert_many  # noqa: F401 — insert_many is used from here
from .selectors import PublishedItems
from .validation import (
    ABSENT, check_value, id_number_in_text_message, json_type_name, parse_date_value, unknown_field_errors,
    validate_data,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
DECISION_DATE_KEY = "decision_date"
REGISTRATION_FIELDS = (
    "legal_representative", "organisation_type", "district", "address",
    "registration_authority", "established_on", "registration_status",
)
SUBJECT_KEYS = frozenset({"kind", "name", "identifier", "irregular_code", *REGISTRATION_FIELDS})
SOURCE_KEY_MAX = CreditRecord._meta.get_field("source_key").max_length
NAME_MAX = Subject._meta.get_field("name").max_length
REASON_MAX = RecordRevision._meta.get_field("reason").max_length
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)
SUBJECT_KINDS = frozenset(SubjectKind.values)  # Django builds the `values` list anew on each access
SEVERITIES = frozenset(Severity.values)


class SubmissionInvalid(Exception):
    """A submission with errors; `errors` maps a path ("data.penalty_amount") to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class ProviderNotResponsible(Exception):
    """The catalog does not name this provider as responsible for the item."""


class SubjectKindConflict(IdentifierError):
    """The identifier already belongs to a subject of another kind."""


class TokenAlreadyRevoked(Exception):
    pass


@dataclass
class SubmissionResult:
    record: CreditRecord
    outcome: str  # "created", "updated", "unchanged" or "revoked"
    warnings: list[str] = field(default_factory=list)


# --- Subjects ---------------------------------------------------------------------------------


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
    *, kind: str, name: str, result: IdentifierResult, actor, fields: dict, audit_creation: bool = True,
    rename: bool = True,
) -> tuple[Subject, bool]:
    """The subject of an identifier, created if new. `audit_creation=False` leaves the creation's
    event to the caller (a submission's one event names the subject it created); `rename=False`
    keeps an existing subject's name (`names_subject`)."""
    family = identifier_family(kind)
    lookup = identifier_hash(family, result.value)
    subject = _subject_by_hash(lookup)
    if subject is None:
        subject = Subject(name=name, **_identity_values(kind=kind, result=result, lookup=lookup),
                          **_registration_values(fields))
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


def insert_unless_taken(obj: models.Model) -> bool:
    """INSERT the new instance unless a unique key of it is taken (one statement, no savepoint):
    True with its primary key set when it went in, False when another row holds the key."""
    return _insert(obj, unless_taken=True)


def _insert(obj: models.Model, *, unless_taken: bool = False) -> bool:
    """`obj.save(force_insert=True)` as one plain INSERT … RETURNING: a submission's statements
    are few, and building each through the ORM costs more than the database's work on it.
    (No signals: nothing listens to these models' saves.)"""
    meta = obj._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
    quote = connection.ops.quote_name
    conflict = " ON CONFLICT DO NOTHING" if unless_taken else ""
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}){conflict} RETURNING {quote(meta.pk.column)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return True


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
    ", ".join(f'"{f.column}"' for f in Subject._meta.concrete_fields), Subject._meta.db_table)


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
        action="subject.create", actor=actor, obj=subject,
        summary=f"新增信息主体 {subject.name}", after=_subject_facts(subject, result.flag),
    )


def _registration_values(fields: dict) -> dict:
    values = {key: str(value).strip() for key, value in fields.items() if value not in (None, "")}
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


def names_subject(row: "CheckedSubmission") -> bool:
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
            subject_id=entry.subject_id, provider=provider, submitted_name=entry.name, item_code=entry.item_code,
            source_key=entry.source_key, first_seen_at=now, last_seen_at=now,
        )
        for entry in seen
    }
    NameMismatch.objects.bulk_create(
        rows.values(), update_conflicts=True, unique_fields=["subject", "provider", "submitted_name"],
        update_fields=["item_code", "source_key", "last_seen_at"],
    )


def name_mismatch_warning(submitted: str, registered: str) -> str:
    return _("信息主体名称“%(submitted)s”与平台登记的名称“%(registered)s”不一致：记录已受理，主体名称不变"
             "（以登记类信息为准），已列入市公共信用信息中心的名称核对清单") % {
        "submitted": submitted, "registered": registered}


# --- Credit records ---------------------------------------------------------------------------


@dataclass
class CheckedSubmission:
    """A submission that passed validation (`check_submission`), ready to be stored."""

    item: CatalogItem
    source_key: str
    kind: str
    name: str
    identifier: IdentifierResult
    registration: dict
    data: dict
    decision_date: dt.date | None = None
    window: DisclosureWindow | None = None


def submit_record(
    *,
    provider: Provider,
    item_code: str,
    source_key: str,
    subject: dict | None = None,
    data: dict | None = None,
    actor=None,
    channel: str,
    revoke: bool = False,
    reason: str = "",
    items: PublishedItems | None = None,
    received_at: dt.datetime | None = None,
) -> SubmissionResult:
    """Validate and store one record; raises `SubmissionInvalid` or `ProviderNotResponsible`.

    `items` lets a caller that submits many rows (bulk import) load the catalog only once.
    `received_at` is for loading historical data only (demo data, a migration from the old
    platform): when the record really reached the platform, which decides its timeliness.
    """
    reason = str(reason or "").strip()
    if revoke:
        return _revoke_record(
            provider=provider, item_code=item_code, source_key=source_key, actor=actor, channel=channel, reason=reason
        )
    checked = check_submission(
        provider=provider, item_code=item_code, source_key=source_key,
        subject=subject or {}, data=data or {}, reason=reason, items=items or PublishedItems(),
    )
    try:
        with transaction.atomic():
            subject_obj, created = _find_or_create_subject(
                kind=checked.kind, name=checked.name, result=checked.identifier, actor=actor,
                fields=checked.registration, audit_creation=False, rename=names_subject(checked),
            )
            # A new subject differs from any record's old one: the record is created or updated,
            # and that one event covers the subject too.
            result = _upsert_record(provider=provider, checked=checked, subject=subject_obj, actor=actor,
                                    channel=channel, reason=reason, received_at=received_at,
                                    new_subject=created)
            if not same_name(subject_obj.name, checked.name):
                note_name_mismatches(provider=provider, seen=[
                    NameSeen(subject_obj.pk, checked.name, checked.item.code, checked.source_key)])
                result.warnings.append(name_mismatch_warning(checked.name, subject_obj.name))
    except SubjectKindConflict as exc:
        raise SubmissionInvalid({"subject.kind": [exc.message]}) from None
    if checked.identifier.warning:
        result.warnings.insert(0, checked.identifier.warning)
    return result


def check_submission(
    *, provider: Provider, item_code: str, source_key: str, subject: dict, data: dict, reason: str = "",
    items: PublishedItems, memo: "CheckMemo | None" = None,
) -> CheckedSubmission:
    """Every error of the submission at once (`SubmissionInvalid`), or the checked values.

    The one validation of every channel: `submit_record` calls it for a single record, a bulk
    import for each row before anything is stored. A batch passes a `CheckMemo`, which only
    remembers the results of pure checks that repeat from row to row; the outcome is the same.
    """
    errors: dict[str, list[str]] = {}
    item = _resolve_item(provider, item_code, items, errors)
    key = _check_source_key(source_key, errors)
    if len(reason) > REASON_MAX:
        errors["reason"] = [_("变更原因最多%(n)d个字") % {"n": REASON_MAX}]
    elif message := id_number_in_text_message(_("变更原因"), reason):
        errors["reason"] = [message]
    kind, name, identifier, registration = _check_subject(subject, item, errors)
    values: dict = {}
    decided, window = None, None
    if item is not None:
        values = _check_data(item, data, errors, memo)
        if not any(path == "data" or path.startswith("data.") for path in errors):
            decided, window = _check_dates(item, values, errors, memo)
    if errors:
        raise SubmissionInvalid(errors)
    return CheckedSubmission(item, key, kind, name, identifier, registration, values, decided, window)


def _check_data(item: CatalogItem, data, errors: dict, memo: "CheckMemo | None" = None) -> dict:
    if not isinstance(data, dict):
        errors["data"] = [_("数据项应为以字段代码为键的对象")]
        return {}
    if memo is None:
        values, data_errors = validate_data(item.fields.all(), data)
    else:
        values, data_errors = memo.validate_data(item, data)
    errors.update({f"data.{key}": messages for key, messages in data_errors.items()})
    return values


def _has_decision_date(item: CatalogItem) -> bool:
    return any(f.key == DECISION_DATE_KEY and f.type == FieldType.DATE for f in item.fields.all())


def _check_dates(
    item: CatalogItem, values: dict, errors: dict, memo: "CheckMemo | None" = None
) -> tuple[dt.date | None, DisclosureWindow | None]:
    """The decision date and the disclosure window the catalog's rule gives it."""
    has_field = memo.has_decision_date(item) if memo is not None else _has_decision_date(item)
    decided = dt.date.fromisoformat(values[DECISION_DATE_KEY]) if has_field and values.get(DECISION_DATE_KEY) else None
    today = memo.today() if memo is not None else timezone.localdate()
    if decided and decided > today:
        errors[f"data.{DECISION_DATE_KEY}"] = [_("决定日期不能晚于今天")]
        return None, None
    try:
        if memo is not None:
            return decided, memo.disclosure_window(item=item, data=values, decision_date=decided)
        return decided, disclosure_window(item=item, data=values, decision_date=decided)
    except DisclosureError as exc:
        if exc.field:
            path = f"data.{exc.field}"
        else:
            path = f"data.{DECISION_DATE_KEY}" if has_field and decided is None else "data"
        errors[path] = [str(exc)]
        return None, None


def _resolve_item(provider: Provider, item_code, items: PublishedItems, errors: dict) -> CatalogItem | None:
    if not item_code:
        errors["item"] = [_("未填写目录事项代码")]
        return None
    if items.version is None:
        errors["item"] = [_("公共信用信息目录尚未发布，暂不能报送")]
        return None
    item = items.get(str(item_code))
    if item is None:
        errors["item"] = [_("现行目录中没有事项代码“%(code)s”") % {"code": item_code}]
        return None
    if provider.pk not in item.provider_ids:
        raise ProviderNotResponsible(
            _("%(provider)s不是目录事项“%(item)s”的责任单位") % {"provider": provider.name, "item": item.name}
        )
    return item


def _check_source_key(source_key, errors: dict) -> str:
    if source_key is not None and not isinstance(source_key, str):
        # Text only: 12 and "12" would be one key to store and two to look up (revocation).
        errors["source_key"] = [_("业务编号应为文字（字符串），收到%(type)s") % {"type": json_type_name(source_key)}]
        return ""
    key = (source_key or "").strip()
    if not key:
        errors["source_key"] = [_("未填写业务编号（如决定文书号），重复报送时据此更新记录")]
    elif len(key) > SOURCE_KEY_MAX:
        errors["source_key"] = [_("业务编号最多%(n)d个字符") % {"n": SOURCE_KEY_MAX}]
    return key


def _check_subject(subject: dict, item: CatalogItem | None, errors: dict) -> tuple[str, str, IdentifierResult | None, dict]:
    if not isinstance(subject, dict):
        errors["subject"] = [_("信息主体应为包含类别、名称和识别码的对象")]
        return "", "", None, {}
    for key in sorted(set(subject) - SUBJECT_KEYS):
        errors[f"subject.{key}"] = [_("信息主体没有“%(key)s”这一项") % {"key": key}]
    wrong_types = _subject_type_errors(subject)
    if wrong_types:
        errors.update(wrong_types)
        return "", "", None, {}
    kind = str(subject.get("kind") or "")
    if kind not in SUBJECT_KINDS:
        errors["subject.kind"] = [_("主体类别应为legal_person（法人和非法人组织）、individual_business（个体工商户）或natural_person（自然人）")]
    elif item is not None and kind not in item.subject_kinds:
        allowed = "、".join(str(SubjectKind(k).label) for k in item.subject_kinds if k in SUBJECT_KINDS)
        errors["subject.kind"] = [
            _("目录事项“%(item)s”适用于%(allowed)s，不适用于%(kind)s")
            % {"item": item.name, "allowed": allowed or _("（未设置）"), "kind": SubjectKind(kind).label}
        ]
    name = str(subject.get("name") or "").strip()
    if not name:
        errors["subject.name"] = [_("未填写信息主体名称")]
    elif len(name) > NAME_MAX:
        errors["subject.name"] = [_("信息主体名称最多%(n)d个字") % {"n": NAME_MAX}]
    identifier = _check_identifier(kind, subject, errors)
    registration = {key: subject[key] for key in REGISTRATION_FIELDS if subject.get(key) not in (None, "")}
    _check_registration(registration, errors)
    return kind, name, identifier, registration


def _subject_type_errors(subject: dict) -> dict[str, list[str]]:
    """A subject's values are text (`irregular_code` a boolean): an object or a number is
    refused, not stored as its Python spelling."""
    errors = {}
    for key in sorted(SUBJECT_KEYS & set(subject)):
        value, expected = subject[key], bool if key == "irregular_code" else str
        if value is not None and not isinstance(value, expected):
            errors[f"subject.{key}"] = [_("应为%(expected)s，收到%(type)s") % {
                "expected": _("布尔值") if expected is bool else _("文字（字符串）"), "type": json_type_name(value)}]
    return errors


def _check_registration(registration: dict, errors: dict) -> None:
    for key, value in registration.items():
        model_field = Subject._meta.get_field(key)
        if key == "established_on":
            if parse_date_value(value) is None:
                errors["subject.established_on"] = [_("成立日期不是有效日期")]
        elif len(str(value).strip()) > model_field.max_length:
            errors[f"subject.{key}"] = [
                _("“%(label)s”最多%(n)d个字") % {"label": model_field.verbose_name, "n": model_field.max_length}
            ]
        elif message := id_number_in_text_message(model_field.verbose_name, str(value)):
            errors[f"subject.{key}"] = [message]


def _check_identifier(kind: str, subject: dict, errors: dict) -> IdentifierResult | None:
    raw = subject.get("identifier")
    if raw in (None, ""):
        errors["subject.identifier"] = [_("未填写信用唯一识别码（统一社会信用代码或公民身份号码）")]
        return None
    if kind not in SUBJECT_KINDS:
        return None
    try:
        return normalise_identifier(kind, raw, allow_irregular=subject.get("irregular_code") is True)
    except IdentifierError as exc:
        errors["subject.identifier"] = [exc.message]
        return None


def content_hash(subject_hash: str, data: dict) -> str:
    """The hash that tells an identical re-submission from a changed one: SHA-256 of
    `{"data": ..., "subject": ...}` as canonical JSON (sorted keys, no spaces, UTF-8)."""
    return _hash_content(subject_hash, canonical_json(data))


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _hash_content(subject_hash: str, data_text: str) -> str:
    """`content_hash` from the data's canonical JSON, spelled out as `json.dumps` of the whole
    object writes it (its keys sorted: "data" before "subject"), so a batch serialises once."""
    subject = f'"{subject_hash}"' if subject_hash.isalnum() else canonical_json(subject_hash)  # hex: as is
    canonical = f'{{"data":{data_text},"subject":{subject}}}'
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _upsert_record(
    *, provider: Provider, checked: CheckedSubmission, subject: Subject, actor, channel: str, reason: str,
    received_at: dt.datetime | None = None, new_subject: bool = False,
) -> SubmissionResult:
    lookup = {"provider": provider, "item_code": checked.item.code, "source_key": checked.source_key}
    digest = content_hash(subject.identifier_hash, checked.data)
    # Most submissions are new records: try to insert first (one statement); when the key is
    # taken (a re-submission, or a concurrent one that won), lock and compare that record.
    record = _new_record(lookup, checked, subject, digest, channel, received_at or timezone.now())
    if insert_unless_taken(record):
        return _created_record(record, checked, actor=actor, reason=reason, new_subject=new_subject)
    record = CreditRecord.objects.select_for_update().get(**lookup)
    if record.content_hash == digest and record.status != RecordStatus.REVOKED:
        return SubmissionResult(record, "unchanged")
    return _update_record(record, checked, subject, digest, actor, channel, reason, new_subject=new_subject)


def _columns(checked: CheckedSubmission, received_at: dt.datetime, *, self_declared: bool = False) -> dict:
    """The indexed columns derived from the item and the checked data. A subject's own
    declaration (Art. 10) has no submission deadline: timeliness (Art. 22) binds providers."""
    item, decided, window = checked.item, checked.decision_date, checked.window
    due_on = None
    if decided and item.submission_deadline_workdays is not None and not self_declared:
        due_on = add_workdays(decided, item.submission_deadline_workdays)
    return {
        "decision_date": decided,
        "severity": window.grade if window.grade in SEVERITIES else "",
        "disclosure_ends_on": window.ends_on,
        "repairable_from": window.repairable_from,
        "publication_withheld": window.withheld,
        "due_on": due_on,
        "is_late": bool(due_on and received_at.astimezone(SHANGHAI).date() > due_on),
        "category": item.category,
        "is_public": item.openness == Openness.PUBLIC,
        "is_dishonesty": item.is_dishonesty,
    }


def _live_status(current: str, ends_on: dt.date | None, today: dt.date) -> str:
    """The status a submitted record takes: 已到期 when its period is already over (as the expiry
    sweep would set it); a revoked or expired record submitted again is live again; a corrected
    one stays corrected."""
    if ends_on is not None and ends_on < today:
        return RecordStatus.EXPIRED
    if current in (RecordStatus.REVOKED, RecordStatus.EXPIRED):
        return RecordStatus.ACTIVE
    return current


def _new_record(lookup: dict, checked: CheckedSubmission, subject: Subject, digest: str, channel: str,
                now: dt.datetime) -> CreditRecord:
    self_declared = channel == Channel.SELF_DECLARATION
    columns = _columns(checked, now, self_declared=self_declared)
    return CreditRecord(
        **lookup, subject=subject, catalog_item=checked.item, data=checked.data, content_hash=digest,
        revision=1, channel=channel, self_declared=self_declared, received_at=now,
        status=_live_status(RecordStatus.ACTIVE, columns["disclosure_ends_on"], timezone.localdate()), **columns,
    )


def _created_record(record: CreditRecord, checked: CheckedSubmission, *, actor, reason: str,
                    new_subject: bool) -> SubmissionResult:
    _add_revision(record, actor=actor, reason=reason)
    # The event last: it locks the head of the audit chain, which every submission waits for.
    record_event(action="record.create", actor=actor, obj=record, summary=_summary(record, "报送", new_subject),
                 after=_record_facts(record, checked, new_subject))
    return SubmissionResult(record, "created", [*_lateness_warnings(record), *_withheld_warnings(record)])


def _record_facts(record: CreditRecord, checked: CheckedSubmission, new_subject: bool) -> dict:
    """The record's snapshot, and the subject's facts when this submission created it."""
    facts = snapshot(record)
    if new_subject:
        facts["new_subject"] = _subject_facts(record.subject, checked.identifier.flag)
    return facts


# What a changed submission rewrites on its record (besides `updated_at`).
CHANGED_RECORD_FIELDS = (
    "subject", "catalog_item", "data", "content_hash", "channel", "revision", "status",
    "decision_date", "severity", "disclosure_ends_on", "repairable_from", "publication_withheld", "due_on",
    "is_late", "category", "is_public", "is_dishonesty",
)


def _apply_change(record: CreditRecord, checked: CheckedSubmission, subject_id: int, digest: str, channel: str,
                  today: dt.date) -> None:
    record.subject_id = subject_id
    record.catalog_item = checked.item
    record.data = checked.data
    record.content_hash = digest
    record.channel = channel
    record.revision += 1
    # A correction is not a new submission: timeliness stays measured from the first receipt.
    columns = _columns(checked, record.received_at,
                       self_declared=record.self_declared or channel == Channel.SELF_DECLARATION)
    for name, value in columns.items():
        setattr(record, name, value)
    record.status = _live_status(record.status, record.disclosure_ends_on, today)


def _update_record(record: CreditRecord, checked: CheckedSubmission, subject: Subject, digest, actor, channel, reason,
                   *, new_subject: bool = False):
    before = snapshot(record)
    _apply_change(record, checked, subject.pk, digest, channel, timezone.localdate())
    record.subject = subject
    record.save(update_fields=[*CHANGED_RECORD_FIELDS, "updated_at"])
    _add_revision(record, actor=actor, reason=reason)
    record_event(action="record.update", actor=actor, obj=record, summary=_summary(record, "更新", new_subject),
                 before=before, after=_record_facts(record, checked, new_subject))
    return SubmissionResult(record, "updated", _withheld_warnings(record))


def _revoke_record(*, provider: Provider, item_code: str, source_key: str, actor, channel: str, reason: str):
    errors: dict[str, list[str]] = {}
    key = _check_source_key(source_key, errors)
    if len(reason) > REASON_MAX:
        errors["reason"] = [_("撤销原因最多%(n)d个字") % {"n": REASON_MAX}]
    elif message := id_number_in_text_message(_("撤销原因"), reason):
        errors["reason"] = [message]
    if errors:
        raise SubmissionInvalid(errors)
    with transaction.atomic():
        # A provider may always revoke its own records, even of an item no longer in the catalog.
        record = (
            CreditRecord.objects.select_for_update()
            .filter(provider=provider, item_code=item_code, source_key=key).first()
        )
        if record is None:
            raise SubmissionInvalid({"source_key": [_("没有该业务编号的记录，无法撤销")]})
        if record.status == RecordStatus.REVOKED:
            return SubmissionResult(record, "unchanged")
        before = snapshot(record)
        record.status = RecordStatus.REVOKED
        record.channel = channel
        record.revision += 1
        record.save(update_fields=["status", "channel", "revision", "updated_at"])
        _add_revision(record, actor=actor, reason=reason)
        record_event(action="record.revoke", actor=actor, obj=record, summary=_summary(record, "撤销"),
                     before=before, after=snapshot(record))
    return SubmissionResult(record, "revoked")


def _add_revision(record: CreditRecord, *, actor, reason: str) -> None:
    _insert(_revision_of(record, actor=actor, reason=reason))


def _revision_of(record: CreditRecord, *, actor, reason: str) -> RecordRevision:
    return RecordRevision(
        record=record, number=record.revision, status=record.status, decision_date=record.decision_date,
        data=record.data, content_hash=record.content_hash, channel=record.channel, reason=reason,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def snapshot(record: CreditRecord) -> dict:
    """What an audit event keeps of a record: a natural person's ID number only masked."""
    return {
        "subject": record.subject.identifier_masked,
        "subject_name": record.subject.name,
        "item": record.item_code,
        "source_key": record.source_key,
        "status": record.status,
        "revision": record.revision,
        "decision_date": record.decision_date,
        "disclosure_ends_on": record.disclosure_ends_on,
        "data": record.data,
    }


def _summary(record: CreditRecord, verb: str, new_subject: bool = False) -> str:
    subject = f"新增信息主体 {record.subject.name}" if new_subject else record.subject.name
    return f"{verb}{record.catalog_item.name} {record.source_key}（{subject}）"


def _lateness_warnings(record: CreditRecord) -> list[str]:
    if not record.is_late:
        return []
    return [_("逾期报送：应于%(due)s前报送") % {"due": record.due_on.isoformat()}]


def _withheld_warnings(record: CreditRecord) -> list[str]:
    if not record.publication_withheld:
        return []
    return [_("%(label)s：该记录依规不在南通信用网公示，政府部门核查时标注显示") % {"label": record.withheld_label}]


# --- Batches (bulk import) --------------------------------------------------------------------

# Values a batch remembers the check of: texts that repeat from row to row (the deciding
# authority and its code, dates, choices, the legal basis), whose check depends on the text
# alone. Long free text is not remembered: it seldom repeats.
_MEMO_TEXT_CHARS = 100
_MEMO_LIMIT = 50_000  # entries per table; a full table is emptied, keeping memory flat
# Per field: what repeats (authorities, dates, choices) is a few hundred texts; a field whose
# texts never repeat (document numbers, facts) fills its table and starts again.
_FIELD_MEMO_LIMIT = 4_096
_TODAY_SECONDS = 1.0  # how long a batch trusts the date it read (a batch may run past midnight)


class CheckMemo:
    """What `check_submission` may remember from one row of a batch to the next.

    Only results that depend on nothing but their inputs: a field's parsed value (or error) for
    a text, and an item's disclosure window for a decision date and the values its rules read.
    Disclosure rules are data that an admin may change, so a memo lives for one batch only.
    """

    def __init__(self) -> None:
        # Per item: its fields in order, each with its own table of texts already checked.
        self._plans: dict[int, tuple[tuple[tuple[str, CatalogField, dict], ...], frozenset[str]]] = {}
        self._has_decision_date: dict[int, bool] = {}
        self._windows: dict[tuple, DisclosurePeriod | tuple[str, str | None]] = {}
        self._window_keys: dict[int, tuple[tuple[dt.date, ...], tuple[str, ...]]] = {}
        self._dated: dict[tuple, DisclosureWindow] = {}
        self._today: tuple[float, dt.date] | None = None

    def validate_data(self, item: CatalogItem, data: dict) -> tuple[dict, dict[str, list[str]]]:
        """The same as `validate_data(item.fields.all(), data)`, which checks each field alone
        (`validation.check_value`): a short text seen before in a field gets the same answer."""
        plan, known = self._plan_of(item)
        values: dict = {}
        errors: dict[str, list[str]] = {}
        for key in data:
            if key not in known:
                errors[key] = unknown_field_errors(key)
        for key, f, seen in plan:
            raw = data.get(key)
            if raw.__class__ is str and len(raw) <= _MEMO_TEXT_CHARS:
                found = seen.get(raw)
                if found is None:
                    if len(seen) >= _FIELD_MEMO_LIMIT:
                        seen.clear()
                    found = seen[raw] = check_value(f, raw)
            else:
                found = check_value(f, raw)
            value, messages = found
            if messages:
                errors[key] = list(messages)
            elif value is not ABSENT:
                # A list is shared by every row that gave the same text: each row gets its own.
                values[key] = list(value) if value.__class__ is list else value
        return values, errors

    def _plan_of(self, item: CatalogItem) -> tuple[tuple[tuple[str, CatalogField, dict], ...], frozenset[str]]:
        found = self._plans.get(item.pk)
        if found is None:
            fields = tuple(item.fields.all())
            found = self._plans[item.pk] = (tuple((f.key, f, {}) for f in fields), frozenset(f.key for f in fields))
        return found

    def has_decision_date(self, item: CatalogItem) -> bool:
        found = self._has_decision_date.get(item.pk)
        if found is None:
            found = self._has_decision_date[item.pk] = _has_decision_date(item)
        return found

    def today(self) -> dt.date:
        """Today in Asia/Shanghai, read again after a second (checking a row must not cost a
        time zone conversion; a batch crossing midnight still sees the new day)."""
        now = time.monotonic()
        if self._today is None or now - self._today[0] > _TODAY_SECONDS:
            self._today = (now, timezone.localdate())
        return self._today[1]

    def disclosure_window(self, *, item: CatalogItem, data: dict, decision_date: dt.date | None) -> DisclosureWindow:
        """`catalog.disclosure.disclosure_window`, asking the rules once per rule and grade.

        A window is the period (months) that the rule in force on the decision date gives the
        record, dated by `dated_window`. The period depends only on which rule is in force and
        on the values the rule reads: it is found once for each such combination, and the dates
        once for each period and decision date.
        """
        if decision_date is None:
            return disclosure_window(item=item, data=data, decision_date=None)
        starts, inputs = self._rules_of(item)
        key = (item.pk, bisect_right(starts, decision_date), *(_window_input(data, k) for k in inputs))
        found = self._windows.get(key)
        if found is None:
            try:
                found = disclosure_period(item=item, data=data, on_date=decision_date)
            except DisclosureError as exc:
                found = (str(exc), exc.field)
            if len(self._windows) >= _MEMO_LIMIT:
                self._windows.clear()
            self._windows[key] = found
        if isinstance(found, tuple):
            raise DisclosureError(found[0], field=found[1])
        dated_key = (found, decision_date)
        window = self._dated.get(dated_key)
        if window is None:
            if len(self._dated) >= _MEMO_LIMIT:
                self._dated.clear()
            window = self._dated[dated_key] = dated_window(found, decision_date)  # frozen: shared by rows
        return window

    def _rules_of(self, item: CatalogItem) -> tuple[tuple[dt.date, ...], tuple[str, ...]]:
        """When the item's rules start, and the data keys a period depends on (the rules' grade
        fields, the item's choice fields, the statement that publication is necessary), read once."""
        found = self._window_keys.get(item.pk)
        if found is None:
            rules = list(DisclosureRule.objects.filter(scheme_id=item.disclosure_scheme_id)
                         .order_by("effective_from").values_list("effective_from", "grade_field"))
            choices = {f.key for f in item.fields.all() if f.type == FieldType.CHOICE}
            grade_fields = {grade_field for _start, grade_field in rules if grade_field}
            inputs = tuple(sorted(choices | grade_fields | {PUBLICATION_NECESSARY_KEY, PUBLICATION_REASON_KEY}))
            found = self._window_keys[item.pk] = (tuple(start for start, _field in rules), inputs)
        return found


def _window_input(data: dict, key: str):
    """What of `data[key]` a period depends on: the value, but of the reason only whether it is there."""
    value = data.get(key)
    if key == PUBLICATION_REASON_KEY:
        return bool(str(value or "").strip())
    return tuple(value) if isinstance(value, list) else value


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    subjects_created: int = 0
    subjects_updated: int = 0
    name_mismatches: int = 0  # rows that gave an organisation another name (`names_subject`)
    content_hashes: list[str] = field(default_factory=list)  # one per row, in the rows' order


class BatchConflict(Exception):
    """A checked row that cannot be stored after all: the database changed since the check."""

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index
        self.message = message


def subject_hash(checked: CheckedSubmission) -> str:
    return identifier_hash(identifier_family(checked.kind), checked.identifier.value)


def kind_conflicts(rows: Sequence[CheckedSubmission]) -> dict[int, str]:
    """Rows whose identifier already belongs to a subject of another kind: {index: message}.

    `submit_record` finds this only while storing; a batch asks beforehand, so that such a row
    is reported with the others instead of failing the whole import.
    """
    hashes = [subject_hash(row) for row in rows]
    kinds = dict(Subject.objects.filter(identifier_hash__in=set(hashes)).values_list("identifier_hash", "kind"))
    return {
        index: _kind_conflict_message(kinds[digest])
        for index, (row, digest) in enumerate(zip(rows, hashes, strict=True))
        if digest in kinds and kinds[digest] != row.kind
    }


def submit_checked_batch(
    *, provider: Provider, rows: Sequence[CheckedSubmission], actor, channel: str, reason: str = "",
    received_at: dt.datetime | None = None,
) -> BatchResult:
    """Store rows that passed `check_submission` as `submit_record` would one after the other.

    The same subjects (created, or renamed by a later row), records (created; updated with a new
    revision when their content changed, a revoked one becoming active again; left alone when
    unchanged) and revisions, in a few queries per call instead of several per row. What
    differs is the audit trail: no event per row, the caller records one event for the whole
    batch in the same transaction (issue 3 allows this). Source keys must be unique within
    `rows`. Raises `BatchConflict` when a subject's kind conflicts after all.
    """
    with transaction.atomic(), BatchWriter(provider=provider, actor=actor, channel=channel, reason=reason,
                                           received_at=received_at) as writer:
        return writer.store(rows)


# Registration fields of a new subject that no row of a batch fills: the model's own defaults.
_BLANK_REGISTRATION = {key: Subject._meta.get_field(key).get_default() for key in REGISTRATION_FIELDS}


class BatchWriter:
    """Stores chunks of checked rows in the caller's transaction (`submit_checked_batch`).

    Records, revisions and new subjects go in as plain column values through a `RowSink`: on
    PostgreSQL by COPY, which the database is still working on when `store` returns, while the
    caller checks its next chunk. Foreign keys are checked as each chunk goes in rather than at
    commit, so that this work too overlaps (and a chunk that breaks one fails at once). Use it as
    a context manager inside `transaction.atomic()`: leaving waits for the last chunk.
    """

    def __init__(self, *, provider: Provider, actor, channel: str, reason: str = "",
                 received_at: dt.datetime | None = None):
        if not connection.in_atomic_block:
            raise RuntimeError("a BatchWriter stores inside the caller's transaction")
        self.provider, self.channel, self.reason, self.received_at = provider, channel, reason, received_at
        self.actor = actor
        self.created_by = actor.pk if getattr(actor, "is_authenticated", False) else None
        self.pipe = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self.pipe = CopyPipe()
        self.sink = RowSink(self.pipe)

    def __enter__(self) -> "BatchWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.pipe is None:
            return
        try:
            self.pipe.close()
        except Exception:
            if exc_type is None:
                raise
            return  # the transaction is rolled back for the first error anyway
        if exc_type is None:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys, as before

    def store(self, rows: Sequence[CheckedSubmission]) -> BatchResult:
        keys = [(row.item.code, row.source_key) for row in rows]
        if len(set(keys)) != len(keys):
            raise ValueError("a batch must not name the same record twice")
        result = BatchResult()
        hashes = [subject_hash(row) for row in rows]
        texts = [canonical_json(row.data) for row in rows]  # serialised once: hash, record, revision
        digests = result.content_hashes = [_hash_content(h, t) for h, t in zip(hashes, texts, strict=True)]
        if self.pipe is not None:
            self.pipe.wait()  # the previous chunk is in: its subjects and records can be found
        received = self.received_at or timezone.now()
        today = timezone.localdate()
        subject_ids, mismatches = self._subjects(rows, hashes, result)
        existing = _batch_records(self.provider, keys)
        new: list[int] = []
        changed: list[tuple[int, CreditRecord]] = []
        for index, key in enumerate(keys):
            record = existing.get(key)
            if record is None:
                new.append(index)
            elif record.content_hash == digests[index] and record.status != RecordStatus.REVOKED:
                result.unchanged += 1
            else:
                _apply_change(record, rows[index], subject_ids[index], digests[index], self.channel, today)
                record.updated_at = received
                changed.append((index, record))
        if changed:
            self._update(changed)
        revisions = [self._revision(record.pk, record.revision, record.status, record.decision_date, texts[index],
                                    digests[index]) for index, record in changed]
        for item, indexes in _by_item(rows, new).items():
            values = [self._record(rows[i], subject_ids[i], digests[i], texts[i], received, today) for i in indexes]
            ids = self.sink.insert(CreditRecord, values, constants=self._record_constants(item, received))
            revisions += [self._revision(pk, 1, row["status"], row["decision_date"], texts[i], digests[i])
                          for pk, row, i in zip(ids, values, indexes, strict=True)]
        self.sink.insert(RecordRevision, revisions, constants={
            "channel": self.channel, "reason": self.reason, "created_by_id": self.created_by})
        self.sink.flush()
        if mismatches:  # rare: they may name subjects of this chunk, which must be in first
            if self.pipe is not None:
                self.pipe.wait()
            note_name_mismatches(provider=self.provider, seen=mismatches)
        result.created, result.updated, result.name_mismatches = len(new), len(changed), len(mismatches)
        return result

    def _subjects(self, rows: Sequence[CheckedSubmission], hashes: list[str],
                  result: BatchResult) -> tuple[list[int], list[NameSeen]]:
        """The subject of each row, creating and updating subjects as the rows in order would,
        and the rows that gave their subject a name it does not take (`names_subject`)."""
        found = {s.identifier_hash: s for s in Subject.objects.filter(identifier_hash__in=set(hashes))}
        names_before = {digest: subject.name for digest, subject in found.items()}
        first: dict[str, int] = {}
        wanted: dict[str, dict] = {}  # the first row creates; each later row's non-empty values win
        unnamed: list[int] = []  # rows whose name is not their subject's to give
        for index, (row, digest) in enumerate(zip(rows, hashes, strict=True)):
            kind = found[digest].kind if digest in found else rows[first.get(digest, index)].kind
            if row.kind != kind:
                raise BatchConflict(index, _kind_conflict_message(kind))
            creates = first.setdefault(digest, index) == index and digest not in found
            values = _registration_values(row.registration) if row.registration else {}
            if creates or names_subject(row):
                values["name"] = row.name
            else:
                unnamed.append(index)
            wanted.setdefault(digest, {}).update({key: value for key, value in values.items() if value})
        renamed, fields = _renamed_subjects(found, wanted)
        Subject.objects.bulk_update(renamed, [*fields, "updated_at"], batch_size=500)
        self._record_renames(renamed, names_before)
        new = [digest for digest in first if digest not in found]
        ids = dict(zip(new, self.sink.insert(Subject, [
            {**_BLANK_REGISTRATION, **wanted[digest],
             **_identity_values(kind=rows[first[digest]].kind, result=rows[first[digest]].identifier, lookup=digest)}
            for digest in new
        ]), strict=True))
        ids.update({digest: subject.pk for digest, subject in found.items()})
        result.subjects_created += len(new)
        result.subjects_updated += len(renamed)
        names = {digest: found[digest].name if digest in found else wanted[digest]["name"] for digest in first}
        mismatches = [NameSeen(ids[hashes[i]], rows[i].name, rows[i].item.code, rows[i].source_key)
                      for i in unnamed if not same_name(rows[i].name, names[hashes[i]])]
        return [ids[digest] for digest in hashes], mismatches

    def _record_renames(self, subjects: list[Subject], names_before: dict[str, str]) -> None:
        """Each change of name has its event (few: they come with registration records); other
        registration details are covered by the batch's one event."""
        for subject in subjects:
            before = names_before[subject.identifier_hash]
            if subject.name != before:
                _record_subject_update(subject, before={"name": before}, after={"name": subject.name},
                                       actor=self.actor)

    def _update(self, changed: list[tuple[int, CreditRecord]]) -> None:
        # A changed record may now belong to a subject of this chunk: that must be in first.
        self.sink.flush()
        if self.pipe is not None:
            self.pipe.wait()
        CreditRecord.objects.bulk_update([record for _index, record in changed],
                                         [*CHANGED_RECORD_FIELDS, "updated_at"], batch_size=500)

    def _record(self, row: CheckedSubmission, subject_id: int, digest: str, text: str, received: dt.datetime,
                today: dt.date) -> dict:
        columns = _columns(row, received, self_declared=self.channel == Channel.SELF_DECLARATION)
        del columns["category"], columns["is_public"], columns["is_dishonesty"]  # the item's: constants
        return {"subject_id": subject_id, "source_key": row.source_key, "data": JsonText(text),
                "content_hash": digest, "status": _live_status(RecordStatus.ACTIVE, columns["disclosure_ends_on"], today),
                **columns}

    def _record_constants(self, item: CatalogItem, received: dt.datetime) -> dict:
        return {
            "provider_id": self.provider.pk, "item_code": item.code, "catalog_item_id": item.pk,
            "category": item.category, "is_public": item.openness == Openness.PUBLIC,
            "is_dishonesty": item.is_dishonesty, "revision": 1,
            "channel": self.channel, "self_declared": self.channel == Channel.SELF_DECLARATION,
            "received_at": received,
        }

    @staticmethod
    def _revision(record_id: int, number: int, status: str, decided, text: str, digest: str) -> dict:
        return {"record_id": record_id, "number": number, "status": status, "decision_date": decided,
                "data": JsonText(text), "content_hash": digest}


def _by_item(rows: Sequence[CheckedSubmission], indexes: list[int]) -> dict[CatalogItem, list[int]]:
    groups: dict[int, tuple[CatalogItem, list[int]]] = {}
    for index in indexes:
        item = rows[index].item
        groups.setdefault(item.pk, (item, []))[1].append(index)
    return dict(groups.values())


def _batch_records(provider: Provider, keys: list[tuple[str, str]]) -> dict[tuple[str, str], CreditRecord]:
    wanted = set(keys)
    found = (
        CreditRecord.objects.select_for_update()
        .filter(provider=provider, item_code__in={code for code, _key in wanted}, source_key__in={k for _c, k in wanted})
        # The stored content is replaced, never read: leave the JSON where it is.
        .only("id", "provider_id", "item_code", "source_key", "subject_id", "content_hash", "status", "revision",
              "received_at", "self_declared")
    )
    return {(r.item_code, r.source_key): r for r in found if (r.item_code, r.source_key) in wanted}


def _renamed_subjects(found: dict[str, Subject], wanted: dict[str, dict]) -> tuple[list[Subject], set[str]]:
    changed, fields, now = [], set(), timezone.now()
    for digest, subject in found.items():
        differing = {key: value for key, value in wanted[digest].items() if getattr(subject, key) != value}
        if differing:
            for key, value in differing.items():
                setattr(subject, key, value)
            subject.updated_at = now
            changed.append(subject)
            fields.update(differing)
    return changed, fields


# --- API tokens -------------------------------------------------------------------------------


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_token(*, provider: Provider, name: str, actor=None) -> tuple[ApiToken, str]:
    """A new token and its key. Only the key's hash is stored: show the key now or never."""
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            provider=provider, name=name.strip(), prefix=key[:8], key_hash=_key_hash(key),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record_event(
            action="apitoken.create", actor=actor, obj=token,
            summary=f"为{provider.name}创建接口令牌“{token.name}”",
            after={"provider": provider.code, "name": token.name, "prefix": token.prefix},
        )
    return token, key


def revoke_api_token(*, token: ApiToken, actor) -> ApiToken:
    with transaction.atomic():
        now = timezone.now()
        if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
            raise TokenAlreadyRevoked(_("该令牌已吊销"))
        token.revoked_at = now
        record_event(
            action="apitoken.revoke", actor=actor, obj=token,
            summary=f"吊销{token.provider.name}的接口令牌“{token.name}”",
            before={"revoked_at": None}, after={"revoked_at": now, "prefix": token.prefix},
        )
    return token


def authenticate_api_key(key: str) -> ApiToken | None:
    """The active token of an active provider with this key, or None."""
    if not key:
        return None
    token = _active_token(_key_hash(key))
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        # At most one write a minute per token, however many requests it makes.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def _active_token(key_hash: str) -> ApiToken | None:
    """The unrevoked token of an active provider with this key hash, its provider attached.
    Asked on every API request: on PostgreSQL by a fixed statement rather than the ORM's query
    building (like `_subject_by_hash`)."""
    if connection.vendor != "postgresql":
        return (ApiToken.objects.select_related("provider")
                .filter(key_hash=key_hash, revoked_at__isnull=True, provider__is_active=True).first())
    with connection.cursor() as cursor:
        cursor.execute(_ACTIVE_TOKEN, [key_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(_TOKEN_ATTNAMES)
    token = ApiToken.from_db(connection.alias, _TOKEN_ATTNAMES, row[:split])
    token.provider = Provider.from_db(connection.alias, _PROVIDER_ATTNAMES, row[split:])
    return token


_TOKEN_ATTNAMES = [f.attname for f in ApiToken._meta.concrete_fields]
_PROVIDER_ATTNAMES = [f.attname for f in Provider._meta.concrete_fields]
_ACTIVE_TOKEN = (
    "SELECT {}, {} FROM {} t JOIN {} p ON p.id = t.provider_id "
    "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND p.is_active LIMIT 1"
).format(
    ", ".join(f't."{f.column}"' for f in ApiToken._meta.concrete_fields),
    ", ".join(f'p."{f.column}"' for f in Provider._meta.concrete_fields),
    ApiToken._meta.db_table, Provider._meta.db_table,
)
