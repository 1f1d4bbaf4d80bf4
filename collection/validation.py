"""Checking submitted values against a catalog item's fields (SPEC §3).

Every channel (form, bulk file, API) sends values as people and office systems produce them:
full-width digits, `2026年1月5日`, Excel date serials, "— —" for "nothing", several penalty
types separated by `；`. Each value is turned into one canonical JSON value per field type, so
that the same information always hashes the same and a re-submission is recognised.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import CatalogField, FieldType

from .identifiers import IdentifierError, mask_identifier, normalise_any_identifier

# How offices write "no value" in a cell (compared after NFKC, without spaces, lower case).
EMPTY_SPELLINGS = frozenset({
    "", "-", "--", "---", "—", "——", "———", "–", "―", "/", "//", "\\", "无", "暂无", "空",
    "null", "none", "n/a", "nan",
})
_SURELY_TEXT = 8 * max(map(len, EMPTY_SPELLINGS))
MULTIPLE_SEPARATORS = re.compile(r"[;；]")
# 2026-01-05, 2026/1/5, 2026.1.5, 2026年1月5日, optionally followed by a time of day (Excel).
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_TRUE = frozenset({"是", "true", "yes", "y", "1", "√", "✓", "对"})
_FALSE = frozenset({"否", "false", "no", "n", "0", "×", "✗", "错"})
MIN_YEAR, MAX_YEAR = 1900, 2199


class FieldValueError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, (list, tuple)):
        return all(is_empty(v) for v in value)
    if not isinstance(value, str):
        return False
    if len(value) > _SURELY_TEXT and len("".join(value.split())) > _SURELY_TEXT:
        # NFKC merges a few characters into one at most (a letter and its accents): so many
        # characters never come down to a spelling of "nothing". Saves NFKC on long texts.
        return False
    squeezed = "".join(unicodedata.normalize("NFKC", value).split()).lower()
    return squeezed in EMPTY_SPELLINGS


# `check_value`'s answer for an empty optional field: no value at all.
ABSENT = object()


def validate_data(fields: Iterable[CatalogField], data: dict) -> tuple[dict, dict[str, list[str]]]:
    """(normalised values, errors by field key). Empty optional fields are left out."""
    by_key = {field.key: field for field in fields}
    values: dict = {}
    errors: dict[str, list[str]] = {}
    for key in data:
        if key not in by_key:
            errors[key] = unknown_field_errors(key)
    for key, field in by_key.items():
        value, messages = check_value(field, data.get(key))
        if messages:
            errors[key] = messages
        elif value is not ABSENT:
            values[key] = value
    return values, errors


def unknown_field_errors(key: str) -> list[str]:
    return [_("目录事项中没有数据项“%(key)s”") % {"key": key}]


def check_value(field: CatalogField, raw) -> tuple[object, list[str] | None]:
    """(canonical value, or ABSENT for an empty optional field; the errors, or None) of one
    field: `validate_data` for a single field, a pure function of the field and `raw`."""
    if is_empty(raw):
        if field.required:
            return ABSENT, [_("必填项“%(label)s”未填写") % {"label": field.label}]
        return ABSENT, None
    try:
        return parse_value(field, raw), None
    except FieldValueError as exc:
        return ABSENT, [exc.message]


def parse_value(field: CatalogField, raw):
    """The canonical JSON value of a non-empty `raw` for `field`, or `FieldValueError`."""
    parser = _PARSERS[field.type]
    return parser(field, raw)


def _shown(raw) -> str:
    text = str(raw)
    return text if len(text) <= 30 else text[:30] + "…"


def _parse_text(field: CatalogField, raw) -> str:
    text = str(raw).strip()
    if field.max_length and len(text) > field.max_length:
        raise FieldValueError(
            _("“%(label)s”最多%(max)d个字，实际%(n)d个字")
            % {"label": field.label, "max": field.max_length, "n": len(text)}
        )
    return text


def _number_text(raw) -> str:
    return "".join(unicodedata.normalize("NFKC", str(raw)).split()).replace(",", "")


def _parse_integer(field: CatalogField, raw) -> int:
    if isinstance(raw, bool):
        raise FieldValueError(_("“%(label)s”应为整数") % {"label": field.label})
    try:
        number = Decimal(_number_text(raw))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        raise FieldValueError(_("“%(label)s”应为整数，收到“%(v)s”") % {"label": field.label, "v": _shown(raw)})
    return int(number)


def _parse_decimal(field: CatalogField, raw) -> str:
    if isinstance(raw, bool):
        raise FieldValueError(_("“%(label)s”应为数字") % {"label": field.label})
    try:
        number = Decimal(_number_text(raw))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise FieldValueError(_("“%(label)s”应为数字，收到“%(v)s”") % {"label": field.label, "v": _shown(raw)})
    # 12.50 and 12.5 are the same amount: one spelling, so that the content hash agrees.
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _parse_date(field: CatalogField, raw) -> str:
    day = parse_date_value(raw)
    if day is None:
        raise FieldValueError(
            _("“%(label)s”应为日期（如2026-01-05、2026/1/5或2026年1月5日），收到“%(v)s”")
            % {"label": field.label, "v": _shown(raw)}
        )
    return day.isoformat()


def parse_date_value(raw) -> dt.date | None:
    """A date from what offices send, or None when it is not one."""
    if isinstance(raw, dt.datetime):
        day = (timezone.localtime(raw) if timezone.is_aware(raw) else raw).date()
    elif isinstance(raw, dt.date):
        day = raw
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
        day = _from_number(raw)
    else:
        day = _from_text(unicodedata.normalize("NFKC", str(raw)).strip())
    if day is None or not MIN_YEAR <= day.year <= MAX_YEAR:
        return None
    return day


def _from_number(number: float) -> dt.date | None:
    if number != number or number <= 0:  # NaN or not a day
        return None
    if 10_000_000 <= number < 100_000_000 and float(number).is_integer():
        return _from_text(str(int(number)))
    # An Excel serial day number (a date cell read without its format); the fraction is the time.
    if number < 2_958_466:
        return _EXCEL_EPOCH + dt.timedelta(days=int(number))
    return None


def _from_text(text: str) -> dt.date | None:
    match = _DATE_TEXT.match(text)
    if match:
        parts = match.groups()
    elif re.fullmatch(r"\d{8}", text):
        parts = (text[:4], text[4:6], text[6:])
    elif re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        return _from_number(float(text))
    else:
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def _choice_values(raw) -> list[str]:
    items = raw if isinstance(raw, (list, tuple)) else MULTIPLE_SEPARATORS.split(str(raw))
    return [str(item).strip() for item in items if not is_empty(item)]


def _parse_choice(field: CatalogField, raw):
    allowed = {unicodedata.normalize("NFKC", choice).strip(): choice for choice in field.choices}
    given = _choice_values(raw)
    if len(given) > 1 and not field.multiple:
        raise FieldValueError(_("“%(label)s”只能填写一个值") % {"label": field.label})
    chosen: list[str] = []
    for value in given:
        choice = allowed.get(unicodedata.normalize("NFKC", value))
        if choice is None:
            raise FieldValueError(
                _("“%(label)s”的取值“%(v)s”不在可选范围内（可选：%(choices)s）")
                % {"label": field.label, "v": _shown(value), "choices": "、".join(field.choices)}
            )
        if choice not in chosen:
            chosen.append(choice)
    return chosen if field.multiple else chosen[0]


def _parse_identifier(field: CatalogField, raw) -> str:
    try:
        result = normalise_any_identifier(raw)
    except IdentifierError as exc:
        raise FieldValueError(f"“{field.label}”：{exc.message}") from None
    # Only the subject's own ID number is kept (encrypted); another person's stays masked.
    return mask_identifier(result.value) if result.family == "ric" else result.value


def _parse_boolean(field: CatalogField, raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = unicodedata.normalize("NFKC", str(raw)).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldValueError(_("“%(label)s”应填“是”或“否”，收到“%(v)s”") % {"label": field.label, "v": _shown(raw)})


_PARSERS = {
    FieldType.TEXT: _parse_text,
    FieldType.INTEGER: _parse_integer,
    FieldType.DECIMAL: _parse_decimal,
    FieldType.DATE: _parse_date,
    FieldType.CHOICE: _parse_choice,
    FieldType.IDENTIFIER: _parse_identifier,
    FieldType.BOOLEAN: _parse_boolean,
}
