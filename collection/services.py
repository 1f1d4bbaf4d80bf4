"""State changes of the collection app: subjects, credit records and API tokens.

`submit_record` is the one pipeline every channel goes through (web form, bulk file, API,
self-declaration): validate everything and report every error at once, find or create the
subject, then upsert the record keyed by the provider's own key, keeping each revision.
"""

import datetime as dt
import hashlib
import io
import json
import secrets
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from catalog.disclosure import DisclosureWindow, disclosure_window
from catalog.errors import DisclosureError
from catalog.models import CatalogField, CatalogItem, DisclosureRule, FieldType, Openness, Provider, SubjectKind
from nantong_credit.workdays import add_workdays

from .identifiers import IdentifierError, IdentifierResult, identifier_family, mask_identifier, normalise_identifier
from .models import ApiToken, Channel, CreditRecord, RecordRevision, RecordStatus, Severity, Subject
from .personal_data import encrypt_identifier, identifier_hash
from .selectors import PublishedItems
from .validation import parse_date_value, validate_data

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
    *, kind: str, name: str, result: IdentifierResult, actor, fields: dict
) -> tuple[Subject, bool]:
    family = identifier_family(kind)
    lookup = identifier_hash(family, result.value)
    subject = Subject.objects.filter(identifier_hash=lookup).first()
    if subject is None:
        try:
            with transaction.atomic():  # a savepoint: another import may create it meanwhile
                return _create_subject(kind=kind, name=name, result=result, lookup=lookup, actor=actor, fields=fields), True
        except IntegrityError:
            subject = Subject.objects.get(identifier_hash=lookup)
    if subject.kind != kind:
        raise SubjectKindConflict(_kind_conflict_message(subject.kind))
    _update_subject(subject, name=name, actor=actor, fields=fields)
    return subject, False


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


def _create_subject(*, kind: str, name: str, result: IdentifierResult, lookup: str, actor, fields: dict) -> Subject:
    subject = Subject.objects.create(
        name=name, **_identity_values(kind=kind, result=result, lookup=lookup), **_registration_values(fields),
    )
    record_event(
        action="subject.create", actor=actor, obj=subject,
        summary=f"新增信息主体 {subject.name}",
        after={"kind": kind, "name": name, "identifier": subject.identifier_masked, "flag": result.flag},
    )
    return subject


def _registration_values(fields: dict) -> dict:
    values = {key: str(value).strip() for key, value in fields.items() if value not in (None, "")}
    if "established_on" in values:
        values["established_on"] = parse_date_value(fields["established_on"])
    return values


def _update_subject(subject: Subject, *, name: str, actor, fields: dict) -> None:
    """A provider's newer name or registration data replaces the old one, audited."""
    wanted = {"name": name, **_registration_values(fields)}
    changed = {key: value for key, value in wanted.items() if value and getattr(subject, key) != value}
    if not changed:
        return
    before = {key: getattr(subject, key) for key in changed}
    for key, value in changed.items():
        setattr(subject, key, value)
    subject.save(update_fields=[*changed, "updated_at"])
    record_event(
        action="subject.update", actor=actor, obj=subject,
        summary=f"更新信息主体 {subject.identifier_masked} 的登记信息",
        before=before, after=changed,
    )


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
            subject_obj, _created = _find_or_create_subject(
                kind=checked.kind, name=checked.name, result=checked.identifier, actor=actor, fields=checked.registration
            )
            result = _upsert_record(provider=provider, checked=checked, subject=subject_obj, actor=actor,
                                    channel=channel, reason=reason, received_at=received_at)
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


def _check_dates(
    item: CatalogItem, values: dict, errors: dict, memo: "CheckMemo | None" = None
) -> tuple[dt.date | None, DisclosureWindow | None]:
    """The decision date and the disclosure window the catalog's rule gives it."""
    has_field = any(f.key == DECISION_DATE_KEY and f.type == FieldType.DATE for f in item.fields.all())
    decided = dt.date.fromisoformat(values[DECISION_DATE_KEY]) if has_field and values.get(DECISION_DATE_KEY) else None
    if decided and decided > timezone.localdate():
        errors[f"data.{DECISION_DATE_KEY}"] = [_("决定日期不能晚于今天")]
        return None, None
    try:
        if memo is not None:
            return decided, memo.disclosure_window(item=item, data=values, decision_date=decided)
        return decided, disclosure_window(item=item, data=values, decision_date=decided)
    except DisclosureError as exc:
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
    key = str(source_key if source_key is not None else "").strip()
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
    """The hash that tells an identical re-submission from a changed one."""
    canonical = json.dumps({"subject": subject_hash, "data": data}, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _upsert_record(
    *, provider: Provider, checked: CheckedSubmission, subject: Subject, actor, channel: str, reason: str,
    received_at: dt.datetime | None = None,
) -> SubmissionResult:
    lookup = {"provider": provider, "item_code": checked.item.code, "source_key": checked.source_key}
    digest = content_hash(subject.identifier_hash, checked.data)
    record = CreditRecord.objects.select_for_update().filter(**lookup).first()
    if record is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent submission may win the key
                return _create_record(lookup, checked, subject, digest, actor, channel, reason, received_at)
        except IntegrityError:
            record = CreditRecord.objects.select_for_update().get(**lookup)
    if record.content_hash == digest and record.status != RecordStatus.REVOKED:
        return SubmissionResult(record, "unchanged")
    return _update_record(record, checked, subject, digest, actor, channel, reason)


def _columns(checked: CheckedSubmission, received_at: dt.datetime) -> dict:
    """The indexed columns derived from the item and the checked data."""
    item, decided, window = checked.item, checked.decision_date, checked.window
    due_on = None
    if decided and item.submission_deadline_workdays is not None:
        due_on = add_workdays(decided, item.submission_deadline_workdays)
    return {
        "decision_date": decided,
        "severity": window.grade if window.grade in Severity.values else "",
        "disclosure_ends_on": window.ends_on,
        "repairable_from": window.repairable_from,
        "due_on": due_on,
        "is_late": bool(due_on and received_at.astimezone(SHANGHAI).date() > due_on),
        "category": item.category,
        "is_public": item.openness == Openness.PUBLIC,
        "is_dishonesty": item.is_dishonesty,
    }


def _new_record(lookup: dict, checked: CheckedSubmission, subject: Subject, digest: str, channel: str,
                now: dt.datetime) -> CreditRecord:
    return CreditRecord(
        **lookup, subject=subject, catalog_item=checked.item, data=checked.data, content_hash=digest,
        revision=1, channel=channel, self_declared=channel == Channel.SELF_DECLARATION, received_at=now,
        **_columns(checked, now),
    )


def _create_record(
    lookup, checked: CheckedSubmission, subject: Subject, digest: str, actor, channel, reason, received_at=None
) -> SubmissionResult:
    record = _new_record(lookup, checked, subject, digest, channel, received_at or timezone.now())
    record.save(force_insert=True)
    _add_revision(record, actor=actor, reason=reason)
    record_event(action="record.create", actor=actor, obj=record, summary=_summary(record, "报送"),
                 after=snapshot(record))
    return SubmissionResult(record, "created", _lateness_warnings(record))


# What a changed submission rewrites on its record (besides `updated_at`).
CHANGED_RECORD_FIELDS = (
    "subject", "catalog_item", "data", "content_hash", "channel", "revision", "status",
    "decision_date", "severity", "disclosure_ends_on", "repairable_from", "due_on", "is_late",
    "category", "is_public", "is_dishonesty",
)


def _apply_change(record: CreditRecord, checked: CheckedSubmission, subject: Subject, digest: str, channel: str) -> None:
    record.subject = subject
    record.catalog_item = checked.item
    record.data = checked.data
    record.content_hash = digest
    record.channel = channel
    record.revision += 1
    if record.status == RecordStatus.REVOKED:
        record.status = RecordStatus.ACTIVE
    # A correction is not a new submission: timeliness stays measured from the first receipt.
    for name, value in _columns(checked, record.received_at).items():
        setattr(record, name, value)


def _update_record(record: CreditRecord, checked: CheckedSubmission, subject: Subject, digest, actor, channel, reason):
    before = snapshot(record)
    _apply_change(record, checked, subject, digest, channel)
    record.save(update_fields=[*CHANGED_RECORD_FIELDS, "updated_at"])
    _add_revision(record, actor=actor, reason=reason)
    record_event(action="record.update", actor=actor, obj=record, summary=_summary(record, "更新"),
                 before=before, after=snapshot(record))
    return SubmissionResult(record, "updated", [])


def _revoke_record(*, provider: Provider, item_code: str, source_key: str, actor, channel: str, reason: str):
    errors: dict[str, list[str]] = {}
    key = _check_source_key(source_key, errors)
    if len(reason) > REASON_MAX:
        errors["reason"] = [_("撤销原因最多%(n)d个字") % {"n": REASON_MAX}]
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
    _revision_of(record, actor=actor, reason=reason).save(force_insert=True)


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


def _summary(record: CreditRecord, verb: str) -> str:
    return f"{verb}{record.catalog_item.name} {record.source_key}（{record.subject.name}）"


def _lateness_warnings(record: CreditRecord) -> list[str]:
    if not record.is_late:
        return []
    return [_("逾期报送：应于%(due)s前报送") % {"due": record.due_on.isoformat()}]


# --- Batches (bulk import) --------------------------------------------------------------------

# Values a batch remembers the check of: texts that repeat from row to row (the deciding
# authority and its code, dates, choices, the legal basis), whose check depends on the text
# alone. Long free text is not remembered: it seldom repeats.
_MEMO_TEXT_CHARS = 100
_MEMO_LIMIT = 50_000  # entries per table; a full table is emptied, keeping memory flat
_ABSENT = object()


class CheckMemo:
    """What `check_submission` may remember from one row of a batch to the next.

    Only results that depend on nothing but their inputs: a field's parsed value (or error) for
    a text, and an item's disclosure window for a decision date and the values its rules read.
    Disclosure rules are data that an admin may change, so a memo lives for one batch only.
    """

    def __init__(self) -> None:
        self._values: dict[tuple[int, str], tuple[object, list[str] | None]] = {}
        self._fields: dict[int, tuple[tuple[CatalogField, ...], frozenset[str]]] = {}
        self._windows: dict[tuple, DisclosureWindow | str] = {}
        self._window_keys: dict[int, tuple[tuple[dt.date, ...], tuple[str, ...]]] = {}
        self._dated: dict[tuple, DisclosureWindow] = {}

    def validate_data(self, item: CatalogItem, data: dict) -> tuple[dict, dict[str, list[str]]]:
        """The same as `validate_data(item.fields.all(), data)`, which checks each field alone."""
        fields, known = self._fields_of(item)
        todo_fields, remembered = [], []
        todo_data = {key: value for key, value in data.items() if key not in known}
        for f in fields:
            raw = data.get(f.key)
            memo_able = raw.__class__ is str and len(raw) <= _MEMO_TEXT_CHARS
            hit = self._values.get((f.pk, raw)) if memo_able else None
            if hit is not None:
                remembered.append((f.key, hit))
                continue
            todo_fields.append(f)
            if f.key in data:
                todo_data[f.key] = raw
        values, errors = validate_data(todo_fields, todo_data) if todo_fields or todo_data else ({}, {})
        self._remember(todo_fields, data, values, errors)
        for key, (value, messages) in remembered:
            if value is not _ABSENT:
                values[key] = list(value) if value.__class__ is list else value
            if messages:
                errors[key] = list(messages)
        return {f.key: values[f.key] for f in fields if f.key in values}, errors

    def _fields_of(self, item: CatalogItem) -> tuple[tuple[CatalogField, ...], frozenset[str]]:
        found = self._fields.get(item.pk)
        if found is None:
            fields = tuple(item.fields.all())
            found = self._fields[item.pk] = (fields, frozenset(f.key for f in fields))
        return found

    def _remember(self, fields, data: dict, values: dict, errors: dict) -> None:
        if len(self._values) >= _MEMO_LIMIT:
            self._values.clear()
        for f in fields:
            raw = data.get(f.key)
            if raw.__class__ is str and len(raw) <= _MEMO_TEXT_CHARS:
                value = values.get(f.key, _ABSENT)
                self._values[(f.pk, raw)] = (list(value) if isinstance(value, list) else value, errors.get(f.key))

    def disclosure_window(self, *, item: CatalogItem, data: dict, decision_date: dt.date | None) -> DisclosureWindow:
        """`catalog.disclosure.disclosure_window`, asking the rules once per rule and grade.

        A window is the decision date plus the minimum and maximum months that the rule in force
        on that date gives the record's grade ("calendar months counted from the decision
        date"). The months depend only on which rule is in force and on the values the grade is
        read from: they are found once for each such combination, each row adds its own date.
        """
        if decision_date is None:
            return disclosure_window(item=item, data=data, decision_date=None)
        starts, inputs = self._rules_of(item)
        key = (item.pk, bisect_right(starts, decision_date), *(_hashable(data.get(k)) for k in inputs))
        # Dates repeat across a batch too: the finished window of a (rule, grade inputs, date).
        dated_key = (key, decision_date)
        window = self._dated.get(dated_key)
        if window is not None:
            return window
        found = self._windows.get(key)
        if found is None:
            found = _window_months(item, data, decision_date)
            if len(self._windows) >= _MEMO_LIMIT:
                self._windows.clear()
            self._windows[key] = found
        if isinstance(found, str):
            raise DisclosureError(found)
        maximum, minimum, grade = found
        window = DisclosureWindow(
            ends_on=None if maximum is None else decision_date + relativedelta(months=maximum),
            repairable_from=None if minimum is None else decision_date + relativedelta(months=minimum),
            grade=grade,
        )
        if len(self._dated) >= _MEMO_LIMIT:
            self._dated.clear()
        self._dated[dated_key] = window  # frozen: safe to hand to every row
        return window

    def _rules_of(self, item: CatalogItem) -> tuple[tuple[dt.date, ...], tuple[str, ...]]:
        """When the item's rules start, and the data keys a window depends on (the rules' grade
        fields and the item's choice fields), read once."""
        found = self._window_keys.get(item.pk)
        if found is None:
            rules = list(DisclosureRule.objects.filter(scheme_id=item.disclosure_scheme_id)
                         .order_by("effective_from").values_list("effective_from", "grade_field"))
            choices = {f.key for f in item.fields.all() if f.type == FieldType.CHOICE}
            inputs = tuple(sorted(choices | {grade_field for _start, grade_field in rules if grade_field}))
            found = self._window_keys[item.pk] = (tuple(start for start, _field in rules), inputs)
        return found


# A first day of a month: months added to it never land on a clipped month end, so how many
# months a window spans can be read back from the window computed for this day.
_REFERENCE_DAY = dt.date(2000, 1, 1)


def _window_months(item: CatalogItem, data: dict, decided: dt.date) -> tuple[int | None, int | None, str] | str:
    """(maximum months, minimum months, grade) of the rule in force on `decided`, or the error."""
    try:
        window = disclosure_window(item=item, data=data, decision_date=_REFERENCE_DAY, on_date=decided)
    except DisclosureError as exc:
        return str(exc)
    return _months_after_reference(window.ends_on), _months_after_reference(window.repairable_from), window.grade


def _months_after_reference(day: dt.date | None) -> int | None:
    if day is None:
        return None
    return (day.year - _REFERENCE_DAY.year) * 12 + day.month - _REFERENCE_DAY.month


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    subjects_created: int = 0
    subjects_updated: int = 0
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
    keys = [(row.item.code, row.source_key) for row in rows]
    if len(set(keys)) != len(keys):
        raise ValueError("a batch must not name the same record twice")
    now = received_at or timezone.now()
    result = BatchResult()
    with transaction.atomic():
        subjects = _batch_subjects(rows, result)
        existing = _batch_records(provider, keys)
        created: list[CreditRecord] = []
        changed: list[CreditRecord] = []
        for row, subject, key in zip(rows, subjects, keys, strict=True):
            digest = content_hash(subject.identifier_hash, row.data)
            result.content_hashes.append(digest)
            record = existing.get(key)
            if record is None:
                lookup = {"provider": provider, "item_code": key[0], "source_key": key[1]}
                created.append(_new_record(lookup, row, subject, digest, channel, now))
            elif record.content_hash == digest and record.status != RecordStatus.REVOKED:
                result.unchanged += 1
            else:
                _apply_change(record, row, subject, digest, channel)
                record.updated_at = now
                changed.append(record)
        insert_many(CreditRecord, created)
        CreditRecord.objects.bulk_update(changed, [*CHANGED_RECORD_FIELDS, "updated_at"], batch_size=500)
        insert_many(RecordRevision, [_revision_of(r, actor=actor, reason=reason) for r in (*created, *changed)])
    result.created, result.updated = len(created), len(changed)
    return result


def _batch_records(provider: Provider, keys: list[tuple[str, str]]) -> dict[tuple[str, str], CreditRecord]:
    wanted = set(keys)
    found = (
        CreditRecord.objects.select_for_update()
        .filter(provider=provider, item_code__in={code for code, _key in wanted}, source_key__in={k for _c, k in wanted})
        # The stored content is replaced, never read: leave the JSON where it is.
        .only("id", "provider_id", "item_code", "source_key", "subject_id", "content_hash", "status", "revision",
              "received_at")
    )
    return {(r.item_code, r.source_key): r for r in found if (r.item_code, r.source_key) in wanted}


def _batch_subjects(rows: Sequence[CheckedSubmission], result: BatchResult) -> list[Subject]:
    """The subject of each row, creating and updating subjects as the rows in order would."""
    hashes = [subject_hash(row) for row in rows]
    found = {s.identifier_hash: s for s in Subject.objects.filter(identifier_hash__in=set(hashes))}
    first: dict[str, int] = {}
    wanted: dict[str, dict] = {}  # the first row creates; each later row's non-empty values win
    for index, (row, digest) in enumerate(zip(rows, hashes, strict=True)):
        kind = found[digest].kind if digest in found else rows[first.get(digest, index)].kind
        if row.kind != kind:
            raise BatchConflict(index, _kind_conflict_message(kind))
        first.setdefault(digest, index)
        values = {"name": row.name, **_registration_values(row.registration)}
        wanted.setdefault(digest, {}).update({key: value for key, value in values.items() if value})
    new = [
        Subject(**wanted[digest], **_identity_values(kind=rows[index].kind, result=rows[index].identifier, lookup=digest))
        for digest, index in first.items() if digest not in found
    ]
    insert_many(Subject, new)
    changed, fields = _renamed_subjects(found, wanted)
    Subject.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=500)
    found.update({subject.identifier_hash: subject for subject in new})
    result.subjects_created += len(new)
    result.subjects_updated += len(changed)
    return [found[digest] for digest in hashes]


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


def insert_many(model: type[models.Model], objects: list[models.Model]) -> None:
    """Insert new instances at once and give them their primary keys.

    On PostgreSQL the rows go in by COPY, with keys drawn from the table's sequence first:
    `bulk_create` sends every value of every row through the field machinery and an INSERT's
    parser, which costs a batch several times the database's own work. The instances hold
    plain values (built by the same code `submit_record` saves with), written in COPY's text
    format; JSON as Django's JSONField writes it. Other databases use `bulk_create`.
    """
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects)
        return
    quote, table = connection.ops.quote_name, model._meta.db_table
    fields = list(model._meta.concrete_fields)
    now = timezone.now()
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objects:
                setattr(obj, f.attname, now)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        converters = [(f.attname, _copy_converter(f)) for f in fields]
        text = io.StringIO()
        for obj in objects:
            values = obj.__dict__
            text.write("\t".join(r"\N" if (v := values[name]) is None else convert(v) for name, convert in converters))
            text.write("\n")
        text.seek(0)
        columns = ", ".join(quote(f.column) for f in fields)
        cursor.cursor.copy_expert(f"COPY {quote(table)} ({columns}) FROM STDIN", text)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


def _copy_converter(f: models.Field):
    """How a non-null value of `f` is written in COPY's text format."""
    if isinstance(f, models.JSONField):
        # jsonb keeps the same value however the text spells it; without \\u escapes it is shorter.
        return lambda value: _copy_text(json.dumps(value, cls=f.encoder, ensure_ascii=False))
    if isinstance(f, models.BooleanField):
        return lambda value: "t" if value else "f"
    if isinstance(f, (models.DateField, models.DateTimeField)):
        return lambda value: value.isoformat()
    return lambda value: _copy_text(str(value))


def _copy_text(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


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
    token = (
        ApiToken.objects.select_related("provider")
        .filter(key_hash=_key_hash(key), revoked_at__isnull=True, provider__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        # At most one write a minute per token, however many requests it makes.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
