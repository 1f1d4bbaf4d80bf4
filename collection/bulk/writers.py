"""Files we hand back to uploaders: error reports, written by the platform's one spreadsheet
writer (`nantong_credit.spreadsheets`), so that no cell can start a formula."""

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment

from nantong_credit.spreadsheets import HEADER, CellStyle, SpreadsheetWriter, csv_bytes

# An XLSX sheet has 1,048,576 rows; the header and a closing note take two.
MAX_REPORT_ROWS = 1_048_574
MAX_REPORT_VALUE_CHARS = 1_000
REPORT_HEADER = CellStyle(
    font=HEADER.font, fill=HEADER.fill, alignment=Alignment(horizontal="center", vertical="center")
)


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
    writer = SpreadsheetWriter(title=title)
    sheet = writer.add_sheet(_("错误明细"), widths=(8, 24, 60, 40), freeze="A2")
    sheet.append(report_headers(), style=REPORT_HEADER)
    written = 0
    for error in errors:
        if written == MAX_REPORT_ROWS:
            sheet.append([None, None, _("错误太多，其余未列出；请先改正以上错误后重新上传。")])
            break
        sheet.append([error.row_number, *_texts(error)])
        written += 1
    return writer.to_bytes()


def build_error_report_csv(*, errors: Iterable[RowError]) -> bytes:
    """The same report as CSV, UTF-8 with a BOM so that Excel in China opens it correctly."""
    return csv_bytes(chain([report_headers()], ([error.row_number, *_texts(error)] for error in errors)))


def _texts(error: RowError) -> tuple[str, str, str]:
    return str(error.column), str(error.message), _shortened(str(error.value))


def _shortened(text: str) -> str:
    if len(text) <= MAX_REPORT_VALUE_CHARS:
        return text
    return text[:MAX_REPORT_VALUE_CHARS] + "…"
