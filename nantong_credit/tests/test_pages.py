"""The public pages render, in Chinese, for anonymous visitors; error pages are Chinese too."""

import re
from unittest import mock

import pytest
from django.urls import reverse

from catalog import services as catalog_services
from catalog.models import Category, DisclosureScheme, FieldType, Openness, Provider, SubjectKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_catalog(catalog_admin):
    """Catalog version 1 with a public penalty item and an authorized-query qualification item."""
    scheme = DisclosureScheme.objects.create(code="long_term_test", name="长期公示")
    provider = Provider.objects.create(code="scjgj", name="南通市市场监督管理局")
    draft = catalog_services.create_draft(actor=catalog_admin)
    penalty = catalog_services.add_item(
        version=draft,
        actor=catalog_admin,
        providers=[provider],
        code="admin_penalty",
        name="行政处罚",
        category=Category.REGULATORY,
        openness=Openness.PUBLIC,
        is_dishonesty=True,
        subject_kinds=[SubjectKind.LEGAL_PERSON],
        disclosure_scheme=scheme,
        legal_basis="《南通市公共信用信息归集和使用暂行办法》第八条",
    )
    catalog_services.add_field(
        item=penalty,
        actor=catalog_admin,
        key="decision_number",
        label="行政处罚决定书文号",
        type=FieldType.TEXT,
        required=True,
    )
    qualification = catalog_services.add_item(
        version=draft,
        actor=catalog_admin,
        providers=[provider],
        code="qualification",
        name="资质认定",
        category=Category.QUALIFICATION,
        openness=Openness.AUTHORIZED,
        subject_kinds=[SubjectKind.LEGAL_PERSON],
        disclosure_scheme=scheme,
    )
    catalog_services.add_field(
        item=qualification, actor=catalog_admin, key="certificate", label="证书编号", type=FieldType.TEXT
    )
    return catalog_services.publish_version(version=draft, actor=catalog_admin)


def test_the_home_page_has_the_search_box(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "南通信用网" in html
    assert 'role="search"' in html and 'action="/subjects/"' in html
    # The search field has a label, not only a placeholder.
    assert '<label for="q"' in html


def test_the_home_page_says_when_no_catalog_is_published(client):
    assert "目录尚未发布" in client.get("/").content.decode()


def test_the_home_page_lists_the_published_catalog_by_category(client, published_catalog):
    html = client.get("/").content.decode()

    assert "目录尚未发布" not in html
    assert "监管类" in html and "行政处罚" in html
    assert "资质类" in html and "资质认定" in html
    assert "授权查询" in html
    assert html.index("资质类") < html.index("监管类")  # Art. 8's order


def test_the_home_page_ignores_a_draft(client, published_catalog, catalog_admin):
    draft = catalog_services.create_draft(actor=catalog_admin)
    catalog_services.update_draft_item(
        item=draft.items.get(code="admin_penalty"), actor=catalog_admin, name="行政处罚（草稿中的新名称）"
    )

    html = client.get("/").content.decode()

    assert "草稿中的新名称" not in html
    assert "行政处罚" in html


def test_the_catalog_page_shows_the_published_items_with_their_fields(client, published_catalog):
    response = client.get(reverse("catalog:public"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "公共信用信息目录" in html
    assert "行政处罚" in html and "行政处罚决定书文号" in html
    assert "南通市市场监督管理局" in html
    assert "第八条" in html


def test_the_catalog_page_renders_before_anything_is_published(client):
    response = client.get(reverse("catalog:public"))

    assert response.status_code == 200
    assert "目录" in response.content.decode()


def test_the_healthz_page_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_the_navigation_offers_login_to_visitors(client):
    html = client.get("/").content.decode()

    assert 'aria-label="主导航"' in html
    assert f'href="{reverse("login")}"' in html
    assert "跳到主要内容" in html


def test_every_asset_is_served_locally(client, published_catalog):
    # No CDN: the portal must work on a government intranet and leak no visitor to a third party.
    for path in ("/", reverse("catalog:public"), reverse("login")):
        html = client.get(path).content.decode()
        assets = re.findall(r'<(?:link|script|img)\b[^>]*?\b(?:href|src)="([^"]+)"', html)
        assert assets, path
        for url in assets:
            assert url.startswith("/static/"), f"{path} loads {url}"


def test_the_404_page_is_in_chinese(client, settings):
    settings.DEBUG = False

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert 'href="/"' in html


def test_the_403_page_is_in_chinese(client, nobody, settings):
    settings.DEBUG = False
    client.force_login(nobody)

    response = client.get(reverse("catalog_office:versions"))

    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_the_500_page_is_in_chinese(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False

    with mock.patch("catalog.selectors.home_catalog", side_effect=RuntimeError("boom")):
        response = client.get("/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "服务暂时不可用" in html
    assert "boom" not in html and "Traceback" not in html
