"""Binding an account to an organisation with evidence a clerk checks (issue 3, SPEC §1)."""

import hashlib
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from catalog.models import SubjectKind
from collection.accounts.registration import IdentityMethod, verify_identity
from collection.bindings import BINDING_TRANSITIONS, BindingError, approve_binding, reject_binding
from collection.models import BindingEvidence, Subject, SubjectBinding
from nantong_credit import roles

from .account_support import (  # noqa: F401  (fixtures)
    HAISHENG_USCC,
    LI_ID,
    WANG_ID,
    company,
    evidence_file,
    image_bytes,
    pdf_bytes,
    pdf_upload,
    png_upload,
    register,
    request_company_binding,
    upload,
)
from .factories import make_ric, make_uscc, wrong_check
from .test_uploads import EXE

pytestmark = pytest.mark.django_db
NEW = reverse("account:binding_new")
Status = SubjectBinding.Status
Kind = BindingEvidence.Kind


@pytest.fixture
def applicant(clerk):
    """王建国, verified, not yet bound to any organisation."""
    user = register("wangjg", WANG_ID, "王建国")
    verify_identity(user=user, actor=clerk, method=IdentityMethod.PAPERS)
    user.refresh_from_db()
    return user


@pytest.fixture
def pending(applicant, company):
    return request_company_binding(applicant, company)


def requests():
    """Bindings asked for with evidence (the applicant is also bound to itself)."""
    return SubjectBinding.objects.filter(evidence_files__isnull=False).distinct()


def stored_files(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def post_request(client, *, licence=None, letter=None, **fields):
    data = {"kind": SubjectKind.LEGAL_PERSON, "name": "南通海晟纺织有限公司", "identifier": HAISHENG_USCC, **fields}
    data["licence"] = licence if licence is not None else pdf_upload()
    if letter is not False:
        data["letter"] = letter if letter is not None else png_upload()
    return client.post(NEW, data, follow=True)


def office(name: str, binding, *args) -> str:
    return reverse(f"collection_office:{name}", args=[binding.pk, *args])


# --- Requests -----------------------------------------------------------------------------------


def test_the_request_form_asks_for_code_licence_and_letter(client, applicant):
    client.force_login(applicant)
    page = client.get(NEW).content.decode()
    for text in ("统一社会信用代码", "营业执照（登记证书）副本", "授权委托书", 'enctype="multipart/form-data"'):
        assert text in page


def test_it_records_a_request_with_good_evidence(client, applicant, company):
    client.force_login(applicant)
    response = post_request(client)
    binding = SubjectBinding.objects.get(user=applicant, subject=company)
    assert binding.status == Status.PENDING
    assert response.redirect_chain[-1][0] == reverse("account:binding_detail", args=[binding.pk])
    page = response.content.decode()
    assert "已提交绑定申请" in page and "待审核" in page and "营业执照副本.pdf" in page and "授权委托书.png" in page
    assert "<strong>营业执照</strong>" in page and "<strong>授权委托书</strong>" in page
    licence = evidence_file(binding, Kind.BUSINESS_LICENCE)
    assert reverse("account:binding_evidence", args=[binding.pk, licence.pk]) in page


def test_each_evidence_file_is_stored_as_its_own_row(applicant, company):
    binding = request_company_binding(applicant, company)
    licence, letter = binding.evidence_files.order_by("pk")
    for row, kind, name, content_type, extension, content in (
        (licence, Kind.BUSINESS_LICENCE, "营业执照副本.pdf", "application/pdf", ".pdf", pdf_bytes()),
        (letter, Kind.AUTHORISATION_LETTER, "授权委托书.png", "image/png", ".png", image_bytes("PNG")),
    ):
        assert (row.kind, row.original_name, row.content_type, row.size) == (kind, name, content_type, len(content))
        assert row.sha256 == hashlib.sha256(content).hexdigest()
        with row.file.open("rb") as stored:
            assert stored.read() == content
        # Stored under a random name with the real type's extension, nothing the user typed.
        assert row.file.name.startswith("bindings/") and row.file.name.endswith(extension)
        assert name.removesuffix(extension) not in row.file.name
    event = AuditEvent.objects.get(action="binding.request", object_id=str(binding.pk))
    assert [e["sha256"] for e in event.after["evidence"]] == [licence.sha256, letter.sha256]


def test_a_failed_request_leaves_no_rows_and_no_files(applicant, company, settings, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("collection.bindings.record_event", broken_audit)
    with pytest.raises(RuntimeError):
        request_company_binding(applicant, company)
    assert not requests().exists() and not BindingEvidence.objects.exists()
    assert stored_files(settings) == []


def test_a_new_organisation_becomes_a_subject(client, applicant):
    client.force_login(applicant)
    code = make_uscc("91320612MA1XY7P3B")
    post_request(client, name="南通通州湾示例科技有限公司", identifier=code)
    subject = Subject.objects.get(code=code)
    assert subject.name == "南通通州湾示例科技有限公司" and subject.kind == SubjectKind.LEGAL_PERSON
    assert SubjectBinding.objects.get(subject=subject).status == Status.PENDING


def test_an_executable_renamed_pdf_is_refused(client, applicant, settings):
    client.force_login(applicant)
    response = post_request(client, licence=upload("营业执照.pdf", EXE, "application/pdf"))
    assert "“营业执照.pdf”不是PDF、JPEG或PNG文件" in response.content.decode()
    assert not requests().exists() and stored_files(settings) == []


def test_a_text_file_renamed_png_is_refused(client, applicant):
    client.force_login(applicant)
    response = post_request(client, letter=upload("授权委托书.png", "我授权王建国办理。".encode(), "image/png"))
    assert "“授权委托书.png”不是PDF、JPEG或PNG文件" in response.content.decode()
    assert not requests().exists()


def test_an_oversized_file_is_refused(client, applicant):
    client.force_login(applicant)
    big = pdf_bytes()[:-7] + b" " * (10 * 1024 * 1024 + 1) + b"\n%%EOF\n"
    response = post_request(client, licence=upload("营业执照.pdf", big, "application/pdf"))
    assert "超过单个文件10 MB的上限" in response.content.decode()
    assert not requests().exists()


def test_a_legal_person_needs_a_letter_of_authorisation(client, applicant):
    client.force_login(applicant)
    response = post_request(client, letter=False)
    assert "须上传加盖公章的授权委托书" in response.content.decode()
    assert not requests().exists()


def test_an_individual_business_owner_needs_only_the_licence(client, applicant):
    client.force_login(applicant)
    code = make_uscc("92320612MA1WQ8T4K")
    post_request(
        client, kind=SubjectKind.INDIVIDUAL_BUSINESS, name="通州区金沙王记小吃店", identifier=code, letter=False
    )
    binding = requests().get()
    assert list(binding.evidence_files.values_list("kind", flat=True)) == [Kind.BUSINESS_LICENCE]


def test_a_wrong_code_is_refused_in_chinese(client, applicant):
    client.force_login(applicant)
    response = post_request(client, identifier=wrong_check(HAISHENG_USCC, "0123456789ABCDEFGHJKLMNPQRTUWXY"))
    assert "统一社会信用代码校验位错误" in response.content.decode()
    assert not requests().exists()


def test_the_name_must_match_the_registered_subject(client, applicant, company):
    client.force_login(applicant)
    response = post_request(client, name="南通海晟贸易有限公司")
    assert "登记的名称为“南通海晟纺织有限公司”，与填写的名称不一致" in response.content.decode()
    company.refresh_from_db()
    assert company.name == "南通海晟纺织有限公司"


def test_a_second_request_for_the_same_subject_is_refused(client, pending):
    client.force_login(pending.user)
    response = post_request(client)
    assert "无需重复申请" in response.content.decode()
    assert SubjectBinding.objects.count() == 2  # the applicant's own binding and the pending one


def test_only_subject_users_request_bindings(client, provider_staff):
    client.force_login(provider_staff)
    assert client.get(NEW).status_code == 403


# --- The clerk's queue --------------------------------------------------------------------------


def test_the_clerk_sees_pending_requests_with_their_evidence(client, clerk, pending):
    client.force_login(clerk)
    queue = client.get(reverse("collection_office:bindings")).content.decode()
    assert "南通海晟纺织有限公司" in queue and "王建国" in queue and office("binding_detail", pending) in queue
    page = client.get(office("binding_detail", pending)).content.decode()
    assert (
        "<strong>营业执照</strong>：营业执照副本.pdf" in page and "<strong>授权委托书</strong>：授权委托书.png" in page
    )
    for kind in (Kind.BUSINESS_LICENCE, Kind.AUTHORISATION_LETTER):
        assert office("binding_evidence", pending, evidence_file(pending, kind).pk) in page
    assert "通过绑定" in page and "驳回申请" in page


def test_a_persons_binding_to_itself_is_not_in_the_clerks_queue(client, clerk, applicant):
    own = applicant.bindings.get()  # made by the identity verification, without evidence
    client.force_login(clerk)
    queue = client.get(reverse("collection_office:bindings") + "?status=approved").content.decode()
    assert office("binding_detail", own) not in queue
    assert client.get(office("binding_detail", own)).status_code == 404
    client.force_login(applicant)
    home = client.get(reverse("account:home")).content.decode()
    assert "王建国（本人）" in home and reverse("account:binding_detail", args=[own.pk]) not in home


def test_the_clerk_approves_and_the_user_sees_it(client, clerk, pending):
    client.force_login(clerk)
    response = client.post(office("approve_binding", pending), {"evidence_checked": "on"}, follow=True)
    assert "已通过绑定申请" in response.content.decode()
    pending.refresh_from_db()
    assert (pending.status, pending.reviewed_by) == (Status.APPROVED, clerk)
    client.force_login(pending.user)
    home = client.get(reverse("account:home")).content.decode()
    assert "南通海晟纺织有限公司" in home and "已绑定" in home


def test_approval_needs_the_evidence_confirmed(client, clerk, pending):
    client.force_login(clerk)
    response = client.post(office("approve_binding", pending), {})
    assert response.status_code == 400 and "请确认已核对证明材料" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_the_clerk_rejects_with_a_reason_the_user_reads(client, clerk, pending):
    client.force_login(clerk)
    client.post(office("reject_binding", pending), {"reason": "授权委托书未加盖公章"})
    pending.refresh_from_db()
    assert pending.status == Status.REJECTED
    client.force_login(pending.user)
    page = client.get(reverse("account:binding_detail", args=[pending.pk])).content.decode()
    assert "未通过" in page and "授权委托书未加盖公章" in page and "重新申请" in page


def test_a_rejection_needs_a_reason(client, clerk, pending):
    client.force_login(clerk)
    assert client.post(office("reject_binding", pending), {"reason": " "}).status_code == 400
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_an_unverified_applicant_cannot_be_approved(client, clerk, company):
    user = register("zhaom", make_ric("32061119781120004"), "赵敏")
    binding = request_company_binding(user, company)
    client.force_login(clerk)
    response = client.post(office("approve_binding", binding), {"evidence_checked": "on"}, follow=True)
    page = response.content.decode()
    assert "申请人尚未完成实名核验" in page and "核验实名身份" in page
    binding.refresh_from_db()
    assert binding.status == Status.PENDING


def test_a_second_clerk_acting_on_a_decided_request_is_refused(client, clerk, user_with_role, pending):
    other_clerk = user_with_role("dai", roles.CENTER_CLERK)
    stale = SubjectBinding.objects.get(pk=pending.pk)  # what the second clerk loaded earlier
    approve_binding(binding=pending, actor=clerk)
    with pytest.raises(BindingError, match="当前状态为“已绑定”，不能驳回"):
        reject_binding(binding=stale, actor=other_clerk, reason="材料不全")
    client.force_login(other_clerk)
    response = client.post(office("reject_binding", pending), {"reason": "材料不全"}, follow=True)
    assert "可能已由其他工作人员处理" in response.content.decode()
    pending.refresh_from_db()
    assert (pending.status, pending.reviewed_by, pending.review_note) == (Status.APPROVED, clerk, "")


def test_the_clerk_revokes_an_approved_binding(client, clerk, pending):
    approve_binding(binding=pending, actor=clerk)
    client.force_login(clerk)
    client.post(office("revoke_binding", pending), {"reason": "经办人已离职"})
    pending.refresh_from_db()
    assert pending.status == Status.REVOKED and pending.review_note == "经办人已离职"


def test_transitions_are_written_down_once():
    assert BINDING_TRANSITIONS[Status.PENDING] == {Status.APPROVED, Status.REJECTED}
    assert not BINDING_TRANSITIONS[Status.REJECTED] and not BINDING_TRANSITIONS[Status.REVOKED]


def test_a_clerk_cannot_approve_their_own_binding(clerk, company):
    binding = request_company_binding(clerk, company)
    with pytest.raises(BindingError, match="不能审核本人的绑定申请"):
        approve_binding(binding=binding, actor=clerk)


# --- Who may see the evidence -------------------------------------------------------------------


def test_the_clerk_and_the_owner_open_each_file_by_its_id(client, clerk, pending):
    licence = evidence_file(pending, Kind.BUSINESS_LICENCE)
    letter = evidence_file(pending, Kind.AUTHORISATION_LETTER)
    client.force_login(clerk)
    response = client.get(office("binding_evidence", pending, licence.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "inline; filename*=utf-8''" + quote("营业执照副本.pdf")
    client.force_login(pending.user)
    own = client.get(reverse("account:binding_evidence", args=[pending.pk, letter.pk]))
    assert own.status_code == 200 and own["Content-Type"] == "image/png"
    assert b"".join(own.streaming_content) == image_bytes("PNG")


def test_the_download_name_is_safe_whatever_the_file_was_called(client, clerk, pending):
    licence = evidence_file(pending, Kind.BUSINESS_LICENCE)
    # Worse than the upload check lets through: the response must be safe on its own.
    BindingEvidence.objects.filter(pk=licence.pk).update(original_name='../../etc/"passwd\r\nSet-Cookie: x=1.exe')
    client.force_login(clerk)
    response = client.get(office("binding_evidence", pending, licence.pk))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition == 'inline; filename="\\"passwdSet-Cookie: x=1.pdf"'


def test_nobody_else_opens_the_evidence(client, pending, nobody, catalog_admin, provider_staff):
    licence = evidence_file(pending, Kind.BUSINESS_LICENCE)
    stranger = register("lixm", LI_ID, "李晓梅")  # a subject user, but not the applicant
    client.force_login(stranger)
    assert client.get(reverse("account:binding_evidence", args=[pending.pk, licence.pk])).status_code == 404
    assert client.get(reverse("account:binding_detail", args=[pending.pk])).status_code == 404
    for outsider in (stranger, nobody, catalog_admin, provider_staff):
        client.force_login(outsider)
        assert client.get(office("binding_evidence", pending, licence.pk)).status_code == 403
        assert client.get(reverse("collection_office:bindings")).status_code == 403
        assert client.post(office("approve_binding", pending), {"evidence_checked": "on"}).status_code == 403
    client.logout()
    response = client.get(office("binding_evidence", pending, licence.pk))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_a_file_is_not_reachable_through_another_binding(client, clerk, pending, company):
    """The owner of one request cannot reach another request's file by pairing ids."""
    other_user = register("zhaom", make_ric("32061119781120004"), "赵敏")
    other = request_company_binding(other_user, company)
    foreign = evidence_file(other, Kind.BUSINESS_LICENCE)
    client.force_login(pending.user)
    assert client.get(reverse("account:binding_evidence", args=[pending.pk, foreign.pk])).status_code == 404
    client.force_login(clerk)
    assert client.get(office("binding_evidence", pending, foreign.pk)).status_code == 404
    assert client.get(office("binding_evidence", other, foreign.pk)).status_code == 200


def test_an_unknown_evidence_id_is_404(client, clerk, pending):
    missing = BindingEvidence.objects.order_by("-pk").first().pk + 1
    client.force_login(clerk)
    assert client.get(office("binding_evidence", pending, missing)).status_code == 404
    client.force_login(pending.user)
    assert client.get(reverse("account:binding_evidence", args=[pending.pk, missing])).status_code == 404
