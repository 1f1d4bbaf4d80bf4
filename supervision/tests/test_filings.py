"""Filings (备案, Art. 12 and 18): a department files, the commission accepts (备案号, archive) or
returns; hostile documents are refused with a clear message; the public list; the reminders."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from audit.models import ArchiveEntry, AuditEvent
from nantong_credit import roles
from nantong_credit.models import Notification
from supervision.filings import reminders
from supervision.filings.models import Filing, FilingKind, FilingReminder
from supervision.filings.services import FilingError, accept_filing, return_filing, submit_filing
from supervision.filings.uploads import check_document

from .support import docx_bytes, docx_upload, pdf_upload

pytestmark = pytest.mark.django_db
FILINGS = reverse("supervision_office:filings")


def file(client, **overrides):
    data = {
        "provider": overrides.pop("provider"),
        "kind": FilingKind.USAGE_RULES,
        "title": "公共信用信息使用实施办法",
        "effective_on": "2026-03-01",
        "document": pdf_upload(),
    }
    data.update(overrides)
    return client.post(FILINGS, data)


def submitted(staff, provider, kind=FilingKind.USAGE_RULES, upload=None):
    return submit_filing(
        actor=staff,
        provider=provider,
        kind=kind,
        title="公共信用信息使用实施办法",
        effective_on=dt.date(2026, 3, 1),
        document=check_document(upload or pdf_upload()),
    )


def test_a_department_files_and_the_commission_accepts(client, scjgj, scjgj_staff, commission, rsj_staff):
    client.force_login(scjgj_staff)
    assert file(client, provider=scjgj.pk).status_code == 302
    filing = Filing.objects.get()
    assert (filing.version, filing.status, filing.filed_by) == (1, "submitted", scjgj_staff)
    assert Notification.objects.filter(recipient=commission, title__contains="新的备案文件").exists()
    filing = accept_filing(filing=filing, actor=commission)
    assert filing.status == "accepted" and filing.number.startswith("通工信备〔") and filing.number.endswith("001")
    entry = ArchiveEntry.objects.get(object_type="supervision.filing", object_id=str(filing.pk))
    assert entry.kind == "official_document" and entry.sha256 == filing.sha256 == entry.sha256
    assert filing.archive_number == entry.number
    assert Notification.objects.filter(recipient=scjgj_staff, title__contains="已备案").exists()
    assert not Notification.objects.filter(recipient=rsj_staff).exists()
    actions = set(AuditEvent.objects.filter(object_type="supervision.filing").values_list("action", flat=True))
    assert actions == {"filing.submit", "filing.accept"}


def test_returned_then_filed_again_as_a_new_version(scjgj, scjgj_staff, commission):
    first = submitted(scjgj_staff, scjgj)
    with pytest.raises(FilingError, match="待审核"):
        submitted(scjgj_staff, scjgj)
    with pytest.raises(FilingError, match="退回理由"):
        return_filing(filing=first, actor=commission, reason="")
    first = return_filing(filing=first, actor=commission, reason="缺少信用承诺的适用情形")
    assert first.status == "returned"
    message = Notification.objects.get(recipient=scjgj_staff, title__contains="退回")
    assert "缺少信用承诺的适用情形" in message.body
    with pytest.raises(FilingError, match="不能再审核"):
        accept_filing(filing=first, actor=commission)
    second = submitted(scjgj_staff, scjgj, upload=docx_upload())
    assert second.version == 2 and second.content_type.endswith("wordprocessingml.document")


def test_only_for_ones_own_department(client, scjgj, rsj, scjgj_staff, rsj_staff):
    client.force_login(rsj_staff)
    response = file(client, provider=scjgj.pk)
    assert response.status_code == 400 and not Filing.objects.exists()
    filing = submitted(scjgj_staff, scjgj)
    assert client.get(reverse("supervision_office:filing_detail", args=[filing.pk])).status_code == 404
    assert client.get(reverse("supervision_office:filing_document", args=[filing.pk])).status_code == 404


def test_wrong_roles_are_refused(client, scjgj, scjgj_staff, clerk):
    filing = submitted(scjgj_staff, scjgj)
    client.force_login(clerk)
    assert client.get(FILINGS).status_code == 403
    assert client.get(reverse("supervision_office:filing_review")).status_code == 403
    client.force_login(scjgj_staff)
    assert client.get(reverse("supervision_office:filing_review")).status_code == 403
    assert client.post(reverse("supervision_office:filing_accept", args=[filing.pk])).status_code == 403


def test_a_government_user_files_for_the_department_it_belongs_to(client, scjgj, user_with_role):
    officer = user_with_role("shilp", roles.GOVERNMENT_USER)
    client.force_login(officer)
    assert "未关联任何部门" in client.get(FILINGS).content.decode()
    scjgj.staff.add(officer)
    assert file(client, provider=scjgj.pk).status_code == 302
    assert Filing.objects.get().filed_by == officer


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("办法.exe", b"MZ\x90\x00program", "不是PDF或Word"),
        ("办法.pdf", b"MZ\x90\x00program", "不是有效的PDF或Word"),
        ("办法.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "不是PDF或Word"),
        ("办法.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "旧版Word"),
        ("办法.docx", docx_bytes(macro=True), "包含宏"),
        ("办法.docx", b"PK\x03\x04 not really a zip", "已损坏"),
        ("办法.docx", docx_bytes(extra={"word/media/bomb.xml": b"0" * (20 * 1024 * 1024)}), "压缩炸弹"),
        ("办法.pdf", b"%PDF-1.7\n1 0 obj\n", "不是完整的PDF"),
        ("办法.pdf", b"", "空文件"),
        ("办法.docx", b"%PDF-1.4\n%%EOF\n", "内容是PDF"),
    ],
)
def test_hostile_documents_are_refused_with_a_clear_message(client, scjgj, scjgj_staff, name, content, message):
    client.force_login(scjgj_staff)
    response = file(client, provider=scjgj.pk, document=SimpleUploadedFile(name, content), title="我的办法")
    text = response.content.decode()
    assert response.status_code == 400 and message in text, text[-2000:]
    assert "我的办法" in text  # what was typed is kept
    assert not Filing.objects.exists()


def test_the_public_list(client, scjgj, rsj, scjgj_staff, commission):
    accepted = accept_filing(filing=submitted(scjgj_staff, scjgj), actor=commission)
    submitted(scjgj_staff, scjgj, kind=FilingKind.PROCEDURES)
    page = client.get("/filings/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "《公共信用信息使用实施办法》" in text and accepted.number in text
    assert "新版本审核中" in text
    assert "1</strong> 个部门已有备案文件，<strong>1</strong> 个部门尚未备案" in text
    assert rsj.name in text
    download = client.get(f"/filings/{accepted.pk}/document/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_only_accepted_documents_are_public(client, scjgj, scjgj_staff, commission):
    pending = submitted(scjgj_staff, scjgj)
    assert client.get(f"/filings/{pending.pk}/document/").status_code == 404
    returned = return_filing(filing=pending, actor=commission, reason="请补充")
    assert client.get(f"/filings/{returned.pk}/document/").status_code == 404
    assert "请补充" not in client.get("/filings/").content.decode()


def test_the_reminder_is_sent_once_per_interval(scjgj, rsj, scjgj_staff, rsj_staff, commission):
    accept_filing(filing=submitted(scjgj_staff, scjgj), actor=commission)
    accept_filing(filing=submitted(scjgj_staff, scjgj, kind=FilingKind.PROCEDURES), actor=commission)
    with freeze_time("2026-10-12 09:30:00+08:00"):
        assert reminders.sweep() == {"reminded": 1}  # rsj only: scjgj has both in force
        assert reminders.sweep() == {"reminded": 0}
    message = Notification.objects.get(recipient=rsj_staff)
    assert "使用实施办法" in message.body and "内部工作程序" in message.body
    assert not Notification.objects.filter(recipient=scjgj_staff, title__contains="请报送").exists()
    with freeze_time("2026-11-01 09:30:00+08:00"):
        assert reminders.sweep() == {"reminded": 0}
    with freeze_time("2026-11-12 09:30:00+08:00"):
        assert reminders.sweep() == {"reminded": 1}
    assert FilingReminder.objects.filter(provider=rsj).count() == 2


def test_a_returned_filing_not_filed_again_is_reminded(scjgj, scjgj_staff, commission):
    accept_filing(filing=submitted(scjgj_staff, scjgj, kind=FilingKind.PROCEDURES), actor=commission)
    waiting = submitted(scjgj_staff, scjgj)
    assert reminders.sweep() == {"reminded": 0}  # one waits for review, one is in force
    return_filing(filing=waiting, actor=commission, reason="请补充")
    assert reminders.sweep() == {"reminded": 1}
    assert FilingReminder.objects.get().kinds == [FilingKind.USAGE_RULES]


def test_the_public_list_may_be_read_from_a_replica():
    from nantong_credit.db_routers import REPLICA_READ_VIEWS

    assert "filings_public" in REPLICA_READ_VIEWS
