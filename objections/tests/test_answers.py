"""The provider's answer within 7 working days (Art. 14 para. 2), one of three outcomes, and
what each leaves on the record wherever it is disclosed (page, report, API: all lay records out
through `inquiry.selectors.record_sections` over `collection.visibility`)."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from collection.models import Annotation, RecordStatus
from collection.visibility import authorized_records, own_records, public_records, with_marks
from inquiry.selectors import record_sections
from nantong_credit.models import Notification
from objections import services, workflow

from .support import at, referred_case

pytestmark = pytest.mark.django_db
KEPT = "复议决定书（通政复决〔2026〕45号）已撤销该处罚，本公司对核查结果仍有异议。"


@pytest.fixture
def case(agent, company, penalty, clerk):
    with freeze_time(at("2026-09-30 09:00")):
        return referred_case(agent, company, [penalty], clerk)


def answer_url(case, outcome: str) -> str:
    return reverse(f"objection_office:answer_{outcome}", args=[case.pk])


def marks_as_disclosed(record, queryset) -> list[tuple[str, str]]:
    """The marks shown with `record` where `queryset` decides what is disclosed."""
    sections = record_sections(with_marks(queryset.filter(subject=record.subject)))
    views = [view for section in sections for view in section.records if view.record.pk == record.pk]
    assert views, "the record is not disclosed"
    return [(mark.kind, mark.text) for mark in views[0].marks]


@freeze_time(at("2026-10-09 11:00"))
def test_outcome_1_the_provider_corrects_through_the_pipeline(client, case, penalty, scjgj_staff, agent, clerk):
    client.force_login(scjgj_staff)
    prefix = f"r{penalty.pk}"
    data = {f"{prefix}-{key}": value for key, value in penalty.data.items()}
    data[f"{prefix}-penalty_type"] = "警告"
    data.pop(f"{prefix}-penalty_amount")
    response = client.post(answer_url(case, "corrected"), {**data, "reply": "经核实，处罚种类应为警告，未处罚款。"})
    assert response.status_code == 302
    case.refresh_from_db()
    penalty.refresh_from_db()
    assert (case.status, case.outcome, case.answered_at) == ("closed", "corrected", at("2026-10-09 11:00"))
    assert (penalty.status, penalty.revision, penalty.severity) == (RecordStatus.CORRECTED, 2, "light")
    assert penalty.data["penalty_type"] == ["警告"] and "penalty_amount" not in penalty.data
    assert penalty.revisions.get(number=1).data["penalty_amount"] == "2.5"
    assert marks_as_disclosed(penalty, own_records()) == []  # no longer under objection
    assert Notification.objects.filter(recipient=agent, title__contains="记录已更正").exists()
    assert Notification.objects.filter(recipient=clerk, title__contains="记录已更正").exists()


@freeze_time(at("2026-10-09 11:00"))
def test_outcome_2_then_the_applicant_keeps_its_objection(client, case, penalty, scjgj_staff, agent, clerk):
    client.force_login(scjgj_staff)
    response = client.post(answer_url(case, "confirmed"), {"reply": "经核实，该处罚决定未被撤销，信息无误。"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome) == ("answered", "confirmed")
    # Both are told; the mark ends, the record stays as it was.
    assert Notification.objects.filter(recipient=agent, body__contains="可在案件页面提交异议声明").exists()
    assert Notification.objects.filter(recipient=clerk, title__contains="信息无误").exists()
    assert marks_as_disclosed(penalty, public_records()) == []

    client.force_login(agent)
    page = client.get(reverse("objections:detail", args=[case.pk])).content.decode()
    assert "仍持异议，提交声明" in page and "本环节不设期限" in page
    client.post(reverse("objections:keep", args=[case.pk]), {"statement": KEPT})
    case.refresh_from_db()
    assert (case.status, case.applicant_keeps_objection, case.applicant_final_statement) == ("closed", True, KEPT)
    # Shown with the record wherever it is disclosed: the public page and API, a report (an
    # authorization's scope) and the subject's own view.
    statement = ("objector_statement", KEPT)
    assert marks_as_disclosed(penalty, public_records()) == [statement]
    assert marks_as_disclosed(penalty, authorized_records(["regulatory"])) == [statement]
    assert marks_as_disclosed(penalty, own_records()) == [statement]
    assert Notification.objects.filter(recipient=scjgj_staff, title__contains="申请人仍持异议").exists()


def test_outcome_2_accepted_adds_nothing(case, scjgj_staff, agent, penalty):
    services.answer_confirmed(objection=case, actor=scjgj_staff, reply="信息无误")
    services.accept_answer(objection=case, actor=agent)
    case.refresh_from_db()
    assert (case.status, case.outcome, case.applicant_keeps_objection) == ("closed", "confirmed", False)
    assert not Annotation.objects.filter(kind="objector_statement").exists()
    with pytest.raises(workflow.TransitionNotAllowed):
        services.keep_objection(objection=case, actor=agent, statement=KEPT)


def test_the_statement_is_required_and_bounded(client, case, scjgj_staff, agent):
    services.answer_confirmed(objection=case, actor=scjgj_staff, reply="信息无误")
    client.force_login(agent)
    response = client.post(reverse("objections:keep", args=[case.pk]), {"statement": "字" * 1001})
    assert response.status_code == 400 and "1000" in response.content.decode()
    assert case.__class__.objects.get().status == "answered"


@freeze_time(at("2026-10-09 11:00"))
def test_outcome_3_an_appended_note(client, case, penalty, scjgj_staff, agent):
    client.force_login(scjgj_staff)
    note = "该处罚所依据的现场检查记录已灭失，信息提供单位无法核实异议人所述情况。"
    response = client.post(answer_url(case, "unverifiable"), {"reply": "档案已灭失，无法核实", "note": note})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome) == ("closed", "unverifiable")
    assert marks_as_disclosed(penalty, public_records()) == [("appended_note", note)]
    assert Notification.objects.filter(recipient=agent, title__contains="附注声明").exists()


def test_the_answer_needs_a_reply(client, case, scjgj_staff):
    client.force_login(scjgj_staff)
    response = client.post(answer_url(case, "confirmed"), {"reply": " "})
    assert response.status_code == 400
    assert case.__class__.objects.get().status == "referred"


def test_another_providers_staff_cannot_see_or_answer(client, case, rsj_staff):
    client.force_login(rsj_staff)
    assert client.get(reverse("objection_office:detail", args=[case.pk])).status_code == 404
    assert client.post(answer_url(case, "confirmed"), {"reply": "无误"}).status_code == 404
    assert client.get(answer_url(case, "corrected")).status_code == 404
    with pytest.raises(services.ObjectionError):
        services.answer_confirmed(objection=case, actor=rsj_staff, reply="无误")
    assert case.__class__.objects.get().status == "referred"


def test_clerks_do_not_answer_for_the_provider(client, case, clerk):
    client.force_login(clerk)
    assert client.post(answer_url(case, "confirmed"), {"reply": "无误"}).status_code == 403
    assert client.get(reverse("objection_office:provider_queue")).status_code == 403


def test_a_provider_sees_a_case_only_once_referred(client, agent, company, penalty, scjgj_staff):
    from .support import file_case

    waiting, _code = file_case(agent, company, [penalty])
    client.force_login(scjgj_staff)
    assert client.get(reverse("objection_office:detail", args=[waiting.pk])).status_code == 404
    assert waiting.number not in client.get(reverse("objection_office:provider_queue") + "?status=").content.decode()


def test_the_applicant_side_is_checked(case, scjgj_staff, other_agent):
    services.answer_confirmed(objection=case, actor=scjgj_staff, reply="信息无误")
    with pytest.raises(services.ObjectionError):
        services.keep_objection(objection=case, actor=other_agent, statement=KEPT)


# --- The public subject page ---------------------------------------------------------------------


def test_the_public_page_shows_each_stage(client, case, penalty, company, scjgj_staff, agent):
    page_url = reverse("subjects:detail", args=[company.code])
    page = client.get(page_url).content.decode()
    assert penalty.source_key in page and "信息主体已对该信息提出异议" in page  # published, marked
    services.answer_confirmed(objection=case, actor=scjgj_staff, reply="信息无误")
    services.keep_objection(objection=case, actor=agent, statement=KEPT)
    page = client.get(page_url).content.decode()
    assert "异议人声明" in page and KEPT in page and "信息主体已对该信息提出异议" not in page


def test_the_public_page_withholds_a_suspended_record_until_the_answer(client, case, penalty, company, scjgj_staff):
    from objections.tasks import sweep_objection_deadlines

    page_url = reverse("subjects:detail", args=[company.code])
    assert penalty.source_key in client.get(page_url).content.decode()
    with freeze_time(at("2026-10-16 00:05")):
        sweep_objection_deadlines()
    assert penalty.source_key not in client.get(page_url).content.decode()
    services.answer_unverifiable(objection=case, actor=scjgj_staff, reply="无法核实", note="无法核实其真实性。")
    page = client.get(page_url).content.decode()
    assert penalty.source_key in page and "附注声明" in page and "无法核实其真实性。" in page
