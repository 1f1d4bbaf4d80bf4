"""Data and helpers of the objection tests: a small catalog, a company with its agent, records
submitted through the real pipeline, and cases moved through the real services."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from collection.models import Channel, CreditRecord
from collection.services.records import submit_record
from collection.tests.account_support import image_bytes, pdf_bytes
from collection.tests.factories import make_ric
from nantong_credit.uploads import check_upload
from objections import services
from objections.paper import PaperApplicant

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "Nt-registr-2026!"


def at(text: str) -> dt.datetime:
    """An aware moment in Nantong's time: at("2026-09-28 10:00")."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def midnight_after(day: str) -> dt.datetime:
    """24:00 of `day` (Asia/Shanghai), as a deadline is stored."""
    return dt.datetime.combine(dt.date.fromisoformat(day) + dt.timedelta(days=1), dt.time(0), tzinfo=SHANGHAI)


def penalty_data(number: str = "通市监罚〔2026〕101号", **extra) -> dict:
    return {
        "decision_no": number,
        "penalty_type": "罚款",
        "penalty_amount": "2.5",
        "decision_date": "2026-09-01",
        "basis": "《中华人民共和国广告法》第五十五条",
        **extra,
    }


def license_data(number: str = "通行审许〔2026〕88号", **extra) -> dict:
    return {"license_no": number, "license_type": "普通", "decision_date": "2026-08-03", **extra}


def subject_payload(subject) -> dict:
    return {"kind": subject.kind, "name": subject.name, "identifier": subject.code}


def submit_penalty(provider, subject, number: str = "通市监罚〔2026〕101号", **extra) -> CreditRecord:
    return submit_record(
        provider=provider,
        item_code="admin_penalty",
        source_key=number,
        subject=subject_payload(subject),
        data=penalty_data(number, **extra),
        channel=Channel.API,
    ).record


def submit_license(provider, subject, number: str = "通行审许〔2026〕88号") -> CreditRecord:
    return submit_record(
        provider=provider,
        item_code="admin_license",
        source_key=number,
        subject=subject_payload(subject),
        data=license_data(number),
        channel=Channel.API,
    ).record


def pdf_file(name: str = "缴款凭证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes("缴款凭证"), content_type="application/pdf")


def png_file(name: str = "现场照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def evidence(*files) -> list:
    return [check_upload(f) for f in (files or (pdf_file(),))]


STATEMENT = "该处罚决定已于2026年9月10日被南通市人民政府行政复议决定撤销，平台仍显示为有效，特此提出异议。"


def file_case(agent, subject, records, statement: str = STATEMENT):
    return services.file_objection(
        applicant=agent, subject=subject, records=list(records), statement=statement, evidence=evidence()
    )


def referred_case(agent, subject, records, clerk):
    objection, _code = file_case(agent, subject, records)
    return services.refer_objection(objection=objection, actor=clerk, note="系信息提供单位报送")


# --- Written applications received on paper ---------------------------------------------------------

# 周明华, who brings the company's written objection to the counter as its agent (born 1978-05-05).
ZHOU_ID = make_ric("32060219780505231")
PHONE = "13962800123"


def paper_applicant(**overrides) -> PaperApplicant:
    values = {
        "name": "周明华",
        "role": "agent",
        "id_kind": "resident_id",
        "id_number": ZHOU_ID,
        "phone": PHONE,
        "address": "南通市崇川区工农路1号",
    }
    return PaperApplicant(**{**values, **overrides})


def record_paper_case(
    clerk,
    subject,
    records,
    *,
    channel: str = "counter",
    received_on=None,
    applicant=None,
    authorization=True,
    **overrides,
):
    arguments = {
        "clerk": clerk,
        "subject": subject,
        "records": list(records),
        "statement": STATEMENT,
        "applicant": applicant or paper_applicant(),
        "channel": channel,
        "received_on": received_on or timezone.localdate(),
        "application": check_upload(pdf_file("书面异议申请.pdf")),
        "authorization": check_upload(pdf_file("授权委托书.pdf")) if authorization else None,
        "evidence": evidence(),
        **overrides,
    }
    return services.record_paper_objection(**arguments)
