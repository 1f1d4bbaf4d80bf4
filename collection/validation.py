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
from decimal import Context, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import CatalogField, FieldType

from .identifiers import IdentifierError, id_numbers_in_text, mask_identifier, normalise_any_identifier

# How offices write "no value" in a cell (compared after NFKC, without spaces, lower case).
EMPTY_SPELLINGS = frozenset(
    {
        "",
        "-",
        "--",
        "---",
        "—",
        "——",
        "———",
        "–",
        "―",
        "/",
        "//",
        "\\",
        "无",
        "暂无",
        "空",
        "null",
        "none",
        "n/a",
        "nan",
    }
)
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
# The range of every integer and decimal field: at most 15 digits before the decimal point
# (exact in a double, as spreadsheets and JavaScript read numbers) and 6 after it (万元 to the
# cent). The text is bounded first, and the magnitude before any conversion that costs with it:
# `int(Decimal("1e1000000"))` builds a million digits holding the GIL.
INTEGER_DIGITS, FRACTION_DIGITS = 15, 6
_NUMBER_TEXT_MAX = 64
# How a number field's value may come: JSON numbers or text (a bulk file's cells are text).
_NUMBER_TYPES = (int, float, str)


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
    wrong_type = _wrong_type_message(field, raw)
    if wrong_type:
        return ABSENT, [wrong_type]
    if is_empty(raw) and not _is_not_a_number(field, raw):
        if field.required:
            return ABSENT, [_("必填项“%(label)s”未填写") % {"label": field.label}]
        return ABSENT, None
    try:
        return parse_value(field, raw), None
    except FieldValueError as exc:
        return ABSENT, [exc.message]


# The JSON types each field type takes (bool is an int to Python: listed where it is meant).
_ACCEPTED_TYPES = {
    FieldType.TEXT: (str,),
    FieldType.INTEGER: _NUMBER_TYPES,
    FieldType.DECIMAL: _NUMBER_TYPES,
    FieldType.DATE: (str, int, float, dt.date),
    FieldType.CHOICE: (str, list, tuple),
    FieldType.IDENTIFIER: (str,),
    FieldType.BOOLEAN: (bool, str, int),
}


def _wrong_type_message(field: CatalogField, raw) -> str | None:
    """A value of a JSON type the field cannot mean (an object, `true` for a text) is refused,
    not stored as its Python spelling ("{'a': 1}", "True")."""
    if raw is None:
        return None
    accepted = _ACCEPTED_TYPES[field.type]
    if isinstance(raw, bool) and bool not in accepted or not isinstance(raw, accepted):
        return _("“%(label)s”的值类型不对：应为%(expected)s，收到%(got)s") % {
            "label": field.label,
            "expected": _EXPECTED[field.type],
            "got": json_type_name(raw),
        }
    if isinstance(raw, (list, tuple)) and not all(isinstance(item, str) for item in raw):
        return _("“%(label)s”的值类型不对：列表中只能是文字") % {"label": field.label}
    return None


_EXPECTED = {
    FieldType.TEXT: gettext_lazy("文字（字符串）"),
    FieldType.INTEGER: gettext_lazy("整数或数字文字"),
    FieldType.DECIMAL: gettext_lazy("数字或数字文字"),
    FieldType.DATE: gettext_lazy("日期文字"),
    FieldType.CHOICE: gettext_lazy("文字或文字列表"),
    FieldType.IDENTIFIER: gettext_lazy("文字（字符串）"),
    FieldType.BOOLEAN: gettext_lazy("true/false或“是”“否”"),
}


def json_type_name(value) -> str:
    """The JSON name of a value's type, in Chinese, for messages."""
    if value is None:
        return _("null")
    if isinstance(value, bool):
        return _("布尔值")
    if isinstance(value, (int, float)):
        return _("数字")
    if isinstance(value, str):
        return _("字符串")
    if isinstance(value, (list, tuple)):
        return _("数组")
    return _("对象")


def _is_not_a_number(field: CatalogField, raw) -> bool:
    """ "NaN" is how some exports write an empty cell, but in a number field it is a value that is
    not a number: refused, not silently dropped."""
    return (
        field.type in (FieldType.INTEGER, FieldType.DECIMAL) and isinstance(raw, str) and raw.strip().lower() == "nan"
    )


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
    message = id_number_in_text_message(field.label, text)
    if message:
        raise FieldValueError(message)
    return text


def id_number_in_text_message(label: str, text: str) -> str | None:
    """Free text is stored, shown, audited and printed as written: a 公民身份号码 in it would be
    in clear everywhere. It is refused at intake, naming the field and the number masked."""
    numbers = id_numbers_in_text(text)
    if not numbers:
        return None
    return _(
        "“%(label)s”中含有公民身份号码%(number)s：文字项不能填写身份证号（会被公开显示），请删除；"
        "自然人当事人的身份证号请填写在“证件号码”等识别码项中"
    ) % {"label": label, "number": mask_identifier(numbers[0])}


def _number_text(raw) -> str:
    return "".join(unicodedata.normalize("NFKC", str(raw)).split()).replace(",", "")


def _bounded_number(field: CatalogField, raw, expected: str) -> Decimal:
    """`raw` as a Decimal within the range of number fields, or `FieldValueError`.

    Only cheap steps come before the bounds: the text's length, then Decimal's parse (which
    keeps "1e1000000" as a digit and an exponent) and its `adjusted()` exponent. What could
    grow with the exponent (`int()`, `normalize()`, "f" formatting) runs on bounded numbers only.
    """
    if isinstance(raw, str) and len(raw) > 4 * _NUMBER_TEXT_MAX:
        raise _out_of_range(field)
    text = _number_text(raw)
    if len(text) > _NUMBER_TEXT_MAX:
        raise _out_of_range(field)
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise FieldValueError(
            _("“%(label)s”应为%(expected)s，收到“%(v)s”")
            % {"label": field.label, "expected": expected, "v": _shown(raw)}
        )
    if number.is_zero():
        return Decimal(0)
    if not -FRACTION_DIGITS <= number.adjusted() < INTEGER_DIGITS:
        raise _out_of_range(field)
    # 15 integer digits and a 64-character text: 100 digits of precision keep every value exact.
    number = number.normalize(_EXACT)
    if number.as_tuple().exponent < -FRACTION_DIGITS:
        raise _out_of_range(field)
    return number


_EXACT = Context(prec=100)


def _out_of_range(field: CatalogField) -> FieldValueError:
    return FieldValueError(
        _("“%(label)s”超出范围：整数部分最多%(digits)d位，小数部分最多%(fraction)d位")
        % {"label": field.label, "digits": INTEGER_DIGITS, "fraction": FRACTION_DIGITS}
    )


def _parse_integer(field: CatalogField, raw) -> int:
    number = _bounded_number(field, raw, _("整数"))
    if number != number.to_integral_value():
        raise FieldValueError(_("“%(label)s”应为整数，收到“%(v)s”") % {"label": field.label, "v": _shown(raw)})
    return int(number)


def _parse_decimal(field: CatalogField, raw) -> str:
    number = _bounded_number(field, raw, _("数字"))
    # 12.50 and 12.5 are the same amount: one spelling, so that the content hash agrees.
    text = format(number, "f")
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
