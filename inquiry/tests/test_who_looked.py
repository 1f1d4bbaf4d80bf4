"""The query log and "who looked at me" (Art. 11: every query is logged with who asked, when and
why; the subject may see it)."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from catalog.models import Category
from inquiry.authorizations.services import grant_authorization, request_authorization
from inquiry.models import QueryLog
from inquiry.querylog import log_query

from .authorization_support import (  # noqa: F401  (fixtures)
    agent,
    company,
    company_records,
    government_user,
    inquiry_catalog,
    later,
    organisation,
    provider,
    requester,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def granted(requester, company, agent):
    authorization = request_authorization(
        requester=requester,
        subject=company,
        purpose="合同签订前信用核实",
        categories=[Category.RATING],
        valid_until=later(30),
    )
    return grant_authorization(
        authorization=authorization, actor=agent, categories=[Category.RATING], valid_until=later(30)
    )


def test_every_authorized_view_is_logged_with_who_when_and_why(client, requester, granted, company_records):
    client.force_login(requester)
    url = reverse("authorizations:detail", args=[granted.pk])
    with freeze_time("2026-06-02 10:15:00+08:00"):
        client.get(url)
    client.get(url)
    entries = QueryLog.objects.filter(kind=QueryLog.Kind.AUTHORIZED).order_by("occurred_at")
    assert [(e.actor, e.subject, e.authorization, e.purpose) for e in entries] == [
        (requester, granted.subject, granted, "合同签订前信用核实")
    ] * 2
    assert entries[0].occurred_at.isoformat().startswith("2026-06-02T02:15")
    assert AuditEvent.objects.filter(action="authorization.query", actor=requester).count() == 2


def test_the_subject_sees_who_looked_when_and_why(client, requester, agent, granted, company_records):
    client.force_login(requester)
    with freeze_time("2026-06-02 10:15:00+08:00"):
        client.get(reverse("authorizations:detail", args=[granted.pk]))
    client.force_login(agent)
    page = client.get(reverse("my_credit:subject", args=[granted.subject_id])).content.decode()
    assert "王一帆" in page and "合同签订前信用核实" in page and "2026-06-02 10:15" in page and "授权查询" in page
    full = client.get(reverse("my_credit:looks", args=[granted.subject_id])).content.decode()
    assert "王一帆" in full and "合同签订前信用核实" in full


def test_anonymous_views_are_counted_not_named_and_own_views_left_out(client, agent, company, government_user):
    for _ in range(3):
        log_query(kind=QueryLog.Kind.PUBLIC_PAGE, actor=None, subject=company)
    log_query(kind=QueryLog.Kind.PUBLIC_PAGE, actor=agent, subject=company)
    log_query(kind=QueryLog.Kind.GOVERNMENT, actor=government_user, subject=company, purpose="专项资金审核")
    client.force_login(agent)
    page = client.get(reverse("my_credit:subject", args=[company.pk])).content.decode()
    assert "近一年匿名公众查看 <strong>3</strong> 次" in page
    assert "政府部门用户 施丽萍" in page and "专项资金审核" in page
    assert "王建国" not in page.split("谁查看了我的信用信息")[1].split("公开的信用承诺")[0]


def test_a_subject_sees_only_the_queries_of_itself(client, agent, company, requester):
    other = organisation("南通某某贸易有限公司", 8)
    log_query(kind=QueryLog.Kind.PUBLIC_PAGE, actor=requester, subject=other, purpose="看看别人")
    client.force_login(agent)
    page = client.get(reverse("my_credit:looks", args=[company.pk])).content.decode()
    assert "看看别人" not in page and "暂无登录用户查询本主体的记录" in page
