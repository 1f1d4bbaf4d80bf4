"""A subject applies for credit repair of a dishonesty record (Art. 16): when it may, what it must
give, what it gets back, and what is refused with a clear Chinese message."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.models import RecordStatus, Severity
from inquiry.commitments import public_commitments
from inquiry.models import CreditCommitment
from nantong_credit.models import Notification
from nantong_credit.workdays import SHANGHAI
from repair.models import RepairApplication, RepairEvidence, RepairStep
from repair.services import RepairError, approve_repair, code_matches, reject_repair

from .support import D, apply, form_data, penalty_record, png_bytes, upload

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI)


def post_new(client, record, **overrides):
    return client.post(f"{reverse('repair:new')}?record={record.pk}", form_data(**overrides))


@freeze_time(NOW)
def test_it_files_an_application_with_evidence_and_a_public_commitment(client, agent, record, scjgj_staff):
    client.force_login(agent)
    response = post_new(
        client, record, evidence=[upload("整改报告.pdf"), upload("缴款凭证.png", png_bytes(), "image/png")]
    )

    application = RepairApplication.objects.get()
    assert response.status_code == 302 and response.url == reverse("repair:detail", args=[application.pk])
    assert application.status == RepairApplication.Status.SUBMITTED
    assert application.provider == record.provider and application.subject == record.subject
    assert application.not_intentional
    assert application.number.startswith("XF20260929")
    # 5 working days after 2026-09-29, across the National Day holiday: the last one is 10-12.
    assert application.due_at == dt.datetime(2026, 10, 13, 0, 0, tzinfo=SHANGHAI)
    assert sorted(RepairEvidence.objects.values_list("original_name", flat=True)) == ["整改报告.pdf", "缴款凭证.png"]
    commitment = application.commitment
    assert commitment.kind == CreditCommitment.Kind.REPAIR and commitment.is_public
    assert commitment.recipient == "南通市市场监督管理局"
    assert list(public_commitments(record.subject)) == [commitment]
    assert RepairStep.objects.get(application=application).action == "submitted"
    assert AuditEvent.objects.filter(action="repair.apply", object_id=str(application.pk)).exists()


@freeze_time(NOW)
def test_it_shows_the_follow_up_code_once_and_keeps_only_its_hash(client, agent, record):
    client.force_login(agent)
    detail = client.get(post_new(client, record).url)
    application = RepairApplication.objects.get()
    code = detail.context["follow_up_code"]
    assert code and code in detail.content.decode()
    assert code not in application.follow_up_code_hash and code_matches(application, code)
    assert code_matches(application, code.lower().replace("-", " "))  # as people type it
    again = client.get(reverse("repair:detail", args=[application.pk]))
    assert again.context["follow_up_code"] is None and code not in again.content.decode()


@freeze_time(NOW)
def test_it_tells_the_applicant_and_the_provider(
    agent, record, scjgj_staff, rsj_staff, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(agent, record).application
    applicant_msg = Notification.objects.get(recipient=agent)
    provider_msg = Notification.objects.get(recipient=scjgj_staff)
    assert application.number in applicant_msg.title and "2026年10月12日" in applicant_msg.body
    assert "新的信用修复申请" in provider_msg.title and "第十五条" in provider_msg.body
    assert not Notification.objects.filter(recipient=rsj_staff).exists()
    assert sorted(m.to[0] for m in mailoutbox) == ["bob@scjgj.example", "sam@haisheng.example"]
    assert all("信用修复" in m.subject for m in mailoutbox)


@freeze_time(NOW)
def test_it_flags_a_minor_first_offence(client, agent, penalty, company, scjgj_staff):
    light = penalty_record(penalty, company, severity=Severity.LIGHT, decided=D(2026, 9, 1), stated_necessary=True)
    client.force_login(agent)
    page = client.get(f"{reverse('repair:new')}?record={light.pk}").content.decode()
    assert "轻微失信" in page and "初次失信" in page
    application = apply(agent, light).application
    assert "轻微失信、初次失信" in application.steps.get().note
    client.force_login(scjgj_staff)
    decision_page = client.get(reverse("repair_office:detail", args=[application.pk])).content.decode()
    assert "轻微失信" in decision_page and "初次失信" in decision_page


@freeze_time(NOW)
def test_it_does_not_call_a_repeat_within_a_year_a_first_offence(client, agent, penalty, company, scjgj_staff):
    penalty_record(penalty, company, decided=D(2025, 11, 3), source_key="通市监罚〔2025〕88号")
    penalty_record(penalty, company, decided=D(2024, 1, 3), status=RecordStatus.ACTIVE)  # older than a year
    penalty_record(penalty, company, decided=D(2026, 3, 1), status=RecordStatus.REVOKED)  # withdrawn as wrong
    record = penalty_record(penalty, company, decided=D(2026, 5, 6))
    application = apply(agent, record).application
    client.force_login(scjgj_staff)
    page = client.get(reverse("repair_office:detail", args=[application.pk])).content.decode()
    assert "一年内有其他失信记录1条" in page and "通市监罚〔2025〕88号" in page
    assert "初次失信" not in page


@freeze_time(NOW)
def test_a_published_minor_record_may_be_repaired_from_the_day_after_its_decision(agent, penalty, company):
    light = penalty_record(penalty, company, severity=Severity.LIGHT, decided=D(2026, 9, 28), stated_necessary=True)
    assert light.repairable_from == D(2026, 9, 29)
    assert apply(agent, light).application.status == RepairApplication.Status.SUBMITTED


@freeze_time(NOW)
def test_it_says_from_when_a_record_may_be_repaired(client, agent, penalty, company):
    serious = penalty_record(penalty, company, severity=Severity.SERIOUS, decided=D(2026, 5, 6))
    client.force_login(agent)
    page = client.get(f"{reverse('repair:new')}?record={serious.pk}").content.decode()
    assert "自2027年5月7日起可申请信用修复" in page and "提交信用修复申请" not in page
    response = post_new(client, serious)
    assert response.status_code == 400 and "自2027年5月7日起可申请信用修复" in response.content.decode()
    assert not RepairApplication.objects.exists() and not CreditCommitment.objects.exists()


@pytest.mark.parametrize(
    "decided, last_refused, first_accepted",
    [
        (D(2026, 10, 20), D(2027, 1, 20), D(2027, 1, 21)),  # SPEC §2's example
        (D(2026, 11, 30), D(2027, 2, 28), D(2027, 3, 1)),  # the minimum ends on the month's last day
    ],
)
def test_it_accepts_an_application_from_the_day_after_the_minimum_ends(
    agent, penalty, company, decided, last_refused, first_accepted
):
    general = penalty_record(penalty, company, decided=decided)
    with freeze_time(dt.datetime.combine(last_refused, dt.time(23, 59), tzinfo=SHANGHAI)):
        with pytest.raises(
            RepairError, match=f"自{first_accepted.year}年{first_accepted.month}月{first_accepted.day}日起"
        ):
            apply(agent, general)
    with freeze_time(dt.datetime.combine(first_accepted, dt.time(0, 1), tzinfo=SHANGHAI)):
        assert apply(agent, general).application.status == RepairApplication.Status.SUBMITTED


@freeze_time(NOW)
def test_a_withheld_light_penalty_needs_no_repair(client, agent, penalty, company):
    light = penalty_record(penalty, company, severity=Severity.LIGHT, decided=D(2026, 8, 1))
    with pytest.raises(RepairError, match="依规不予公示（轻微·不公示），无需申请信用修复"):
        apply(agent, light)
    client.force_login(agent)
    page = client.get(f"{reverse('repair:new')}?record={light.pk}").content.decode()
    assert "该记录无需或不能申请信用修复（轻微·不公示）" in page and "提交信用修复申请" not in page


@freeze_time(NOW)
@pytest.mark.parametrize(
    "change, message",
    [
        ({"is_dishonesty": False}, "不是失信信息"),
        ({"status": RecordStatus.REVOKED}, "已被撤销"),
        ({"disclosure_ends_on": D(2026, 9, 28)}, "公示期满"),
        ({"repaired_at": NOW - dt.timedelta(days=3)}, "已于2026年9月26日完成信用修复"),
    ],
)
def test_it_refuses_records_that_need_no_repair(agent, record, change, message):
    for name, value in change.items():
        setattr(record, name, value)
    record.save()
    with pytest.raises(RepairError, match=message):
        apply(agent, record)
    assert not RepairApplication.objects.exists()


@freeze_time(NOW)
def test_it_keeps_one_open_application_per_record_and_allows_a_new_one_after_rejection(
    client, agent, record, scjgj_staff
):
    first = apply(agent, record).application
    with pytest.raises(RepairError, match=first.number):
        apply(agent, record)
    client.force_login(agent)
    response = client.get(f"{reverse('repair:new')}?record={record.pk}")
    assert response.status_code == 302 and response.url == reverse("repair:detail", args=[first.pk])

    reject_repair(application=first, actor=scjgj_staff, reason="罚款尚未缴清")
    second = apply(agent, record).application
    assert second.pk != first.pk and second.status == RepairApplication.Status.SUBMITTED
    approve_repair(application=second, actor=scjgj_staff)
    with pytest.raises(RepairError, match="已于2026年9月29日完成信用修复"):
        apply(agent, record)


@freeze_time(NOW)
def test_it_requires_the_article_16_statement_the_rectification_and_the_commitment(client, agent, record):
    client.force_login(agent)
    response = post_new(client, record, not_intentional=None, rectification="", commitment_text="  ")
    page = response.content.decode()
    assert response.status_code == 400
    assert "信用修复适用于非因主观故意发生的失信行为" in page
    assert "请说明整改情况和履行法定义务情况" in page and "请填写信用承诺" in page
    assert not RepairApplication.objects.exists()


@freeze_time(NOW)
@pytest.mark.parametrize(
    "name, content, content_type, message",
    [
        ("整改报告.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf", "不是PDF、JPEG或PNG文件"),
        ("空文件.pdf", b"", "application/pdf", "是空文件"),
        ("截断.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "application/pdf", "不是完整的PDF文件"),
        ("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png", "已损坏"),
    ],
)
def test_it_refuses_bad_uploads_and_stores_nothing(
    client, agent, record, settings, name, content, content_type, message
):
    client.force_login(agent)
    response = post_new(client, record, evidence=[upload(name, content, content_type)])
    assert response.status_code == 400 and message in response.content.decode()
    # What was typed is kept for the next try.
    assert "已全额缴纳罚款" in response.content.decode()
    assert not RepairApplication.objects.exists() and not CreditCommitment.objects.exists()
    media = settings.MEDIA_ROOT / "repair"
    assert not media.exists() or not any(media.rglob("*.*"))


@freeze_time(NOW)
def test_it_refuses_a_file_over_the_size_limit(client, agent, record, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(agent)
    response = post_new(client, record, evidence=[upload("大文件.pdf", b"%PDF-1.4\n" + b"0" * 2000 + b"\n%%EOF\n")])
    assert response.status_code == 400 and "超过单个文件1 KB的上限" in response.content.decode()
    assert not RepairApplication.objects.exists()


@freeze_time(NOW)
def test_it_requires_evidence(client, agent, record):
    client.force_login(agent)
    response = post_new(client, record, evidence=None)
    assert response.status_code == 400 and "请上传已纠正失信行为、履行法定义务的证明材料" in response.content.decode()


@freeze_time(NOW)
def test_nothing_of_a_failed_application_remains(agent, record, monkeypatch, settings):
    """A failure after the files were written (here: the audit trail) leaves no row and no file."""
    import dataclasses

    import repair.services as services

    def broken(**kwargs):
        raise RuntimeError("audit down")

    # The filing's audit event is written by the workflow's transition helper.
    monkeypatch.setattr(services, "WORKFLOW", dataclasses.replace(services.WORKFLOW, record_event=broken))
    with pytest.raises(RuntimeError):
        apply(agent, record)
    assert not RepairApplication.objects.exists() and not CreditCommitment.objects.exists()
    media = settings.MEDIA_ROOT / "repair"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@freeze_time(NOW)
def test_only_the_subjects_accounts_may_apply(client, other_agent, agent, record, scjgj_staff):
    with pytest.raises(RepairError, match="未绑定该信息主体"):
        apply(other_agent, record)
    client.force_login(other_agent)
    assert client.get(f"{reverse('repair:new')}?record={record.pk}").status_code == 404
    assert post_new(client, record).status_code == 404
    client.force_login(scjgj_staff)  # provider staff hold no add_repairapplication
    assert client.get(f"{reverse('repair:new')}?record={record.pk}").status_code == 403
    assert not RepairApplication.objects.exists()


def test_the_apply_page_needs_a_login(client, record):
    response = client.get(f"{reverse('repair:new')}?record={record.pk}")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
