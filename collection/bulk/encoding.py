"""Which text encoding a CSV file uses, found without asking the uploader.

Excel in China saves "CSV (逗号分隔)" in GBK (GB18030 is its superset) and "CSV UTF-8" with a
BOM; other tools write UTF-8 without one. UTF-8 is tried strictly first because GBK text almost
never happens to be valid UTF-8, while UTF-8 text often is valid GB18030 (as mojibake).
"""

import codecs
from dataclasses import dataclass
from typing import BinaryIO

import charset_normalizer
from django.utils.translation import gettext as _

from .errors import BulkFileError

CHUNK_BYTES = 1024 * 1024
# charset-normalizer reads a sample only: it is slow on large inputs.
GUESS_SAMPLE_BYTES = 256 * 1024


@dataclass(frozen=True)
class Encoding:
    codec: str
    # Line breaks seen while validating the whole file: the basis of the row-count hint.
    line_breaks: int
    ends_with_line_break: bool


def detect_encoding(stream: BinaryIO) -> Encoding:
    stream.seek(0)
    head = stream.read(4)
    candidates: list[str] = ["utf-8-sig", "gb18030"]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]  # Excel's "Unicode 文本" export
    for codec in candidates:
        found = _validate(stream, codec)
        if found is not None:
            return _named(found, head)
    guessed = _guess(stream)
    if guessed is not None:
        found = _validate(stream, guessed)
        if found is not None:
            return found
    raise BulkFileError(
        _("无法识别文件的字符编码。请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”后再上传。"),
        code="encoding",
    )


def _named(found: Encoding, head: bytes) -> Encoding:
    # "utf-8-sig" reads both; report plain UTF-8 when there is no BOM, as users would say it.
    if found.codec == "utf-8-sig" and not head.startswith(codecs.BOM_UTF8):
        return Encoding("utf-8", found.line_breaks, found.ends_with_line_break)
    return found


def _validate(stream: BinaryIO, codec: str) -> Encoding | None:
    """Decode the whole file strictly, chunk by chunk (memory stays flat); None if it fails."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    stream.seek(0)
    line_breaks = 0
    last = b""
    try:
        while chunk := stream.read(CHUNK_BYTES):
            decoder.decode(chunk)
            line_breaks += chunk.count(b"\n")
            last = chunk
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    finally:
        stream.seek(0)
    return Encoding(codec, line_breaks, last.rstrip(b"\x00").endswith((b"\n", b"\r")))


def _guess(stream: BinaryIO) -> str | None:
    stream.seek(0)
    sample = stream.read(GUESS_SAMPLE_BYTES)
    stream.seek(0)
    best = charset_normalizer.from_bytes(sample).best()
    if best is None or not best.encoding:
        return None
    return best.encoding
