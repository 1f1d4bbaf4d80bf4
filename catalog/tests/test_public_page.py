import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog import services
from catalog.models import DisclosureRule

from .factories import DisclosureRuleFactory

pytestmark = pytest.mark.django_db


def page(client) -> str:
    response = client.get(reverse("catalog:public"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_catalog_url_is_catalog():
    assert reverse("catalog:public") == "/catalog/"


def test_it_says_so_when_nothing_is_published(client, db):
    assert "尚未发布" in page(client)


def test_a_draft_is_not_public(client, catalog_admin):
    services.create_draft(actor=catalog_admin)
    assert "尚未发布" in page(client)


def test_it_shows_the_published_version_by_category_in_article_8_order(client, published):
    html = page(client)
    assert f"第{published.number}版" in html
    assert timezone.localtime(published.published_at).strftime("%Y年%-m月%-d日") + "发布" in html
    assert html.index("登记类") < html.index("监管类")
    assert 'id="item-business_registration"' in html and 'id="item-admin_penalty"' in html
    assert html.index('id="item-business_registration"') < html.index('id="item-admin_penalty"')


def test_each_item_shows_its_fields_and_attributes(client, published):
    html = page(client)
    penalty = html[html.index('id="item-admin_penalty"') :]
    penalty = penalty[: penalty.index("</article>")]
    for text in (
        "行政处罚",
        "失信信息",
        "公开",
        "行政处罚决定书文号",
        "处罚类别",
        "可选值：警告",
        "（可多选）",
        "南通市市场监督管理局",
        "自决定作出之日起7个工作日内报送",
        "法人和非法人组织、个体工商户、自然人",
        "《南通市公共信用信息归集和使用暂行办法》第八条",
    ):
        assert text in penalty, text
    assert (
        "轻微：原则上不予公示，确需公示的最长3个月；一般：3个月至1年；严重：1年至3年，"
        "自决定作出之日起计算（决定当日不计入）"
    ) in penalty
    contact_row = re.search(r"联系电话.*?</tr>", penalty, re.S).group(0)
    assert "不公开" in contact_row
    decision_row = re.search(r"行政处罚决定书文号.*?</tr>", penalty, re.S).group(0)
    assert "不公开" not in decision_row and "<td>是</td>" in decision_row


def test_registration_items_are_long_term(client, published):
    html = page(client)
    registration = html[html.index('id="item-business_registration"') :]
    assert "长期公示" in registration[: registration.index("</article>")]


def test_it_lists_earlier_rules_for_older_decisions(client, published):
    scheme = published.items.get(code="admin_penalty").disclosure_scheme
    DisclosureRuleFactory(
        scheme=scheme, effective_from=dt.date(2021, 1, 1), mode=DisclosureRule.Mode.FIXED, periods={"all": [6, 36]}
    )
    html = page(client)
    assert "2026年4月1日起作出的决定：轻微：原则上不予公示，确需公示的最长3个月" in html
    assert "2021年1月1日起作出的决定：公示6个月至3年，自决定作出之日起计算（决定当日不计入）" in html
    assert "（现行）" in html
    assert (
        "公示期限按决定作出之日施行的规则确定，新规则不适用于施行前作出的决定："
        "例如2026年3月作出的决定，仍适用2021年1月1日起施行的规则。"
    ) in html


def test_it_shows_the_documents(client, published):
    html = page(client)
    assert "标准与规范" in html and "公共信用信息数据规范" in html and "第一条 数据项应当完整。" in html


def test_it_shows_the_newest_published_version(client, published, catalog_admin):
    draft = services.create_draft(actor=catalog_admin)
    services.update_draft_item(item=draft.items.get(code="admin_penalty"), actor=catalog_admin, name="行政处罚信息")
    services.publish_version(version=draft, actor=catalog_admin)
    html = page(client)
    assert "第2版" in html and "行政处罚信息" in html


def test_the_home_page_links_to_catalog_items(client, published):
    html = client.get(reverse("portal:home")).content.decode()
    assert "/catalog/#item-admin_penalty" in html
