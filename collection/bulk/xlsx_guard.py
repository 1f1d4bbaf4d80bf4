"""Bounds on what an XLSX may expand to while openpyxl reads it (issue 12 item 4).

The zip directory's declared sizes are judged before anything is read (`detect.check_xlsx_archive`).
That is not enough: openpyxl's read-only mode still builds each row as an element tree before
handing it over, keeps every element it does not recognise, and holds the whole shared-string
table in memory. A 4.6 MB file with one 800 MB cell, one row of millions of empty cells, or
millions of stray elements passes a ratio check and takes gigabytes.

So every worksheet openpyxl opens is read through `GuardedArchive`, which feeds the same bytes
to a streaming expat scanner first: no element tree, no text kept, only counts and byte offsets.
The scanner refuses, with a Chinese message naming what was too large, as soon as a cell, a row
or any other element grows past its bound, a row has more cells than Excel allows, the workbook
more cells in all than `Limits.max_cells`, or the XML declares a DTD (entity expansion). The
parser behind it never receives more than one chunk past a bound.

Shared strings are read by the same kind of scanner and kept in a temporary file, not in memory
(`SpilledStrings`): 8 bytes a string, however long the texts are.
"""

import array
import os
import tempfile
import zipfile
from collections.abc import Sequence
from typing import IO, Any, BinaryIO
from xml.parsers import expat

from django.utils.translation import gettext as _

from .errors import BulkFileError
from .limits import MIB, Limits

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
_ROW, _CELL, _SHEET_DATA = _NS + "row", _NS + "c", _NS + "sheetData"
_SI, _T, _RUN = _NS + "si", _NS + "t", _NS + "r"
# How much expat is given at a time when reading shared strings.
_READ_CHUNK = 64 * 1024


def is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def refused(message: str) -> BulkFileError:
    return BulkFileError(message + _("已拒绝处理。"), code="too_large_content")


def _size(count: int) -> str:
    return f"{count / MIB:.1f} MB" if count >= MIB else f"{max(count // 1024, 1)} KB"


class GuardedArchive(zipfile.ZipFile):
    """The workbook's zip, whose worksheets come out through a `SheetScanner`.

    One counter of cells is shared by every sheet opened from it, so that the workbook as a whole
    stays under `Limits.max_cells` however openpyxl re-opens its sheets.
    """

    def __init__(self, stream: BinaryIO, *, limits: Limits) -> None:
        super().__init__(stream)
        self.limits = limits
        self.cells_seen: dict[str, int] = {}

    def open(self, name: Any, mode: str = "r", pwd: bytes | None = None, **kwargs: Any) -> IO[bytes]:
        member = super().open(name, mode, pwd, **kwargs)
        part = name.filename if isinstance(name, zipfile.ZipInfo) else str(name)
        if mode == "r" and is_worksheet(part):
            return _ScannedStream(member, SheetScanner(self, part))  # type: ignore[return-value]
        return member


class _ScannedStream:
    """A read-only stream that lets nothing through before the scanner has seen it."""

    def __init__(self, raw: IO[bytes], scanner: "SheetScanner") -> None:
        self._raw = raw
        self._scanner = scanner

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._scanner.feed(data, final=not data)
        return data

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> "_ScannedStream":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class SheetScanner:
    """Counts and byte offsets of one worksheet's XML, refusing it at the first bound passed."""

    def __init__(self, archive: GuardedArchive, part: str) -> None:
        self.limits = archive.limits
        self._archive = archive
        self._part = part
        self._parser = expat.ParserCreate(namespace_separator=" ")
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end
        self._parser.StartDoctypeDeclHandler = _refuse_doctype
        self._fed = 0
        # (tag, byte offset of its start, cell reference or row number) of every open element.
        self._open: list[tuple[str, int, str]] = []
        self._rows_open = 0
        self._row = ""
        self._row_cells = self._row_elements = self._rows = self._loose = self._cells = 0
        # openpyxl reads a sheet more than once (its size, the header, the rows): each part counts
        # with the most cells any one reading of it saw.
        self._cells_elsewhere = sum(n for name, n in archive.cells_seen.items() if name != part)

    def feed(self, data: bytes, *, final: bool) -> None:
        try:
            self._parser.Parse(data, final)
        except expat.ExpatError as error:
            raise BulkFileError(
                _("文件已损坏或格式不规范，无法读取。请用 Excel 打开后另存为 .xlsx 再上传。"), code="corrupt"
            ) from error
        self._fed += len(data)
        self._check_open_elements()

    def _check_open_elements(self) -> None:
        limits = self.limits
        for tag, start, label in self._open[1:]:  # the root holds everything
            grown = self._fed - start
            if tag == _CELL and grown > limits.max_cell_bytes:
                raise refused(
                    _("单元格 %(cell)s 的内容超过 %(limit)s（Excel 一个单元格最多 32767 个字符），")
                    % {"cell": label or "?", "limit": _size(limits.max_cell_bytes)}
                )
            if tag != _SHEET_DATA and grown > limits.max_element_bytes:
                raise refused(
                    self._where(tag, label) + _("的内容超过 %(limit)s，") % {"limit": _size(limits.max_element_bytes)}
                )

    def _where(self, tag: str, label: str) -> str:
        if tag == _ROW:
            return _("第 %(row)s 行") % {"row": label}
        return _("工作表中的“%(tag)s”元素") % {"tag": tag.rpartition(" ")[2]}

    def _start(self, tag: str, attributes: dict[str, str]) -> None:
        depth = len(self._open)
        if depth >= self.limits.max_xml_depth:
            raise refused(_("工作表的 XML 嵌套超过 %(limit)s 层，") % {"limit": self.limits.max_xml_depth})
        label = ""
        if self._rows_open:
            self._count_in_row(tag)
            label = attributes.get("r", "") if tag == _CELL else ""
        elif tag == _ROW:
            self._rows += 1
            if self._rows > self.limits.max_rows + 1:
                # Before any row reaches the table: openpyxl keeps every row it has read past
                # (emptied) in memory, and reads a sheet without <dimension> whole to size it.
                raise BulkFileError(
                    _("文件超过 %(limit)s 行数据的上限，请拆分为多个文件上传。") % {"limit": self.limits.max_rows},
                    code="too_many_rows",
                )
            self._row = label = attributes.get("r", str(self._rows))
            self._row_cells = self._row_elements = 0
        elif depth >= 1 and tag != _SHEET_DATA:
            self._loose += 1
            if self._loose > self.limits.max_loose_elements:
                raise refused(
                    _("工作表中数据行以外的元素超过 %(limit)s 个，") % {"limit": self.limits.max_loose_elements}
                )
        if tag == _ROW:
            self._rows_open += 1
        self._open.append((tag, self._parser.CurrentByteIndex, label))

    def _count_in_row(self, tag: str) -> None:
        limits = self.limits
        self._row_elements += 1
        if self._row_elements > limits.max_row_elements:
            raise refused(
                _("第 %(row)s 行的元素超过 %(limit)s 个，") % {"row": self._row, "limit": limits.max_row_elements}
            )
        if tag != _CELL:
            return
        self._row_cells += 1
        if self._row_cells > limits.max_row_cells:
            raise refused(
                _("第 %(row)s 行的单元格超过 %(limit)s 个（Excel 一行最多 16384 列），")
                % {"row": self._row, "limit": limits.max_row_cells}
            )
        self._cells += 1
        if self._cells > self._archive.cells_seen.get(self._part, 0):
            self._archive.cells_seen[self._part] = self._cells
            if self._cells_elsewhere + self._cells > limits.max_cells:
                raise refused(
                    _("文件中的单元格超过 %(limit)s 个的上限（请拆分为多个文件上传），") % {"limit": limits.max_cells}
                )

    def _end(self, tag: str) -> None:
        self._open.pop()
        if tag == _ROW:
            self._rows_open -= 1


def _refuse_doctype(*_args: object) -> None:
    raise refused(_("文件中含有 DTD 声明（Excel 不会写入，可能用于实体展开攻击），"))


class SpilledStrings(Sequence[str]):
    """The shared-string table in a temporary file: memory holds one offset per string."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 — closed by close()
        self._offsets = array.array("q", [0])
        self._fd = -1

    def append(self, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        self._file.write(data)
        self._offsets.append(self._offsets[-1] + len(data))

    def finish(self) -> "SpilledStrings":
        self._file.flush()
        self._fd = self._file.fileno()
        return self

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice) or not 0 <= index < len(self):
            raise IndexError("no such shared string")  # openpyxl indexes by the file's number
        start, end = self._offsets[index], self._offsets[index + 1]
        return os.pread(self._fd, end - start, start).decode("utf-8", "surrogatepass")

    def close(self) -> None:
        self._file.close()


def read_shared_strings(source: IO[bytes], *, limits: Limits) -> SpilledStrings:
    """The texts of a sharedStrings.xml, as openpyxl's read_string_table gives them, bounded.

    A string is its plain <t> or the <t> of each rich-text run <r>; phonetic guides (<rPh>) are
    left out.
    """
    reader = _SharedStringReader(limits)
    try:
        while chunk := source.read(_READ_CHUNK):
            reader.parser.Parse(chunk, False)
        reader.parser.Parse(b"", True)
    except BaseException:
        reader.strings.close()
        raise
    return reader.strings.finish()


class _SharedStringReader:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.strings = SpilledStrings()
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.parser.StartDoctypeDeclHandler = _refuse_doctype
        self._stack: list[str] = []
        self._parts: list[str] = []
        self._length = 0
        self._collecting = False

    def _start(self, tag: str, _attributes: dict[str, str]) -> None:
        if len(self._stack) >= self.limits.max_xml_depth:
            raise refused(_("共享字符串表的 XML 嵌套超过 %(limit)s 层，") % {"limit": self.limits.max_xml_depth})
        if tag == _SI:
            self._parts, self._length = [], 0
        parent = self._stack[-1] if self._stack else ""
        self._collecting = tag == _T and parent in (_SI, _RUN)  # not a phonetic guide's <t>
        self._stack.append(tag)

    def _text(self, text: str) -> None:
        if not self._collecting:
            return
        self._length += len(text)
        if self._length > self.limits.max_xml_text_chars:
            raise refused(
                _("共享字符串表中第 %(n)s 个文本超过 %(limit)s 个字符（Excel 一个单元格最多 32767 个字符），")
                % {"n": len(self.strings) + 1, "limit": self.limits.max_xml_text_chars}
            )
        self._parts.append(text)

    def _end(self, tag: str) -> None:
        self._stack.pop()
        self._collecting = False
        if tag == _SI:
            if len(self.strings) >= self.limits.max_shared_strings:
                raise refused(_("共享字符串表中的文本超过 %(limit)s 条，") % {"limit": self.limits.max_shared_strings})
            self.strings.append("".join(self._parts).replace("x005F_", ""))  # as openpyxl does
