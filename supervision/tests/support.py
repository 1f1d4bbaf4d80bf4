"""Helpers of supervision's tests: records late or on time, objections in each state, cases
through their steps, and documents (PDF, DOCX, hostile ones)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from collection.tests.factories import CreditRecordFactory
from nantong_credit.demo.evidence import demo_pdf
from objections.models import Objection, ObjectionRecord
from supervision.accountability import services

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def record(item, subject, *, received: dt.date, due: dt.date | None = None, provider=None, **extra):
    late = due is not None and received > due
    return CreditRecordFactory(
        catalog_item=item,
        subject=subject,
        provider=provider or item.providers.first(),
        received_at=at(received),
        due_on=due,
        is_late=late,
        **extra,
    )


_objections = iter(range(1, 10_000))


def objection(applicant, rec, **fields) -> Objection:
    n = next(_objections)
    now = timezone.now()
    case = Objection.objects.create(
        number=f"YY2026{n:06d}",
        follow_up_code_hash="x",
        subject=rec.subject,
        applicant=applicant,
        provider=rec.provider,
        statement="记录有误",
        received_at=fields.pop("received_at", now),
        center_due_at=now + dt.timedelta(days=7),
        **fields,
    )
    ObjectionRecord.objects.create(objection=case, record=rec)
    return case


def open_case(commission, provider, *, date_from=dt.date(2026, 1, 1), date_to=None, **extra):
    return services.open_case(
        actor=commission,
        provider=provider,
        grounds=extra.pop("grounds", ["late", "wrong"]),
        period_from=date_from,
        period_to=date_to or timezone.localdate(),
        facts=extra.pop("facts", "多条行政处罚信息逾期报送。"),
        **extra,
    )


def pdf_upload(name: str = "制度.pdf", title: str = "实施办法") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_pdf(title, ["第一条 ……"]), content_type="application/pdf")


def docx_bytes(*, macro: bool = False, extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>第一条</w:document>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_upload(name: str = "规程.docx", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, docx_bytes(**kwargs))
