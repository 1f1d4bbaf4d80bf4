"""CSV files streamed through a TextIOWrapper and csv.reader, whatever their encoding."""

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from .columns import Column, ColumnType
from .detect import FileKind, not_tabular
from .encoding import detect_encoding
from .errors import BulkFileError
from .limits import Limits
from .table import Table, scientific_identifier_error

SAMPLE_CHARS = 64 * 1024
DELIMITERS = ",\t;"
# Excel writes an 18-digit number held in a numeric cell as e.g. 3.20602E+17 in a CSV.
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")
# Text files have a few control characters at most (tabs and line breaks are not counted).
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class CsvTable(Table):
    kind = FileKind.CSV

    def __init__(self, stream: BinaryIO, *, limits: Limits) -> None:
        super().__init__(limits=limits)
        found = detect_encoding(stream)
        self.encoding = found.codec
        self._records_seen = 0
        self._lines_seen = 0
        self._text = io.TextIOWrapper(BorrowedStream(stream), encoding=found.codec, errors="strict", newline="")
        sample = self._text.read(SAMPLE_CHARS)
        self._text.seek(0)
        _check_is_text(sample)
        lines = found.line_breaks + (0 if found.ends_with_line_break else 1)
        self.total_rows_hint = max(lines - 1, 0)
        self._reader = csv.reader(self._bounded_lines(), delimiter=_sniff_delimiter(sample))

    def _bounded_lines(self) -> Iterator[str]:
        # csv.reader would build a list as long as a line has delimiters: a 50 MB line of
        # commas is 50 million fields. Lines are cut off well before that.
        limit = self.limits.max_columns * (self.limits.max_cell_chars + 3)
        while line := self._text.readline(limit):
            self._lines_seen += 1
            if len(line) >= limit and not line.endswith(("\n", "\r")):
                raise BulkFileError(
                    _("文件第 %(line)s 行过长，无法读取。") % {"line": self._lines_seen}, code="line_too_long"
                )
            yield line

    def _records(self) -> Iterator[list[str]]:
        try:
            for record in self._reader:
                self._records_seen += 1
                yield record
        except csv.Error as error:
            raise BulkFileError(
                _("第 %(row)s 行的格式有误：某个值过长或引号不成对。请用 Excel 打开检查后另存为 CSV。")
                % {"row": self._records_seen + 1},
                code="csv_syntax",
            ) from error
        except UnicodeDecodeError as error:
            raise BulkFileError(_("文件中有无法识别的字符，请另存为 CSV UTF-8 后上传。"), code="encoding") from error

    def _header_cells(self) -> list[str]:
        return next(self._records(), [])

    def _raw_rows(self, *, width: int) -> Iterator[Sequence[str]]:
        for record in self._records():
            # A value with an unquoted comma shifts every later value one column to the right;
            # such a row must be refused, not imported into the wrong columns.
            if len(record) > width and any(value.strip() for value in record[width:]):
                raise BulkFileError(
                    _("第 %(row)s 行有 %(count)s 个值，多于表头的 %(width)s 列：可能某个值中含有未加引号的分隔符。")
                    % {"row": self._records_seen, "count": len(record), "width": width},
                    code="extra_values",
                )
            yield record

    def _row_converter(
        self, positions: Sequence[tuple[int, Column]], *, width: int
    ) -> Callable[[Sequence[str], int], list[str]]:
        indexes = [position for position, _column in positions]
        identifiers = [
            (i, column) for i, (_position, column) in enumerate(positions) if column.type == ColumnType.IDENTIFIER
        ]

        def convert(record: Sequence[str], row_number: int) -> list[str]:
            if len(record) < width:  # trailing empty values are often left out
                record = [*record, *([""] * (width - len(record)))]
            texts = [record[index].strip() for index in indexes]
            for i, column in identifiers:
                if _SCIENTIFIC.fullmatch(texts[i]):
                    raise scientific_identifier_error(row_number=row_number, column=column)
            return texts

        return convert

    def _release(self) -> None:
        self._text.close()  # closes the borrowed view only


class BorrowedStream(io.RawIOBase):
    """The caller's binary file as TextIOWrapper sees it: closing this view leaves the file open.

    A TextIOWrapper closes its buffer when closed or garbage-collected; the upload must survive
    (it is kept with the batch), whatever happens to the table.
    """

    def __init__(self, inner: BinaryIO) -> None:
        super().__init__()
        self._inner = inner

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        return self._inner.tell()


def _check_is_text(sample: str) -> None:
    controls = len(_CONTROL.findall(sample))
    if "\x00" in sample or controls > len(sample) * _MAX_CONTROL_SHARE:
        raise not_tabular()


def _sniff_delimiter(sample: str) -> str:
    header_line = sample.splitlines()[0] if sample else ""
    try:
        return csv.Sniffer().sniff(header_line, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","
