"""A record's own public page, `/subjects/<统一社会信用代码>/records/<id>/` (SPEC §6, issue 15 §2):
the record as the subject page shows it, with its history — each revision's date, the public
fields it changed and why — and nothing the subject page would not show."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from collection.models import Channel, CreditRecord
from collection.services.records import submit_record
from collection.tests.factories import SubjectFactory, make_ric, make_uscc
from inquiry.models import QueryLog
from objections import services as objection_services
from objections.tests.conftest import (  # noqa: F401  (fixtures)
    _emails_sent_in_process,
    _fresh_published_items_cache,
    agent,
    catalog,
    clerk,
    company,
    other_company,
    rsj,
    scjgj,
    scjgj_staff,
)
from objections.tests.support import at, penalty_data, referred_case, subject_payload, submit_penalty

pytestmark = pytest.mark.django_db

PRIVATE_ID = make_ric("32060219850314002")  # the 法定代表人's number, a field that is never public


def url(record: CreditRecord, code: str | None = None) -> str:
    return reverse("subjects:record", args=[code or record.subject.code, record.pk])


def resubmit(provider, subject, number: str, **extra) -> CreditRecord:
    return submit_record(
        provider=provider,
        item_code="admin_penalty",
        source_key=number,
        subject=subject_payload(subject),
        data=penalty_data(number, **extra),
        channel=Channel.FORM,
    ).record


@pytest.fixture
def penalty(scjgj, company):
    with freeze_time(at("2026-09-03 10:00")):
        return submit_penalty(scjgj, company)


def test_the_page_shows_the_record_as_the_subject_page_does(client, penalty):
    html = client.get(url(penalty)).content.decode()
    assert "行政处罚" in html and "通市监罚〔2026〕101号" in html and "南通市市场监督管理局" in html
    assert "南通海运建设工程有限公司" in html
    assert "2026年9月3日" in html and "信息提供单位报送" in html


def test_a_provider_update_lists_the_public_fields_it_changed(client, scjgj, company):
    with freeze_time(at("2026-09-03 10:00")):
        penalty = submit_penalty(scjgj, company, legal_rep_id=PRIVATE_ID)
    with freeze_time(at("2026-10-12 15:00")):
        resubmit(
            scjgj, company, "通市监罚〔2026〕101号", penalty_amount="3", legal_rep_id=make_ric("32060219900101001")
        )
    html = client.get(url(penalty)).content.decode()
    assert "2026年10月12日" in html and "信息提供单位更新" in html
    assert "罚款金额（万元）" in html and "<del>2.5</del>" in html and "<ins>3</ins>" in html
    assert "法定代表人身份证号" not in html  # a non-public field is never named
    for number in (PRIVATE_ID, make_ric("32060219900101001")):
        assert number not in html and number[:4] + "**********" + number[-4:] not in html


def test_a_correction_after_an_objection_says_so(client, scjgj_staff, agent, clerk, company, penalty):
    with freeze_time(at("2026-11-02 09:00")):
        case = referred_case(agent, company, [penalty], clerk)
    with freeze_time(at("2026-11-05 14:00")):
        objection_services.answer_with_correction(
            objection=case, actor=scjgj_staff, reply="金额有误", corrections={penalty.pk: {"penalty_amount": "1.5"}}
        )
    html = client.get(url(penalty)).content.decode()
    assert "2026年11月5日" in html and "异议核查后更正（第十四条）" in html
    assert "<del>2.5</del>" in html and "<ins>1.5</ins>" in html
    assert "已更正" in html
    assert "陆志强" not in html and "金额有误" not in html  # no staff names, no case correspondence


def test_marks_are_shown_with_their_reasons(client, scjgj_staff, agent, clerk, company, penalty):
    with freeze_time(at("2026-11-02 09:00")):
        case = referred_case(agent, company, [penalty], clerk)
    html = client.get(url(penalty)).content.decode()
    assert "异议处理中" in html and "信息主体提出异议，异议处理中（第十三条）" in html
    assert html.index("异议处理中（第十三条）") < html.index("信息提供单位报送")  # newest first
    with freeze_time(at("2026-11-04 09:00")):
        objection_services.answer_unverifiable(
            objection=case, actor=scjgj_staff, reply="无法核实", note="处罚机关无法核实当事人所述情况，特此附注。"
        )
    html = client.get(url(penalty)).content.decode()
    assert "附注声明" in html and "处罚机关无法核实当事人所述情况" in html
    assert "无法核实，附注声明（第十四条第二款第（三）项）" in html
    assert "异议处理中（第十三条）" not in html  # the objection is over


def test_the_subject_page_links_each_record(client, penalty):
    html = client.get(reverse("subjects:detail", args=[penalty.subject.code])).content.decode()
    assert f'href="{url(penalty)}"' in html


@pytest.mark.parametrize(
    "change",
    [
        {"publication_withheld": True},  # 轻微·不公示
        {"suspended_since": dt.datetime(2026, 11, 1, tzinfo=dt.UTC)},  # Art. 14, provider late
        {"disclosure_ends_on": dt.date(2020, 1, 1)},  # expired by date, before any sweep
        {"status": "expired"},
        {"status": "revoked"},
        {"repaired_at": dt.datetime(2026, 11, 1, tzinfo=dt.UTC)},
        {"is_public": False},  # an authorized-query item
    ],
)
def test_what_the_public_may_not_see_is_not_found(client, penalty, change):
    CreditRecord.objects.filter(pk=penalty.pk).update(**change)
    response = client.get(url(penalty))
    assert response.status_code == 404
    assert "通市监罚〔2026〕101号" not in response.content.decode()


def test_a_record_under_another_subjects_code_is_not_found(client, penalty, other_company):
    assert client.get(url(penalty, code=other_company.code)).status_code == 404
    assert client.get(url(penalty, code=make_uscc("91320602MA1XXXXX1"))).status_code == 404
    assert client.get(reverse("subjects:record", args=[penalty.subject.code, 999999])).status_code == 404


def test_a_natural_persons_record_has_no_public_page(client, scjgj, catalog):
    person = SubjectFactory(natural_person=True)
    record = submit_record(
        provider=scjgj,
        item_code="admin_penalty",
        source_key="通市监罚〔2026〕77号",
        subject={"kind": person.kind, "name": person.name, "identifier": decrypt(person)},
        data=penalty_data("通市监罚〔2026〕77号"),
        channel=Channel.API,
    ).record
    # A natural person has no 统一社会信用代码: neither its masked number nor any code finds it.
    for code in (person.identifier_masked, decrypt(person), make_uscc("91320602MA1XXXXX1")):
        response = client.get(f"/subjects/{code}/records/{record.pk}/")
        assert response.status_code == 404
        assert decrypt(person) not in response.content.decode()


def decrypt(subject) -> str:
    from collection.personal_data import decrypt_identifier

    return decrypt_identifier(subject.identifier_encrypted)


def test_an_individual_business_reads_as_on_its_subject_page(client, scjgj, catalog):
    shop = SubjectFactory(individual_business=True, legal_representative="张伟")
    record = submit_penalty(scjgj, shop, "通市监罚〔2026〕88号")
    html = client.get(url(record)).content.decode()
    assert shop.name in html and "通市监罚〔2026〕88号" in html


def test_a_code_in_another_form_redirects(client, penalty):
    response = client.get(url(penalty, code=penalty.subject.code.lower()))
    assert response.status_code == 301 and response["Location"] == url(penalty)


def test_it_shares_the_subject_pages_rate_limit(client, penalty, settings):
    settings.PUBLIC_SUBJECT_RATE = "2/m"
    subject_page = reverse("subjects:detail", args=[penalty.subject.code])
    assert client.get(subject_page, REMOTE_ADDR="203.0.113.9").status_code == 200
    assert client.get(url(penalty), REMOTE_ADDR="203.0.113.9").status_code == 200
    refused = client.get(url(penalty), REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429 and "查询过于频繁" in refused.content.decode()


def test_a_signed_in_view_is_logged(client, penalty, agent):
    client.force_login(agent)
    before = QueryLog.objects.count()
    assert client.get(url(penalty)).status_code == 200
    log = QueryLog.objects.order_by("-id").first()
    assert QueryLog.objects.count() == before + 1
    assert log.subject_id == penalty.subject_id and log.kind == QueryLog.Kind.PUBLIC_PAGE


def test_it_is_read_from_a_replica_like_the_subject_page():
    from nantong_credit.db_routers import REPLICA_READ_VIEWS

    assert "subjects:record" in REPLICA_READ_VIEWS


def test_today_decides(client, penalty):
    CreditRecord.objects.filter(pk=penalty.pk).update(disclosure_ends_on=timezone.localdate())
    assert client.get(url(penalty)).status_code == 200
