"""A subject's bound account files an objection against records of one provider, with a
statement and evidence files (Art. 13); it gets a case number, a follow-up code and a case page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.models import Annotation
from collection.visibility import public_records, with_marks
from nantong_credit.models import Notification
from objections import followup, services
from objections.models import Objection, ObjectionEvidence

from .support import STATEMENT, at, evidence, file_case, midnight_after, pdf_file, png_file

pytestmark = pytest.mark.django_db
NEW = reverse("objections:new")


def post_new(client, record_ids, *, files=None, statement=STATEMENT, query=""):
    return client.post(
        f"{NEW}{query}",
        {"records": record_ids, "statement": statement, "evidence": files if files is not None else [pdf_file()]},
    )


@freeze_time(at("2026-09-28 10:00"))
def test_it_files_a_case_with_a_number_a_code_and_a_deadline(
    agent, company, penalty, clerk, second_clerk, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        objection, code = services.file_objection(
            applicant=agent,
            subject=company,
            records=[penalty],
            statement=STATEMENT,
            evidence=evidence(pdf_file(), png_file()),
        )
    assert objection.number.startswith("YY20260928") and len(objection.number) == 15
    assert followup.find_case(objection.number, code) == objection
    assert code not in objection.follow_up_code_hash
    assert (objection.status, objection.provider, list(objection.records.all())) == (
        "submitted",
        penalty.provider,
        [penalty],
    )
    assert objection.center_due_at == midnight_after("2026-10-10")
    assert [e.original_name for e in objection.evidence_files.all()] == ["缴款凭证.pdf", "现场照片.png"]
    assert objection.steps.get().action == "file"
    event = AuditEvent.objects.get(action="objection.file")
    assert event.object_id == str(objection.pk) and event.after["records"] == [penalty.pk]
    # Told: the applicant (its case page) and every clerk (the queue), by inbox and email.
    assert Notification.objects.filter(recipient=agent, link=f"/objections/{objection.pk}/").exists()
    assert Notification.objects.filter(recipient__in=[clerk, second_clerk]).count() == 2
    assert {m.to[0] for m in mailoutbox} == {agent.email, clerk.email, second_clerk.email}
    assert all("YY20260928" in m.subject for m in mailoutbox)


@freeze_time(at("2026-09-28 10:00"))
def test_the_record_is_marked_but_a_dishonesty_record_stays_published(agent, company, penalty):
    assert penalty.is_dishonesty
    file_case(agent, company, [penalty])
    shown = with_marks(public_records()).get(pk=penalty.pk)  # still on every public page (Art. 14)
    assert [(m.kind, m.is_active) for m in shown.marks] == [("under_objection", True)]


def test_one_case_covers_one_provider_only(agent, company, penalty, rsj_penalty):
    with pytest.raises(services.ObjectionError) as refused:
        file_case(agent, company, [penalty, rsj_penalty])
    assert "一件异议只能针对同一信息提供单位报送的记录" in refused.value.message
    assert "南通市人力资源和社会保障局" in refused.value.message and "南通市市场监督管理局" in refused.value.message
    assert not Objection.objects.exists() and not Annotation.objects.exists()


def test_several_records_of_one_provider_make_one_case(agent, company, penalty, license_record):
    objection, _code = file_case(agent, company, [penalty, license_record])
    assert set(objection.records.all()) == {penalty, license_record}
    assert Annotation.objects.filter(kind="under_objection", is_active=True).count() == 2


def test_a_record_with_an_unfinished_case_is_refused(agent, company, penalty):
    first, _code = file_case(agent, company, [penalty])
    with pytest.raises(services.ObjectionError) as refused:
        file_case(agent, company, [penalty])
    assert first.number in refused.value.message


def test_only_an_account_acting_for_the_subject_may_file(other_agent, company, penalty):
    with pytest.raises(services.ObjectionError):
        file_case(other_agent, company, [penalty])


def test_another_subjects_record_is_refused(agent, company, other_company, scjgj):
    from .support import submit_penalty

    foreign = submit_penalty(scjgj, other_company, "通市监罚〔2026〕300号")
    with pytest.raises(services.ObjectionError) as refused:
        file_case(agent, company, [foreign])
    assert refused.value.message == "所选记录不属于该信息主体"


# --- The pages ------------------------------------------------------------------------------------


@freeze_time(at("2026-09-28 10:00"))
def test_the_form_from_a_record_files_and_shows_the_code_once(client, agent, penalty):
    client.force_login(agent)
    page = client.get(f"{NEW}?record={penalty.pk}")
    assert page.status_code == 200
    assert "提出异议：南通海运建设工程有限公司" in page.content.decode()
    checkbox = re.search(
        rf'<input type="checkbox"[^>]*name="records" value="{penalty.pk}"[^>]*>', page.content.decode()
    )
    assert checkbox and "checked" in checkbox.group(0)  # the record it came from is chosen
    response = post_new(client, [penalty.pk], query=f"?record={penalty.pk}")
    objection = Objection.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/objections/{objection.pk}/"
    first = client.get(response["Location"]).content.decode()
    assert "请记下查询码" in first and objection.number in first
    code = first.split('id="follow-up-code">')[1].split("<")[0]
    assert followup.find_case(objection.number, code) == objection
    again = client.get(response["Location"]).content.decode()
    assert "请记下查询码" not in again and code not in again


def test_a_record_of_another_subject_is_not_found(client, agent, other_company, scjgj):
    from .support import submit_penalty

    foreign = submit_penalty(scjgj, other_company, "通市监罚〔2026〕300号")
    client.force_login(agent)
    assert client.get(f"{NEW}?record={foreign.pk}").status_code == 404
    assert client.get(f"{NEW}?record=abc").status_code == 404


def test_mixing_providers_on_the_form_says_why(client, agent, penalty, rsj_penalty):
    client.force_login(agent)
    response = post_new(client, [penalty.pk, rsj_penalty.pk], query=f"?subject={penalty.subject_id}")
    assert response.status_code == 400
    assert "请按报送单位分别提出异议" in response.content.decode()
    assert not Objection.objects.exists()


def test_a_record_with_an_open_case_leads_to_the_case(client, agent, company, penalty):
    objection, _code = file_case(agent, company, [penalty])
    client.force_login(agent)
    response = client.get(f"{NEW}?record={penalty.pk}")
    assert response.status_code == 302 and response["Location"] == f"/objections/{objection.pk}/"


def test_department_staff_may_not_file(client, scjgj_staff, penalty):
    client.force_login(scjgj_staff)
    assert client.get(NEW).status_code == 403


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            SimpleUploadedFile("判决书.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf"),
            "不是PDF、JPEG或PNG文件",
        ),
        (SimpleUploadedFile("空白.pdf", b"", content_type="application/pdf"), "是空文件"),
        (
            SimpleUploadedFile("截断.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", content_type="application/pdf"),
            "不是完整的PDF文件",
        ),
        (SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, content_type="image/png"), "已损坏"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_kept(client, agent, penalty, settings, upload, message):
    client.force_login(agent)
    response = post_new(client, [penalty.pk], files=[pdf_file(), upload], query=f"?record={penalty.pk}")
    page = response.content.decode()
    assert response.status_code == 400 and message in page and upload.name in page
    assert STATEMENT in page  # what was typed is still there
    assert not Objection.objects.exists() and not ObjectionEvidence.objects.exists()
    assert not (settings.MEDIA_ROOT / "objections").exists()


def test_a_file_over_the_limit_is_refused(client, agent, penalty, settings):
    settings.EVIDENCE_MAX_BYTES = 50  # the sample PDF is about 100 bytes
    client.force_login(agent)
    response = post_new(client, [penalty.pk], files=[pdf_file()], query=f"?record={penalty.pk}")
    assert response.status_code == 400 and "超过单个文件" in response.content.decode()
    assert not Objection.objects.exists()


def test_evidence_is_required(client, agent, penalty):
    client.force_login(agent)
    response = post_new(client, [penalty.pk], files=[], query=f"?record={penalty.pk}")
    assert response.status_code == 400 and "请上传证明材料" in response.content.decode()


def test_a_subject_user_with_two_companies_chooses_first(client, agent, company, other_company, clerk):
    from collection.bindings import approve_binding
    from collection.tests.account_support import request_company_binding

    approve_binding(binding=request_company_binding(agent, other_company), actor=clerk)
    client.force_login(agent)
    page = client.get(NEW).content.decode()
    assert "请选择对哪一个信息主体的信用记录提出异议" in page
    assert f"?subject={company.pk}" in page and f"?subject={other_company.pk}" in page
