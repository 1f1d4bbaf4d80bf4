"""How long a record stays published, from disclosure rules kept as data (SPEC §2, Art. 11).

Rules above the city change (the national 信用修复管理办法 in force since 2026-04-01 replaced
the earlier periods), so each `DisclosureScheme` holds dated `DisclosureRule` versions.
A rule's data:

- `mode`: `long_term` (registration and qualification information, Art. 11: nothing ends),
  `by_severity` (a grade picks the period) or `fixed` (one period for every record).
- `periods`: `{grade: [minimum months, maximum months]}`. Grades are `light`, `general`,
  `serious` (the Chinese 轻微 / 一般 / 严重 are accepted too). A `fixed` rule has one entry
  under any key. Publication stops by itself at the maximum; repair is possible after the
  minimum (a minimum of 0 means at once).
- `grade_field`: the key of the record field that states the grade (e.g. `severity`).
- `grades_by_value`: grades implied by the values of choice fields, either per field
  (`{"penalty_type": {"警告": "light", "吊销许可证": "serious"}}`) or for every choice field
  of the item (`{"警告": "light", ...}`). With several penalty types in one decision every
  value counts, and the grade with the longest maximum wins.

Periods are counted as 民法典 Art. 201 counts them (SPEC §2): the decision day is not counted,
and a period of N months ends on the corresponding day of the Nth month (the month's last day when
it has none). `dated_window` is the one place that turns months into dates.

What is never published (SPEC §2, 信用修复管理办法): a period whose maximum is 0, and a 轻微 (`light`)
penalty unless the deciding provider states on the record that publication is necessary (the
boolean field `publication_necessary`, with its reason in `publication_reason`); such a record is
`withheld`: the subject, its provider, the center and government checks still see it, marked
轻微·不公示, for the rule's period.

Everything here is a pure function of its arguments, apart from reading the rules.
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import DisclosureError
from .models import CatalogItem, DisclosureRule, DisclosureScheme, FieldType

GRADES = ("light", "general", "serious")
GRADE_LABELS = {"light": "轻微", "general": "一般", "serious": "严重"}
_GRADE_ALIASES = {**{g: g for g in GRADES}, **{label: g for g, label in GRADE_LABELS.items()}}

# A licence valid "until 2099-12-31" is the national standard's way of writing "long-term".
LONG_TERM_DATE = dt.date(2099, 12, 31)

_VALUE_SEPARATORS = re.compile(r"[;；]")


# The fields by which a provider states that a 轻微 penalty must be published, and why.
PUBLICATION_NECESSARY_KEY = "publication_necessary"
PUBLICATION_REASON_KEY = "publication_reason"
# A list entry (e.g. 严重失信主体名单) leaves the list on its 移出日期: it is published up to the
# day before, whatever longer period its rule gives. The entry date is the item's decision date.
REMOVAL_DATE_KEY = "removed_on"
# A list entry awarded for a term (守信激励对象名单's 有效期至) is published up to that day
# included. Its own key, not the licences' `valid_until`: a licence's validity says nothing of how
# long the decision to grant it stays public (Art. 11: registration and qualification long term).
LISTED_UNTIL_KEY = "listed_until"

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class DisclosureWindow:
    """The dates of a record's period; `None` means never/not needed.

    `ends_on` is the last day of the rule's period (the last public day, unless withheld);
    `repairable_from` the first day a repair application is accepted; `withheld` says the
    record is never on a public surface.
    """

    ends_on: dt.date | None
    repairable_from: dt.date | None
    grade: str  # one of GRADES, or "" when the rule has no grades
    withheld: bool = False


@dataclass(frozen=True)
class DisclosurePeriod:
    """A rule's period for one record, in months; both `None` for long-term information."""

    minimum: int | None
    maximum: int | None
    grade: str
    withheld: bool = False
    removed_on: dt.date | None = None  # a list entry's 移出日期 (`REMOVAL_DATE_KEY`)
    listed_until: dt.date | None = None  # a list entry's 有效期至 (`LISTED_UNTIL_KEY`)


LONG_TERM = DisclosurePeriod(minimum=None, maximum=None, grade="")


def means_long_term(value: dt.date | None) -> bool:
    """Whether a validity end date (有效期至) stands for "long-term"."""
    return value is not None and value >= LONG_TERM_DATE


def rule_in_force(scheme: DisclosureScheme, on_date: dt.date) -> DisclosureRule | None:
    """The newest rule of the scheme with `effective_from <= on_date`, or None before the first.

    Reads `scheme.rules.all()`: a scheme has a handful of rules, and callers that keep items in
    memory (`collection.selectors.PublishedItems`) prefetch them, so a submission asks no query.
    """
    in_force = [rule for rule in scheme.rules.all() if rule.effective_from <= on_date]
    return max(in_force, key=_effective_from, default=None)


def _effective_from(rule: DisclosureRule) -> dt.date:
    return rule.effective_from


def disclosure_window(
    *, item: CatalogItem, data: dict[str, Any], decision_date: dt.date | None, on_date: dt.date | None = None
) -> DisclosureWindow:
    """The disclosure window of a record under `item` with field values `data`.

    The rule is the one in force on the decision date: a penalty's publication period is set by
    the rules in force when the decision was made, not by those in force when it happens to be
    submitted or viewed (rules do not apply retroactively). A caller that must apply another
    rule (e.g. a transition provision that extends a new rule to older decisions) passes
    `on_date`, which then selects the rule instead. A decision older than the scheme's first
    rule falls under that first rule.

    Raises `DisclosureError` (with a Chinese message) when the scheme has no rules, when a
    period is needed but the decision date is missing, or when no grade can be determined.
    """
    period = disclosure_period(item=item, data=data, on_date=on_date or decision_date or timezone.localdate())
    if (period.maximum is not None or period.removed_on is not None) and decision_date is None:
        raise DisclosureError(_("缺少决定日期，无法计算公示期限。"))
    return dated_window(period, decision_date)


def disclosure_period(*, item: CatalogItem, data: dict[str, Any], on_date: dt.date) -> DisclosurePeriod:
    """The period, in months, that the rule in force on `on_date` gives a record with `data`."""
    rule = _applicable_rule(item.disclosure_scheme, on_date)
    ends = {"removed_on": removal_date(data), "listed_until": listed_until(data)}
    if rule.mode == DisclosureRule.Mode.LONG_TERM:
        return DisclosurePeriod(None, None, "", **ends) if any(ends.values()) else LONG_TERM
    stated = publication_stated(data)
    if rule.mode == DisclosureRule.Mode.FIXED:
        minimum, maximum = _fixed_period(rule)
        return DisclosurePeriod(minimum, maximum, "", withheld=maximum == 0, **ends)
    grade = _grade(rule, item, data)
    minimum, maximum = _period(rule, grade)
    withheld = maximum == 0 or (grade == "light" and not stated)
    return DisclosurePeriod(minimum, maximum, grade, withheld=withheld, **ends)


def removal_date(data: dict[str, Any]) -> dt.date | None:
    """A list entry's 移出日期, when the record has one (validated as a date field already)."""
    value = data.get(REMOVAL_DATE_KEY)
    if not value:
        return None
    try:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise DisclosureError(_("移出日期格式不正确。"), field=REMOVAL_DATE_KEY) from error


def listed_until(data: dict[str, Any]) -> dt.date | None:
    """A list entry's 有效期至, when the record has one; 2099-12-31 (长期有效) is none."""
    value = data.get(LISTED_UNTIL_KEY)
    if not value:
        return None
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise DisclosureError(_("有效期至格式不正确。"), field=LISTED_UNTIL_KEY) from error
    return None if means_long_term(day) else day


def _last_listed_day(period: DisclosurePeriod) -> dt.date | None:
    """The last day a list entry is on its list: the day before its 移出日期, its 有效期至."""
    days = [day for day in (period.removed_on and period.removed_on - _ONE_DAY, period.listed_until) if day]
    return min(days, default=None)


def dated_window(period: DisclosurePeriod, decision_date: dt.date | None) -> DisclosureWindow:
    """The dates of `period` for a decision made on `decision_date` (民法典 Art. 201).

    The period starts the day after the decision; N months end on the decision day's
    corresponding day of the Nth month, or that month's last day (which relativedelta gives).
    Repair is accepted from the day after the minimum ends. Never published, a withheld record
    has nothing to repair; its period still says until when government checks show it.
    A list entry removed (移出) before its period ends is published up to the day before removal;
    one listed for a term (有效期至) up to the term's last day.
    """
    if decision_date is not None and period.removed_on is not None and period.removed_on < decision_date:
        raise DisclosureError(_("移出日期不能早于列入日期。"), field=REMOVAL_DATE_KEY)
    if decision_date is not None and period.listed_until is not None and period.listed_until < decision_date:
        raise DisclosureError(_("有效期至不能早于列入日期。"), field=LISTED_UNTIL_KEY)
    last_listed = _last_listed_day(period) if decision_date else None
    if period.maximum is None or decision_date is None:
        return DisclosureWindow(ends_on=last_listed, repairable_from=None, grade=period.grade)
    ends_on = decision_date + relativedelta(months=period.maximum)
    if last_listed is not None:
        ends_on = min(ends_on, last_listed)
    if period.withheld:
        return DisclosureWindow(ends_on=ends_on, repairable_from=None, grade=period.grade, withheld=True)
    minimum_ends = decision_date + relativedelta(months=period.minimum)
    return DisclosureWindow(ends_on=ends_on, repairable_from=minimum_ends + _ONE_DAY, grade=period.grade)


def publication_stated(data: dict[str, Any]) -> bool:
    """Whether the provider stated that publication is necessary; the statement needs its reason."""
    if data.get(PUBLICATION_NECESSARY_KEY) is not True:
        return False
    if not str(data.get(PUBLICATION_REASON_KEY) or "").strip():
        raise DisclosureError(_("已声明确需公示的，请填写确需公示的理由。"), field=PUBLICATION_REASON_KEY)
    return True


def _applicable_rule(scheme: DisclosureScheme, on_date: dt.date) -> DisclosureRule:
    rule = rule_in_force(scheme, on_date) or min(scheme.rules.all(), key=_effective_from, default=None)
    if rule is None:
        raise DisclosureError(_("公示期限规则“%(scheme)s”尚未设定任何规则。") % {"scheme": scheme.name})
    return rule


def normalise_grade(value: Any) -> str | None:
    """`light`/`general`/`serious` for a grade written either way, None otherwise."""
    return _GRADE_ALIASES.get(str(value).strip()) if value is not None else None


def _normalised_periods(rule: DisclosureRule) -> dict[str, tuple[int, int]]:
    periods = {}
    for key, bounds in (rule.periods or {}).items():
        grade = normalise_grade(key)
        if grade is None or not _valid_bounds(bounds):
            raise DisclosureError(_("公示期限规则“%(rule)s”的期限设置有误。") % {"rule": rule})
        periods[grade] = (int(bounds[0]), int(bounds[1]))
    return periods


def _valid_bounds(bounds: Any) -> bool:
    return (
        isinstance(bounds, (list, tuple))
        and len(bounds) == 2
        and all(isinstance(b, int) and b >= 0 for b in bounds)
        and bounds[0] <= bounds[1]
    )


def _fixed_period(rule: DisclosureRule) -> tuple[int, int]:
    values = list((rule.periods or {}).values())
    if len(values) != 1 or not _valid_bounds(values[0]):
        raise DisclosureError(_("固定期限规则“%(rule)s”须设定唯一的期限。") % {"rule": rule})
    return int(values[0][0]), int(values[0][1])


def _period(rule: DisclosureRule, grade: str) -> tuple[int, int]:
    periods = _normalised_periods(rule)
    if grade not in periods:
        raise DisclosureError(
            _("公示期限规则“%(rule)s”未规定“%(grade)s”的期限。") % {"rule": rule, "grade": GRADE_LABELS[grade]}
        )
    return periods[grade]


def _grade(rule: DisclosureRule, item: CatalogItem, data: dict[str, Any]) -> str:
    """The grade with the longest maximum among all grades the record's data implies."""
    candidates = set(_grades_from_values(rule, item, data))
    if rule.grade_field:
        stated = data.get(rule.grade_field)
        if stated not in (None, ""):
            grade = normalise_grade(stated)
            if grade is None:
                raise DisclosureError(_("“%(value)s”不是有效的失信程度（轻微、一般、严重）。") % {"value": stated})
            candidates.add(grade)
    if not candidates:
        raise DisclosureError(_("无法从报送内容确定失信程度，无法计算公示期限。"))
    periods = _normalised_periods(rule)
    known = [g for g in candidates if g in periods]
    if not known:
        return sorted(candidates, key=GRADES.index)[-1]
    # Longest maximum wins (SPEC §2); on a tie the longer minimum, i.e. the stricter grade.
    return max(known, key=lambda g: (periods[g][1], periods[g][0], GRADES.index(g)))


def _grades_from_values(rule: DisclosureRule, item: CatalogItem, data: dict[str, Any]) -> list[str]:
    mapping = rule.grades_by_value or {}
    if not mapping:
        return []
    per_field = all(isinstance(v, dict) for v in mapping.values())
    choice_keys = [f.key for f in item.fields.all() if f.type == FieldType.CHOICE]
    grades = []
    for key in choice_keys:
        values_to_grades = mapping.get(key, {}) if per_field else mapping
        for value in split_values(data.get(key)):
            grade = normalise_grade(values_to_grades.get(value))
            if grade:
                grades.append(grade)
    return grades


def split_values(value: Any) -> list[str]:
    """The values of a (possibly multi-valued) choice field: a list or a `;`-separated string."""
    if value in (None, ""):
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in _VALUE_SEPARATORS.split(str(value)) if part.strip()]


# --- Plain-Chinese descriptions for the public catalog ------------------------------------------


def months_text(months: int) -> str:
    if months and months % 12 == 0:
        return f"{months // 12}年"
    return f"{months}个月"


def _range_text(minimum: int, maximum: int) -> str:
    if maximum == 0:
        return _("不予公示")
    if minimum == 0:
        return f"最长{months_text(maximum)}"
    if minimum == maximum:
        return months_text(maximum)
    return f"{months_text(minimum)}至{months_text(maximum)}"


COUNTING_TEXT = "，自决定作出之日起计算（决定当日不计入）"


def describe_rule(rule: DisclosureRule) -> str:
    """E.g. "轻微：原则上不予公示，确需公示的最长3个月；一般：3个月至1年；严重：1年至3年，自决定作出之日起计算（…）"."""
    if rule.mode == DisclosureRule.Mode.LONG_TERM:
        return _("长期公示")
    try:
        if rule.mode == DisclosureRule.Mode.FIXED:
            return _("公示%(period)s") % {"period": _range_text(*_fixed_period(rule))} + COUNTING_TEXT
        periods = _normalised_periods(rule)
    except DisclosureError as error:
        return str(error)
    parts = [f"{GRADE_LABELS[g]}：{_grade_text(g, *periods[g])}" for g in GRADES if g in periods]
    return "；".join(parts) + COUNTING_TEXT


def _grade_text(grade: str, minimum: int, maximum: int) -> str:
    if grade == "light" and maximum > 0:
        return _("原则上不予公示，确需公示的最长%(period)s") % {"period": months_text(maximum)}
    return _range_text(minimum, maximum)
