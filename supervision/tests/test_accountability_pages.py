"""The accountability pages as each side sees them: who reaches which case (another provider's →
404, a wrong role → 403, a draft hidden from the provider), the forms' errors, and uploads."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supervision.accountability.models import AccountabilityCase
from supervision.accountability.services import issue_letter

from .support import open_case, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(commission, scjgj, catalog):
    return open_case(commission, scjgj, date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 9, 30))


@pytest.fixture
def issued(draft, commission):
    return issue_letter(case=draft, actor=commission)


def url(name, case, *extra):
    return reverse(f"supervision_office:{name}", args=[case.pk, *extra])


def test_the_commission_opens_a_case_from_the_form(client, commission, scjgj, catalog):
    client.force_login(commission)
    assert client.get(reverse("supervision_office:case_new")).status_code == 200
    response = client.post(
        reverse("supervision_office:case_new"),
        {
            "provider": scjgj.pk,
            "grounds": ["late"],
            "period_from": "2026-09-01",
            "period_to": "2026-09-30",
            "facts": "逾期报送。",
            "response_workdays": 10,
        },
    )
    case = AccountabilityCase.objects.get()
    assert response.status_code == 302 and response.url == url("case_detail", case)
    assert case.grounds == ["late"] and case.opened_by == commission


def test_bad_input_is_refused_with_a_clear_message(client, commission, scjgj, catalog):
    client.force_login(commission)
    response = client.post(
        reverse("supervision_office:case_new"),
        {
            "provider": scjgj.pk,
            "period_from": "2026-09-30",
            "period_to": "2026-09-01",
            "facts": "",
            "response_workdays": 2,
        },
    )
    text = response.content.decode()
    assert response.status_code == 400
    for message in ("请选择至少一项事由", "请写明事实与理由"):
        assert message in text
    assert not AccountabilityCase.objects.exists()


def test_a_draft_is_the_commissions_own(client, draft, scjgj_staff, commission):
    client.force_login(scjgj_staff)
    assert client.get(url("case_detail", draft)).status_code == 404
    assert draft.number not in client.get(reverse("supervision_office:cases")).content.decode()
    client.force_login(commission)
    assert client.get(url("case_detail", draft)).status_code == 200


def test_providers_see_their_own_cases_only(client, issued, scjgj_staff, rsj_staff):
    client.force_login(scjgj_staff)
    page = client.get(url("case_detail", issued))
    assert page.status_code == 200 and "书面答复" in page.content.decode()
    assert client.get(url("case_letter", issued))["Content-Type"] == "application/pdf"
    client.force_login(rsj_staff)
    assert issued.number not in client.get(reverse("supervision_office:cases")).content.decode()
    for name in ("case_detail", "case_letter"):
        assert client.get(url(name, issued)).status_code == 404
    assert client.post(url("case_respond", issued), {"response": "x"}).status_code == 404


def test_wrong_roles_are_refused(client, issued, clerk, scjgj_staff):
    client.force_login(clerk)
    for name in ("case_detail", "case_letter"):
        assert client.get(url(name, issued)).status_code == 403
    assert client.get(reverse("supervision_office:cases")).status_code == 403
    client.force_login(scjgj_staff)
    assert client.get(reverse("supervision_office:case_new")).status_code == 403
    for name in ("case_issue", "case_close", "case_withdraw"):
        assert client.post(url(name, issued), {}).status_code == 403


def test_the_provider_responds_with_attachments(client, issued, scjgj_staff, commission):
    client.force_login(scjgj_staff)
    response = client.post(
        url("case_respond", issued), {"response": "已整改。", "attachments": [pdf_upload("整改报告.pdf")]}
    )
    assert response.status_code == 302
    issued.refresh_from_db()
    attachment = issued.attachments.get()
    assert issued.status == "responded" and attachment.original_name == "整改报告.pdf"
    client.force_login(commission)
    page = client.get(url("case_detail", issued)).content.decode()
    assert "已整改。" in page and "整改报告.pdf" in page
    assert client.get(url("case_attachment", issued, attachment.pk))["Content-Type"] == "application/pdf"


def test_a_hostile_attachment_is_refused_and_nothing_is_lost(client, issued, scjgj_staff):
    client.force_login(scjgj_staff)
    fake = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
    response = client.post(url("case_respond", issued), {"response": "已整改，附报告。", "attachments": [fake]})
    text = response.content.decode()
    assert response.status_code == 400
    assert "不是PDF、JPEG或PNG文件" in text and "已整改，附报告。" in text
    issued.refresh_from_db()
    assert issued.status == "issued" and not issued.attachments.exists()


def test_the_commission_closes_after_the_response(client, issued, scjgj_staff, commission):
    client.force_login(scjgj_staff)
    client.post(url("case_respond", issued), {"response": "已整改。"})
    client.force_login(commission)
    refused = client.post(url("case_close", issued), {"outcome": "rectify", "conclusion": ""})
    assert refused.status_code == 400 and "请写明结论意见" in refused.content.decode()
    assert client.post(url("case_close", issued), {"outcome": "rectify", "conclusion": "责令整改。"}).status_code == 302
    issued.refresh_from_db()
    assert issued.status == "closed"


def test_the_back_office_home_shows_the_cards(client, commission, scjgj_staff, clerk):
    client.force_login(commission)
    home = client.get("/office/").content.decode()
    assert "追责督办" in home and "制度备案审核" in home
    client.force_login(scjgj_staff)
    home = client.get("/office/").content.decode()
    assert "本单位督办函" in home and "制度备案" in home and "追责督办" not in home
    client.force_login(clerk)
    assert "督办函" not in client.get("/office/").content.decode()


def test_an_id_number_in_free_text_is_refused(client, issued, scjgj_staff):
    from collection.tests.factories import make_ric

    number = make_ric("32060219850101123")
    client.force_login(scjgj_staff)
    response = client.post(url("case_respond", issued), {"response": f"经办人身份证号{number}，已处理。"})
    text = response.content.decode()
    assert response.status_code == 400 and "含有公民身份号码3206**********1231" in text
    assert text.count(number) == 1  # only in the writer's own textarea, to correct it
    issued.refresh_from_db()
    assert issued.status == "issued"


def test_a_case_without_findings_says_so(client, commission, rsj):
    case = open_case(commission, rsj, date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 9, 30))
    client.force_login(commission)
    assert "平台在核查期间内未发现该单位" in client.get(url("case_detail", case)).content.decode()
