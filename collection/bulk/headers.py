"""Matching a file's header row to the caller's columns, forgivingly but never by guesswork."""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .columns import Column
from .errors import BulkFileError


@dataclass(frozen=True)
class HeaderMatch:
    """Which position of the file holds which column; positions with empty headers are skipped."""

    positions: tuple[tuple[int, Column], ...]

    @property
    def columns(self) -> tuple[Column, ...]:
        return tuple(column for _position, column in self.positions)


def normalise_header(text: str) -> str:
    """ "  处罚决定书文号＊" and "处罚决定书文号" are the same header; so are "ＡＢＣ" and "abc".

    NFKC folds full-width forms to half-width; all whitespace and invisible format characters
    (zero-width spaces, stray BOMs) go; a "*" marking a required column is dropped.
    """
    folded = unicodedata.normalize("NFKC", text)
    kept = "".join(char for char in folded if not char.isspace() and unicodedata.category(char) != "Cf")
    return kept.strip("*").casefold()


def match_headers(cells: Sequence[str], columns: Sequence[Column]) -> HeaderMatch:
    lookup = _lookup(columns)
    positions: list[tuple[int, Column]] = []
    unknown: list[str] = []
    seen: dict[str, int] = {}
    for position, cell in enumerate(cells):
        name = normalise_header(cell)
        if not name:
            continue
        column = lookup.get(name)
        if column is None:
            unknown.append(cell.strip())
            continue
        seen[column.key] = seen.get(column.key, 0) + 1
        positions.append((position, column))
    duplicates = [column.label for column in columns if seen.get(column.key, 0) > 1]
    missing = [column.label for column in columns if column.required and column.key not in seen]
    _raise_for_problems(unknown=unknown, duplicates=duplicates, missing=missing, matched=bool(seen))
    return HeaderMatch(positions=tuple(positions))


def _lookup(columns: Sequence[Column]) -> dict[str, Column]:
    # Keys first, labels second, so a label always wins over another column's identical key.
    lookup = {normalise_header(column.key): column for column in columns}
    lookup.update({normalise_header(column.label): column for column in columns})
    return lookup


def _raise_for_problems(*, unknown: list[str], duplicates: list[str], missing: list[str], matched: bool) -> None:
    problems: list[tuple[str, str]] = []
    if unknown:
        problems.append(("unknown_columns", _("文件中有模板以外的列：%(names)s。") % {"names": _names(unknown)}))
    if duplicates:
        problems.append(("duplicate_columns", _("表头中有重复的列：%(names)s。") % {"names": _names(duplicates)}))
    if missing:
        problems.append(("missing_columns", _("缺少必填的列：%(names)s。") % {"names": _names(missing)}))
    if not problems:
        return
    advice = _("请使用本事项的模板，不要修改表头（第 1 行）。")
    if not matched:
        advice = _("第 1 行必须是表头（列名），请勿在表头上方添加标题行，并使用本事项的模板。")
    message = "".join(text for _code, text in problems) + advice
    raise BulkFileError(message, code=problems[0][0])


def _names(names: list[str], *, shown: int = 10, width: int = 30) -> str:
    # A hostile header can hold hundreds of long names; the message stays readable.
    listed = "、".join(f"“{name[:width]}{'…' if len(name) > width else ''}”" for name in names[:shown])
    if len(names) > shown:
        listed += _("等 %(count)s 列") % {"count": len(names)}
    return listed
