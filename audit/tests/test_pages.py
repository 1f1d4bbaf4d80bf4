"""The auditor's pages: who may see them, what they show, and that they stay cheap."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.selectors import PAGE_SIZE
from audit.services import record_event

from .factories import AuditEventFactory, make_chain
from .tampering import edit_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(catalog_admin):
    with transaction.atomic():
        return record_event(
            action="catalog.publish",
            actor=catalog_admin,
            object_type="catalog.catalogversion",
            object_id="3",
            summary="发布目录第 3 版",
            before={"状态": "草稿", "数据项": ["行政许可"]},
            after={"状态": "已发布", "数据项": ["行政许可", "行政处罚"]},
            ip_address="10.32.6.15",
        )


def _urls(event) -> list[str]:
    return [reverse("audit:events"), reverse("audit:event", args=[event.pk]), reverse("audit:verify")]


def test_the_auditor_sees_every_page(client, auditor, event):
    client.force_login(auditor)

    for url in _urls(event):
        assert client.get(url).status_code == 200, url


def test_other_roles_are_refused(client, catalog_admin, provider_staff, event):
    for user in (catalog_admin, provider_staff):
        client.force_login(user)
        for url in _urls(event):
            response = client.get(url)
            assert response.status_code == 403, url
            assert "无权访问" in response.content.decode()
        assert client.post(reverse("audit:verify")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client, event):
    for url in _urls(event):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_list_shows_events_newest_first(client, auditor, event):
    AuditEventFactory(action="inquiry.query", summary="查询某企业信用信息")
    client.force_login(auditor)

    html = client.get(reverse("audit:events")).content.decode()

    assert "审计日志" in html
    assert html.index("查询某企业信用信息") < html.index("发布目录第 3 版")
    assert "alice" in html and "10.32.6.15" in html
    assert "下一页" not in html


def test_the_list_filters_by_action_object_actor_and_date(client, auditor, catalog_admin, event):
    AuditEventFactory(action="inquiry.query", object_type="collection.subject", object_id="88", summary="查询甲")
    client.force_login(auditor)
    url = reverse("audit:events")

    def summaries(**params) -> str:
        return client.get(url, params).content.decode()

    assert "查询甲" not in summaries(action="catalog.publish")
    assert "发布目录第 3 版" in summaries(action="catalog.publish")
    assert "发布目录第 3 版" not in summaries(object_type="collection.subject", object_id="88")
    assert "查询甲" in summaries(object_type="collection.subject", object_id="88")
    assert "查询甲" not in summaries(actor="alice")
    assert "发布目录第 3 版" in summaries(actor="alice")
    today = timezone.localdate()
    assert "查询甲" in summaries(date_from=today.isoformat(), date_to=today.isoformat())
    assert "查询甲" not in summaries(date_to=(today - dt.timedelta(days=1)).isoformat())
    assert "没有符合条件的审计事件" in summaries(date_from=(today + dt.timedelta(days=1)).isoformat())


def test_the_list_explains_a_reversed_date_range(client, auditor, event):
    client.force_login(auditor)

    html = client.get(reverse("audit:events"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}).content.decode()

    assert "截止日期不能早于起始日期" in html


def test_the_list_pages_by_id_without_counting_the_table(client, auditor):
    events = make_chain(PAGE_SIZE + 5)
    client.force_login(auditor)

    def shown(html: str) -> set[int]:
        return {event.pk for event in events if f"查看事件 #{event.pk} 详情" in html}

    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("audit:events")).content.decode()
    assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)
    assert shown(first) == {event.pk for event in events[5:]}
    assert "下一页" in first and "上一页" not in first

    second = client.get(reverse("audit:events"), {"before": events[5].pk}).content.decode()
    assert shown(second) == {event.pk for event in events[:5]}
    assert "下一页" not in second and "上一页" in second and "最新" in second

    back = client.get(reverse("audit:events"), {"after": events[4].pk}).content.decode()
    assert shown(back) == {event.pk for event in events[5:]}
    assert "上一页" not in back and "下一页" in back


def test_paging_links_keep_the_filters(client, auditor):
    make_chain(PAGE_SIZE + 1, action="inquiry.query")
    client.force_login(auditor)

    html = client.get(reverse("audit:events"), {"action": "inquiry.query"}).content.decode()

    assert "?action=inquiry.query&amp;before=" in html


def test_the_detail_shows_before_and_after_as_json(client, auditor, event):
    client.force_login(auditor)

    html = client.get(reverse("audit:event", args=[event.pk])).content.decode()

    assert f"审计事件 #{event.pk}" in html
    assert "&quot;状态&quot;: &quot;草稿&quot;" in html and "&quot;状态&quot;: &quot;已发布&quot;" in html
    assert '"数据项": [\n    "行政许可",\n    "行政处罚"\n  ]'.replace('"', "&quot;") in html
    assert "本条记录的内容与其哈希一致" in html
    assert event.hash in html


def test_the_detail_warns_about_an_edited_event(client, auditor, event):
    edit_event(event.pk, summary="发布目录第 4 版")
    client.force_login(auditor)

    html = client.get(reverse("audit:event", args=[event.pk])).content.decode()

    assert "本条记录的内容与其哈希不符" in html


def test_the_detail_names_the_key_and_admits_one_it_does_not_have(client, auditor, event, settings):
    client.force_login(auditor)

    html = client.get(reverse("audit:event", args=[event.pk])).content.decode()
    assert f"HMAC-SHA256，密钥编号 <code>{event.key_id}</code>" in html

    settings.AUDIT_CHAIN_KEY = ["a-key-that-did-not-hash-this-event-" + "x" * 20]
    html = client.get(reverse("audit:event", args=[event.pk])).content.decode()
    assert f"本条记录的哈希密钥 <code>{event.key_id}</code> 未在本系统配置" in html


def test_the_detail_of_a_missing_event_is_404(client, auditor):
    client.force_login(auditor)

    assert client.get(reverse("audit:event", args=[999999])).status_code == 404
