"""Checking a submission (`check_submission`): the one validation of every channel, before
anything is stored; `CheckMemo` lets a batch remember pure checks from row to row.
"""

import datetime as dt
import time
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.disclosure import (
    PUBLICATION_NECESSARY_KEY,
    PUBLICATION_REASON_KEY,
    REMOVAL_DATE_KEY,
    DisclosurePeriod,
    DisclosureWindow,
    dated_window,
    disclosure_period,
    disclosure_window,
)
from catalog.errors import DisclosureError
from catalog.models import CatalogField, CatalogItem, DisclosureRule, FieldType, Provider, SubjectKind
from nantong_credit.model_fields import max_length

from ..identifiers import IdentifierError, IdentifierResult, normalise_identifier
from ..models import CreditRecord, RecordRevision, Subject
from ..selectors import PublishedItems
from ..validation import (
    ABSENT,
    check_value,
    id_number_in_text_message,
    json_type_name,
    parse_date_value,
    unknown_field_errors,
    validate_data,
)
from .errors import ProviderNotResponsible, SubmissionInvalid

DECISION_DATE_KEY = "decision_date"
REGISTRATION_FIELDS = (
    "legal_representative",
    "organisation_type",
    "district",
    "address",
    "registration_authority",
    "established_on",
    "registration_status",
)
SUBJECT_KEYS = frozenset({"kind", "name", "identifier", "irregular_code", *REGISTRATION_FIELDS})


SOURCE_KEY_MAX = max_length(CreditRecord, "source_key")
NAME_MAX = max_length(Subject, "name")
REASON_MAX = max_length(RecordRevision, "reason")
SUBJECT_KINDS = frozenset(SubjectKind.values)  # Django builds the `values` list anew on each access


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


def check_submission(
    *,
    provider: Provider,
    item_code: str,
    source_key: str,
    subject: dict,
    data: dict,
    reason: str = "",
    items: PublishedItems,
    memo: "CheckMemo | None" = None,
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
    assert item is not None and identifier is not None, "found, or there would be errors"
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
    if provider.pk not in item.provider_ids:  # type: ignore[attr-defined]  # set by PublishedItems
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


def _check_subject(
    subject: dict, item: CatalogItem | None, errors: dict
) -> tuple[str, str, IdentifierResult | None, dict]:
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
        errors["subject.kind"] = [
            _(
                "主体类别应为legal_person（法人和非法人组织）、individual_business（个体工商户）或natural_person（自然人）"
            )
        ]
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
            errors[f"subject.{key}"] = [
                _("应为%(expected)s，收到%(type)s")
                % {"expected": _("布尔值") if expected is bool else _("文字（字符串）"), "type": json_type_name(value)}
            ]
    return errors


def _check_registration(registration: dict, errors: dict) -> None:
    for key, value in registration.items():
        model_field: Any = Subject._meta.get_field(key)  # a CharField for every key but established_on
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
            rules = list(
                DisclosureRule.objects.filter(scheme_id=item.disclosure_scheme_id)
                .order_by("effective_from")
                .values_list("effective_from", "grade_field")
            )
            choices = {f.key for f in item.fields.all() if f.type == FieldType.CHOICE}
            grade_fields = {grade_field for _start, grade_field in rules if grade_field}
            inputs = tuple(
                sorted(choices | grade_fields | {PUBLICATION_NECESSARY_KEY, PUBLICATION_REASON_KEY, REMOVAL_DATE_KEY})
            )
            found = self._window_keys[item.pk] = (tuple(start for start, _field in rules), inputs)
        return found


def _window_input(data: dict, key: str):
    """What of `data[key]` a period depends on: the value, but of the reason only whether it is there."""
    value = data.get(key)
    if key == PUBLICATION_REASON_KEY:
        return bool(str(value or "").strip())
    return tuple(value) if isinstance(value, list) else value
