"""Files we hand back to users: error reports, with no cell able to start a formula."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

# OWASP "CSV injection": a cell starting with one of these may be run as a formula by Excel or
# LibreOffice. The full-width forms are included because Chinese input methods produce them
# and some spreadsheet versions fold them to the ASCII ones.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# An XLSX sheet has 1,048,576 rows; the header and a closing note take two.
MAX_REPORT_ROWS = 1_048_574
MAX_REPORT_VALUE_CHARS = 1_000
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
CSV_BOM = "\ufeff"

T = TypeVar("T")


def neutralise_cell(value: T) -> T:
    """Text that could start a formula gets a leading apostrophe; everything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value  # type: ignore[return-value]
    return value


@dataclass(frozen=True)
class RowError:
    """One rejected value: where it is (as the user sees the file), why, and what it was."""

    row_number: int
    column: str
    message: str
    value: str = ""


def report_headers() -> list[str]:
    return [_("行号"), _("列"), _("错误原因"), _("原始值")]


def build_error_report_xlsx(*, title: str, errors: Iterable[RowError]) -> bytes:
    """An XLSX listing every rejected value, written row by row (any number of errors)."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    sheet = workbook.create_sheet(_("错误明细"))
    for letter, width in zip("ABCD", (8, 24, 60, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, text) for text in report_headers()])
    written = 0
    for error in errors:
        if written == MAX_REPORT_ROWS:
            sheet.append([None, None, _("错误太多，其余未列出；请先改正以上错误后重新上传。")])
            break
        sheet.append([error.row_number, *(_report_text(text) for text in _texts(error))])
        written += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_error_report_csv(*, errors: Iterable[RowError]) -> bytes:
    """The same report as CSV, UTF-8 with a BOM so that Excel in China opens it correctly."""
    buffer = io.StringIO()
    buffer.write(CSV_BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(report_headers())
    for error in errors:
        writer.writerow([error.row_number, *(neutralise_cell(text) for text in _texts(error))])
    return buffer.getvalue().encode("utf-8")


def _texts(error: RowError) -> tuple[str, str, str]:
    return str(error.column), str(error.message), _shortened(str(error.value))


def _shortened(text: str) -> str:
    if len(text) <= MAX_REPORT_VALUE_CHARS:
        return text
    return text[:MAX_REPORT_VALUE_CHARS] + "…"


def _report_text(text: str) -> str:
    # openpyxl refuses control characters that XML cannot hold; a hostile value has them.
    return neutralise_cell(ILLEGAL_CHARACTERS_RE.sub("\ufffd", text))


def _header_cell(sheet: object, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center")
    return cell
