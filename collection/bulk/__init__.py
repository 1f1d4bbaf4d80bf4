"""Bulk files (批量文件) for provider submissions: templates, streaming readers, error reports.

This package knows nothing of the database. The caller describes the columns (from a catalog
item's fields plus the subject columns) as `Column` objects; the package turns them into an
XLSX/CSV template, reads an uploaded XLSX/CSV back as a stream of rows of plain strings, and
writes the rejected rows as an XLSX/CSV error report. Validation of the values themselves is the
submission pipeline's job; this layer only refuses files that cannot be read safely.
"""

from .columns import MULTIPLE_SEPARATOR, Column, ColumnType, split_multiple
from .errors import BulkFileError
from .limits import DEFAULT_LIMITS, Limits
from .readers import Table, open_table
from .templates import build_csv_template, build_xlsx_template
from .writers import RowError, build_error_report_csv, build_error_report_xlsx

__all__ = [
    "DEFAULT_LIMITS",
    "MULTIPLE_SEPARATOR",
    "BulkFileError",
    "Column",
    "ColumnType",
    "Limits",
    "RowError",
    "Table",
    "build_csv_template",
    "build_error_report_csv",
    "build_error_report_xlsx",
    "build_xlsx_template",
    "open_table",
    "split_multiple",
]
