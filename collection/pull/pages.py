"""What a department's page says (the contract: `collection.pull`): its rows as text cells, the
next cursor and whether more pages follow; and how two cursors compare."""

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .fetch import PullError, Response

NEXT_CURSOR_HEADER = "x-next-cursor"
HAS_MORE_HEADER = "x-has-more"
CURSOR_MAX = 200
MAX_PAGE_ROWS = 5_000  # a page is meant to be `PAGE_SIZE` (500); far more is a server ignoring `limit`
BAD_VALUE = object()  # a JSON value no text cell could hold (an object)


@dataclass
class Page:
    rows: list[dict[str, object]]  # source field → text, or BAD_VALUE
    next_cursor: str
    has_more: bool
    bytes: int = 0
    problems: list[str] = field(default_factory=list)


def parse_page(response: Response, fmt: str) -> Page:
    if 300 <= response.status < 400:
        raise PullError(
            "redirect",
            _("部门接口返回重定向（HTTP %(status)d），平台不跟随重定向；请将接口地址改为最终地址")
            % {"status": response.status},
        )
    if response.status != 200:
        raise PullError(f"http_{response.status}", _("部门接口返回 HTTP %(status)d") % {"status": response.status})
    page = _parse_csv(response) if fmt == "csv" else _parse_json(response.body)
    if len(page.rows) > MAX_PAGE_ROWS:
        raise PullError("too_many_rows", _("一页超过%(n)d行，请按 limit 参数分页") % {"n": MAX_PAGE_ROWS})
    page.next_cursor = _checked_cursor(page.next_cursor)
    page.bytes = len(response.body)
    return page


def _parse_json(body: bytes) -> Page:
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise PullError("malformed_json", _("部门接口返回的不是有效的 JSON（UTF-8）")) from None
    if not isinstance(document, dict) or not isinstance(document.get("records"), list):
        raise PullError("malformed_json", _("JSON 应为对象，其中 records 为记录数组"))
    has_more = document.get("has_more", False)
    if not isinstance(has_more, bool):
        raise PullError("malformed_json", _("has_more 应为 true 或 false"))
    rows = []
    for number, record in enumerate(document["records"], start=1):
        if not isinstance(record, dict):
            raise PullError("malformed_json", _("records 第%(n)d项不是对象") % {"n": number})
        rows.append({str(key): _cell(value) for key, value in record.items()})
    return Page(rows, _cursor_text(document.get("next_cursor")), has_more)


def _cell(value) -> object:
    """A JSON value as the text a CSV cell would hold, so both formats are checked alike."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | str):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
        return "；".join(str(v) for v in value)  # a multiple choice
    return BAD_VALUE


def _cursor_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PullError("malformed_json", _("next_cursor 应为文字或整数"))
    return str(value)


def _parse_csv(response: Response) -> Page:
    text = _decode(response.body)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        records = list(reader)
    except csv.Error:
        raise PullError("malformed_csv", _("部门接口返回的 CSV 格式有误")) from None
    if header is None:
        rows: list[dict[str, object]] = []
    else:
        names = [name.strip() for name in header]
        if any(len(record) > len(names) for record in records):
            raise PullError("malformed_csv", _("CSV 某行的列数多于表头"))
        rows = [dict(zip(names, record, strict=False)) for record in records if any(cell.strip() for cell in record)]
    more = response.headers.get(HAS_MORE_HEADER, "false").strip().lower()
    if more not in ("true", "false"):
        raise PullError("malformed_csv", _("X-Has-More 响应头应为 true 或 false"))
    return Page(rows, response.headers.get(NEXT_CURSOR_HEADER, "").strip(), more == "true")


def _decode(body: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (GBK's superset), as bulk files are read."""
    for codec in ("utf-8-sig", "gb18030"):
        try:
            return body.decode(codec)
        except UnicodeDecodeError:
            continue
    raise PullError("malformed_csv", _("CSV 应为 UTF-8 或 GBK 编码"))


def _checked_cursor(cursor: str) -> str:
    if len(cursor) > CURSOR_MAX:
        raise PullError("bad_cursor", _("游标最长%(n)d个字符") % {"n": CURSOR_MAX})
    if cursor and cursor_key(cursor) is None:
        raise PullError("bad_cursor", _("游标“%(c)s”应为整数或 ISO 8601 时间") % {"c": cursor[:40]})
    return cursor


def cursor_key(cursor: str) -> tuple | None:
    """What cursors are compared by: an integer (a change number), or an ISO 8601 time with its
    zone; either may be followed by "~" and a tiebreak (an id). None when it is neither."""
    head, _sep, tiebreak = cursor.partition("~")
    tie = (0, int(tiebreak), "") if tiebreak.isdigit() else (1, 0, tiebreak)
    if head.isdigit():
        return (0, int(head), dt.datetime.min.replace(tzinfo=dt.UTC), tie)
    try:
        moment = dt.datetime.fromisoformat(head)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return (1, 0, moment, tie)


def goes_backwards(before: str, after: str) -> bool:
    """Whether `after` comes before `before` (an empty cursor is the start: nothing is before it;
    a page without a next cursor leaves it where it was)."""
    if not before or not after:
        return False
    old, new = cursor_key(before), cursor_key(after)
    if old is None or new is None or old[0] != new[0]:
        return True  # a cursor of another kind than before: not comparable, so not accepted
    return new < old
