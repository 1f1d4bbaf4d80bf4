"""Changing the working-day calendar: entering a State Council notice, single-day overrides.

The notice (国务院办公厅关于某年部分节假日安排的通知) is typed or pasted in a forgiving text form,
one line per holiday or make-up day, e.g.::

    元旦：1月1日至3日放假
    二、春节：2月15日（周日）至23日（周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
    2027-01-01 至 2027-01-03 休 元旦
    2027-02-14 班 春节调休

`parse_notice_text` turns it into days (or Chinese errors naming each unreadable line) so that
the page can show a preview before `enter_holiday_notice` saves it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .audit_trail import record_event
from .models import HolidayNotice, WorkdayOverride
from .workdays import WEEKDAY_LABELS, calendar_changed

_WEEKDAY_CHARS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
MAX_RANGE_DAYS = 20  # the longest run in any notice so far is 9 days; more is surely a typo
MAX_LINES = 200


class CalendarError(Exception):
    """A calendar change that cannot be made; the message is for the user (Chinese)."""


class NoticeTextError(CalendarError):
    """The notice text has lines that could not be read; `errors` names each of them."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class NoticeDay:
    date: dt.date
    is_workday: bool
    note: str
    line_no: int

    @property
    def weekday_label(self) -> str:
        return str(WEEKDAY_LABELS[self.date.weekday()])

    @property
    def status_label(self) -> str:
        return _("班") if self.is_workday else _("休")


# --- Parsing ------------------------------------------------------------------------------------

# A date: ISO (2027-01-01, 2027/1/1, 2027.1.1), Chinese with or without year (2027年1月1日,
# 1月1日, 1月1号) or, only after another date, a bare day (the "3日" of "1月1日至3日"). An optional
# parenthesis right after it may state the weekday, which we check.
_DATE = re.compile(
    r"(?:(?P<iy>\d{4})\s*[-/.]\s*(?P<im>\d{1,2})\s*[-/.]\s*(?P<id>\d{1,2})(?!\d)\s*[日号]?"
    r"|(?:(?P<cy>\d{4})\s*年\s*)?(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*[日号]?"
    r"|(?P<bd>\d{1,2})\s*[日号])"
    r"\s*(?:\((?P<paren>[^()]*)\))?"
)
_RANGE = re.compile(r"^\s*(?:至|到|-|~|—|–|－)+\s*$")
_LIST = re.compile(r"^\s*(?:[、,，和及与]|\s)*\s*$")
_OFF = re.compile(r"放假|休息|(?<!调)休(?!息)")
_WORK = re.compile(r"上班|补班|(?<!值)班")
_LABEL_NOISE = re.compile(
    r"放假调休|放假|休息|上班|补班|(?<!调)休(?!息)|(?<!值|调)班|共\s*\d+\s*天|\([^()]*\)|[\s:：,，、;；。.~\-—–至到和及与]+"
)
_ENUMERATOR = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|\(\s*[一二三四五六七八九十\d]+\s*\)|\d+\s*[、.．)])\s*"
)
_PAREN = re.compile(r"\([^()]*\)")
_COUNT = re.compile(r"共\s*\d+\s*天")
_WEEKDAY_IN_PAREN = re.compile(r"(?:星期|周|礼拜)([一二三四五六日天])")


@dataclass
class _Token:
    start: int
    end: int
    date: dt.date | None
    is_bare_day: bool
    error: str = ""


def parse_notice_text(text: str, *, year: int) -> list[NoticeDay]:
    """Every day named by the notice text, sorted; raises `NoticeTextError` listing bad lines.

    Dates without a year take the notice's year. A date may be named twice only with the same
    status (e.g. 中秋 and 国庆 overlapping).
    """
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise NoticeTextError([_("内容超过%(n)s行，请只录入放假和上班安排。") % {"n": MAX_LINES}])
    errors: list[str] = []
    days: dict[dt.date, NoticeDay] = {}
    for line_no, raw in enumerate(lines, start=1):
        try:
            line_days = _parse_line(raw, year=year, line_no=line_no)
        except CalendarError as exc:
            errors.append(_("第%(no)s行“%(line)s”：%(why)s") % {"no": line_no, "line": raw.strip()[:60], "why": exc})
            continue
        for day in line_days:
            earlier = days.get(day.date)
            if earlier and earlier.is_workday != day.is_workday:
                errors.append(
                    _("第%(no)s行：%(date)s在第%(other)s行标为“%(was)s”，这里又标为“%(now)s”。")
                    % {
                        "no": line_no,
                        "date": _format_date(day.date),
                        "other": earlier.line_no,
                        "was": earlier.status_label,
                        "now": day.status_label,
                    }
                )
            elif not earlier:
                days[day.date] = day
    if errors:
        raise NoticeTextError(errors)
    if not days:
        raise NoticeTextError([_("没有读到任何放假或上班日期。")])
    return sorted(days.values(), key=lambda d: d.date)


def _parse_line(raw: str, *, year: int, line_no: int) -> list[NoticeDay]:
    # NFKC turns full-width digits and punctuation （）：～ into their ASCII forms.
    line = unicodedata.normalize("NFKC", raw).strip()
    if not line or line.startswith("#"):
        return []
    tokens = _date_tokens(line, year=year)
    if not tokens:
        if _OFF.search(line) or _WORK.search(line):
            raise CalendarError(
                _("没有找到日期。日期请写成“1月1日”或“2027-01-01”；如果这一行不是放假或上班安排，请删除。")
            )
        return []  # a heading or the notice's closing paragraph: nothing to read
    for token in tokens:
        if token.error:
            raise CalendarError(token.error)
    _refuse_stray_digits(line, tokens)
    label = _label(line)
    result: list[NoticeDay] = []
    for group_start, group_end, dates in _groups(line, tokens):
        is_workday = _status(line, group_start, group_end)
        note = _note(label, is_workday)
        result.extend(NoticeDay(date, is_workday, note[:100], line_no) for date in dates)
    return result


def _date_tokens(line: str, *, year: int) -> list[_Token]:
    tokens: list[_Token] = []
    month: int | None = None
    current_year = year
    for match in _DATE.finditer(line):
        g = match.groupdict()
        is_bare = g["bd"] is not None
        if is_bare and month is None:
            continue  # "3日" without an earlier month is not a date we can place
        y, m, d = (
            (g["iy"], g["im"], g["id"])
            if g["iy"]
            else (g["cy"], g["cm"], g["cd"])
            if g["cm"]
            else (None, None, g["bd"])
        )
        y = int(y) if y else current_year
        m = int(m) if m else month
        token = _Token(match.start(), match.end(), None, is_bare)
        try:
            token.date = dt.date(y, m, int(d))  # type: ignore[arg-type]  # a bare day took `month` (checked above)
        except ValueError:
            token.error = _("“%(text)s”不是有效的日期。") % {"text": match.group(0).strip()}
        else:
            token.error = _check_date(token.date, year=year, paren=g["paren"] or "")
            current_year, month = y, m
        tokens.append(token)
    return tokens


def _refuse_stray_digits(line: str, tokens: list[_Token]) -> None:
    """Digits that are not part of a date are a date we failed to read ("1.1", "01-03")."""
    pieces, pos = [], 0
    for token in tokens:
        pieces.append(line[pos : token.start])
        pos = token.end
    pieces.append(line[pos:])
    rest = _COUNT.sub(" ", _PAREN.sub(" ", _ENUMERATOR.sub("", " ".join(pieces))))
    stray = re.search(r"\S*\d\S*", rest)
    if stray:
        raise CalendarError(
            _("看不懂“%(text)s”。日期请写成“1月1日”“1月1日至3日”或“2027-01-01”。") % {"text": stray.group(0)}
        )


def _check_date(day: dt.date, *, year: int, paren: str) -> str:
    if abs(day.year - year) > 1:
        return _("%(date)s不属于%(year)s年的安排，请检查年份。") % {"date": _format_date(day), "year": year}
    stated = _WEEKDAY_IN_PAREN.search(paren)
    if stated and _WEEKDAY_CHARS[stated.group(1)] != day.weekday():
        return _("%(date)s是%(real)s，但这里写的是“%(stated)s”，请检查日期或年份。") % {
            "date": _format_date(day),
            "real": str(WEEKDAY_LABELS[day.weekday()]),
            "stated": stated.group(0),
        }
    return ""


def _groups(line: str, tokens: list[_Token]):
    """(start, end, dates) for each run of dates joined by range or list connectors."""
    groups = []
    start, dates, prev = tokens[0].start, [tokens[0].date], tokens[0]
    for token in tokens[1:]:
        between = line[prev.end : token.start]
        if _RANGE.match(between):
            dates.extend(_expand(prev.date, token.date))  # type: ignore[arg-type]  # grouped tokens are dates
        elif _LIST.match(between):
            dates.append(token.date)
        elif token.is_bare_day:
            raise CalendarError(
                _("看不懂“%(text)s”，日期范围请用“至”连接，如“1月1日至3日”。") % {"text": line[prev.start : token.end]}
            )
        else:
            groups.append((start, prev.end, dates))
            start, dates = token.start, [token.date]
        prev = token
    groups.append((start, prev.end, dates))
    return groups


def _expand(first: dt.date, last: dt.date) -> list[dt.date]:
    """The days after `first` up to `last` (`first` is already in the group)."""
    if last <= first:
        raise CalendarError(
            _("日期范围%(a)s至%(b)s的结束早于开始。") % {"a": _format_date(first), "b": _format_date(last)}
        )
    if (last - first).days >= MAX_RANGE_DAYS:
        raise CalendarError(
            _("日期范围%(a)s至%(b)s超过%(n)s天，请检查。")
            % {"a": _format_date(first), "b": _format_date(last), "n": MAX_RANGE_DAYS}
        )
    return [first + dt.timedelta(days=i) for i in range(1, (last - first).days + 1)]


def _status(line: str, start: int, end: int) -> bool:
    """Whether a group of dates is worked: the first keyword after it, else the last before it."""
    after = line[end:]
    # Only up to the next date: "1月1日至3日放假，1月4日上班" gives each group its own word.
    next_date = _DATE.search(after)
    after = after[: next_date.start()] if next_date else after
    found = _first_keyword(after)
    if found is None:
        found = _last_keyword(line[:start])
    if found is None:
        raise CalendarError(_("没有说明是放假还是上班。请在日期后写“放假”“休”或“上班”“班”。"))
    return found


def _first_keyword(text: str) -> bool | None:
    off, work = _OFF.search(text), _WORK.search(text)
    if off and work:
        return off.start() > work.start()
    return True if work else (False if off else None)


def _last_keyword(text: str) -> bool | None:
    off = [m.start() for m in _OFF.finditer(text)]
    work = [m.start() for m in _WORK.finditer(text)]
    if not off and not work:
        return None
    return max(work, default=-1) > max(off, default=-1)


def _label(line: str) -> str:
    """The holiday's name: what precedes a colon, else what is left besides dates and keywords."""
    line = _ENUMERATOR.sub("", line)
    head, colon, _rest = line.partition(":")
    text = head if colon and not _DATE.search(head) else _DATE.sub(" ", line)
    return _LABEL_NOISE.sub(" ", text).strip()


def _note(label: str, is_workday: bool) -> str:
    if not is_workday:
        return label or _("放假")
    if not label:
        return _("调休上班")
    return label if ("调休" in label or "上班" in label) else label + _("调休上班")


def _format_date(day: dt.date) -> str:
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


# --- Saving -------------------------------------------------------------------------------------


def _override_state(rows) -> dict[str, str]:
    return {row.date.isoformat(): f"{'班' if row.is_workday else '休'} {row.note}".strip() for row in rows}


@transaction.atomic
def enter_holiday_notice(
    *, year: int, title: str, document_number: str, published_on: dt.date | None, text: str, actor
) -> HolidayNotice:
    """Save a year's State Council notice and replace the overrides it defines.

    Entering the same year again corrects it: the notice's earlier days are replaced as a whole.
    A manual override on a day the notice names gives way to the notice.
    """
    days = parse_notice_text(text, year=year)
    notice, created = HolidayNotice.objects.get_or_create(year=year, defaults={"title": title})
    notice = HolidayNotice.objects.select_for_update().get(pk=notice.pk)
    before = None if created else _notice_state(notice)
    notice.title, notice.document_number, notice.published_on = title, document_number, published_on
    notice.text, notice.entered_by = text, actor
    notice.save(update_fields=["title", "document_number", "published_on", "text", "entered_by"])
    replaced = WorkdayOverride.objects.select_for_update().filter(Q(notice=notice) | Q(date__in=[d.date for d in days]))
    replaced_manual = _override_state(row for row in replaced if row.notice_id != notice.pk)
    replaced.delete()
    WorkdayOverride.objects.bulk_create(
        WorkdayOverride(date=d.date, is_workday=d.is_workday, note=d.note, notice=notice) for d in days
    )
    after = _notice_state(notice)
    if replaced_manual:
        after["replaced_overrides"] = replaced_manual
    record_event(
        action="calendar.notice_entered",
        actor=actor,
        obj=notice,
        before=before,
        after=after,
        summary=_("录入%(year)s年节假日安排通知：放假%(off)s天，调休上班%(work)s天")
        % {"year": year, "off": sum(not d.is_workday for d in days), "work": sum(d.is_workday for d in days)},
    )
    transaction.on_commit(calendar_changed)
    return notice


def _notice_state(notice: HolidayNotice) -> dict:
    return {
        "year": notice.year,
        "title": notice.title,
        "document_number": notice.document_number,
        "published_on": notice.published_on,
        "days": _override_state(notice.overrides.all()),
    }


@transaction.atomic
def set_override(*, date: dt.date, is_workday: bool, note: str, actor) -> WorkdayOverride:
    """Make one day a working day or a day off, whatever the library or a notice says."""
    existing = WorkdayOverride.objects.select_for_update().filter(date=date).first()
    before = _override_state([existing]) if existing else None
    if existing is None:
        override = WorkdayOverride.objects.create(date=date, is_workday=is_workday, note=note)
    else:
        override = existing
        # A hand-made decision no longer belongs to the notice; re-entering the notice restores it.
        override.is_workday, override.note, override.notice = is_workday, note, None
        override.save(update_fields=["is_workday", "note", "notice"])
    record_event(
        action="calendar.override_set",
        actor=actor,
        obj=override,
        before=before,
        after=_override_state([override]),
        summary=_("将%(date)s设为%(status)s")
        % {"date": _format_date(date), "status": _("工作日") if is_workday else _("休息日")},
    )
    transaction.on_commit(calendar_changed)
    return override


@transaction.atomic
def remove_override(*, date: dt.date, actor) -> None:
    """Remove a single-day override; days that come from a notice change only with the notice."""
    override = WorkdayOverride.objects.select_for_update().filter(date=date).first()
    if override is None:
        raise CalendarError(_("%(date)s没有手工调整。") % {"date": _format_date(date)})
    if override.notice_id is not None:
        raise CalendarError(
            _("%(date)s来自%(year)s年国务院通知，请修改通知内容后重新录入。")
            % {"date": _format_date(date), "year": override.notice.year}  # type: ignore[union-attr]  # notice_id is set
        )
    before = _override_state([override])
    record_event(
        action="calendar.override_removed",
        actor=actor,
        obj=override,
        before=before,
        after=None,
        summary=_("删除%(date)s的工作日调整") % {"date": _format_date(date)},
    )
    override.delete()
    transaction.on_commit(calendar_changed)


# --- Preview (read only) ------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticePreview:
    """What saving a notice text would do, shown to the admin before saving."""

    year: int
    days: list[NoticeDay]
    replaced_manual: dict[dt.date, WorkdayOverride]
    existing: HolidayNotice | None

    @property
    def days_off(self) -> int:
        return sum(not d.is_workday for d in self.days)

    @property
    def workdays(self) -> int:
        return sum(d.is_workday for d in self.days)

    @property
    def rows(self) -> list[tuple[NoticeDay, WorkdayOverride | None]]:
        return [(d, self.replaced_manual.get(d.date)) for d in self.days]


def preview_notice(*, year: int, text: str) -> NoticePreview:
    """Parse the text (raising `NoticeTextError`) and say which manual overrides it would replace."""
    days = parse_notice_text(text, year=year)
    manual = WorkdayOverride.objects.filter(date__in=[d.date for d in days]).exclude(notice__year=year)
    return NoticePreview(
        year=year,
        days=days,
        replaced_manual={o.date: o for o in manual},
        existing=HolidayNotice.objects.filter(year=year).first(),
    )
