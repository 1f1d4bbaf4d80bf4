"""Written objections received on paper (Art. 13 书面申请): a center clerk records an application
brought to the counter or sent by post for an applicant who may have no account; the center's 5
working days run from the day of receipt; the applicant gets a printed 回执 with the case number
and 查询码 and follows the case anonymously; a lost receipt gets a new code."""

import datetime as dt

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from catalog.models import SubjectKind
from collection.identifiers import mask_identifier
from collection.models import Annotation, Channel
from collection.personal_data import decrypt_identifier, identifier_hash
from collection.services.records import submit_record
from collection.tests.account_support import LI_ID
from collection.tests.factories import SubjectFactory, make_uscc, wrong_check
from nantong_credit.models import Notification
from objections import followup, services, workflow
from objections.models import Objection, ObjectionEvidence, ObjectionStep

from .support import (
    PHONE,
    STATEMENT,
    ZHOU_ID,
    at,
    file_case,
    midnight_after,
    paper_applicant,
    pdf_file,
    penalty_data,
    record_paper_case,
    submit_penalty,
)

pytestmark = pytest.mark.django_db
INTAKE = reverse("objection_office:paper_new")
TODAY = "2026-10-09 10:00"  # a Friday, just after the National Day holiday (1-7 October)
ZHOU_MASKED = mask_identifier(ZHOU_ID)


def receipt_url(case) -> str:
    return reverse("objection_office:receipt", args=[case.pk])


def subject_link(client, identifier: str) -> str:
    """The intake form's address for the subject the clerk looked up."""
    response = client.post(INTAKE, {"identifier": identifier})
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def intake_data(record_ids, **overrides) -> dict:
    data = {
        "channel": "post",
        "received_on": "2026-09-30",
        "applicant_role": "agent",
        "applicant_name": "周明华",
        "id_kind": "resident_id",
        "id_number": ZHOU_ID,
        "applicant_phone": PHONE,
        "applicant_address": "南通市崇川区工农路1号",
        "records": record_ids,
        "statement": STATEMENT,
        "application": pdf_file("书面异议申请.pdf"),
        "authorization": pdf_file("授权委托书.pdf"),
        "evidence": [pdf_file()],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def code_on(page: str) -> str:
    return page.split('id="receipt-code">')[1].split("<")[0]


def natural_person_with_penalty(scjgj):
    person = SubjectFactory(natural_person=True, name="周明华", identifier=ZHOU_ID)
    record = submit_record(
        provider=scjgj,
        item_code="admin_penalty",
        source_key="通市监罚〔2026〕205号",
        subject={"kind": SubjectKind.NATURAL_PERSON, "name": "周明华", "identifier": ZHOU_ID},
        data=penalty_data("通市监罚〔2026〕205号"),
        channel=Channel.API,
    ).record
    return person, record


# --- Who may record ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "agent", "scjgj_staff"])
def test_only_center_clerks_record_paper_objections(client, request, who, clerk, company, penalty):
    case, code = record_paper_case(clerk, company, [penalty])
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    responses = [
        client.get(INTAKE),
        client.post(INTAKE, {"identifier": company.code}),
        client.get(receipt_url(case)),
        client.post(reverse("objection_office:reissue_code", args=[case.pk])),
    ]
    for response in responses:
        if who == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 403
    assert followup.find_case(case.number, code) == case  # no new code was drawn
    client.force_login(clerk)
    assert client.get(INTAKE).status_code == 200


# --- The happy path ---------------------------------------------------------------------------------


@freeze_time(at(TODAY))
def test_a_letter_is_a_case_whose_center_period_runs_from_its_arrival(
    clerk, second_clerk, agent, company, penalty, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case, code = record_paper_case(clerk, company, [penalty], channel="post", received_on=dt.date(2026, 9, 30))
    assert (case.channel, case.status, case.applicant, case.received_by) == ("post", "submitted", None, clerk)
    assert case.received_on == dt.date(2026, 9, 30) and case.received_at == at("2026-09-30 00:00")
    # 8, 9, 10 (a make-up working day), 12, 13 October; counted from today it would end on the 15th.
    assert case.center_due_at == midnight_after("2026-10-13") == workflow.center_due(dt.date(2026, 9, 30))
    assert case.number.startswith("YY20261009") and followup.find_case(case.number, code) == case
    assert list(case.records.all()) == [penalty]
    files = list(case.evidence_files.order_by("pk"))
    assert [(f.kind, f.original_name) for f in files] == [
        ("application", "书面异议申请.pdf"),
        ("authorization", "授权委托书.pdf"),
        ("evidence", "缴款凭证.pdf"),
    ]
    assert all(f.file.storage.exists(f.file.name) and f.uploaded_by == clerk for f in files)
    assert Annotation.objects.get(record=penalty).kind == "under_objection"
    step = case.steps.get()
    assert (step.action, step.actor, step.actor_label) == ("file_on_paper", clerk, "南通市公共信用信息中心 顾晓雯")
    assert step.note == "邮寄，收件日期2026-09-30；申请人：周明华（委托代理人）"
    event = AuditEvent.objects.get(action="objection.file_on_paper")
    assert event.object_id == str(case.pk) and event.actor == clerk
    assert {
        key: event.after[key] for key in ("channel", "received_on", "applicant_name", "applicant_id_masked", "records")
    } == {
        "channel": "post",
        "received_on": "2026-09-30",
        "applicant_name": "周明华",
        "applicant_id_masked": ZHOU_MASKED,
        "records": [penalty.pk],
    }
    # The subject's bound account hears of it in its inbox, as for a case filed online; so does every clerk.
    assert Notification.objects.filter(recipient=agent, title=f"异议申请已受理：{case.number}").exists()
    assert "书面申请，邮寄，收件日期2026-09-30" in Notification.objects.get(recipient=second_clerk).body


@freeze_time(at(TODAY))
def test_at_the_counter_the_period_runs_from_today(clerk, company, penalty):
    case, _code = record_paper_case(clerk, company, [penalty], channel="counter")
    assert case.received_at == at(TODAY) and case.received_on == dt.date(2026, 10, 9)
    assert case.center_due_at == midnight_after("2026-10-15")  # 10, 12, 13, 14, 15 October (11th: Sunday)


@freeze_time(at(TODAY))
def test_the_clerk_records_it_on_the_intake_page_and_prints_the_receipt(client, settings, clerk, company, penalty):
    client.force_login(clerk)
    assert "查找信息主体" in client.get(INTAKE).content.decode()
    link = subject_link(client, company.code.lower())
    form = client.get(link).content.decode()
    assert "信息主体：南通海运建设工程有限公司" in form and penalty.source_key in form
    response = client.post(link, intake_data([penalty.pk]))
    case = Objection.objects.get()
    assert response.status_code == 302 and response["Location"] == receipt_url(case)

    receipt = client.get(receipt_url(case)).content.decode()
    code = code_on(receipt)
    assert followup.find_case(case.number, code) == case
    for text in (
        "信用信息异议申请受理回执",
        case.number,
        "周明华（委托代理人）",
        f'居民身份证 <span class="font-monospace">{ZHOU_MASKED}',
        "书面申请，邮寄",
        "本中心已于2026年9月30日收到",
        "行政处罚 通市监罚〔2026〕101号（南通市市场监督管理局，2026年9月1日）",
        "书面异议申请1份、授权委托书1份、证明材料1份",
        # 第十四条 links to the regulation's text (/regulation/#art-14).
        '2026年10月13日24:00前（收件之日起5个工作日，<a class="article-link" href="/regulation/#art-14">第十四条</a>第一款）',
        "该单位应在接到通知后7个工作日内处理",
        f"{settings.SITE_URL}/objections/follow-up/",
        "受理人：顾晓雯",
        "objections/receipt.css",
    ):
        assert text in receipt, text
    assert "size: A4" in open(finders.find("objections/receipt.css"), encoding="utf-8").read()
    again = client.get(receipt_url(case)).content.decode()  # printed once: the code is gone
    assert code not in again and "已打印于原回执" in again

    # The applicant follows the case with the printed number and code, without an account.
    client.logout()
    follow = client.post(reverse("objections:follow_up"), {"number": case.number, "code": code})
    assert follow.status_code == 302
    page = client.get(follow["Location"]).content.decode()
    assert "受理书面异议申请" in page and "书面申请，邮寄" in page and "2026年10月13日24:00" in page


def test_the_lookup_says_what_is_wrong_with_the_code(client, clerk, company):
    client.force_login(clerk)
    wrong = client.post(INTAKE, {"identifier": wrong_check(company.code, "0123456789ABCDEFGHJKLMNPQRTUWXY")})
    assert wrong.status_code == 400 and "校验位错误" in wrong.content.decode()
    unknown = client.post(INTAKE, {"identifier": make_uscc("91320602MA1Q7R2K9")})
    assert (
        unknown.status_code == 400
        and "平台中没有该统一社会信用代码或公民身份号码的信息主体" in unknown.content.decode()
    )
    forged = client.get(f"{INTAKE}?subject={company.pk}")
    assert forged.status_code == 302 and forged["Location"] == INTAKE  # only a link the lookup signed


def test_a_natural_person_is_found_by_id_number_which_stays_out_of_the_address(client, clerk, scjgj, catalog):
    person, record = natural_person_with_penalty(scjgj)
    client.force_login(clerk)
    link = subject_link(client, ZHOU_ID)
    assert ZHOU_ID not in link and ZHOU_ID[:6] not in link
    page = client.get(link).content.decode()
    assert f"信息主体：{person.name}" in page and person.identifier_masked in page and ZHOU_ID not in page


# --- Bad input loses nothing ------------------------------------------------------------------------


@freeze_time(at(TODAY))
@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"application": None}, "请上传书面异议申请的扫描件（第十三条：书面申请）"),
        ({"evidence": []}, "请上传证明材料"),
        ({"authorization": None}, "委托代理人提出的，请上传信息主体签署的授权委托书扫描件"),
        ({"received_on": "2026-10-10"}, "收件日期2026-10-10晚于今天，请核对"),
        (
            {"received_on": "2026-09-08"},
            "收件日期2026-09-08距今已超过30天，请核对收件日期（邮寄的，填写信件送达中心的日期）",
        ),
        ({"id_number": wrong_check(ZHOU_ID)}, "公民身份号码校验位错误，请核对号码是否抄写有误"),
        ({"id_number": "3206021978"}, "公民身份号码应为18位，实际为10位"),
        ({"id_kind": "passport", "id_number": "护照E123"}, "护照号码应为5至20位字母或数字"),
        (
            {"evidence": [SimpleUploadedFile("判决书.pdf", b"MZ\x90\x00 a program", content_type="application/pdf")]},
            "不是PDF、JPEG或PNG文件",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_kept(
    client, settings, clerk, company, penalty, overrides, message
):
    client.force_login(clerk)
    response = client.post(subject_link(client, company.code), intake_data([penalty.pk], **overrides))
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    assert STATEMENT in page and "周明华" in page  # what was typed is still there
    assert not Objection.objects.exists() and not ObjectionEvidence.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="objection.").exists()
    assert not Annotation.objects.exists() and not (settings.MEDIA_ROOT / "objections").exists()


def test_another_subjects_record_is_refused(clerk, company, other_company, scjgj):
    foreign = submit_penalty(scjgj, other_company, "通市监罚〔2026〕300号")
    with pytest.raises(services.ObjectionError) as refused:
        record_paper_case(clerk, company, [foreign])
    assert refused.value.message == "所选记录不属于该信息主体" and not Objection.objects.exists()


def test_a_record_with_an_open_case_is_refused(clerk, agent, company, penalty):
    online, _code = file_case(agent, company, [penalty])
    with pytest.raises(services.ObjectionError) as refused:
        record_paper_case(clerk, company, [penalty])
    assert f"已有尚未办结的异议（案件编号{online.number}）" in refused.value.message
    assert Objection.objects.get() == online


def test_a_failure_after_the_files_are_stored_removes_them(clerk, company, penalty, settings, monkeypatch):
    def broken(objection):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr("objections.notices.filed", broken)
    with pytest.raises(RuntimeError):
        record_paper_case(clerk, company, [penalty])
    assert not Objection.objects.exists() and not ObjectionStep.objects.exists()
    assert [p for p in (settings.MEDIA_ROOT / "objections").rglob("*") if p.is_file()] == []


def test_a_natural_person_applying_in_person_must_show_its_own_id_card(clerk, scjgj, catalog):
    person, record = natural_person_with_penalty(scjgj)
    with pytest.raises(services.ObjectionError) as refused:
        record_paper_case(
            clerk, person, [record], applicant=paper_applicant(role="self", id_number=LI_ID), authorization=False
        )
    assert refused.value.field == "id_number" and "应与信息主体的公民身份号码一致" in refused.value.message
    case, _code = record_paper_case(
        clerk, person, [record], applicant=paper_applicant(role="self"), authorization=False
    )
    assert case.applicant_role == "self" and not case.evidence_files.filter(kind="authorization").exists()


# --- Personal data ----------------------------------------------------------------------------------


@freeze_time(at(TODAY))
def test_the_id_number_is_never_kept_or_shown_in_clear(client, clerk, company, penalty, agent, scjgj_staff):
    client.force_login(clerk)
    typed = f"{ZHOU_ID[:6]} {ZHOU_ID[6:14]} {ZHOU_ID[14:].lower()}"  # as copied from the card
    client.post(subject_link(client, company.code), intake_data([penalty.pk], id_number=typed))
    case = Objection.objects.get()
    code = code_on(client.get(receipt_url(case)).content.decode())
    services.refer_objection(objection=case, actor=clerk)
    pages = {
        "receipt": (clerk, receipt_url(case)),
        "office case": (clerk, reverse("objection_office:detail", args=[case.pk])),
        "queue": (clerk, reverse("objection_office:queue") + "?status="),
        "provider's case": (scjgj_staff, reverse("objection_office:detail", args=[case.pk])),
        "subject's case": (agent, reverse("objections:detail", args=[case.pk])),
    }
    for name, (user, url) in pages.items():
        client.force_login(user)
        page = client.get(url).content.decode()
        assert ZHOU_ID not in page and ZHOU_ID[6:14] not in page, name
    client.logout()
    client.post(reverse("objections:follow_up"), {"number": case.number, "code": code})
    assert ZHOU_ID[6:14] not in client.get(reverse("objections:follow_up_case", args=[case.number])).content.decode()
    # At rest: masked, encrypted and hashed, never in clear; nor in the audit trail, timeline or inbox.
    row = Objection.objects.filter(pk=case.pk).values().get()
    assert not [key for key, value in row.items() if ZHOU_ID[6:14] in str(value)]
    assert (case.applicant_id_masked, decrypt_identifier(case.applicant_id_encrypted)) == (ZHOU_MASKED, ZHOU_ID)
    assert case.applicant_id_hash == identifier_hash("ric", ZHOU_ID)
    for table in (AuditEvent, ObjectionStep, Notification):
        assert ZHOU_ID[6:14] not in str(list(table.objects.values())), table.__name__


def test_a_passport_number_is_kept_like_an_id_number(clerk, company, penalty):
    case, _code = record_paper_case(
        clerk, company, [penalty], applicant=paper_applicant(id_kind="passport", id_number="e 1234 5678")
    )
    assert (case.applicant_id_kind, case.applicant_id_masked) == ("passport", "E1*****78")
    assert decrypt_identifier(case.applicant_id_encrypted) == "E12345678"
    assert case.applicant_id_hash == identifier_hash("passport", "E12345678")


# --- A lost receipt ---------------------------------------------------------------------------------


def test_a_lost_receipt_gets_a_new_code_and_the_old_one_stops_working(client, clerk, agent, company, penalty):
    case, old = record_paper_case(clerk, company, [penalty])
    client.force_login(clerk)
    assert "重新生成查询码" in client.get(reverse("objection_office:detail", args=[case.pk])).content.decode()
    response = client.post(reverse("objection_office:reissue_code", args=[case.pk]))
    assert response.status_code == 302 and response["Location"] == receipt_url(case)
    new = code_on(client.get(receipt_url(case)).content.decode())
    assert new != old
    assert followup.find_case(case.number, new) == case and followup.find_case(case.number, old) is None
    event = AuditEvent.objects.get(action="objection.reissue_code")
    assert event.actor == clerk and event.object_id == str(case.pk)
    assert new not in str(list(AuditEvent.objects.values())) and old not in str(list(AuditEvent.objects.values()))
    step = case.steps.get(action="reissue_code")
    assert step.note == "原查询码已作废" and step.actor_label == "南通市公共信用信息中心 顾晓雯"
    assert Notification.objects.filter(recipient=agent, title=f"查询码已重新生成：{case.number}").exists()
    assert Objection.objects.get().status == "submitted"


def test_an_online_case_gets_no_new_code(client, clerk, agent, company, penalty):
    case, code = file_case(agent, company, [penalty])
    client.force_login(clerk)
    response = client.post(reverse("objection_office:reissue_code", args=[case.pk]), follow=True)
    assert "网上提交的异议由申请人在“我的异议”中查看" in response.content.decode()
    assert followup.find_case(case.number, code) == case
    assert not AuditEvent.objects.filter(action="objection.reissue_code").exists()
    assert client.get(receipt_url(case)).status_code == 404


# --- Then like any other case -----------------------------------------------------------------------


def test_a_paper_case_goes_on_like_any_other(client, clerk, agent, company, penalty, scjgj_staff):
    case, _code = record_paper_case(clerk, company, [penalty])
    client.force_login(clerk)
    queue = client.get(reverse("objection_office:queue")).content.decode()
    assert case.number in queue and "窗口受理" in queue and INTAKE in queue
    assert INTAKE in client.get(reverse("office:home")).content.decode()
    services.refer_objection(objection=case, actor=clerk, note="系提供单位报送")
    client.force_login(scjgj_staff)
    page = client.get(reverse("objection_office:detail", args=[case.pk])).content.decode()
    assert "周明华（委托代理人）" in page and ZHOU_MASKED in page and "{#" not in page
    assert PHONE not in page and "重新生成查询码" not in page  # contact details and the code are the center's
    client.force_login(agent)
    assert case.number in client.get(reverse("objections:mine")).content.decode()
    own = client.get(reverse("objections:detail", args=[case.pk])).content.decode()
    assert "书面申请，窗口受理" in own and "书面异议申请.pdf" in own
    services.withdraw_objection(objection=case, actor=agent, reason="已与提供单位沟通")
    assert Objection.objects.get().status == "withdrawn"


def test_the_database_refuses_a_paper_case_without_its_clerk(clerk, company, penalty):
    from django.db import IntegrityError, transaction

    case, _code = record_paper_case(clerk, company, [penalty])
    with pytest.raises(IntegrityError), transaction.atomic():
        Objection.objects.filter(pk=case.pk).update(received_by=None)
