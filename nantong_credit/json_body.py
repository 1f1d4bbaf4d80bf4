"""JSON request bodies of the API: parsed with a depth limit, and no string the database
cannot store.

Python's JSON decoder recurses once per nesting level: a body nested a thousand deep ends in
`RecursionError` (a 500). The depth is counted first, without recursion, from the brackets
outside strings. PostgreSQL refuses NUL and unpaired UTF-16 surrogates (`"\\ud800"`, valid JSON)
in text and jsonb: such strings are refused here with the path of the field, before any view
sees them. Every refusal is a 400 in the API's one error shape, `{"errors": {path: [message]}}`.
"""

import json
import re
from collections.abc import Iterator
from itertools import accumulate

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from .null_characters import nul_message

BODY_PATH = "body"
# A record is 4 levels deep (a batch, its list, a record, its data, a multiple choice: 5).
MAX_DEPTH = 32
# A string runs to its closing quote, or to the end of an unterminated body: were an
# unterminated string not to match, the scan would start again at every escaped quote inside it
# and read to the end each time ('"\\"\\"\\"…': 160 KB took 112 s).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
# What JSON can carry only escaped: NUL, and a surrogate (a pair is decoded to one character).
_ESCAPED_UNSTORABLE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class JSONBodyInvalid(ValueError):
    """The body is refused; `errors` maps paths to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def parse_json_body(raw: bytes):
    """The JSON value of `raw`, or `JSONBodyInvalid`."""
    try:
        # utf-8-sig: systems on Windows sometimes put a BOM before the JSON.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise JSONBodyInvalid({BODY_PATH: [_("请求体应为UTF-8编码的标准JSON")]}) from None
    if nesting_depth(text) > MAX_DEPTH:
        raise JSONBodyInvalid({BODY_PATH: [_("JSON嵌套过深：最多%(n)d层") % {"n": MAX_DEPTH}]})
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise JSONBodyInvalid(
            {
                BODY_PATH: [
                    _("请求体不是有效的JSON：第%(line)d行第%(col)d列附近格式错误")
                    % {"line": exc.lineno, "col": exc.colno}
                ]
            }
        ) from None
    except ValueError:  # NaN/Infinity, or an integer of more digits than Python converts
        raise JSONBodyInvalid({BODY_PATH: [_("请求体应为UTF-8编码的标准JSON（不含NaN、Infinity）")]}) from None
    # Most bodies have no such escape and are not walked at all.
    unstorable = dict(unstorable_strings(data)) if _ESCAPED_UNSTORABLE.search(raw) else {}
    if unstorable:
        raise JSONBodyInvalid(unstorable)
    return data


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest in JSON `text` (strings do not count)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def unstorable_message(text: str) -> str:
    if "\x00" in text:
        return nul_message()
    return _("包含无法存储的字符（未配对的UTF-16代理项，如\\ud800）；请检查发送方的字符编码转换")


def unstorable_strings(value, path: str = "") -> Iterator[tuple[str, list[str]]]:
    """(path, [message]) of each JSON string or key that holds NUL or a lone surrogate; `path` is
    like `subject.name` or `records[3].data.matter`, with such characters of a key escaped."""
    stack = [(path, value)]
    while stack:  # no recursion: the depth was bounded, but a walk need not rely on it
        where, item = stack.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                yield where or BODY_PATH, [unstorable_message(item)]
        elif isinstance(item, dict):
            for key, inner in item.items():
                inner_path = f"{where}.{key}" if where else str(key)
                if _UNSTORABLE.search(key):
                    yield _escaped(inner_path), [unstorable_message(key)]
                else:
                    stack.append((inner_path, inner))
        elif isinstance(item, list):
            stack.extend((f"{where}[{index}]", inner) for index, inner in enumerate(item))


def _escaped(text: str) -> str:
    return _UNSTORABLE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _refuse_constant(name: str):
    raise ValueError(name)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the limits above (the default parser of every API view).

    DRF hands a JSON parser `request.body`, so Django's `DATA_UPLOAD_MAX_MEMORY_SIZE` bounds what
    a client can make the server hold in memory.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            return parse_json_body(raw)
        except JSONBodyInvalid as exc:
            raise ParseError({"errors": exc.errors}) from None
