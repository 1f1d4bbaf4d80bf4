"""Authorized queries granted online by the subject's own account (Art. 11)."""

import datetime as dt

import pytest
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from catalog.models import Category
from collection.models import RecordStatus
from collection.tests.account_support import LI_ID, resident  # noqa: F401  (fixture)
from inquiry.authorizations.services import (
    TRANSITIONS,
    AuthorizationError,
    grant_authorization,
    refuse_authorization,
    request_authorization,
    revoke_authorization,
)
from inquiry.models import Authorization, QueryLog
from nantong_credit.models import Notification

from .authorization_support import (  # noqa: F401  (fixtures)
    HAISHENG_USCC,
    add_record,
    agent,
    company,
    company_records,
    inquiry_catalog,
    later,
    other_requester,
    provider,
    requester,
    unverified_requester,
)

pytestmark = pytest.mark.django_db
NEW = reverse("authorizations:new")
Status = Authorization.Status


def ask(client, **overrides):
    data = {
        "kind": "organisation",
        "code": HAISHENG_USCC,
        "purpose": "签订面料采购合同前了解对方信用状况",
        "categories": [Category.RATING, Category.REGULATORY],
        "valid_until": later(30).isoformat(),
        "method": "online",
        **overrides,
    }
    return client.post(NEW, data, follow=True)


def detail(authorization) -> str:
    return reverse("authorizations:detail", args=[authorization.pk])


def answer_url(name: str, authorization) -> str:
    return reverse(f"my_credit:{name}", args=[authorization.subject_id, authorization.pk])


@pytest.fixture
def pending(requester, company, agent):
    return request_authorization(
        requester=requester,
        subject=company,
        purpose="采购合同签订前核实",
        categories=[Category.RATING, Category.REGULATORY],
        valid_until=later(30),
    )


@pytest.fixture
def granted(pending, agent):
    """Granted for 评级类 only, until 2026-06-30."""
    with freeze_time("2026-06-01 09:00:00+08:00"):
        return grant_authorization(
            authorization=pending, actor=agent, categories=[Category.RATING], valid_until=dt.date(2026, 6, 30)
        )


# --- Asking -----------------------------------------------------------------------------------


def test_a_verified_requester_asks_and_the_subjects_accounts_are_told(
    client, requester, agent, company, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(requester)
    with django_capture_on_commit_callbacks(execute=True):
        page = ask(client).content.decode()
    authorization = Authorization.objects.get()
    assert (authorization.requester, authorization.subject) == (requester, company)
    assert authorization.status == Status.REQUESTED
    assert authorization.categories == [Category.REGULATORY, Category.RATING]  # in the order of Art. 8
    assert "授权申请已发送给信息主体" in page and "等待信息主体处理" in page
    notice = Notification.objects.get(recipient=agent)
    assert "王一帆申请查询本主体的授权查询信息" in notice.title and "签订面料采购合同前" in notice.body
    assert notice.link == answer_url("authorization", authorization)
    assert [m.to for m in mailoutbox] == [[agent.email]]
    assert AuditEvent.objects.filter(action="authorization.request", object_id=str(authorization.pk)).exists()


def test_an_unverified_requester_is_refused(client, unverified_requester, agent):
    client.force_login(unverified_requester)
    assert "尚未完成实名核验" in client.get(NEW).content.decode()
    page = ask(client).content.decode()
    assert "请先到市公共信用信息中心完成实名核验" in page
    assert not Authorization.objects.exists()


def test_an_unverified_requester_learns_nothing_about_a_person(client, unverified_requester, resident):
    client.force_login(unverified_requester)
    page = ask(client, kind="natural_person", code="", id_number=LI_ID, person_name="李小梅").content.decode()
    assert "请先到市公共信用信息中心完成实名核验" in page and "未找到" not in page


def test_an_account_without_the_requester_role_gets_403(client, nobody):
    client.force_login(nobody)
    assert client.get(NEW).status_code == 403
    assert client.get(reverse("authorizations:list")).status_code == 403


def test_the_request_form_explains_bad_input_and_keeps_nothing(client, requester, agent):
    client.force_login(requester)
    page = ask(client, code="91320602MA1P8K3Q2X", categories=[], valid_until="2020-01-01").content.decode()
    assert "请至少选择一类授权查询的信息" in page
    assert not Authorization.objects.exists()
    page = ask(client, valid_until=later(400).isoformat()).content.decode()
    assert "授权有效期最长一年" in page
    page = ask(client, code="913206020000000000").content.decode()
    assert "统一社会信用代码" in page and not Authorization.objects.exists()


def test_a_subject_without_accounts_cannot_consent_online(client, requester, company):
    client.force_login(requester)
    page = ask(client).content.decode()
    assert "尚未在平台绑定账号，无法在线授权" in page
    assert not Authorization.objects.exists()


def test_a_second_request_while_one_is_pending_is_refused(client, requester, pending):
    client.force_login(requester)
    assert "已有一项待处理的授权申请" in ask(client).content.decode()
    assert Authorization.objects.count() == 1


def test_a_natural_person_is_named_by_id_number_and_name(client, requester, resident):
    client.force_login(requester)
    page = ask(client, kind="natural_person", code="", id_number=LI_ID, person_name="李晓梅").content.decode()
    authorization = Authorization.objects.get()
    assert authorization.subject.name == "李晓梅"
    assert LI_ID not in page
    assert not AuditEvent.objects.filter(after__icontains=LI_ID).exists()


def test_a_wrong_name_for_an_id_number_finds_nobody(client, requester, resident):
    client.force_login(requester)
    page = ask(client, kind="natural_person", code="", id_number=LI_ID, person_name="李小梅").content.decode()
    assert "未找到该自然人的信用信息" in page
    assert not Authorization.objects.exists()


# --- Granting: scope and expiry ---------------------------------------------------------------


def test_the_subject_grants_a_scope_and_the_requester_sees_only_those_categories(
    client, requester, agent, pending, company_records
):
    client.force_login(agent)
    page = client.get(answer_url("authorization", pending)).content.decode()
    assert "采购合同签订前核实" in page and "同意授权" in page
    response = client.post(
        answer_url("grant", pending),
        {
            "grant-categories": [Category.RATING],
            "grant-valid_until": later(10).isoformat(),
            "grant-note": "仅限本次采购",
        },
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.categories, pending.valid_until) == (Status.GRANTED, [Category.RATING], later(10))
    assert Notification.objects.filter(recipient=requester, title__contains="已同意您的查询授权申请").exists()

    client.force_login(requester)
    page = client.get(detail(pending)).content.decode()
    assert "纳税信用等级事项" in page  # an authorized-only item of the granted category
    assert "纳税信用等级事项的内部备注" in page  # all its fields, not only the public ones
    for hidden in ("行政处罚事项", "社保缴纳情况事项", "工商登记事项", "荣誉表彰事项"):
        assert hidden not in page


def test_a_regulatory_scope_shows_public_and_authorized_items_of_that_category(
    client, requester, agent, pending, company_records
):
    grant_authorization(authorization=pending, actor=agent, categories=[Category.REGULATORY], valid_until=later(5))
    client.force_login(requester)
    page = client.get(detail(pending)).content.decode()
    for shown in ("行政处罚事项", "警示记录事项", "社保缴纳情况事项"):
        assert shown in page
    assert "纳税信用等级事项" not in page and "行政许可事项" not in page


def test_records_out_of_disclosure_are_not_shown_even_within_scope(
    client, requester, agent, pending, inquiry_catalog, company
):
    add_record(inquiry_catalog, company, "tax_credit_rating", "已撤销的评级", status=RecordStatus.REVOKED)
    add_record(inquiry_catalog, company, "tax_credit_rating", "已过期的评级", disclosure_ends_on=dt.date(2020, 1, 1))
    add_record(inquiry_catalog, company, "tax_credit_rating", "现行评级")
    grant_authorization(authorization=pending, actor=agent, categories=[Category.RATING], valid_until=later(5))
    client.force_login(requester)
    page = client.get(detail(pending)).content.decode()
    assert "现行评级" in page and "已撤销的评级" not in page and "已过期的评级" not in page


def test_the_grant_is_live_through_its_last_day_and_shows_nothing_the_day_after(
    client, requester, granted, company_records
):
    client.force_login(requester)
    with freeze_time("2026-06-30 23:59:00+08:00"):
        assert "纳税信用等级事项" in client.get(detail(granted)).content.decode()
    with freeze_time("2026-07-01 00:00:01+08:00"):
        page = client.get(detail(granted)).content.decode()
    assert "纳税信用等级事项" not in page
    assert "授权已于2026年6月30日到期" in page
    # Only the views that showed records are queries.
    assert QueryLog.objects.filter(authorization=granted).count() == 1


def test_a_grant_with_bad_input_is_explained_and_nothing_changes(client, agent, pending):
    client.force_login(agent)
    response = client.post(answer_url("grant", pending), {"grant-valid_until": "2020-01-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请至少选择一类授权查询的信息" in page
    response = client.post(
        answer_url("grant", pending), {"grant-categories": [Category.RATING], "grant-valid_until": "2020-01-01"}
    )
    assert "授权有效期不能早于今天" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Status.REQUESTED


# --- Refusal and revocation -------------------------------------------------------------------


def test_the_subject_refuses_and_the_requester_sees_nothing(client, requester, agent, pending, company_records):
    client.force_login(agent)
    client.post(answer_url("refuse", pending), {"refuse-reason": "与本单位无业务往来"})
    pending.refresh_from_db()
    assert (pending.status, pending.decision_note, pending.decided_by) == (Status.REFUSED, "与本单位无业务往来", agent)
    notice = Notification.objects.get(recipient=requester)
    assert "未获同意" in notice.title and "与本单位无业务往来" in notice.body
    client.force_login(requester)
    page = client.get(detail(pending)).content.decode()
    assert "未获授权" in page and "纳税信用等级事项" not in page
    assert not QueryLog.objects.exists()


def test_the_subject_revokes_and_nothing_is_shown_from_then_on(client, requester, agent, pending, company_records):
    grant_authorization(authorization=pending, actor=agent, categories=[Category.RATING], valid_until=later(30))
    client.force_login(requester)
    assert "纳税信用等级事项" in client.get(detail(pending)).content.decode()
    client.force_login(agent)
    assert "撤回授权" in client.get(reverse("my_credit:subject", args=[pending.subject_id])).content.decode()
    client.post(answer_url("revoke", pending))
    pending.refresh_from_db()
    assert pending.status == Status.REVOKED and pending.revoked_at is not None
    assert Notification.objects.filter(recipient=requester, title__contains="已撤回").exists()
    client.force_login(requester)
    page = client.get(detail(pending)).content.decode()
    assert "信息主体已撤回授权" in page and "纳税信用等级事项" not in page


def test_a_decided_request_cannot_be_decided_again(client, agent, pending):
    refuse_authorization(authorization=pending, actor=agent)
    client.force_login(agent)
    response = client.post(
        answer_url("grant", pending),
        {"grant-categories": [Category.RATING], "grant-valid_until": later(3).isoformat()},
        follow=True,
    )
    assert "当前状态为“未获授权”，不能授权" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Status.REFUSED
    with pytest.raises(AuthorizationError):
        revoke_authorization(authorization=pending, actor=agent)


def test_the_transitions_table_allows_only_what_it_lists():
    allowed = {(t.source, t.target) for t in TRANSITIONS.values()}
    assert allowed == {
        (Status.REQUESTED, Status.GRANTED),
        (Status.REQUESTED, Status.REFUSED),
        (Status.GRANTED, Status.REVOKED),
    }


# --- Who may see what -------------------------------------------------------------------------


def test_another_requester_cannot_open_someone_elses_authorization(client, other_requester, granted):
    client.force_login(other_requester)
    assert client.get(detail(granted)).status_code == 404
    assert client.get(reverse("authorizations:letter", args=[granted.pk])).status_code == 404


def test_the_requester_cannot_answer_its_own_request(client, requester, pending):
    client.force_login(requester)
    response = client.post(
        answer_url("grant", pending), {"grant-categories": [Category.RATING], "grant-valid_until": later(3).isoformat()}
    )
    assert response.status_code == 403
    with pytest.raises(AuthorizationError):
        grant_authorization(authorization=pending, actor=requester, categories=[Category.RATING], valid_until=later(3))


def test_an_account_not_bound_to_the_subject_gets_404(client, pending, resident):
    client.force_login(resident)
    assert client.get(answer_url("authorization", pending)).status_code == 404
    response = client.post(answer_url("refuse", pending), {})
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == Status.REQUESTED


def test_the_requesters_list_shows_its_own_authorizations_with_expiry(client, requester, other_requester, granted):
    client.force_login(requester)
    with freeze_time("2026-07-02 10:00:00+08:00"):
        page = client.get(reverse("authorizations:list")).content.decode()
    assert "南通海晟纺织有限公司" in page and "已过期" in page and "评级类" in page
    client.force_login(other_requester)
    assert "南通海晟纺织有限公司" not in client.get(reverse("authorizations:list")).content.decode()
