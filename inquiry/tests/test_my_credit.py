"""The subject's own area (我的信用, /account/credit/): its records, requests to answer, consents,
commitments and the way to its credit report."""

import datetime as dt

import pytest
from django.urls import reverse

from catalog.models import Category
from collection.models import Annotation, RecordStatus
from collection.tests.account_support import resident  # noqa: F401  (fixture)
from inquiry.authorizations.services import grant_authorization, request_authorization
from inquiry.commitments import record_commitment
from inquiry.models import CreditCommitment

from .authorization_support import (  # noqa: F401  (fixtures)
    add_record,
    agent,
    company,
    company_records,
    inquiry_catalog,
    later,
    organisation,
    provider,
    requester,
)

pytestmark = pytest.mark.django_db


def subject_url(subject) -> str:
    return reverse("my_credit:subject", args=[subject.pk])


def test_an_account_with_one_subject_goes_straight_to_it(client, resident):
    client.force_login(resident)
    response = client.get(reverse("my_credit:home"))
    assert response.status_code == 302 and response["Location"] == subject_url(resident.bindings.get().subject)


def test_an_agent_chooses_among_its_subjects_and_sees_pending_requests(client, agent, company, requester):
    request_authorization(
        requester=requester,
        subject=company,
        purpose="供应商资格审查",
        categories=[Category.RATING],
        valid_until=later(20),
    )
    client.force_login(agent)
    page = client.get(reverse("my_credit:home")).content.decode()
    assert subject_url(company) in page and "王建国" in page  # the company and the agent itself
    assert "1项授权申请待处理" in page


def test_an_account_without_subjects_is_told_how_to_bind(client, nobody):
    client.force_login(nobody)
    assert "申请绑定单位" in client.get(reverse("my_credit:home")).content.decode()


def test_the_subject_sees_all_its_records_with_every_field_and_marks(
    client, agent, company, company_records, inquiry_catalog
):
    add_record(inquiry_catalog, company, "admin_penalty", "已撤销的处罚", status=RecordStatus.REVOKED)
    add_record(inquiry_catalog, company, "admin_penalty", "期满的处罚", disclosure_ends_on=dt.date(2020, 1, 1))
    Annotation.objects.create(record=company_records["admin_penalty"], kind=Annotation.Kind.UNDER_OBJECTION)
    client.force_login(agent)
    page = client.get(subject_url(company)).content.decode()
    for shown in ("纳税信用等级事项", "社保缴纳情况事项", "行政处罚事项的内部备注", "期满的处罚", "异议处理中"):
        assert shown in page, shown
    assert "已撤销的处罚" not in page


def test_the_subject_sees_its_light_penalty_marked_as_not_published(client, agent, company, inquiry_catalog):
    add_record(
        inquiry_catalog,
        company,
        "admin_penalty",
        "轻微的处罚",
        severity="light",
        publication_withheld=True,
        disclosure_ends_on=dt.date(2099, 1, 1),
    )
    client.force_login(agent)
    page = client.get(subject_url(company)).content.decode()
    assert "轻微的处罚" in page and "轻微·不公示" in page
    assert "依规不在南通信用网公示，仅本主体、信息提供单位、市信用信息中心及政府部门核查时可见" in page


def test_the_page_links_to_ordering_the_subjects_credit_report(client, agent, company):
    client.force_login(agent)
    page = client.get(subject_url(company)).content.decode()
    assert f"/reports/new/?subject={company.pk}" in page


def test_pending_requests_and_consents_are_listed_with_their_actions(client, agent, company, requester):
    asked = request_authorization(
        requester=requester,
        subject=company,
        purpose="供应商资格审查",
        categories=[Category.RATING],
        valid_until=later(20),
    )
    client.force_login(agent)
    page = client.get(subject_url(company)).content.decode()
    assert "供应商资格审查" in page and reverse("my_credit:authorization", args=[company.pk, asked.pk]) in page
    grant_authorization(authorization=asked, actor=agent, categories=[Category.RATING], valid_until=later(20))
    page = client.get(subject_url(company)).content.decode()
    assert "已给予的查询授权" in page and reverse("my_credit:revoke", args=[company.pk, asked.pk]) in page


def test_its_public_commitments_are_shown(client, agent, company, clerk):
    record_commitment(
        subject=company,
        kind=CreditCommitment.Kind.APPROVAL,
        matter="申请市级专项资金",
        text="所报材料真实有效，如有不实愿承担相应责任。",
        made_on=dt.date(2026, 3, 1),
        actor=clerk,
    )
    record_commitment(
        subject=company,
        kind=CreditCommitment.Kind.VOLUNTARY,
        matter="内部承诺",
        text="不公开的承诺。",
        made_on=dt.date(2026, 3, 2),
        actor=clerk,
        is_public=False,
    )
    client.force_login(agent)
    page = client.get(subject_url(company)).content.decode()
    assert "申请市级专项资金" in page and "所报材料真实有效" in page and "内部承诺" not in page


def test_a_natural_person_sees_its_own_records(client, resident, inquiry_catalog):
    person = resident.bindings.get().subject
    add_record(inquiry_catalog, person, "admin_penalty", "个人行政处罚")
    client.force_login(resident)
    page = client.get(reverse("my_credit:home"), follow=True).content.decode()
    assert "个人行政处罚" in page and "李晓梅" in page


def test_another_account_gets_404_for_a_subject_it_does_not_act_for(client, resident, company, agent):
    other = organisation("南通某某贸易有限公司", 7)
    client.force_login(agent)
    assert client.get(subject_url(other)).status_code == 404
    assert client.get(reverse("my_credit:looks", args=[other.pk])).status_code == 404
    client.force_login(resident)
    assert client.get(subject_url(company)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, company):
    response = client.get(subject_url(company))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
