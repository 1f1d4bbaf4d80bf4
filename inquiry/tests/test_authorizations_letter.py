"""Authorized queries backed by a signed letter that a clerk checks (Art. 11 书面授权证明)."""

import hashlib
from pathlib import Path

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from catalog.models import Category
from inquiry.authorizations.services import AuthorizationError, grant_authorization, submit_letter
from inquiry.models import Authorization
from nantong_credit.models import Notification
from nantong_credit.uploads import check_upload

from .authorization_support import (  # noqa: F401  (fixtures)
    HAISHENG_USCC,
    agent,
    company,
    company_records,
    government_user,
    inquiry_catalog,
    later,
    other_requester,
    pdf_upload,
    provider,
    requester,
    upload,
)

pytestmark = pytest.mark.django_db
NEW = reverse("authorizations:new")
QUEUE = reverse("authorization_office:letters")
Status = Authorization.Status


def office(name: str, authorization) -> str:
    return reverse(f"authorization_office:{name}", args=[authorization.pk])


@pytest.fixture
def letter(requester, company):
    return submit_letter(
        requester=requester,
        subject=company,
        purpose="银行授信审查",
        categories=[Category.RATING],
        valid_until=later(60),
        letter=check_upload(pdf_upload("海晟纺织授权书.pdf")),
    )


def stored_files(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


# --- Submitting -------------------------------------------------------------------------------


def test_the_requester_uploads_a_letter_kept_with_its_hash(client, requester, company, agent, settings):
    client.force_login(requester)
    content = pdf_upload("授权书.pdf")
    digest = hashlib.sha256(content.read()).hexdigest()
    content.seek(0)
    page = client.post(
        NEW,
        {
            "kind": "organisation",
            "code": HAISHENG_USCC,
            "purpose": "银行授信审查",
            "categories": [Category.RATING],
            "valid_until": later(60).isoformat(),
            "method": "letter",
            "letter": content,
        },
        follow=True,
    ).content.decode()
    authorization = Authorization.objects.get()
    assert (authorization.method, authorization.status) == (Authorization.Method.LETTER, Status.REQUESTED)
    assert (authorization.letter_name, authorization.letter_sha256) == ("授权书.pdf", digest)
    assert authorization.letter_file.name.endswith(".pdf") and "授权书" not in authorization.letter_file.name
    assert "市公共信用信息中心核对后即可查询" in page
    # The subject hears of a letter in its name at once.
    assert Notification.objects.filter(recipient=agent, title__contains="书面授权书").exists()
    event = AuditEvent.objects.get(action="authorization.request")
    assert event.after["letter_sha256"] == digest
    response = client.get(reverse("authorizations:letter", args=[authorization.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_a_letter_that_is_not_a_pdf_or_image_is_refused_and_nothing_kept(client, requester, company, settings):
    client.force_login(requester)
    fake = upload("授权书.pdf", b"MZ\x90\x00 this is a program", "application/pdf")
    page = client.post(
        NEW,
        {
            "kind": "organisation",
            "code": HAISHENG_USCC,
            "purpose": "银行授信审查",
            "categories": [Category.RATING],
            "valid_until": later(60).isoformat(),
            "method": "letter",
            "letter": fake,
        },
        follow=True,
    ).content.decode()
    assert "不是PDF、JPEG或PNG文件" in page
    assert not Authorization.objects.exists() and stored_files(settings) == []


def test_choosing_a_letter_without_uploading_one_is_explained(client, requester, company):
    client.force_login(requester)
    page = client.post(
        NEW,
        {
            "kind": "organisation",
            "code": HAISHENG_USCC,
            "purpose": "银行授信审查",
            "categories": [Category.RATING],
            "valid_until": later(60).isoformat(),
            "method": "letter",
        },
    ).content.decode()
    assert "请上传信息主体签署的授权书" in page and not Authorization.objects.exists()


def test_a_letter_works_for_a_subject_without_accounts(requester, company):
    authorization = submit_letter(
        requester=requester,
        subject=company,
        purpose="招标资格审查",
        categories=[Category.REGULATORY],
        valid_until=later(5),
        letter=check_upload(pdf_upload()),
    )
    assert authorization.status == Status.REQUESTED


# --- The clerk's review -----------------------------------------------------------------------


def test_the_clerk_sees_the_queue_and_approves_with_the_letters_scope(
    client, clerk, requester, letter, company_records
):
    client.force_login(clerk)
    assert "南通海晟纺织有限公司" in client.get(QUEUE).content.decode()
    page = client.get(office("detail", letter)).content.decode()
    assert "银行授信审查" in page and letter.letter_sha256 in page
    file_response = client.get(office("letter", letter))
    assert file_response.status_code == 200 and "no-store" in file_response["Cache-Control"]
    response = client.post(
        office("approve", letter),
        {
            "approve-letter_checked": "on",
            "approve-categories": [Category.RATING, Category.COMMENDATION],
            "approve-valid_until": later(45).isoformat(),
            "approve-note": "授权书加盖公章，范围含良好信息类",
        },
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.status, letter.decided_by, letter.valid_until) == (Status.GRANTED, clerk, later(45))
    assert letter.categories == [Category.COMMENDATION, Category.RATING]
    assert Notification.objects.filter(recipient=requester, title__contains="已同意").exists()
    client.force_login(requester)
    page = client.get(reverse("authorizations:detail", args=[letter.pk])).content.decode()
    assert "纳税信用等级事项" in page and "荣誉表彰事项" in page and "行政处罚事项" not in page


def test_approving_without_confirming_the_check_changes_nothing(client, clerk, letter):
    client.force_login(clerk)
    response = client.post(
        office("approve", letter),
        {"approve-categories": [Category.RATING], "approve-valid_until": later(45).isoformat()},
    )
    assert response.status_code == 400
    assert "请确认已核对书面授权书" in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == Status.REQUESTED


def test_the_clerk_rejects_with_a_reason_the_requester_reads(client, clerk, requester, letter):
    client.force_login(clerk)
    response = client.post(office("reject", letter), {"reason": "授权书未加盖公章"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.status, letter.decision_note) == (Status.REFUSED, "授权书未加盖公章")
    notice = Notification.objects.get(recipient=requester)
    assert "书面授权书未通过审核" in notice.title and "授权书未加盖公章" in notice.body
    assert AuditEvent.objects.filter(action="authorization.reject_letter", actor=clerk).exists()


def test_a_rejection_needs_a_reason(client, clerk, letter):
    client.force_login(clerk)
    response = client.post(office("reject", letter), {"reason": ""})
    assert response.status_code == 400
    letter.refresh_from_db()
    assert letter.status == Status.REQUESTED


def test_a_letter_decided_by_one_clerk_cannot_be_decided_again(client, clerk, letter):
    client.force_login(clerk)
    client.post(office("reject", letter), {"reason": "授权书签字不清"})
    page = client.post(
        office("approve", letter),
        {
            "approve-letter_checked": "on",
            "approve-categories": [Category.RATING],
            "approve-valid_until": later(45).isoformat(),
        },
        follow=True,
    ).content.decode()
    assert "当前状态为“未获授权”" in page
    letter.refresh_from_db()
    assert letter.status == Status.REFUSED


@pytest.mark.parametrize("who", ["requester", "agent", "government_user", "nobody"])
def test_only_clerks_review_letters(client, letter, who, request):
    client.force_login(request.getfixturevalue(who))
    for url in (QUEUE, office("detail", letter), office("letter", letter)):
        assert client.get(url).status_code == 403, url
    response = client.post(
        office("approve", letter),
        {
            "approve-letter_checked": "on",
            "approve-categories": [Category.RATING],
            "approve-valid_until": later(45).isoformat(),
        },
    )
    assert response.status_code == 403
    assert client.post(office("reject", letter), {"reason": "x"}).status_code == 403
    letter.refresh_from_db()
    assert letter.status == Status.REQUESTED


def test_the_subject_cannot_grant_a_letter_request_online(agent, letter):
    with pytest.raises(AuthorizationError, match="书面授权书"):
        grant_authorization(authorization=letter, actor=agent, categories=[Category.RATING], valid_until=later(5))


def test_the_subject_can_revoke_a_consent_given_by_letter(client, clerk, agent, letter):
    client.force_login(clerk)
    client.post(
        office("approve", letter),
        {
            "approve-letter_checked": "on",
            "approve-categories": [Category.RATING],
            "approve-valid_until": later(45).isoformat(),
        },
    )
    client.force_login(agent)
    client.post(reverse("my_credit:revoke", args=[letter.subject_id, letter.pk]))
    letter.refresh_from_db()
    assert letter.status == Status.REVOKED


def test_another_requester_cannot_download_the_letter(client, other_requester, letter):
    client.force_login(other_requester)
    assert client.get(reverse("authorizations:letter", args=[letter.pk])).status_code == 404
