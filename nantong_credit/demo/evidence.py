"""Evidence files for the demo cases: small one-page PDFs, made here, that pass the same upload
checks as a scan people upload (`nantong_credit.uploads.check_upload`).

The text is set in STSong-Light, one of the standard Chinese fonts every PDF reader supplies
itself (Adobe-GB1), so the files need no embedded font and stay a few kilobytes.
"""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from nantong_credit.uploads import CheckedUpload, check_upload

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN = 72
TITLE_SIZE, BODY_SIZE = 16, 11
LINE_EMS = 40  # full-width characters of BODY_SIZE between the margins
DEMO_FOOTER = "（南通信用网演示材料，非真实文件）"

_FONT_OBJECTS = [
    "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [5 0 R] >>",
    "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
    " /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >>"
    " /FontDescriptor 6 0 R /DW 1000 /W [1 95 500] >>",
    "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
    " /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
]


@dataclass(frozen=True)
class EvidenceSpec:
    name: str
    title: str
    lines: list[str]


def scan(spec: EvidenceSpec) -> CheckedUpload:
    return evidence_file(spec.name, spec.title, spec.lines)


def evidence_file(name: str, title: str, lines: list[str]) -> CheckedUpload:
    """`name` as the applicant would have called the scan, checked like any upload."""
    upload = SimpleUploadedFile(name, demo_pdf(title, lines), content_type="application/pdf")
    return check_upload(upload)


def demo_pdf(title: str, lines: list[str]) -> bytes:
    content = _page_content(title, lines)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}]"
        " /Resources << /Font << /F1 4 0 R >> >> /Contents 7 0 R >>",
        *_FONT_OBJECTS,
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    offsets.append(len(out))
    out += f"{len(objects) + 1} 0 obj\n<< /Length {len(content)} >>\nstream\n".encode("ascii")
    out += content + b"\nendstream\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("ascii")
    out += f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return bytes(out)


def _page_content(title: str, lines: list[str]) -> bytes:
    y = PAGE_HEIGHT - MARGIN
    title_x = max(MARGIN, (PAGE_WIDTH - len(title) * TITLE_SIZE) // 2)
    parts = [f"BT /F1 {TITLE_SIZE} Tf {title_x} {y} Td <{_hex(title)}> Tj ET"]
    y -= TITLE_SIZE * 3
    for paragraph in [*lines, "", DEMO_FOOTER]:
        for line in _wrap(paragraph) or [""]:
            if line:
                parts.append(f"BT /F1 {BODY_SIZE} Tf {MARGIN} {y} Td <{_hex(line)}> Tj ET")
            y -= int(BODY_SIZE * 1.8)
    return "\n".join(parts).encode("ascii")


def _wrap(text: str) -> list[str]:
    """Lines of at most `LINE_EMS`: a Chinese character is one em wide, an ASCII one half."""
    lines, line, width = [], "", 0.0
    for char in text:
        step = 0.5 if char.isascii() else 1.0
        if width + step > LINE_EMS:
            lines.append(line)
            line, width = "", 0.0
        line, width = line + char, width + step
    return [*lines, line] if line else lines


def _hex(text: str) -> str:
    # UniGB-UCS2-H reads two bytes per character: Chinese text of the basic plane only.
    return text.encode("utf-16-be").hex().upper()
