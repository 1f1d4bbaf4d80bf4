"""The streaming table both readers share: header matching, limits, row numbers, blank rows."""

from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Iterator, Sequence
from types import TracebackType
from typing import IO, Any

from django.utils.translation import gettext as _

from .columns import Column
from .detect import FileKind
from .errors import BulkFileError
from .headers import HeaderMatch, match_headers
from .limits import Limits

Row = tuple[int, dict[str, str]]


class Table(ABC):
    """An opened bulk file; `rows()` streams its data rows once.

    Each row is `(row_number, values)`: row_number as Excel shows it (the header is row 1, blank
    rows are skipped but still counted), values maps the key of every column present in the
    file (see `columns`) to its stripped text, "" when empty. Close the table (or use it as a
    context manager) when not reading it to the end; the caller's file object stays open.
    """

    kind: FileKind
    encoding: str | None = None

    def __init__(self, *, limits: Limits) -> None:
        self.limits = limits
        # An estimate for a progress bar, never a promise: None when the file does not say.
        self.total_rows_hint: int | None = None
        self._match: HeaderMatch | None = None
        self._data: Generator[Row, None, None] | None = None
        self._first: Row | None = None
        self._rows_taken = False
        self._closed = False
        # A copy made by open_table of a stream that could not seek; closed with the table.
        self.owned_stream: IO[bytes] | None = None

    @property
    def columns(self) -> tuple[Column, ...]:
        """The caller's columns found in the file, in the file's order."""
        assert self._match is not None, "the table is prepared by open_table"
        return self._match.columns

    def rows(self) -> Iterator[Row]:
        if self._rows_taken:
            raise RuntimeError("Table.rows() streams the file once")
        self._rows_taken = True
        return self._stream()

    def _stream(self) -> Iterator[Row]:
        assert self._data is not None, "the table is prepared by open_table"
        try:
            first, self._first = self._first, None
            if first is not None:
                yield first
            yield from self._data
        finally:
            self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._data is not None:
            self._data.close()
        self._release()
        if self.owned_stream is not None:
            self.owned_stream.close()

    def __enter__(self) -> "Table":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def prepare(self, columns: Sequence[Column]) -> None:
        """Read the header and the first data row, so empty and header-only files fail at once."""
        cells = self._trimmed(self._header_cells())
        if not cells:
            raise BulkFileError(
                _("文件是空的，或第 1 行（表头）是空的。请使用本事项的模板，第 1 行填写列名。"), code="empty"
            )
        if len(cells) > self.limits.max_columns:
            raise BulkFileError(
                _("文件有 %(count)s 列，超过上限 %(limit)s 列。")
                % {"count": len(cells), "limit": self.limits.max_columns},
                code="too_many_columns",
            )
        self._match = match_headers(cells, columns)
        self._data = self._data_rows(width=len(cells))
        self._first = next(self._data, None)
        if self._first is None:
            raise BulkFileError(_("文件只有表头，没有数据行。"), code="header_only")

    @staticmethod
    def _trimmed(cells: Sequence[str]) -> list[str]:
        trimmed = list(cells)
        while trimmed and not trimmed[-1].strip():
            trimmed.pop()
        return trimmed

    def _data_rows(self, *, width: int) -> Generator[Row, None, None]:
        # The hot loop of a 200,000-row import: one converter call per row, not per cell.
        assert self._match is not None
        columns = self._match.columns
        keys = [column.key for column in columns]
        convert = self._row_converter(self._match.positions, width=width)
        longest = self.limits.max_cell_chars
        for offset, raw in enumerate(self._raw_rows(width=width)):
            row_number = offset + 2
            if offset >= self.limits.max_rows:
                raise BulkFileError(
                    _("文件超过 %(limit)s 行数据的上限，请拆分为多个文件上传。") % {"limit": self.limits.max_rows},
                    code="too_many_rows",
                )
            texts = convert(raw, row_number)
            if not any(texts):
                continue
            if max(map(len, texts)) > longest:
                raise self._too_long(texts, columns, row_number=row_number)
            yield row_number, dict(zip(keys, texts, strict=True))

    def _too_long(self, texts: list[str], columns: Sequence[Column], *, row_number: int) -> BulkFileError:
        limit = self.limits.max_cell_chars
        column = next(c for c, text in zip(columns, texts, strict=True) if len(text) > limit)
        return BulkFileError(
            _("第 %(row)s 行“%(column)s”列的内容超过 %(limit)s 个字符。")
            % {"row": row_number, "column": column.label, "limit": limit},
            code="cell_too_long",
        )

    # What each format supplies.

    @abstractmethod
    def _header_cells(self) -> list[str]:
        """The texts of row 1."""

    @abstractmethod
    def _raw_rows(self, *, width: int) -> Iterator[Sequence[Any]]:
        """One item per row after the header, with no row left out, at least `width` long."""

    @abstractmethod
    def _row_converter(
        self, positions: Sequence[tuple[int, Column]], *, width: int
    ) -> Callable[[Sequence[Any], int], list[str]]:
        """A function turning one raw row into the stripped texts of the matched columns."""

    @abstractmethod
    def _release(self) -> None:
        """Free what the reader holds; never close the caller's file."""


def scientific_identifier_error(*, row_number: int, column: Column) -> BulkFileError:
    return BulkFileError(
        _(
            "第 %(row)s 行“%(column)s”列的号码被 Excel 当成了数字（只保留 15 位有效数字，"
            "18 位号码已被改变）。请把该列设为“文本”格式，重新输入号码后上传。"
        )
        % {"row": row_number, "column": column.label},
        code="identifier_as_number",
    )
