"""XLSX files streamed by openpyxl in read-only mode, refusing formulas instead of trusting them."""

import logging
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, BinaryIO

from django.utils.translation import gettext as _
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.reader.excel import ExcelReader
from openpyxl.xml.constants import SHARED_STRINGS

from .columns import Column, ColumnType
from .detect import FileKind
from .errors import BulkFileError
from .limits import Limits
from .table import Table, scientific_identifier_error
from .xlsx_guard import GuardedArchive, SpilledStrings, read_shared_strings

if TYPE_CHECKING:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

logger = logging.getLogger(__name__)

# A double holds 15 significant digits exactly; longer "numbers" were changed by Excel.
EXACT_DIGITS_BELOW = 10**15


@contextmanager
def corrupt_on_failure() -> Iterator[None]:
    """Turn openpyxl's many exception types for malformed parts into one Chinese message."""
    try:
        yield
    except BulkFileError:
        raise
    except Exception as error:  # noqa: BLE001 — KeyError, ValueError, ParseError, BadZipFile, …
        logger.info("unreadable xlsx upload: %r", error)
        raise BulkFileError(
            _("文件已损坏或格式不规范，无法读取。请用 Excel 打开后另存为 .xlsx 再上传。"), code="corrupt"
        ) from error


class XlsxTable(Table):
    kind = FileKind.XLSX

    def __init__(self, stream: BinaryIO, *, limits: Limits) -> None:
        super().__init__(limits=limits)
        self._book = open_workbook(stream, limits=limits)
        self._workbook = self._book.workbook
        with corrupt_on_failure():
            self._sheet = self._data_sheet()
            if self._sheet is not None:
                # The <dimension> element is only a claim: use it for the hint, never to cut rows.
                max_row = self._sheet.max_row
                self.total_rows_hint = max(max_row - 1, 0) if max_row else None
                self._sheet.reset_dimensions()

    def _data_sheet(self) -> "ReadOnlyWorksheet | None":
        sheets = self._workbook.worksheets
        named = [sheet for sheet in sheets if sheet.title == _("数据")]
        return (named or sheets or [None])[0]

    def _header_cells(self) -> list[str]:
        if self._sheet is None:
            return []
        with corrupt_on_failure(), closing(self._sheet.iter_rows(min_row=1, max_row=1)) as rows:
            first = next(rows, ())
        return [self._header_text(cell) for cell in first]

    def _header_text(self, cell: Any) -> str:
        if cell.data_type == "f":
            raise BulkFileError(
                _("表头单元格 %(cell)s 是公式，请改为文字列名。") % {"cell": cell.coordinate}, code="formula"
            )
        return "" if cell.value is None else str(cell.value).strip()

    def _raw_rows(self, *, width: int) -> Iterator[Sequence[Any]]:
        # max_col bounds each row to the header's width however wide the XML claims it is.
        with corrupt_on_failure():
            yield from self._sheet.iter_rows(min_row=2, max_col=width)

    def _row_converter(
        self, positions: Sequence[tuple[int, Column]], *, width: int
    ) -> Callable[[Sequence[Any], int], list[str]]:
        def convert(cells: Sequence[Any], row_number: int) -> list[str]:
            texts = []
            for position, column in positions:
                cell = cells[position]
                value = cell.value
                if value is None:
                    texts.append("")
                elif value.__class__ is str and cell.data_type == "s":  # most cells: plain text
                    texts.append(value.strip())
                else:
                    texts.append(_cell_text(cell, value, column=column))
            return texts

        return convert

    def _release(self) -> None:
        self._book.close()


class OpenWorkbook:
    """A read-only openpyxl workbook whose worksheets and shared strings are read within `limits`
    (xlsx_guard), for every upload path that reads a spreadsheet. Close it when done."""

    def __init__(self, workbook: Any, strings: SpilledStrings | None) -> None:
        self.workbook = workbook
        self._strings = strings

    def close(self) -> None:
        self.workbook.close()
        if self._strings is not None:
            self._strings.close()


def open_workbook(stream: BinaryIO, *, limits: Limits) -> OpenWorkbook:
    """Open an XLSX whose zip directory `detect.check_xlsx_archive` has passed."""
    stream.seek(0)
    with corrupt_on_failure(), warnings.catch_warnings():
        # Formulas are read as formulas (data_only=False) so that they can be refused.
        warnings.simplefilter("ignore")
        reader = _Reader(stream, limits=limits)
        try:
            reader.read()
        except BaseException:
            reader.archive.close()
            if isinstance(reader.shared_strings, SpilledStrings):
                reader.shared_strings.close()
            raise
    strings = reader.shared_strings
    return OpenWorkbook(reader.wb, strings if isinstance(strings, SpilledStrings) else None)


class _Reader(ExcelReader):
    """openpyxl's own loader (what load_workbook runs) over a `GuardedArchive`, with a bounded
    shared-string table kept on disk (xlsx_guard)."""

    def __init__(self, stream: BinaryIO, *, limits: Limits) -> None:
        super().__init__(stream, read_only=True, data_only=False, keep_links=False)
        self.archive.close()  # openpyxl's own ZipFile over the same stream, which stays open
        stream.seek(0)
        self.archive = GuardedArchive(stream, limits=limits)
        self.limits = limits

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is None:
            return
        with self.archive.open(part.PartName[1:]) as source:
            self.shared_strings = read_shared_strings(source, limits=self.limits)


def _cell_text(cell: ReadOnlyCell, value: Any, *, column: Column) -> str:
    if cell.data_type == "f":
        raise _cell_error(_("是公式，不能导入。请复制后“选择性粘贴 → 数值”再上传。"), cell, column)
    if cell.data_type == "e":
        raise _cell_error(_("是错误值 %(value)s，请改正后上传。") % {"value": value}, cell, column)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (datetime, date, time, timedelta)):
        return _temporal_text(value)
    if isinstance(value, (int, float)):
        if column.type == ColumnType.IDENTIFIER and abs(value) >= EXACT_DIGITS_BELOW:
            raise scientific_identifier_error(row_number=cell.row, column=column)
        return _number_text(value)
    return str(value).strip()


def _cell_error(problem: str, cell: ReadOnlyCell, column: Column) -> BulkFileError:
    message = _("第 %(row)s 行“%(column)s”列（单元格 %(cell)s）") % {
        "row": cell.row,
        "column": column.label,
        "cell": cell.coordinate,
    }
    return BulkFileError(message + problem, code="formula" if cell.data_type == "f" else "error_value")


def _temporal_text(value: datetime | date | time | timedelta) -> str:
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _number_text(value: int | float) -> str:
    """The number as typed: 12 not "12.0", 0.1 not "0.1000000000000000055", 1e16 spelt out."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < EXACT_DIGITS_BELOW:
        return str(int(value))
    return format(Decimal(repr(value)), "f")
