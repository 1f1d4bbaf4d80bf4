"""Opening an uploaded bulk file as a stream of rows, whatever it claims to be.

    with open_table(upload, filename=upload.name, columns=columns) as table:
        for row_number, values in table.rows():
            ...

The kind of file is decided from its bytes; the name must agree. Everything that can be judged
before reading rows (size, type, zip directory, encoding, header, "only a header") is judged by
`open_table`; row limits, formulas and over-long cells are refused while streaming.
"""

import io
import tempfile
from collections.abc import Sequence
from typing import BinaryIO, Protocol

from django.utils.translation import gettext as _

from .columns import Column, check_unique_keys
from .csv_table import CsvTable
from .detect import FileKind, check_extension, check_xlsx_archive, sniff_kind
from .errors import BulkFileError
from .limits import DEFAULT_LIMITS, MIB, Limits
from .table import Table
from .xlsx_table import XlsxTable

__all__ = ["Table", "open_table"]

HEAD_BYTES = 512
SPOOL_IN_MEMORY_BYTES = 8 * MIB


class Readable(Protocol):
    """A binary file object, or anything with `read` such as Django's UploadedFile."""

    def read(self, size: int = -1, /) -> bytes: ...


def open_table(
    fileobj: Readable,
    *,
    filename: str,
    columns: Sequence[Column],
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """Open an uploaded file (a binary file object or a Django UploadedFile) for streaming.

    Raises BulkFileError with a Chinese message for every file-level problem.
    """
    check_unique_keys(columns)
    stream, owned = _seekable_binary(fileobj, limits)
    try:
        table = _open(stream, filename=filename, limits=limits)
    except BaseException:
        if owned:
            stream.close()
        raise
    table.owned_stream = stream if owned else None
    try:
        table.prepare(columns)
    except BaseException:
        table.close()
        raise
    return table


def _open(stream: BinaryIO, *, filename: str, limits: Limits) -> Table:
    _check_size(stream, limits)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    kind = sniff_kind(head)
    if kind is FileKind.XLSX:
        check_xlsx_archive(stream, limits)
    check_extension(kind, filename=filename)
    if kind is FileKind.XLSX:
        return XlsxTable(stream, limits=limits)
    return CsvTable(stream, limits=limits)


def _seekable_binary(fileobj: Readable, limits: Limits) -> tuple[BinaryIO, bool]:
    """The binary stream to read, and whether it is a copy this package must close."""
    # Django's UploadedFile wraps the real file in `.file` (sometimes twice: a tempfile wrapper).
    candidate = fileobj
    for _depth in range(3):
        if isinstance(candidate, io.IOBase) or not hasattr(candidate, "file"):
            break
        candidate = candidate.file  # type: ignore[attr-defined]
    if isinstance(candidate, io.IOBase) and candidate.seekable():
        candidate.seek(0)
        return candidate, False  # type: ignore[return-value]
    return _spooled(fileobj, limits), True


def _spooled(fileobj: Readable, limits: Limits) -> BinaryIO:
    """A seekable copy of a stream that cannot seek, read no further than the size limit."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)  # noqa: SIM115 — returned
    copied = 0
    while chunk := fileobj.read(MIB):
        copied += len(chunk)
        if copied > limits.max_bytes:
            spool.close()
            raise _too_large(copied, limits)
        spool.write(chunk)
    spool.seek(0)
    return spool  # type: ignore[return-value]


def _check_size(stream: BinaryIO, limits: Limits) -> None:
    size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    if size == 0:
        raise BulkFileError(_("文件是空的。"), code="empty")
    if size > limits.max_bytes:
        raise _too_large(size, limits)


def _too_large(size: int, limits: Limits) -> BulkFileError:
    return BulkFileError(
        _("文件大小超过 %(limit)s 的上限（本文件至少 %(size)s），请拆分为多个文件上传。")
        % {"limit": _human_size(limits.max_bytes), "size": _human_size(size)},
        code="too_large",
    )


def _human_size(size: int) -> str:
    if size >= MIB:
        return f"{size / MIB:.1f} MB".replace(".0 MB", " MB")
    return f"{max(size // 1024, 1)} KB"
