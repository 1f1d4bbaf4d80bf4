"""The one writer of every spreadsheet (XLSX) and CSV file the platform hands out.

A company's name, a purpose, a catalog label or a rejected value is text someone else typed. A
cell whose text starts with "=" becomes a live formula in openpyxl's output, and one starting
with "=", "+", "-", "@", a tab or a carriage return is run as a formula by Excel and LibreOffice
when a CSV is opened (OWASP "CSV injection"): `=HYPERLINK("http://evil.example/","点此核查")` in
a dashboard is a phishing link with the center's authority. Every value therefore passes
`safe_value`, which prefixes such text with an apostrophe (the text stays readable) and leaves
numbers, dates and booleans as real numbers, dates and booleans. The full-width forms are
included because Chinese input methods produce them and some spreadsheet versions fold them to
the ASCII ones.

Workbooks are write-only (streamed row by row, any length). Layout — widths, frozen panes,
merged ranges, data validation, hidden sheets — is set through `Sheet`; values only through
`Sheet.append`. `nantong_credit/tests/test_spreadsheets.py` keeps every other module from
building a workbook or a CSV writer of its own.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# Without a BOM, Excel in China reads UTF-8 as GBK and shows mojibake.
CSV_BOM = "\ufeff"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_KEPT_TYPES = (bool, int, float, Decimal, dt.date, dt.datetime, dt.time, dt.timedelta)


def safe_value(value: Any) -> Any:
    """What a cell may hold: numbers, dates, booleans and None as they are; anything else as text
    that cannot start a formula and holds no character XML refuses (a hostile name may carry
    control characters)."""
    if value is None or isinstance(value, _KEPT_TYPES):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))  # str(): lazy translations, enums
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


@dataclass(frozen=True)
class CellStyle:
    font: Font | None = None
    fill: PatternFill | None = None
    border: Border | None = None
    alignment: Alignment | None = None
    number_format: str | None = None


BOLD = CellStyle(font=Font(bold=True))
HEADER = CellStyle(font=Font(bold=True), fill=HEADER_FILL)


class Sheet:
    """One sheet of a `SpreadsheetWriter`: rows are appended in order, each value made safe."""

    def __init__(self, worksheet: Any) -> None:
        self._worksheet = worksheet
        self.rows_written = 0

    @property
    def title(self) -> str:
        return self._worksheet.title

    def append(
        self,
        values: Iterable[Any],
        *,
        style: CellStyle | None = None,
        styles: Mapping[int, CellStyle] | None = None,
    ) -> None:
        """Write the next row; `style` applies to every cell, `styles` to the cells at those
        0-based positions (after `style`)."""
        cells = []
        for position, value in enumerate(values):
            cell = WriteOnlyCell(self._worksheet, value=safe_value(value))
            for chosen in (style, (styles or {}).get(position)):
                if chosen is not None:
                    _apply(cell, chosen)
            cells.append(cell)
        self._worksheet.append(cells)
        self.rows_written += 1

    def set_widths(self, widths: Sequence[float], *, first_column: int = 1) -> None:
        for offset, width in enumerate(widths):
            self._worksheet.column_dimensions[get_column_letter(first_column + offset)].width = width

    def set_column_format(self, column: int, number_format: str) -> None:
        """A column style, so that what users type in the column later takes this format."""
        self._worksheet.column_dimensions[get_column_letter(column)].number_format = number_format

    def set_row_height(self, row: int, height: float) -> None:
        self._worksheet.row_dimensions[row].height = height

    def freeze(self, top_left_cell: str) -> None:
        self._worksheet.freeze_panes = top_left_cell

    def merge(self, cell_range: str) -> None:
        self._worksheet.merged_cells.add(cell_range)

    def validate(self, validation: DataValidation) -> None:
        self._worksheet.data_validations.append(validation)

    def hide(self) -> None:
        self._worksheet.sheet_state = "hidden"


class SpreadsheetWriter:
    """An XLSX workbook written sheet by sheet, row by row."""

    def __init__(self, *, title: str = "") -> None:
        self._workbook = Workbook(write_only=True)
        if title:
            self._workbook.properties.title = str(title)

    def add_sheet(self, title: str, *, widths: Sequence[float] = (), freeze: str | None = None) -> Sheet:
        """A new sheet; widths and frozen panes are set before the first row, as streaming needs."""
        sheet = Sheet(self._workbook.create_sheet(str(title)))
        sheet.set_widths(widths)
        if freeze:
            sheet.freeze(freeze)
        return sheet

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """A CSV file as Excel in China opens it: UTF-8 with a BOM, CRLF, every value made safe."""
    buffer = io.StringIO()
    buffer.write(CSV_BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if value is None else safe_value(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def _apply(cell: WriteOnlyCell, style: CellStyle) -> None:
    for name in ("font", "fill", "border", "alignment", "number_format"):
        chosen = getattr(style, name)
        if chosen is not None:
            setattr(cell, name, chosen)
