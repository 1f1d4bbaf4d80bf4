"""Self-declarations (Art. 10) and warning records (Art. 23), from the declarant's form to the
record the pipeline makes."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from collection.declarations.services import (
    DECLARATION_TRANSITIONS,
    DeclarationError,
    approve_declaration,
    declarable_items,
    find_declaration_false,
    record_originals_seen,
    reject_declaration,
    submit_declaration,
)
from collection.models import Channel, CreditRecord, DeclarationAttachment, RecordStatus, SelfDeclaration
from nantong_credit import roles
from nantong_credit.uploads import check_upload

from .account_support import (  # noqa: F401  (fixtures)
    GXJ_USCC,
    agent,
    bank_rating_data,
    commendation_data,
    company,
    declaration_catalog,
    gxj,
    jpeg_upload,
    pdf_bytes,
    pdf_upload,
    resident,
    reviewer,
    upload,
    warning_data,
)
from .test_uploads import EXE

pytestmark = pytest.mark.django_db
Status = SelfDeclaration.Status


def new_url(subject, item_code: str) -> str:
    return reverse("account:declaration_new", args=[subject.pk, item_code])


def office(name: str, declaration, *args) -> str:
    return reverse(f"collection_office:{name}", args=[declaration.pk, *args])


def files(*uploads):
    return [check_upload(u) for u in (uploads or (pdf_upload("资信等级证书.pdf"),))]


@pytest.fixture
def declared(agent, company, declaration_catalog):
    """王建国 declared 海晟纺织's bank credit rating, with a scan of the certificate."""
    return submit_declaration(
        declarant=agent, subject=company, item_code="bank_credit_rating", data=bank_rating_data(), attachments=files()
    )


@pytest.fixture
def approved(declared, reviewer):
    record_originals_seen(declaration=declared, actor=reviewer)
    return approve_declaration(declaration=declared, actor=reviewer)


def form_data(data: dict, prefix: str = "data") -> dict:
    return {f"{prefix}-{key}": value for key, value in data.items()}


# --- Declaring ----------------------------------------------------------------------------------


def test_the_declarant_chooses_among_the_items_open_to_the_subject(
    client, agent, resident, company, declaration_catalog
):
    client.force_login(agent)
    page = client.get(reverse("account:declaration_start")).content.decode()
    assert "南通海晟纺织有限公司" in page
    assert new_url(company, "bank_credit_rating") in page and new_url(company, "commendation") in page
    assert "social_rating" not in page and "admin_penalty" not in page and "warning_record" not in page
    person = resident.bindings.get().subject
    assert [item.code for item in declarable_items(person)] == ["commendation"]  # 银行资信等级 is for legal persons


def test_the_form_is_generated_from_the_catalog_item(client, agent, company, declaration_catalog):
    client.force_login(agent)
    page = client.get(new_url(company, "bank_credit_rating")).content.decode()
    for label in ("评定银行", "资信等级", "评定日期", "证明材料", 'type="date"', "multiple"):
        assert label in page
    # The platform fills who the record is about and who records it; they are shown, not editable.
    assert 'name="data-uscc"' not in page and 'name="data-source_unit"' not in page
    assert "南通市工业和信息化局" in page and company.code in page


def test_it_submits_a_declaration_with_several_attachments(client, agent, company, declaration_catalog):
    client.force_login(agent)
    response = client.post(
        new_url(company, "bank_credit_rating"),
        {
            **form_data(bank_rating_data(decision_date="2025年9月1日")),
            "attachments": [pdf_upload("资信等级证书.pdf"), jpeg_upload("评级报告首页.jpg")],
        },
        follow=True,
    )
    declaration = SelfDeclaration.objects.get()
    assert response.redirect_chain[-1][0] == reverse("account:declaration_detail", args=[declaration.pk])
    assert declaration.status == Status.SUBMITTED and declaration.declarant == agent
    assert declaration.data == {
        "subject_name": "南通海晟纺织有限公司",
        "uscc": company.code,
        "bank": "中国工商银行股份有限公司南通分行",
        "rating": "AA",
        "decision_date": "2025-09-01",
        "source_unit": "南通市工业和信息化局",
        "source_unit_uscc": GXJ_USCC,
    }
    attachments = list(declaration.attachments.order_by("pk"))
    assert [(a.original_name, a.content_type) for a in attachments] == [
        ("资信等级证书.pdf", "application/pdf"),
        ("评级报告首页.jpg", "image/jpeg"),
    ]
    page = response.content.decode()
    assert "申报已提交" in page and "待审核" in page and "请将原始证明材料送市工业和信息化局核验" in page
    assert AuditEvent.objects.filter(action="declaration.submit").exists()


def test_field_errors_come_from_the_catalog_validation(client, agent, company, declaration_catalog):
    client.force_login(agent)
    response = client.post(
        new_url(company, "bank_credit_rating"),
        {
            **form_data(bank_rating_data(rating="AAAA", decision_date="去年", bank="— —")),
            "attachments": [pdf_upload()],
        },
    )
    page = response.content.decode()
    assert "“资信等级”的取值“AAAA”不在可选范围内" in page
    assert "“评定日期”应为日期" in page
    assert "必填项“评定银行”未填写" in page
    assert not SelfDeclaration.objects.exists()


def test_a_future_date_is_refused(agent, company, declaration_catalog):
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    with pytest.raises(DeclarationError) as refused:
        submit_declaration(
            declarant=agent,
            subject=company,
            item_code="bank_credit_rating",
            data=bank_rating_data(decision_date=tomorrow),
            attachments=files(),
        )
    assert refused.value.errors == {"decision_date": ["日期不能晚于今天"]}


def test_attachments_are_required_and_checked(client, agent, company, declaration_catalog):
    client.force_login(agent)
    url = new_url(company, "bank_credit_rating")
    assert "请至少上传一个证明材料文件" in client.post(url, form_data(bank_rating_data())).content.decode()
    response = client.post(
        url, {**form_data(bank_rating_data()), "attachments": [pdf_upload(), upload("证书.pdf", EXE)]}
    )
    assert "“证书.pdf”不是PDF、JPEG或PNG文件" in response.content.decode()
    assert not SelfDeclaration.objects.exists() and not DeclarationAttachment.objects.exists()


def test_the_declarant_cannot_declare_for_a_subject_they_are_not_bound_to(
    client, resident, company, declaration_catalog
):
    client.force_login(resident)
    assert client.get(new_url(company, "commendation")).status_code == 404
    with pytest.raises(DeclarationError, match="未绑定该主体"):
        submit_declaration(
            declarant=resident, subject=company, item_code="commendation", data=commendation_data(), attachments=files()
        )


def test_an_item_that_does_not_accept_declarations_is_404(client, agent, company, declaration_catalog):
    client.force_login(agent)
    assert client.get(new_url(company, "admin_penalty")).status_code == 404
    assert client.get(new_url(company, "social_rating")).status_code == 404


def test_a_natural_person_declares_an_honour(client, resident, declaration_catalog):
    person = resident.bindings.get().subject
    declaration = submit_declaration(
        declarant=resident,
        subject=person,
        item_code="commendation",
        data=commendation_data(honor_name="南通市劳动模范"),
        attachments=files(),
    )
    assert declaration.data["subject_name"] == "李晓梅" and "uscc" not in declaration.data


# --- Reviewing ----------------------------------------------------------------------------------


def test_the_reviewer_sees_the_queue_and_the_attachments(client, reviewer, declared):
    client.force_login(reviewer)
    queue = client.get(reverse("collection_office:declarations")).content.decode()
    assert "银行资信等级" in queue and "南通海晟纺织有限公司" in queue and "王建国" in queue
    assert "社会评级（social_rating）" in queue  # declarable in the catalog but not the 经信委's item
    page = client.get(office("declaration_detail", declared)).content.decode()
    attachment = declared.attachments.get()
    assert "中国工商银行股份有限公司南通分行" in page and "资信等级证书.pdf" in page
    assert "已核验原始证明材料" in page and "核验原始证明材料后方可通过" in page
    response = client.get(office("declaration_attachment", declared, attachment.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf_bytes()


def test_approval_requires_the_originals_seen(client, reviewer, declared):
    client.force_login(reviewer)
    response = client.post(office("approve_declaration", declared), follow=True)
    assert "请先核验原始证明材料并记录，再审核通过" in response.content.decode()
    declared.refresh_from_db()
    assert declared.status == Status.SUBMITTED and not CreditRecord.objects.exists()


def test_approval_makes_a_self_declared_record_through_the_pipeline(client, reviewer, declared, gxj):
    client.force_login(reviewer)
    client.post(office("declaration_originals", declared))
    declared.refresh_from_db()
    assert declared.originals_seen_at is not None
    response = client.post(office("approve_declaration", declared), {"note": "原件一致"}, follow=True)
    assert "已通过申报，并记入自主申报信用记录" in response.content.decode()
    declared.refresh_from_db()
    record = CreditRecord.objects.get()
    assert declared.status == Status.APPROVED and declared.record == record and declared.reviewed_by == reviewer
    assert (record.provider, record.item_code, record.source_key) == (gxj, "bank_credit_rating", f"SD-{declared.pk}")
    assert record.self_declared and record.channel == Channel.SELF_DECLARATION
    assert record.subject == declared.subject and record.data["rating"] == "AA"
    assert record.revisions.count() == 1
    assert AuditEvent.objects.filter(action="record.create", object_id=str(record.pk)).exists()
    assert AuditEvent.objects.filter(action="declaration.approve", object_id=str(declared.pk)).exists()


def test_the_declarant_sees_the_approval(client, approved):
    client.force_login(approved.declarant)
    page = client.get(reverse("account:declaration_detail", args=[approved.pk])).content.decode()
    assert "已通过" in page and "已作为自主申报信息记入信用记录" in page


def test_the_reviewer_rejects_with_a_reason_the_declarant_reads(client, reviewer, declared):
    client.force_login(reviewer)
    client.post(office("reject_declaration", declared), {"reason": "证书编号与评定银行出具的不一致"})
    declared.refresh_from_db()
    assert declared.status == Status.REJECTED and not CreditRecord.objects.exists()
    client.force_login(declared.declarant)
    page = client.get(reverse("account:declaration_detail", args=[declared.pk])).content.decode()
    assert "未通过" in page and "驳回理由" in page and "证书编号与评定银行出具的不一致" in page
    listing = client.get(reverse("account:declarations")).content.decode()
    assert "银行资信等级" in listing and "未通过" in listing


def test_a_decided_declaration_cannot_be_decided_again(reviewer, user_with_role, declared):
    colleague = user_with_role("sun", roles.CATALOG_ADMIN)
    stale = SelfDeclaration.objects.get(pk=declared.pk)
    record_originals_seen(declaration=declared, actor=reviewer)
    approve_declaration(declaration=declared, actor=reviewer)
    with pytest.raises(DeclarationError, match="当前状态为“已通过”，不能改为“未通过”"):
        reject_declaration(declaration=stale, actor=colleague, reason="材料不全")
    assert CreditRecord.objects.count() == 1


def test_a_pipeline_refusal_changes_nothing(reviewer, declared):
    SelfDeclaration.objects.filter(pk=declared.pk).update(data={**declared.data, "rating": "Z"})
    declared.refresh_from_db()
    record_originals_seen(declaration=declared, actor=reviewer)
    with pytest.raises(DeclarationError, match="信用记录未通过目录校验，未作任何变更"):
        approve_declaration(declaration=declared, actor=reviewer)
    declared.refresh_from_db()
    assert declared.status == Status.SUBMITTED and not CreditRecord.objects.exists()


def test_the_declarant_cannot_review_their_own_declaration(agent, declared):
    with pytest.raises(DeclarationError, match="不能审核本人提交的申报"):
        reject_declaration(declaration=declared, actor=agent, reason="撤回")


def test_transitions_are_written_down_once():
    assert DECLARATION_TRANSITIONS[Status.SUBMITTED] == {Status.APPROVED, Status.REJECTED}
    assert DECLARATION_TRANSITIONS[Status.APPROVED] == {Status.FOUND_FALSE}
    assert not DECLARATION_TRANSITIONS[Status.REJECTED] and not DECLARATION_TRANSITIONS[Status.FOUND_FALSE]


# --- Found false: warning record (Art. 23) --------------------------------------------------------


def test_the_found_false_form_proposes_the_warning_record(client, reviewer, approved):
    client.force_login(reviewer)
    page = client.get(office("declaration_found_false", approved)).content.decode()
    assert "弄虚作假情形" in page and "造成的不良影响" in page and "认定文书号" in page
    assert timezone.localdate().isoformat() in page  # 记入日期 defaults to today
    assert 'name="warning-subject_name"' not in page and 'name="warning-authority"' not in page


def test_found_false_revokes_the_record_and_enters_a_warning(client, reviewer, approved, gxj):
    client.force_login(reviewer)
    response = client.post(
        office("declaration_found_false", approved),
        {
            "reason": "经向评定银行核实，资信等级证书系伪造",
            **form_data(warning_data(), "warning"),
        },
        follow=True,
    )
    assert "已撤销该申报形成的信用记录" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == Status.FOUND_FALSE
    declared_record = CreditRecord.objects.get(source_key=f"SD-{approved.pk}")
    assert declared_record.status == RecordStatus.REVOKED
    assert declared_record.revisions.get(number=2).reason == "经向评定银行核实，资信等级证书系伪造"
    warning = approved.warning_record
    assert (warning.item_code, warning.provider, warning.subject) == ("warning_record", gxj, approved.subject)
    assert warning.is_dishonesty and not warning.self_declared and warning.status == RecordStatus.ACTIVE
    assert warning.decision_date == timezone.localdate()
    assert (
        warning.data["authority"] == "南通市工业和信息化局" and warning.data["document_number"] == "通工信警〔2026〕3号"
    )
    assert warning.data["uscc"] == approved.subject.code
    assert AuditEvent.objects.filter(action="declaration.found_false").exists()
    assert AuditEvent.objects.filter(action="record.revoke", object_id=str(declared_record.pk)).exists()
    client.force_login(approved.declarant)
    page = client.get(reverse("account:declaration_detail", args=[approved.pk])).content.decode()
    assert "查实弄虚作假" in page and "记入警示记录" in page


def test_found_false_is_all_or_nothing(reviewer, approved):
    with pytest.raises(DeclarationError) as refused:
        find_declaration_false(
            declaration=approved, actor=reviewer, reason="伪造", warning_data=warning_data(impact="")
        )
    assert refused.value.errors == {"impact": ["必填项“造成的不良影响”未填写"]}
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
    assert CreditRecord.objects.get().status == RecordStatus.ACTIVE


def test_only_an_approved_declaration_can_be_found_false(reviewer, declared):
    with pytest.raises(DeclarationError, match="当前状态为“待审核”"):
        find_declaration_false(declaration=declared, actor=reviewer, reason="伪造", warning_data=warning_data())
    assert not CreditRecord.objects.exists()


# --- Who may see what ---------------------------------------------------------------------------


def test_another_users_declaration_is_404(client, resident, declared):
    attachment = declared.attachments.get()
    client.force_login(resident)
    assert client.get(reverse("account:declaration_detail", args=[declared.pk])).status_code == 404
    assert client.get(reverse("account:declaration_attachment", args=[declared.pk, attachment.pk])).status_code == 404
    listing = client.get(reverse("account:declarations")).content.decode()
    assert "暂无自主申报" in listing and reverse("account:declaration_detail", args=[declared.pk]) not in listing


def test_the_declarant_opens_their_own_attachment(client, declared):
    attachment = declared.attachments.get()
    client.force_login(declared.declarant)
    response = client.get(reverse("account:declaration_attachment", args=[declared.pk, attachment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_staff_without_the_reviewer_role_get_403(client, declared, provider_staff, clerk):
    attachment = declared.attachments.get()
    for outsider in (provider_staff, clerk, declared.declarant):
        client.force_login(outsider)
        assert client.get(reverse("collection_office:declarations")).status_code == 403
        assert client.get(office("declaration_detail", declared)).status_code == 403
        assert client.get(office("declaration_attachment", declared, attachment.pk)).status_code == 403
        assert client.post(office("declaration_originals", declared)).status_code == 403
    declared.refresh_from_db()
    assert declared.originals_seen_at is None


def test_anonymous_visitors_are_sent_to_log_in(client, declared):
    for url in (
        reverse("account:declarations"),
        reverse("account:declaration_detail", args=[declared.pk]),
        reverse("collection_office:declarations"),
        office("declaration_detail", declared),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_accounts_without_the_subject_role_cannot_declare(client, nobody, company, declaration_catalog):
    client.force_login(nobody)
    assert client.get(reverse("account:declaration_start")).status_code == 403
    assert client.get(new_url(company, "commendation")).status_code == 403
