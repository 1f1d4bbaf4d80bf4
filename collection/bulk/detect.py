"""What an uploaded file really is, decided from its bytes; the extension must agree."""

import zipfile
from enum import StrEnum
from pathlib import PurePath
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import BulkFileError
from .limits import Limits
from .xlsx_guard import is_worksheet

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# Formats people upload by mistake, recognised by their first bytes, named in the message.
_FOREIGN_MAGICS = (
    (b"%PDF", gettext_lazy("PDF 文档")),
    (b"\x89PNG", gettext_lazy("PNG 图片")),
    (b"\xff\xd8\xff", gettext_lazy("JPEG 图片")),
    (b"GIF87a", gettext_lazy("GIF 图片")),
    (b"GIF89a", gettext_lazy("GIF 图片")),
    (b"II*\x00", gettext_lazy("TIFF 图片")),
    (b"MM\x00*", gettext_lazy("TIFF 图片")),
    (b"RIFF", gettext_lazy("多媒体文件")),
    (b"\x7fELF", gettext_lazy("可执行程序")),
    (b"\x1f\x8b", gettext_lazy("gzip 压缩包")),
    (b"Rar!\x1a\x07", gettext_lazy("RAR 压缩包")),
    (b"7z\xbc\xaf\x27\x1c", gettext_lazy("7z 压缩包")),
    (b"{\\rtf", gettext_lazy("RTF 文档")),
)
_MARKUP_STARTS = (b"<html", b"<!doctype", b"<table", b"<?xml", b"<head", b"<meta", b"<workbook")


class FileKind(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


_EXTENSIONS = {".xlsx": FileKind.XLSX, ".csv": FileKind.CSV, ".txt": FileKind.CSV}
_KIND_NAMES = {FileKind.XLSX: gettext_lazy("Excel（.xlsx）"), FileKind.CSV: gettext_lazy("CSV 文本")}


def not_tabular(what: str | None = None) -> BulkFileError:
    message = _("文件内容不是有效的 Excel（.xlsx）或 CSV 文件")
    if what:
        message += _("（看起来是%(what)s）") % {"what": what}
    return BulkFileError(message + _("，请使用本事项的模板填写后上传。"), code="not_tabular")


def check_extension(kind: FileKind, *, filename: str) -> None:
    """The name must agree with the content: a renamed file is a mistake worth pointing out."""
    extension = PurePath(filename or "").suffix.lower()
    expected = _EXTENSIONS.get(extension)
    if expected is None:
        raise BulkFileError(
            _("只能上传 .xlsx 或 .csv 文件，“%(name)s”的扩展名不受支持。") % {"name": filename},
            code="extension",
        )
    if expected != kind:
        raise BulkFileError(
            _("文件扩展名是 %(ext)s，但内容是 %(kind)s，请确认上传的是正确的文件，不要只修改扩展名。")
            % {"ext": extension, "kind": _KIND_NAMES[kind]},
            code="extension_mismatch",
        )


def sniff_kind(head: bytes) -> FileKind:
    """The kind of file whose first bytes are `head`; refuses everything else with a reason."""
    if head.startswith(OLE2_MAGIC):
        # Legacy .xls, and also any password-protected .xlsx, which Office wraps in OLE2.
        raise BulkFileError(
            _("不支持旧版 .xls 或设置了密码的 Excel 文件，请在 Excel 中取消密码并另存为 .xlsx 后上传。"),
            code="legacy_xls",
        )
    if head.startswith(ZIP_MAGICS):
        return FileKind.XLSX  # whether the zip is a workbook is checked by check_xlsx_archive
    for magic, what in _FOREIGN_MAGICS:
        if head.startswith(magic):
            raise not_tabular(what)
    if head.startswith(b"MZ") and b"\x00" in head[:256]:
        raise not_tabular(_("可执行程序"))
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(_MARKUP_STARTS):
        # Many systems export HTML or XML spreadsheets and name them .xls.
        raise BulkFileError(
            _("文件内容是网页或 XML 格式，不是真正的 Excel 文件，请用 Excel 打开后另存为 .xlsx 再上传。"),
            code="not_tabular",
        )
    if b"\x00" in head and not head.startswith(UTF16_BOMS):
        raise not_tabular()
    return FileKind.CSV


def check_xlsx_archive(stream: BinaryIO, limits: Limits) -> None:
    """Refuse a zip that is not a workbook or would decompress into too much.

    Only the central directory is read: nothing is decompressed. Python's zipfile never yields
    more than a member's declared `file_size` (a member lying about it fails its CRC check), so
    the declared sizes judged here are real upper bounds for what openpyxl will read later.
    """
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise BulkFileError(_("文件已损坏，无法作为 Excel（.xlsx）文件打开。"), code="corrupt") from error
    if len(members) > limits.max_zip_members:
        raise _zip_bomb(
            _("压缩包内有 %(count)s 个文件，上限为 %(limit)s 个")
            % {"count": len(members), "limit": limits.max_zip_members}
        )
    names = {member.filename for member in members}
    _check_is_workbook(names)
    total = 0
    for member in members:
        _check_member(member, limits)
        total += member.file_size
    if total > limits.max_uncompressed_bytes:
        raise _zip_bomb(
            _("全部内容解压后有 %(size)s，上限为 %(limit)s")
            % {"size": _mb(total), "limit": _mb(limits.max_uncompressed_bytes)}
        )


def _check_is_workbook(names: set[str]) -> None:
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return
    if "xl/workbook.bin" in names:
        raise BulkFileError(_("不支持 Excel 二进制工作簿（.xlsb），请另存为 .xlsx 后上传。"), code="not_tabular")
    if "mimetype" in names and "content.xml" in names:
        raise BulkFileError(_("不支持 OpenDocument 表格（.ods），请另存为 .xlsx 后上传。"), code="not_tabular")
    raise not_tabular(_("其他类型的压缩包"))


def _check_member(member: zipfile.ZipInfo, limits: Limits) -> None:
    if member.flag_bits & 0x1:
        raise BulkFileError(_("文件已加密，请取消密码后另存为 .xlsx 再上传。"), code="encrypted")
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise BulkFileError(_("文件使用了不支持的压缩方式，请用 Excel 另存为 .xlsx 后上传。"), code="corrupt")
    limit = limits.max_sheet_bytes if is_worksheet(member.filename) else limits.max_part_bytes
    if member.file_size > limit:
        raise _zip_bomb(
            _("其中“%(part)s”解压后有 %(size)s，上限为 %(limit)s")
            % {"part": member.filename, "size": _mb(member.file_size), "limit": _mb(limit)}
        )
    if member.file_size > limits.ratio_floor_bytes:
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            raise _zip_bomb(
                _("其中“%(part)s”的压缩比为 %(ratio)d∶1，上限为 %(limit)d∶1")
                % {"part": member.filename, "ratio": ratio, "limit": limits.max_compression_ratio}
            )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _zip_bomb(detail: str = "") -> BulkFileError:
    return BulkFileError(
        _("文件解压后的内容异常庞大（疑似压缩炸弹）")
        + (_("：%(detail)s") % {"detail": detail} if detail else "")
        + _("，已拒绝处理。请检查文件，或拆分为多个文件上传。"),
        code="zip_bomb",
    )
