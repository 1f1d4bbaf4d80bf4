"""Hostile XLSX files (issue 12 item 4), written part by part so that making them costs no memory.

Each is a few MB on disk and passes the zip directory's ratio check (under 200:1, like the
4.6 MB file of the issue at 181:1), yet would expand in a reader to hundreds of MB or more:

- `huge_cell`: one inline cell holding ~400 MB of text;
- `huge_shared_string`: the same text as one entry of the shared-strings table;
- `many_shared_strings`: millions of short distinct entries in the shared-strings table;
- `wide_row`: one row of millions of empty cells;
- `many_rows`: millions of rows of one empty cell each;
- `deep_dimension`: a sheet claiming A1:XFD1048576 with a cell in its far corner;
- `junk_elements`: millions of unknown elements inside sheetData, outside any row.

The benchmark `bench/bench_hostile_xlsx.py` and the tests build them with `write_hostile`.
"""

import random
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

MB = 1024 * 1024
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
# Random text from a small alphabet, repeated in blocks this long, deflates about 150:1.
_BLOCK_CHARS = 4096
_CHUNK = 256 * 1024


def _content_types(shared_strings: bool) -> bytes:
    strings = (
        (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
        if shared_strings
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        f"{strings}</Types>"
    ).encode()


def _workbook_rels(shared_strings: bool) -> bytes:
    strings = (
        f'<Relationship Id="rId2" Type="{_REL_NS}/sharedStrings" Target="sharedStrings.xml"/>' if shared_strings else ""
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f"{strings}</Relationships>"
    ).encode()


_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
).encode()
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{_REL_NS}">'
    '<sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()


def write_xlsx(
    target: str | Path | BinaryIO,
    *,
    sheet: Iterable[bytes],
    shared_strings: Iterable[bytes] | None = None,
    dimension: str = "",
) -> None:
    """A minimal workbook of one sheet "数据" whose sheetData content (and shared strings) are the
    given chunks of XML, streamed into the zip."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _content_types(shared_strings is not None))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(shared_strings is not None))
        head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
        if dimension:
            head += f'<dimension ref="{dimension}"/>'
        _stream(
            archive, "xl/worksheets/sheet1.xml", [head.encode() + b"<sheetData>", *sheet], b"</sheetData></worksheet>"
        )
        if shared_strings is not None:
            _stream(
                archive,
                "xl/sharedStrings.xml",
                [f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}">'.encode(), *shared_strings],
                b"</sst>",
            )


def _stream(archive: zipfile.ZipFile, name: str, chunks: Iterable[bytes], tail: bytes) -> None:
    with archive.open(name, "w", force_zip64=True) as member:
        for chunk in chunks:
            member.write(chunk)
        member.write(tail)


def _header_row() -> bytes:
    return b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\x90\x8d\xe7\xa7\xb0</t></is></c></row>'  # 名称


def filler_text(total_bytes: int, *, seed: int = 12) -> Iterator[bytes]:
    """~total_bytes of UTF-8 text that deflates about 150:1 (under the 200:1 bomb check)."""
    rng = random.Random(seed)
    block = "".join(rng.choice("南通信用核查ABCDEFGH0123456789") for _ in range(_BLOCK_CHARS)).encode()
    repeat = max(_CHUNK // len(block), 1)
    chunk = block * repeat
    for _ in range(max(total_bytes // len(chunk), 1)):
        yield chunk


def huge_cell(target, *, text_bytes: int = 400 * MB) -> None:
    write_xlsx(
        target,
        sheet=[
            _header_row(),
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>',
            *filler_text(text_bytes),
            b"</t></is></c></row>",
        ],
    )


def huge_shared_string(target, *, text_bytes: int = 60 * MB) -> None:
    write_xlsx(
        target,
        sheet=[_header_row(), b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
        shared_strings=[b"<si><t>", *filler_text(text_bytes), b"</t></si>"],
    )


def many_shared_strings(target, *, count: int = 2_800_000) -> None:
    def strings() -> Iterator[bytes]:
        batch = []
        for number in range(count):
            batch.append(b"<si><t>%d</t></si>" % number)
            if len(batch) == 10_000:
                yield b"".join(batch)
                batch = []
        yield b"".join(batch)

    write_xlsx(
        target, sheet=[_header_row(), b'<row r="2"><c r="A2" t="s"><v>1</v></c></row>'], shared_strings=strings()
    )


def _repeated(count: int, make: Callable[[int, random.Random], bytes]) -> Iterator[bytes]:
    rng = random.Random(7)
    batch = []
    for number in range(count):
        batch.append(make(number, rng))
        if len(batch) == 50_000:
            yield b"".join(batch)
            batch = []
    yield b"".join(batch)


def _sparse_style(number: int, rng: random.Random) -> bytes:
    # A style index now and then keeps the ratio under 200:1.
    return b'<c s="%d"/>' % rng.randrange(100) if number % 24 == 0 else b"<c/>"


def wide_row(target, *, cells: int = 5_000_000) -> None:
    write_xlsx(target, sheet=[_header_row(), b'<row r="2">', *_repeated(cells, _sparse_style), b"</row>"])


def many_rows(target, *, rows: int = 4_000_000) -> None:
    write_xlsx(
        target,
        sheet=[
            _header_row(),
            *_repeated(
                rows, lambda n, rng: b'<row r="%d"><c r="A%d" s="%d"/></row>' % (n + 2, n + 2, rng.randrange(4))
            ),
        ],
    )


def deep_dimension(target) -> None:
    write_xlsx(
        target,
        dimension="A1:XFD1048576",
        sheet=[_header_row(), b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'],
    )


def junk_elements(target, *, count: int = 5_000_000) -> None:
    write_xlsx(target, sheet=[_header_row(), *_repeated(count, _sparse_style)])


HOSTILE = {
    "huge_cell": huge_cell,
    "huge_shared_string": huge_shared_string,
    "many_shared_strings": many_shared_strings,
    "wide_row": wide_row,
    "many_rows": many_rows,
    "deep_dimension": deep_dimension,
    "junk_elements": junk_elements,
}


def write_hostile(kind: str, target, **sizes) -> None:
    HOSTILE[kind](target, **sizes)
