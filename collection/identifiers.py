"""The 信用唯一识别码 of Art. 8: 统一社会信用代码 (GB 32100-2015) and 公民身份号码 (GB 11643-1999).

Both are checked by python-stdnum. This module tidies what people type (full-width characters,
spaces, hyphens, lower case), turns the library's verdicts into Chinese messages (remembering
them, and for plain values making the library's checks without its slow character filter — see
`_uscc_verdict`, held to the library's verdict by tests), and handles two cases the library
does not decide the way the platform must:

- an early pilot 统一社会信用代码 whose check character is genuinely irregular is accepted only
  when the provider says so explicitly, and is flagged for review;
- an ID number whose county code did not exist in the birth year (numbers are issued when the
  card is first applied for, after a county has been renamed or merged) is real: `ric.validate`
  refuses it, the platform accepts it with a warning.
"""

import datetime as dt
import functools
import operator
import re
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from catalog.models import SubjectKind

FLAG_NONE = ""
FLAG_UNKNOWN_DIVISION = "unknown_division"
FLAG_IRREGULAR_CODE = "irregular_code"

# Kinds identified by a 统一社会信用代码; natural persons by their 公民身份号码.
ORGANISATION_KINDS = frozenset({SubjectKind.LEGAL_PERSON, SubjectKind.INDIVIDUAL_BUSINESS})
INDIVIDUAL_BUSINESS_PREFIX = "92"  # 登记管理部门 9 (工商) + 机构类别 2 (个体工商户), GB 32100 附录A
USCC_LETTERS_NOT_USED = "IOZSV"
# Characters people put between groups of digits; removed before validation.
_SEPARATORS = " -_.\u00b7\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fb"


class IdentifierError(ValueError):
    """An identifier that cannot be accepted; `message` is Chinese and says what is wrong."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class IdentifierResult:
    value: str
    flag: str = FLAG_NONE
    warning: str = ""
    family: str = ""


def identifier_family(kind: str) -> str:
    """`uscc` for organisations and individual businesses, `ric` for natural persons."""
    if kind in ORGANISATION_KINDS:
        return "uscc"
    if kind == SubjectKind.NATURAL_PERSON:
        return "ric"
    raise IdentifierError(_("主体类别“%(kind)s”无效") % {"kind": kind})


def tidy(raw) -> str:
    """What people type, as the library expects it: half-width, upper case, no separators."""
    if raw.__class__ is str and raw.isascii() and raw.isalnum():
        return raw.upper()  # the usual case, already tidy: NFKC and the filters change nothing
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else ""))
    text = "".join(ch for ch in text if ch not in _SEPARATORS and not ch.isspace())
    return text.upper()


def normalise_identifier(kind: str, raw, *, allow_irregular: bool = False) -> IdentifierResult:
    """The normalised identifier of a subject of `kind`, or `IdentifierError`."""
    family = identifier_family(kind)
    value = tidy(raw)
    if not value:
        raise IdentifierError(_("信用唯一识别码不能为空"))
    if family == "ric":
        return normalise_ric(value)
    result = normalise_uscc(value, allow_irregular=allow_irregular)
    _check_kind_matches_code(kind, result.value)
    return result


# How many verdicts of the library are remembered. A submission checks its subject's code twice
# (as a data field and as the subject's identifier), and a bulk file repeats the same codes.
_VERDICT_CACHE = 4096


# GB 32100-2015: the code's characters (digits, capital letters but I, O, Z, S, V) in the order
# that gives their values, and the weights of the first 17 in the check character.
_USCC_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_ALPHABET = frozenset(_USCC_CHARACTERS)
_USCC_VALUES = {c: i for i, c in enumerate(_USCC_CHARACTERS)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _is_plain(value: str) -> bool:
    """ASCII capital letters and digits only: what the library's `compact` leaves unchanged."""
    return value.isascii() and value.isalnum() and value == value.upper()


@functools.lru_cache(maxsize=_VERDICT_CACHE)
def _uscc_verdict(value: str) -> tuple[str, type[ValidationError] | None]:
    """(`uscc.validate`'s value, or the class of its complaint): a pure function of `value`.

    `uscc.validate` runs `compact`, a generic character filter, twice (once more for the
    check character): that is 90 % of its cost, a tenth of a bulk import's. For a plain ASCII
    letters-and-digits value it changes nothing, so the library's checks are made here in the
    library's order, with GB 32100's check character. Anything else goes to the library itself;
    test_identifiers holds every verdict to `uscc.validate`'s.
    """
    if not _is_plain(value):
        try:
            return uscc.validate(value), None
        except ValidationError as exc:
            return value, type(exc)
    if len(value) != 18:
        return value, InvalidLength
    if not value[:8].isdigit() or not USCC_ALPHABET.issuperset(value[8:]):
        return value, InvalidFormat
    total = sum(map(operator.mul, map(_USCC_VALUES.__getitem__, value[:17]), _USCC_WEIGHTS))
    if value[-1] != _USCC_CHARACTERS[(31 - total) % 31]:
        return value, InvalidChecksum
    return value, None


def normalise_uscc(raw, *, allow_irregular: bool = False) -> IdentifierResult:
    value = tidy(raw)
    valid, problem = _uscc_verdict(value)
    if problem is None:
        return IdentifierResult(valid)
    if issubclass(problem, InvalidLength):
        raise IdentifierError(_("统一社会信用代码应为18位，实际为%(n)d位") % {"n": len(value)})
    if issubclass(problem, InvalidFormat):
        raise IdentifierError(_uscc_format_message(value))
    if not issubclass(problem, InvalidChecksum):
        raise IdentifierError(_("统一社会信用代码无效"))
    if not allow_irregular:
        raise IdentifierError(
            _("统一社会信用代码校验位错误，请核对代码是否抄写有误（早期试点代码如确属不规范，请明确声明）")
        )
    return IdentifierResult(
        value,
        FLAG_IRREGULAR_CODE,
        _("统一社会信用代码校验位不符合GB 32100-2015，已按报送单位声明的早期试点代码受理，待复核"),
    )


def _uscc_format_message(value: str) -> str:
    if not value[:8].isdigit():
        return _("统一社会信用代码前8位（登记管理部门码、机构类别码和行政区划码）应为数字")
    used = sorted({ch for ch in value[8:] if ch in USCC_LETTERS_NOT_USED})
    if used:
        return _("统一社会信用代码不使用字母I、O、Z、S、V，代码中含有：%(letters)s") % {"letters": "、".join(used)}
    return _("统一社会信用代码只能由数字和大写英文字母组成")


def _check_kind_matches_code(kind: str, code: str) -> None:
    """GB 32100: a code starting 92 belongs to an 个体工商户 and only to one."""
    is_individual_business_code = code.startswith(INDIVIDUAL_BUSINESS_PREFIX)
    if kind == SubjectKind.INDIVIDUAL_BUSINESS and not is_individual_business_code:
        raise IdentifierError(
            _("个体工商户的统一社会信用代码应以92开头（登记管理部门码9、机构类别码2），该代码以%(p)s开头")
            % {"p": code[:2]}
        )
    if kind == SubjectKind.LEGAL_PERSON and is_individual_business_code:
        raise IdentifierError(_("以92开头的统一社会信用代码属于个体工商户，主体类别应为“个体工商户”"))


def normalise_ric(raw) -> IdentifierResult:
    """A 公民身份号码 checked piece by piece, because `ric.validate` cannot tell a wrong number
    from a real one issued under a county code newer than the birth year."""
    value, check_ok, born = _ric_facts(tidy(raw))
    if len(value) != 18:
        raise IdentifierError(_("公民身份号码应为18位，实际为%(n)d位") % {"n": len(value)})
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise IdentifierError(_("公民身份号码前17位应为数字，第18位为数字或X"))
    if not check_ok:
        raise IdentifierError(_("公民身份号码校验位错误，请核对号码是否抄写有误"))
    return _check_division(value, _birth_date(value, born))


@functools.lru_cache(maxsize=_VERDICT_CACHE)
def _ric_facts(tidied: str) -> tuple[str, bool, dt.date | None]:
    """What the library says of a number, remembered (pure): (its compact form, whether the
    check digit is right, the birth date or None when it is not a date). Only well-formed
    numbers get past their length and digits, so the rest is asked of those alone."""
    # `compact` changes nothing in a plain ASCII value (see `_uscc_verdict`), and costs.
    value = tidied if _is_plain(tidied) else ric.compact(tidied)
    if not looks_like_ric(value):
        return value, False, None
    # calc_check_digit ignores the last character: it must be given all 18.
    if ric.calc_check_digit(value) != value[17]:
        return value, False, None
    try:
        return value, True, ric.get_birth_date(value)
    except InvalidComponent:
        return value, True, None


def _birth_date(value: str, born: dt.date | None) -> dt.date:
    if born is None:
        raise IdentifierError(_("公民身份号码中的出生日期%(d)s不是有效日期") % {"d": value[6:14]})
    # Not remembered with the rest: "today" moves.
    if born > timezone.localdate():
        raise IdentifierError(_("公民身份号码中的出生日期%(d)s晚于今天") % {"d": born.isoformat()})
    if born.year < 1900:
        raise IdentifierError(_("公民身份号码中的出生日期%(d)s早于1900年") % {"d": born.isoformat()})
    return born


def _check_division(value: str, born: dt.date) -> IdentifierResult:
    status = _division_status(value[:6], born.year)
    if status == _DIVISION_INVALID:
        raise IdentifierError(_("公民身份号码前6位%(c)s不是有效的行政区划代码") % {"c": value[:6]})
    if status == _DIVISION_NOT_IN_YEAR:
        return IdentifierResult(
            value,
            FLAG_UNKNOWN_DIVISION,
            _("行政区划代码%(c)s在出生年份%(y)d年尚未设立或未收录，号码其余部分有效，已受理")
            % {"c": value[:6], "y": born.year},
        )
    return IdentifierResult(value)


_DIVISION_OK, _DIVISION_NOT_IN_YEAR, _DIVISION_INVALID = "ok", "not_in_year", "invalid"


@functools.lru_cache(maxsize=65536)
def _division_status(division: str, year: int) -> str:
    """Whether a 6-digit division code is a county of that birth year. Cached: stdnum scans its
    division database on every call, and a bulk file repeats the same few codes and years."""
    known = {key for _part, props in numdb.get("cn/loc").info(division) for key in props}
    if "province" not in known:
        return _DIVISION_INVALID
    # get_birth_place only reads the division and the birth year of the number it is given.
    probe = f"{division}{year:04d}0101000"
    probe += ric.calc_check_digit(probe + "0")
    try:
        ric.get_birth_place(probe)
    except (InvalidComponent, KeyError):
        # KeyError: stdnum knows the province but has no county entry for the code at all.
        return _DIVISION_NOT_IN_YEAR
    return _DIVISION_OK


def normalise_any_identifier(raw) -> IdentifierResult:
    """A value of an `identifier` data field: a 统一社会信用代码 or a 公民身份号码.

    Some 18-digit values are valid as both. Privacy decides: a value that is a valid ID number
    is taken as one (and so stays masked), even if it would also pass as a 统一社会信用代码;
    anything else must be a valid 统一社会信用代码.
    """
    value = tidy(raw)
    if looks_like_ric(value):
        try:
            found = normalise_ric(value)
        except IdentifierError:
            if _uscc_verdict(value)[1] is None:
                return IdentifierResult(value, family="uscc")
            raise
        return IdentifierResult(found.value, found.flag, found.warning, "ric")
    found = normalise_uscc(value)
    return IdentifierResult(found.value, found.flag, found.warning, "uscc")


@dataclass(frozen=True)
class CodeDiagnosis:
    """What a code typed to find an organisation is: public search and batch checks read it alike.

    `value` is the normalised code (or the input, tidied); `id_number` says it reads as a
    公民身份号码 — valid, or mistyped in a digit — which is never looked up among organisations
    and only ever shown masked (`shown`); `problem` says, in Chinese, why it is no valid
    统一社会信用代码 ("" when it is one).
    """

    value: str
    id_number: bool = False
    problem: str = ""

    @property
    def shown(self) -> str:
        return mask_identifier(self.value) if self.id_number else self.value


def diagnose_code(raw) -> CodeDiagnosis:
    value = tidy(raw)
    try:
        return CodeDiagnosis(normalise_uscc(value).value)
    except IdentifierError as exc:
        if _reads_as_ric(value):
            return CodeDiagnosis(value, id_number=True, problem=_("这是公民身份号码，不是统一社会信用代码"))
        if _uscc_verdict(value)[1] is InvalidChecksum:
            # normalise_uscc's message invites providers to declare a pilot code; a searcher cannot.
            return CodeDiagnosis(value, problem=_("统一社会信用代码校验位错误，请核对是否抄写有误"))
        return CodeDiagnosis(value, problem=exc.message)


def _reads_as_ric(value: str) -> bool:
    """An ID number, or one with a wrong check digit: its first six digits are a real division
    and the next eight a real birth date. A 统一社会信用代码 never passes both (its first two
    characters, 91, 92, 51 …, and its 7th to 14th are no such thing), so a mistyped code is
    diagnosed as a code."""
    if not looks_like_ric(value):
        return False
    try:
        born = ric.get_birth_date(value)
    except (InvalidComponent, ValueError):
        return False
    in_range = dt.date(1900, 1, 1) <= born <= timezone.localdate()
    return in_range and _division_status(value[:6], born.year) != _DIVISION_INVALID


# 17 digits and a digit or X, not inside a longer run of digits or letters. `\d` also matches
# full-width digits, which NFKC turns into ASCII before the number is checked.
_RIC_IN_TEXT = re.compile(r"(?<![\dA-Za-zＡ-Ｚａ-ｚ])\d{17}[\dXxＸｘ](?![\dA-Za-zＡ-Ｚａ-ｚ])")


def id_numbers_in_text(text: str) -> list[str]:
    """The valid 公民身份号码 written in free text (check digit, birth date and division code
    right: an order or account number of 18 digits is not taken for one), normalised."""
    found = []
    for match in _RIC_IN_TEXT.finditer(text):
        value = unicodedata.normalize("NFKC", match.group()).upper()
        facts = _ric_facts(value)
        if facts[1] and _reads_as_ric(value):
            found.append(value)
    return found


def mask_id_numbers_in_text(text: str) -> str:
    """`text` with each valid ID number in it masked (`mask_identifier`)."""
    numbers = set(id_numbers_in_text(text))
    if not numbers:
        return text

    def masked(match: re.Match) -> str:
        value = unicodedata.normalize("NFKC", match.group()).upper()
        return mask_identifier(value) if value in numbers else match.group()

    return _RIC_IN_TEXT.sub(masked, text)


def looks_like_ric(value: str) -> bool:
    """Shaped like a 公民身份号码: 17 digits and a digit or X."""
    return len(value) == 18 and value[:17].isdigit() and (value[17].isdigit() or value[17] == "X")


def mask_identifier(value: str, kind: str = SubjectKind.NATURAL_PERSON) -> str:
    """The form of an identifier anyone may see: an ID number keeps its first and last four
    characters (`3206**********123X`); a 统一社会信用代码 is public and shown whole."""
    if kind in ORGANISATION_KINDS:
        return value
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_document_number(value: str) -> str:
    """A passport's or travel permit's number as staff may see it. These are 8 to 11 characters,
    so `mask_identifier`'s four-and-four would give nearly all of it away: keep two and two."""
    if len(value) <= 6:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]
