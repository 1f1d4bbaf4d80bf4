"""The public verification page /reports/verify/: by code, by the PDF itself, or both; a genuine
report, an altered one, an unknown code, and input that is no verification at all."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import ANONYMOUS_LABEL, AuditEvent
from inquiry.models import CreditReport
from inquiry.reports import forms as report_forms
from inquiry.reports.services import order_report

from .report_support import (  # noqa: F401  (fixtures)
    agent,
    company,
    company_records,
    company_report,
    report_bytes,
    report_catalog,
)

pytestmark = pytest.mark.django_db

VERIFY = "/reports/verify/"


def pdf_upload(content: bytes, name: str = "信用报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def altered(content: bytes) -> bytes:
    """The same PDF with one byte in the middle changed."""
    middle = len(content) // 2
    return content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1 :]


def shown_time(report: CreditReport) -> str:
    moment = timezone.localtime(report.generated_at)
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M:%S}"


def test_verify_page_is_public_at_its_contract_address(client):
    assert reverse("reports:verify") == VERIFY
    page = client.get(VERIFY)
    assert page.status_code == 200
    content = page.content.decode()
    assert "信用报告核验" in content and 'name="code"' in content and 'type="file"' in content


def test_the_genuine_pdf_passes(client, company_report):
    response = client.post(VERIFY, {"file": pdf_upload(report_bytes(company_report))})
    content = response.content.decode()
    assert "核验通过：该文件是南通信用网出具的信用报告原件，内容未被篡改。" in content
    for expected in (
        company_report.number,
        "南通海晟建设工程有限公司",
        shown_time(company_report),
        company_report.sha256,
    ):
        assert expected in content, expected


def test_a_pdf_with_one_byte_changed_fails(client, company_report):
    content = altered(report_bytes(company_report))
    response = client.post(VERIFY, {"file": pdf_upload(content)}).content.decode()
    assert "核验未通过：上传的文件与南通信用网出具的任何信用报告都不一致" in response
    assert "文件可能已被修改" in response
    assert company_report.number not in response  # nothing about the genuine report leaks


def test_code_and_an_altered_file_together_fail(client, company_report):
    response = client.post(
        VERIFY,
        {
            "code": company_report.verification_code,
            "file": pdf_upload(altered(report_bytes(company_report))),
        },
    ).content.decode()
    assert f"上传的文件与验证码“{company_report.verification_code}”对应的信用报告不一致" in response


def test_code_and_the_genuine_file_together_pass(client, company_report):
    response = client.post(
        VERIFY,
        {
            "code": company_report.verification_code.lower(),
            "file": pdf_upload(report_bytes(company_report)),
        },
    ).content.decode()
    assert "内容未被篡改" in response


def test_a_code_alone_names_the_report_and_suggests_checking_the_file(client, company_report):
    code = company_report.verification_code.replace("-", " ").lower()
    response = client.post(VERIFY, {"code": code}).content.decode()
    assert "核验通过：验证码有效" in response
    assert company_report.number in response and "南通海晟建设工程有限公司" in response
    assert shown_time(company_report) in response
    assert "请上传PDF文件核验" in response


def test_the_qr_code_link_verifies_at_once_with_the_code_filled_in(client, company_report):
    response = client.get(VERIFY, {"code": company_report.verification_code}).content.decode()
    assert "核验通过：验证码有效" in response
    assert f'value="{company_report.verification_code}"' in response


def test_an_unknown_code_fails(client, company_report):
    response = client.post(VERIFY, {"code": "2345-6789-ABCD"}).content.decode()
    assert "核验未通过：未找到验证码为“2345-6789-ABCD”的信用报告" in response


def test_the_code_of_a_report_not_generated_is_unknown(client, agent, company, company_records):
    report = order_report(user=agent, subject=company)
    response = client.post(VERIFY, {"code": report.verification_code}).content.decode()
    assert "未找到验证码" in response


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "请输入验证码，或上传报告PDF文件"),
        ({"code": "   "}, "请输入验证码，或上传报告PDF文件"),
        ({"code": "NTXY-20261127-000001"}, "验证码格式不正确"),
        ({"code": "ABC"}, "验证码格式不正确"),
    ],
)
def test_input_that_is_no_verification_gets_a_clear_error(client, data, message):
    response = client.post(VERIFY, data).content.decode()
    assert message in response
    assert "核验通过" not in response and "核验未通过" not in response
    assert not AuditEvent.objects.filter(action="report.verify").exists()


def test_a_file_that_is_not_a_pdf_is_refused(client):
    fake = SimpleUploadedFile("信用报告.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post(VERIFY, {"file": fake}).content.decode()
    assert "请上传PDF格式的信用报告" in response
    empty = client.post(VERIFY, {"file": SimpleUploadedFile("空.pdf", b"")}).content.decode()
    assert "提交的是空文件" in empty


def test_an_oversized_file_is_refused(client, monkeypatch):
    monkeypatch.setattr(report_forms, "VERIFY_MAX_BYTES", 1024)
    response = client.post(VERIFY, {"file": pdf_upload(b"%PDF-1.7\n" + b"0" * 2048)}).content.decode()
    assert "文件大小超过1 KB，不是平台出具的信用报告" in response


def test_every_check_is_audited(client, company_report):
    client.post(VERIFY, {"file": pdf_upload(altered(report_bytes(company_report)))})
    client.post(VERIFY, {"code": company_report.verification_code})
    events = list(AuditEvent.objects.filter(action="report.verify").order_by("id"))
    assert [event.after["outcome"] for event in events] == ["file_unknown", "genuine_code"]
    assert all(event.actor_label == ANONYMOUS_LABEL for event in events)
    assert events[0].object_id == "" and events[1].object_id == str(company_report.pk)
    assert len(events[0].after["sha256"]) == 64


def test_guessing_codes_is_rate_limited_per_address(client, company_report, settings):
    settings.PUBLIC_VERIFY_RATE = "3/m"
    for guess in ("2345-6789-ABCD", "2345-6789-ABCE", "ABC"):  # an invalid attempt counts too
        assert client.post(VERIFY, {"code": guess}, REMOTE_ADDR="203.0.113.7").status_code == 200
    refused = client.post(VERIFY, {"code": company_report.verification_code}, REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert "查询过于频繁，请稍后再试" in refused.content.decode()
    assert "核验通过" not in refused.content.decode()
    assert AuditEvent.objects.filter(action="report.verify").count() == 2  # the refused one is not checked
    other = client.post(VERIFY, {"code": company_report.verification_code}, REMOTE_ADDR="198.51.100.20")
    assert "核验通过：验证码有效" in other.content.decode()


def test_opening_the_verification_page_is_not_counted(client, settings):
    settings.PUBLIC_VERIFY_RATE = "1/m"
    for _ in range(3):
        assert client.get(VERIFY, REMOTE_ADDR="203.0.113.7").status_code == 200
