"""A paper applicant who may have no account takes its own steps in writing (Art. 14(二): it
still disagrees, or accepts the answer; or it withdraws): a center clerk records the letter on
the case page, through the same service as the applicant's online step, and the timeline names
both the applicant's side and the clerk."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from audit.models import AuditEvent
from collection.models import Annotation
from nantong_credit.models import Notification
from nantong_credit.uploads import check_upload
from objections import paper, services, workflow
from objections.models import Objection, ObjectionEvidence, ObjectionStep

from .support import at, file_case, pdf_file, record_paper_case

pytestmark = pytest.mark.django_db
KEPT = "行政复议决定书（通政复决〔2026〕45号）已撤销该处罚，申请人对核查结果仍有异议。"
LETTER_NAME = "申请人书面意见.pdf"
TODAY = "2026-10-14 10:00"  # a Wednesday; the case was received on the 9th and answered on the 12th
LABEL = "南通海运建设工程有限公司（书面提出：邮寄，收件日期2026-10-13；经办：顾晓雯）"


def case_url(case) -> str:
    return reverse("objection_office:detail", args=[case.pk])


def letter_url(case, action: str) -> str:
    return reverse("objection_office:record_letter", args=[case.pk, action])


def letter_data(action: str, **overrides) -> dict:
    """The clerk's form for `action` (its fields carry the step as prefix); None leaves a field out."""
    data = {"channel": "post", "received_on": "2026-10-13", "letter": pdf_file(LETTER_NAME)}
    data.update({"keep_objection": {"statement": KEPT}, "withdraw": {"reason": "已与提供单位沟通"}}.get(action, {}))
    data.update(overrides)
    return {f"{action}-{key}": value for key, value in data.items() if value is not None}


def a_letter(**overrides) -> paper.Letter:
    values = {"channel": "counter", "received_on": timezone.localdate(), "scan": check_upload(pdf_file(LETTER_NAME))}
    return paper.Letter(**{**values, **overrides})


def stored_files(settings) -> list:
    return sorted(p for p in (settings.MEDIA_ROOT / "objections").rglob("*") if p.is_file())


@pytest.fixture
def referred(clerk, company, penalty):
    """A paper case of the company, which has no account on the platform, at the provider."""
    with freeze_time(at("2026-10-09 10:00")):
        case, _code = record_paper_case(clerk, company, [penalty])
        return services.refer_objection(objection=case, actor=clerk)


@pytest.fixture
def answered(referred, scjgj_staff):
    """The provider found its record correct (二): the applicant may keep its objection or accept."""
    with freeze_time(at("2026-10-12 15:00")):
        return services.answer_confirmed(
            objection=referred, actor=scjgj_staff, reply="经核实，该处罚决定未被撤销，信息无误。"
        )


# --- Who may record a letter ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "agent", "scjgj_staff"])
def test_only_center_clerks_record_an_applicants_letter(client, request, who, answered):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for action in workflow.APPLICANT_STEPS:
        response = client.post(letter_url(answered, action), letter_data(action))
        if who == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 403
    if who == "scjgj_staff":  # the provider sees the case, not the clerk's forms
        assert "登记申请人的书面意见" not in client.get(case_url(answered)).content.decode()
        with pytest.raises(services.ObjectionError) as refused:
            services.keep_objection(
                objection=answered, actor=request.getfixturevalue(who), statement=KEPT, letter=a_letter()
            )
        assert refused.value.message == "只有市公共信用信息中心的工作人员可以登记申请人的书面意见"
    assert Objection.objects.get().status == "answered"
    assert not ObjectionEvidence.objects.filter(kind="letter").exists()


def test_a_bound_account_cannot_pass_itself_off_as_a_letter(answered, agent):
    """It may keep its objection online; a letter is the center's to record."""
    with pytest.raises(services.ObjectionError):
        services.keep_objection(objection=answered, actor=agent, statement=KEPT, letter=a_letter())
    assert not ObjectionEvidence.objects.filter(kind="letter").exists()
    services.keep_objection(objection=answered, actor=agent, statement=KEPT)
    step = Objection.objects.get().steps.get(action="keep_objection")
    assert step.actor_label == "南通海运建设工程有限公司（王建国）"


def test_an_online_case_is_the_applicants_own(client, clerk, agent, company, penalty, scjgj_staff):
    online, _code = file_case(agent, company, [penalty])
    services.refer_objection(objection=online, actor=clerk)
    services.answer_confirmed(objection=online, actor=scjgj_staff, reply="信息无误")
    client.force_login(clerk)
    assert "登记申请人的书面意见" not in client.get(case_url(online)).content.decode()
    assert client.post(letter_url(online, "keep_objection"), letter_data("keep_objection")).status_code == 404
    with pytest.raises(services.ObjectionError) as refused:
        services.accept_answer(objection=online, actor=clerk, letter=a_letter())
    assert "网上提交的异议由申请人登录后自行办理" in refused.value.message
    assert Objection.objects.get().status == "answered"


def test_an_unknown_step_is_not_found(client, clerk, answered):
    client.force_login(clerk)
    assert client.post(letter_url(answered, "refer"), letter_data("refer")).status_code == 404


# --- Each step end to end on the clerk's case page -----------------------------------------------


@freeze_time(at(TODAY))
def test_the_clerk_records_that_the_applicant_keeps_its_objection(
    client, settings, clerk, answered, penalty, company, scjgj_staff
):
    client.force_login(clerk)
    page = client.get(case_url(answered)).content.decode()
    assert "登记申请人的书面意见" in page and "登记：仍持异议" in page and "登记：接受核查结果" in page
    assert "登记：撤回异议" not in page  # not from 提供单位已答复
    assert 'name="keep_objection-received_on" value="2026-10-14"' in page  # today, pre-filled as a browser reads it

    response = client.post(letter_url(answered, "keep_objection"), letter_data("keep_objection"))
    assert response.status_code == 302 and response["Location"] == case_url(answered)
    page = client.get(case_url(answered)).content.decode()
    assert "已登记申请人的书面意见：仍持异议" in page and "登记申请人的书面意见</h2>" not in page
    assert LABEL in page and "申请人书面意见" in page and LETTER_NAME in page
    case = Objection.objects.get()
    assert (case.status, case.outcome, case.applicant_keeps_objection) == ("closed", "confirmed", True)
    assert (case.applicant_final_statement, case.closed_at) == (KEPT, at(TODAY))
    # Shown with the record wherever it is disclosed, as when kept online.
    assert Annotation.objects.get(record=penalty, kind="objector_statement").text == KEPT
    public = client.get(reverse("subjects:detail", args=[company.code])).content.decode()
    assert "异议人声明" in public and KEPT in public

    step = case.steps.get(action="keep_objection")
    assert (step.actor, step.actor_label, step.note) == (clerk, LABEL, KEPT)
    event = AuditEvent.objects.get(action="objection.keep_objection")
    assert event.actor == clerk and event.object_id == str(case.pk)
    assert event.after["in_writing"]["channel"] == "post" and event.after["in_writing"]["received_on"] == "2026-10-13"
    letter = case.evidence_files.get(kind="letter")
    assert (letter.original_name, letter.uploaded_by) == (LETTER_NAME, clerk)
    assert letter.file.storage.exists(letter.file.name)
    assert event.after["in_writing"]["letter"] == {"name": LETTER_NAME, "sha256": letter.sha256}
    assert Notification.objects.filter(recipient=scjgj_staff, title=f"申请人仍持异议：{case.number}").exists()

    # The receipt lists what came with the application, not the later letter.
    assert "申请人书面意见" not in client.get(reverse("objection_office:receipt", args=[case.pk])).content.decode()


@freeze_time(at(TODAY))
def test_the_clerk_records_that_the_applicant_accepts_the_answer(client, clerk, answered, scjgj_staff):
    client.force_login(clerk)
    response = client.post(
        letter_url(answered, "accept_answer"), letter_data("accept_answer", channel="counter", received_on="2026-10-14")
    )
    assert response.status_code == 302
    case = Objection.objects.get()
    assert (case.status, case.outcome, case.applicant_keeps_objection, case.closed_at) == (
        "closed",
        "confirmed",
        False,
        at(TODAY),
    )
    assert not Annotation.objects.filter(kind="objector_statement").exists()
    step = case.steps.get(action="accept_answer")
    assert (step.actor, step.actor_label) == (
        clerk,
        "南通海运建设工程有限公司（书面提出：窗口受理，收件日期2026-10-14；经办：顾晓雯）",
    )
    assert AuditEvent.objects.get(action="objection.accept_answer").actor == clerk
    assert case.evidence_files.get(kind="letter").uploaded_by == clerk
    assert Notification.objects.filter(recipient=scjgj_staff, title=f"异议已办结：{case.number}").exists()


@freeze_time(at(TODAY))
def test_the_clerk_records_that_the_applicant_withdraws(client, clerk, referred, penalty, scjgj_staff):
    client.force_login(clerk)
    page = client.get(case_url(referred)).content.decode()
    assert "登记：撤回异议" in page and "登记：仍持异议" not in page and "确定登记申请人撤回异议？" in page

    response = client.post(letter_url(referred, "withdraw"), letter_data("withdraw"))
    assert response.status_code == 302
    case = Objection.objects.get()
    assert (case.status, case.closed_at) == ("withdrawn", at(TODAY))
    assert not Annotation.objects.filter(record=penalty, kind="under_objection", is_active=True).exists()
    step = case.steps.get(action="withdraw")
    assert (step.actor, step.actor_label, step.note) == (clerk, LABEL, "已与提供单位沟通")
    assert AuditEvent.objects.get(action="objection.withdraw").actor == clerk
    assert case.evidence_files.get(kind="letter").original_name == LETTER_NAME
    assert Notification.objects.filter(recipient=scjgj_staff, title=f"异议已撤回：{case.number}").exists()


def test_a_withdrawal_lifts_the_suspension_of_a_late_providers_records(clerk, referred, penalty):
    from objections.tasks import sweep_objection_deadlines

    with freeze_time(at("2026-10-21 00:05")):
        sweep_objection_deadlines()
    penalty.refresh_from_db()
    assert penalty.suspended_since is not None
    with freeze_time(at("2026-10-21 09:00")):
        services.withdraw_objection(objection=referred, actor=clerk, letter=a_letter())
    penalty.refresh_from_db()
    assert penalty.suspended_since is None
    assert AuditEvent.objects.get(action="record.reinstate").actor == clerk


# --- Bad input loses nothing ---------------------------------------------------------------------


@freeze_time(at(TODAY))
@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"letter": None}, "请上传申请人书面意见的扫描件（须申请人签字，单位加盖公章）"),
        ({"statement": "  "}, "请填写异议及理由，该声明将随记录一并披露"),
        ({"statement": "字" * 1001}, "不超过 1000 字符"),
        ({"received_on": "2026-10-15"}, "收件日期2026-10-15晚于今天，请核对"),
        ({"received_on": "2026-10-11"}, "收件日期2026-10-11早于提供单位答复之日（2026-10-12），请核对"),
        (
            {"received_on": "2026-09-01"},
            "收件日期2026-09-01距今已超过30天，请核对收件日期（邮寄的，填写信件送达中心的日期）",
        ),
        ({"channel": "online"}, "选择一个有效的选项"),
        (
            {"letter": SimpleUploadedFile("意见.pdf", b"MZ\x90\x00 a program", content_type="application/pdf")},
            "不是PDF、JPEG或PNG文件",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_kept(
    client, settings, clerk, answered, overrides, message
):
    files_before, events_before = stored_files(settings), AuditEvent.objects.count()
    client.force_login(clerk)
    response = client.post(letter_url(answered, "keep_objection"), letter_data("keep_objection", **overrides))
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    if "statement" not in overrides:
        assert KEPT in page  # what was typed is still there
    assert "登记申请人的书面意见" in page and "仍持异议" in page
    case = Objection.objects.get()
    assert (case.status, case.applicant_keeps_objection) == ("answered", False)
    assert not ObjectionEvidence.objects.filter(kind="letter").exists() and stored_files(settings) == files_before
    assert AuditEvent.objects.count() == events_before
    assert not Annotation.objects.filter(kind="objector_statement").exists()


@freeze_time(at(TODAY))
def test_a_withdrawal_cannot_predate_the_application(clerk, referred):
    with pytest.raises(services.ObjectionError) as refused:
        services.withdraw_objection(objection=referred, actor=clerk, letter=a_letter(received_on=dt.date(2026, 10, 8)))
    assert refused.value.message == "收件日期2026-10-08早于异议申请的收件日期（2026-10-09），请核对"
    assert refused.value.field == "received_on" and Objection.objects.get().status == "referred"


@freeze_time(at(TODAY))
def test_a_failure_after_the_letter_is_stored_removes_it(settings, clerk, answered, monkeypatch):
    def broken(objection):
        raise RuntimeError("mail server on fire")

    files_before = stored_files(settings)
    monkeypatch.setattr("objections.notices.kept", broken)
    with pytest.raises(RuntimeError):
        services.keep_objection(objection=answered, actor=clerk, statement=KEPT, letter=a_letter())
    assert stored_files(settings) == files_before
    assert Objection.objects.get().status == "answered" and not ObjectionEvidence.objects.filter(kind="letter").exists()


# --- Only from the statuses the workflow allows ----------------------------------------------------


@freeze_time(at(TODAY))
def test_a_step_the_status_does_not_allow_is_refused(client, clerk, referred, scjgj_staff):
    client.force_login(clerk)
    for action in ("keep_objection", "accept_answer"):  # the provider has not answered yet
        response = client.post(letter_url(referred, action), letter_data(action), follow=True)
        assert "案件当前状态为“待信息提供单位核查”，不能登记该书面意见" in response.content.decode()
        with pytest.raises(workflow.TransitionNotAllowed):
            services.accept_answer(objection=referred, actor=clerk, letter=a_letter())
    services.answer_confirmed(objection=referred, actor=scjgj_staff, reply="信息无误")
    response = client.post(letter_url(referred, "withdraw"), letter_data("withdraw"), follow=True)
    assert "案件当前状态为“提供单位已答复”，不能登记该书面意见" in response.content.decode()
    services.accept_answer(objection=referred, actor=clerk, letter=a_letter())
    page = client.get(case_url(referred)).content.decode()
    assert "登记申请人的书面意见" not in page  # nothing left for the applicant to do
    assert Objection.objects.get().status == "closed"
    assert list(ObjectionStep.objects.filter(action__in=workflow.APPLICANT_STEPS).values_list("action", flat=True)) == [
        "accept_answer"
    ]
    assert ObjectionEvidence.objects.filter(kind="letter").count() == 1


# --- The anonymous follow-up page says how ---------------------------------------------------------


def follow(client, case, code) -> str:
    client.post(reverse("objections:follow_up"), {"number": case.number, "code": code})
    return client.get(reverse("objections:follow_up_case", args=[case.number])).content.decode()


def test_the_follow_up_page_says_which_steps_are_taken_in_writing_and_where(
    client, settings, clerk, company, penalty, scjgj_staff
):
    case, code = record_paper_case(clerk, company, [penalty])
    page = follow(client, case, code)
    assert "书面办理后续事项" in page and "撤回异议" in page and "仍有异议" not in page
    assert "到南通市公共信用信息中心窗口递交，或邮寄至南通市公共信用信息中心，由中心工作人员登记" in page
    assert "咨询电话" not in page and "登录后在“我的异议”中办理" in page

    services.refer_objection(objection=case, actor=clerk)
    services.answer_confirmed(objection=case, actor=scjgj_staff, reply="信息无误")
    settings.CENTER_ADDRESS, settings.CENTER_PHONE = "南通市崇川区世纪大道6号", "0513-85000000"
    page = follow(client, case, code)
    assert "仍有异议" in page and "接受核查结果" in page and "撤回异议" not in page
    assert "邮寄至南通市崇川区世纪大道6号（南通市公共信用信息中心收）" in page and "咨询电话：" in page
    assert 'href="tel:0513-85000000"' in page

    services.keep_objection(objection=case, actor=clerk, statement=KEPT, letter=a_letter())
    page = follow(client, case, code)
    assert "书面办理后续事项" not in page and KEPT in page and "经办：顾晓雯" in page


def test_an_online_case_is_followed_up_in_the_account(client, agent, company, penalty):
    case, code = file_case(agent, company, [penalty])
    page = follow(client, case, code)
    assert "提交异议声明、撤回等操作请登录后在“我的异议”中办理" in page and "书面办理后续事项" not in page
