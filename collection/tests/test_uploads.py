"""Evidence files are judged by their content: type, integrity and size (issue 3)."""

import io
import zipfile

import pytest
from PIL import Image

from nantong_credit.uploads import JPEG, PDF, PNG, UploadRejected, check_upload, display_name, download_name

from .account_support import image_bytes, pdf_bytes, upload

# The start of a Windows executable ("MZ" header and DOS stub).
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode."
)


def test_it_accepts_a_pdf_a_png_and_a_jpeg_by_their_content():
    assert check_upload(upload("执照.pdf", pdf_bytes())).file_type is PDF
    assert check_upload(upload("委托书.png", image_bytes("PNG"))).file_type is PNG
    checked = check_upload(upload("证书.jpg", image_bytes("JPEG")))
    assert checked.file_type is JPEG and checked.content_type == "image/jpeg"
    assert len(checked.sha256) == 64 and checked.size > 0


def test_it_refuses_an_executable_renamed_pdf():
    with pytest.raises(UploadRejected) as refused:
        check_upload(upload("营业执照.pdf", EXE, "application/pdf"))
    assert "“营业执照.pdf”不是PDF、JPEG或PNG文件" in refused.value.message
    assert "修改扩展名无效" in refused.value.message


def test_it_refuses_a_text_file_renamed_png():
    with pytest.raises(UploadRejected, match="不是PDF、JPEG或PNG文件"):
        check_upload(upload("委托书.png", "这是一段文字，不是图片。".encode(), "image/png"))


def test_it_refuses_an_office_document_or_zip_renamed_pdf():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(UploadRejected, match="不是PDF、JPEG或PNG文件"):
        check_upload(upload("执照.pdf", buffer.getvalue()))


def test_it_refuses_a_file_with_only_a_png_signature():
    with pytest.raises(UploadRejected, match="已损坏或不是有效的PNG图片"):
        check_upload(upload("假图片.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20))


def test_it_refuses_a_truncated_jpeg():
    content = image_bytes("JPEG", size=(400, 300))
    with pytest.raises(UploadRejected, match="已损坏或不是有效的JPEG图片"):
        check_upload(upload("证书.jpg", content[: len(content) // 2]))


def test_it_refuses_an_image_with_an_absurd_pixel_count():
    # A tiny PNG whose header claims 20000 x 20000 pixels: a decompression bomb.
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    with pytest.raises(UploadRejected, match="像素过多"):
        check_upload(upload("扫描件.png", buffer.getvalue()))


def test_it_refuses_a_pdf_without_its_end_marker():
    with pytest.raises(UploadRejected, match="不是完整的PDF文件"):
        check_upload(upload("执照.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\n"))


def test_it_refuses_an_empty_file():
    with pytest.raises(UploadRejected, match="是空文件"):
        check_upload(upload("执照.pdf", b""))


def test_it_refuses_a_file_over_ten_megabytes(settings):
    content = pdf_bytes()[:-7] + b" " * (10 * 1024 * 1024) + b"\n%%EOF\n"
    with pytest.raises(UploadRejected) as refused:
        check_upload(upload("执照.pdf", content))
    assert "超过单个文件10 MB的上限" in refused.value.message


def test_the_limit_can_be_set(settings):
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(UploadRejected, match="上限"):
        check_upload(upload("证书.png", image_bytes("PNG", size=(200, 200))))


def test_a_jpeg_named_png_is_kept_as_a_jpeg():
    checked = check_upload(upload("证书.png", image_bytes("JPEG")))
    assert checked.file_type is JPEG
    assert checked.download_name() == "证书.jpg"
    assert checked.storage_name().endswith(".jpg") and "证书" not in checked.storage_name()


def test_names_lose_directories_and_control_characters():
    assert display_name("C:\\Users\\王\\..\\营业执照.pdf") == "营业执照.pdf"
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("执照\r\n.pdf") == "执照.pdf"
    assert download_name("", "pdf") == "未命名文件.pdf"


def test_a_request_larger_than_all_files_together_is_refused_unread(client, settings, db, user_with_role):
    from django.urls import reverse

    from nantong_credit import roles

    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(user_with_role("lixm", roles.SUBJECT_USER))
    content = pdf_bytes()[:-7] + b" " * (3 * 1024 * 1024) + b"\n%%EOF\n"
    response = client.post(reverse("account:binding_new"), {"licence": upload("执照.pdf", content)})
    assert response.status_code == 413
    assert "上传的文件总大小超过" in response.content.decode()


def test_it_refuses_truncated_images_even_once_weasyprint_is_loaded():
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when imported (as the report
    # renderer does in the same process); a cut-off scan must still be refused.
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    for kind, label in (("JPEG", "JPEG"), ("PNG", "PNG")):
        content = image_bytes(kind, size=(400, 300))
        with pytest.raises(UploadRejected, match=f"已损坏或不是有效的{label}图片"):
            check_upload(upload(f"证书.{kind.lower()}", content[: len(content) // 2]))
