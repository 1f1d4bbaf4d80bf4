"""Bulk imports (批量导入, SPEC §3): the files, and the feature built on them.

The file modules (columns, csv_table, detect, encoding, errors, headers, limits, readers, table,
templates, writers, xlsx_guard, xlsx_table), re-exported here, know nothing of the database. The
feature stands on them: `layout` (an item's fields as columns and templates), `uploads` (receiving
a file), `imports` (running it all or nothing), `store` (COPY), `retention`, `views` and `urls`.
None of these is imported here, so reading a file pulls in no model.

The file modules: the caller describes the columns (from a catalog
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
