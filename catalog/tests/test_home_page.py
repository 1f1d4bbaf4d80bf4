"""The home page lists the published catalog from the shared cache: no query once warm, the new
catalog as soon as a version is published, and the database when the cache is down."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import services
from catalog.models import Openness

pytestmark = pytest.mark.django_db

# An anonymous visitor's home page with the catalog cached: nothing left to ask the database
# (no session, no user, no notifications, no catalog).
WARM_QUERIES = 0


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_the_published_items_by_category_with_their_links(client, published, catalog_admin):
    draft = services.create_draft(actor=catalog_admin)
    services.update_draft_item(
        item=draft.items.get(code="admin_penalty"), actor=catalog_admin, openness=Openness.AUTHORIZED
    )
    services.publish_version(version=draft, actor=catalog_admin)
    html = home(client)
    assert html.index("登记类") < html.index("监管类")
    assert '<a href="/catalog/#item-business_registration">工商登记</a></li>' in html
    assert (
        '<a href="/catalog/#item-admin_penalty">行政处罚</a> <span class="badge text-bg-secondary">授权查询</span>'
        in html
    )


def test_a_warm_home_page_asks_the_database_nothing(client, published):
    home(client)  # fills the cache
    with CaptureQueriesContext(connection) as queries:
        html = home(client)
    assert len(queries) <= WARM_QUERIES, [q["sql"] for q in queries]
    assert "工商登记" in html


def test_a_new_publication_shows_at_once(client, published, catalog_admin, django_capture_on_commit_callbacks):
    assert "工商登记" in home(client)
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.create_draft(actor=catalog_admin)
        item = draft.items.get(code="business_registration")
        services.update_draft_item(item=item, actor=catalog_admin, name="市场主体登记")
        services.publish_version(version=draft, actor=catalog_admin)
    html = home(client)
    assert "市场主体登记" in html and "工商登记" not in html


def test_without_the_cache_it_reads_the_database(client, published):
    with mock.patch("catalog.selectors.cache.get_many", side_effect=ConnectionError("redis down")):
        html = home(client)
    assert "工商登记" in html and "行政处罚" in html


def test_nothing_published_says_so(client, db):
    assert "目录尚未发布" in home(client)
