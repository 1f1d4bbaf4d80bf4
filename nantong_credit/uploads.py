"""Checking files people upload as evidence: business licences, letters of authorisation and
the scans attached to a self-declaration (PDF, JPEG or PNG).

A file's type is decided by its content, never by its name or by the Content-Type the browser
sends: an `.exe` renamed `.pdf` or a text file renamed `.png` is refused. Images are opened and
verified with Pillow (which also refuses decompression bombs); a PDF must start with the PDF
header and carry an end-of-file marker. Files are stored under a random name with the extension
of their real type; the name the user gave is kept only for display.
"""

import hashlib
import os
import unicodedata
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MIB = 1024 * 1024
# Scans of a licence or a certificate are a few MB at 300 dpi; a 10 MB cap leaves room for colour.
DEFAULT_MAX_BYTES = 10 * MIB
# A 600 dpi A3 scan is ~70 million pixels; anything larger is not a scan but an attack.
MAX_IMAGE_PIXELS = 80_000_000
PDF_EOF_WINDOW = 2048
# Some cameras and editors pad a file after its end marker; a few hundred bytes at most.
IMAGE_END_WINDOW = 1024
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


PDF = FileType("application/pdf", "pdf", "PDF")
JPEG = FileType("image/jpeg", "jpg", "JPEG")
PNG = FileType("image/png", "png", "PNG")
ALLOWED_TYPES = (PDF, JPEG, PNG)
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
_PIL_FORMATS = {JPEG: "JPEG", PNG: "PNG"}


class UploadRejected(ValueError):
    """A file that cannot be accepted; `message` says why, in Chinese, naming the file."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    """An uploaded file that passed every check."""

    file: UploadedFile
    original_name: str
    file_type: FileType
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return self.file_type.content_type

    def storage_name(self) -> str:
        """A random name with the real type's extension: nothing the user typed reaches a path."""
        return f"{uuid.uuid4().hex}.{self.file_type.extension}"

    def download_name(self) -> str:
        return download_name(self.original_name, self.file_type.extension)


def max_upload_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def human_size(size: int) -> str:
    if size >= MIB:
        return f"{size / MIB:.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(size / 1024))} KB"


def display_name(raw: str | None) -> str:
    """The file name as shown to people: no directories, no control characters, bounded."""
    name = str(raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 200:
        stem, ext = os.path.splitext(name)
        name = stem[: 200 - len(ext)] + ext
    return name or _("未命名文件")


def download_name(original_name: str, extension: str) -> str:
    """The original name with the extension of the file's real type."""
    stem = os.path.splitext(display_name(original_name))[0] or "file"
    return f"{stem}.{extension}"


def check_upload(upload: UploadedFile, *, max_bytes: int | None = None) -> CheckedUpload:
    """The checked file, or `UploadRejected` saying what is wrong with it."""
    name = display_name(upload.name)
    limit = max_bytes or max_upload_bytes()
    size = upload.size or 0
    if size == 0:
        raise UploadRejected(_("文件“%(name)s”是空文件") % {"name": name})
    if size > limit:
        raise UploadRejected(
            _("文件“%(name)s”大小为%(size)s，超过单个文件%(limit)s的上限")
            % {"name": name, "size": human_size(size), "limit": human_size(limit)}
        )
    upload.seek(0)
    head = upload.read(16)
    file_type = sniff_type(head)
    if file_type is None:
        raise UploadRejected(
            _("文件“%(name)s”不是PDF、JPEG或PNG文件（平台按文件内容判断类型，修改扩展名无效）") % {"name": name}
        )
    if file_type is PDF:
        _check_pdf(upload, size, name)
    else:
        _check_image(upload, file_type, name)
    digest = _sha256(upload)
    upload.seek(0)
    return CheckedUpload(upload, name, file_type, size, digest)


def sniff_type(head: bytes) -> FileType | None:
    """The type the file's first bytes (its "magic number") announce."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def _check_pdf(upload: UploadedFile, size: int, name: str) -> None:
    upload.seek(0)
    header = upload.read(16)
    version = header[5:8]
    if len(version) < 3 or not (version[:1].isdigit() and version[1:2] == b"." and version[2:3].isdigit()):
        raise UploadRejected(_("文件“%(name)s”的PDF文件头无效") % {"name": name})
    upload.seek(max(0, size - PDF_EOF_WINDOW))
    if b"%%EOF" not in upload.read(PDF_EOF_WINDOW):
        raise UploadRejected(
            _("文件“%(name)s”不是完整的PDF文件（缺少文件结束标记），请重新导出后上传") % {"name": name}
        )


def _has_end_marker(upload: UploadedFile, file_type: FileType) -> bool:
    """A JPEG ends with its EOI marker, a PNG with its IEND chunk. Checked by hand because
    Pillow cannot be trusted to notice a cut-off file: WeasyPrint, once imported, sets Pillow's
    process-wide LOAD_TRUNCATED_IMAGES, after which Pillow decodes a truncated image silently."""
    upload.seek(0, os.SEEK_END)
    size = upload.tell()
    upload.seek(max(0, size - IMAGE_END_WINDOW))
    tail = upload.read(IMAGE_END_WINDOW)
    return (b"\xff\xd9" if file_type is JPEG else b"IEND") in tail


def _check_image(upload: UploadedFile, file_type: FileType, name: str) -> None:
    """Open the image as Pillow sees it: header, pixel count, then the data itself."""
    damaged = UploadRejected(
        _("文件“%(name)s”已损坏或不是有效的%(type)s图片") % {"name": name, "type": file_type.label}
    )
    too_large = UploadRejected(_("图片“%(name)s”像素过多，请降低分辨率后上传") % {"name": name})
    if not _has_end_marker(upload, file_type):
        raise damaged
    try:
        with warnings.catch_warnings():
            # Pillow merely warns about a possible decompression bomb below twice its own limit.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            _verify_image(upload, file_type, too_large=too_large, damaged=damaged)
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise damaged from None


def _verify_image(
    upload: UploadedFile, file_type: FileType, *, too_large: UploadRejected, damaged: UploadRejected
) -> None:
    upload.seek(0)
    with Image.open(upload) as image:
        if image.format != _PIL_FORMATS[file_type]:
            raise damaged
        width, height = image.size
        if width * height > MAX_IMAGE_PIXELS:
            raise too_large
        image.verify()  # PNG: every chunk's CRC
    if file_type is JPEG:
        # verify() reads little of a JPEG: decode it at 1/8 scale (cheap) to catch broken data.
        upload.seek(0)
        with Image.open(upload) as image:
            image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            image.load()


def _sha256(upload: UploadedFile) -> str:
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def limit_request_body(max_bytes: int | Callable[[], int]):
    """Refuse a request whose body is larger than `max_bytes` before Django reads it (413), so
    that a huge upload is not first spooled to disk only to be refused by `check_upload`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            limit = max_bytes() if callable(max_bytes) else max_bytes
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return HttpResponse(
                    _("上传的文件总大小超过%(limit)s，请减少文件数量或压缩后重试。") % {"limit": human_size(limit)},
                    status=413,
                    content_type="text/plain; charset=utf-8",
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def private_file_response(content: File, *, name: str, content_type: str) -> FileResponse:
    """A stored private file (open) for a permission-checked view: its real type, a safe name,
    shown in the browser (clerks read licences on screen) and kept out of every cache."""
    extension = next((t.extension for t in ALLOWED_TYPES if t.content_type == content_type), None)
    if extension is None:  # never serve anything the checks above did not let in
        raise ValueError(f"refusing to serve content type {content_type!r}")
    response = FileResponse(content, filename=download_name(name, extension), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
