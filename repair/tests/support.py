"""Building blocks of the repair tests: providers with staff, a published 行政处罚 item, a
company with a bound agent, dishonesty records, sample files, and applications made through the
real service."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.disclosure import DisclosurePeriod, dated_window
from collection.models import CreditRecord, Severity, SubjectBinding
from collection.tests.factories import CreditRecordFactory
from nantong_credit.uploads import check_upload
from repair.services import apply_for_repair

D = dt.date
MAY_6 = D(2026, 5, 6)
PASSWORD = "Nt-test-password-1"


def pdf_bytes(text: str = "整改报告") -> bytes:
    body = f"1 0 obj<< /Title ({text.encode('unicode_escape').decode()}) >>endobj\n".encode()
    return b"%PDF-1.4\n" + body + b"trailer<< /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str = "整改报告.pdf", content: bytes | None = None, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, content_type=content_type)


def bind(user, subject) -> SubjectBinding:
    return SubjectBinding.objects.create(user=user, subject=subject, status=SubjectBinding.Status.APPROVED)


def penalty_record(
    item,
    subject,
    *,
    severity: str = Severity.GENERAL,
    decided: dt.date = MAY_6,
    repairable_from: dt.date | None = None,
    ends_on: dt.date | None = None,
    stated_necessary: bool = False,
    **extra,
) -> CreditRecord:
    """A 行政处罚 record with the disclosure window the 2026 rule gives its grade: a 轻微 one is
    withheld unless the provider `stated_necessary` to publish it."""
    minimum, maximum = {Severity.LIGHT: (0, 3), Severity.GENERAL: (3, 12), Severity.SERIOUS: (12, 36)}[severity]
    withheld = severity == Severity.LIGHT and not stated_necessary
    window = dated_window(DisclosurePeriod(minimum, maximum, severity, withheld=withheld), decided)
    data = {"decision_date": decided.isoformat()}
    if stated_necessary:
        data.update(publication_necessary=True, publication_reason="一年内多次违法，确需公示")
    return CreditRecordFactory(
        catalog_item=item,
        subject=subject,
        severity=severity,
        decision_date=decided,
        data=data,
        repairable_from=repairable_from or window.repairable_from,
        publication_withheld=window.withheld,
        disclosure_ends_on=ends_on or window.ends_on,
        **extra,
    )


def apply(applicant, record, *, files=None, **overrides):
    """An application through the service, as the form would submit it."""
    values = {
        "rectification": "已全额缴纳罚款，完成整改并组织员工培训。",
        "not_intentional": True,
        "commitment_text": "本单位承诺守法诚信经营，如有虚假愿承担责任。",
        "evidence": [check_upload(f) for f in (files or [upload()])],
    }
    values.update(overrides)
    return apply_for_repair(applicant=applicant, record=record, **values)


def form_data(**overrides) -> dict:
    data = {
        "rectification": "已全额缴纳罚款，完成整改并组织员工培训。",
        "not_intentional": "on",
        "commitment_text": "本单位承诺守法诚信经营，如有虚假愿承担责任。",
        "evidence": [upload()],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
