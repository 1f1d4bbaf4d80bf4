"""Checking a filed document: a PDF (checked by `nantong_credit.uploads` like every evidence
upload) or a Word document (.docx), decided by the content, never by the name.

A .docx is a zip: only its central directory is read here (nothing is decompressed), and it must
be a Word document (`word/document.xml`), unencrypted, without macros, and decompress to a sane
size (the same zip-bomb rules as bulk imports use for workbooks). The legacy binary .doc and
password-protected documents (both OLE2 files) are refused with the way out: save as .docx or PDF.
"""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from nantong_credit.uploads import (
    CHUNK,
    PDF,
    UploadRejected,
    check_upload,
    display_name,
    download_name,
    human_size,
    max_upload_bytes,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBERS = 1_000
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
ACCEPT = ".pdf,.docx,application/pdf," + DOCX_TYPE
EXTENSIONS = {".pdf": "pdf", ".docx": "docx"}


@dataclass(frozen=True)
class CheckedDocument:
    file: UploadedFile
    original_name: str
    content_type: str
    extension: str
    size: int
    sha256: str

    def storage_name(self) -> str:
        return f"{uuid.uuid4().hex}.{self.extension}"

    def download_name(self) -> str:
        return download_name(self.original_name, self.extension)


def check_document(upload: UploadedFile) -> CheckedDocument:
    """The checked document, or `UploadRejected` saying, in Chinese, what is wrong."""
    name = display_name(upload.name)
    extension = PurePath(name).suffix.lower()
    if not upload.size:
        raise UploadRejected(_("文件“%(name)s”是空文件") % {"name": name})
    if extension not in EXTENSIONS:
        raise UploadRejected(_("文件“%(name)s”不是PDF或Word（.docx）文件，请另存为PDF或.docx后上传") % {"name": name})
    upload.seek(0)
    head = upload.read(8)
    if head.startswith(OLE2_MAGIC):
        raise UploadRejected(
            _("文件“%(name)s”是旧版Word（.doc）或设置了密码的文件，请取消密码并另存为.docx或PDF后上传") % {"name": name}
        )
    if head.startswith(b"%PDF-"):
        if extension != ".pdf":
            raise UploadRejected(
                _("文件“%(name)s”的内容是PDF，扩展名却是%(ext)s，请确认文件") % {"name": name, "ext": extension}
            )
        checked = check_upload(upload)
        return CheckedDocument(upload, name, PDF.content_type, "pdf", checked.size, checked.sha256)
    if head.startswith(ZIP_MAGIC) and extension == ".docx":
        _check_docx(upload, name)
        return CheckedDocument(upload, name, DOCX_TYPE, "docx", upload.size or 0, _sha256(upload))
    raise UploadRejected(
        _("文件“%(name)s”不是有效的PDF或Word（.docx）文件（平台按文件内容判断类型，修改扩展名无效）") % {"name": name}
    )


def _check_docx(upload: UploadedFile, name: str) -> None:
    size = upload.size or 0
    limit = max_upload_bytes()
    if size > limit:
        raise UploadRejected(
            _("文件“%(name)s”大小为%(size)s，超过单个文件%(limit)s的上限")
            % {"name": name, "size": human_size(size), "limit": human_size(limit)}
        )
    damaged = UploadRejected(_("文件“%(name)s”已损坏，无法作为Word（.docx）文件打开") % {"name": name})
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise damaged from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise UploadRejected(_("文件“%(name)s”不是Word文档（.docx）") % {"name": name})
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UploadRejected(_("文件“%(name)s”包含宏，请另存为不含宏的.docx或PDF后上传") % {"name": name})
    _check_members(members, name)


def _check_members(members: list[zipfile.ZipInfo], name: str) -> None:
    bomb = UploadRejected(_("文件“%(name)s”解压后的内容异常庞大（疑似压缩炸弹），已拒绝") % {"name": name})
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
        raise bomb
    for member in members:
        if member.flag_bits & 0x1:
            raise UploadRejected(_("文件“%(name)s”已加密，请取消密码后上传") % {"name": name})
        if member.file_size > RATIO_FLOOR and member.file_size / max(member.compress_size, 1) > MAX_RATIO:
            raise bomb


def _sha256(upload: UploadedFile) -> str:
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(CHUNK), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
