"""The 领域 of special credit reports (信用代证), kept by the commission in the back office:
listed, added and edited by catalog_admin, every change audited, nobody else let in."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from catalog.domains import create_domain
from catalog.models import SPECIAL_REPORT_ITEM_CODES, Category, CreditDomain

from .factories import CatalogFieldFactory, CatalogItemFactory, ProviderFactory, publish

pytestmark = pytest.mark.django_db

DOMAINS = "/office/catalog/domains/"


@pytest.fixture
def providers():
    return [
        ProviderFactory(code="scjgj", name="南通市市场监督管理局"),
        ProviderFactory(code="swj", name="国家税务总局南通市税务局"),
    ]


@pytest.fixture
def catalog(providers):
    first = None
    for position, (code, name) in enumerate(
        zip(SPECIAL_REPORT_ITEM_CODES, ["行政处罚", "行政强制", "严重失信主体名单"], strict=True), start=1
    ):
        item = CatalogItemFactory(
            code=code,
            name=name,
            category=Category.REGULATORY,
            providers=providers,
            position=position,
            **({"version": first.version} if first else {}),
        )
        CatalogFieldFactory(item=item, key="decision_date", label="决定日期", type="date")
        first = first or item
    return publish(first.version)


@pytest.fixture
def market(providers):
    return create_domain(
        actor=None, providers=[providers[0]], code="market", name="市场监管", item_codes=list(SPECIAL_REPORT_ITEM_CODES)
    )


def test_the_commission_lists_domains_with_their_providers(client, catalog_admin, market, providers):
    client.force_login(catalog_admin)
    page = client.get(DOMAINS).content.decode()
    assert "信用代证领域" in page and "市场监管" in page and providers[0].short_name in page[page.index("market") :]
    assert reverse("catalog_office:domain_edit", args=[market.pk]) in page


def test_the_commission_adds_a_domain_and_it_is_audited(client, catalog_admin, catalog, providers):
    client.force_login(catalog_admin)
    form = client.get(reverse("catalog_office:domain_add")).content.decode()
    assert "严重失信主体名单（serious_dishonesty_list）" in form
    response = client.post(
        reverse("catalog_office:domain_add"),
        {
            "code": "tax",
            "name": "税务",
            "providers": [providers[1].pk],
            "item_codes": ["admin_penalty", "serious_dishonesty_list"],
            "position": 2,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    domain = CreditDomain.objects.get(code="tax")
    assert list(domain.providers.all()) == [providers[1]]
    assert domain.item_codes == ["admin_penalty", "serious_dishonesty_list"]
    event = AuditEvent.objects.get(action="catalog.domain_created")
    assert event.actor == catalog_admin and event.after["providers"] == ["swj"]


def test_an_edit_is_audited_with_what_changed_and_keeps_the_code(client, catalog_admin, catalog, providers, market):
    client.force_login(catalog_admin)
    response = client.post(
        reverse("catalog_office:domain_edit", args=[market.pk]),
        {
            "code": "renamed",
            "name": "市场监管",
            "providers": [p.pk for p in providers],
            "item_codes": list(SPECIAL_REPORT_ITEM_CODES),
            "position": 0,
        },
    )
    assert response.status_code == 302
    market.refresh_from_db()
    assert market.code == "market" and not market.is_active
    event = AuditEvent.objects.get(action="catalog.domain_changed")
    assert event.before == {"providers": ["scjgj"], "is_active": True}
    assert event.after == {"providers": ["scjgj", "swj"], "is_active": False}


def test_a_domain_without_items_is_refused_and_nothing_saved(client, catalog_admin, catalog, providers):
    client.force_login(catalog_admin)
    response = client.post(
        reverse("catalog_office:domain_add"),
        {"code": "tax", "name": "税务", "providers": [providers[1].pk], "position": 2},
    )
    assert response.status_code == 200 and "请至少选择一个目录事项" in response.content.decode()
    assert (
        not CreditDomain.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="catalog.domain").exists()
    )


def test_other_roles_may_not_keep_domains(client, provider_staff, clerk, market):
    assert client.get(DOMAINS).status_code == 302  # to the login page
    for user in (provider_staff, clerk):
        client.force_login(user)
        assert client.get(DOMAINS).status_code == 403
        assert client.get(reverse("catalog_office:domain_edit", args=[market.pk])).status_code == 403
        assert client.post(reverse("catalog_office:domain_add"), {"code": "x", "name": "x"}).status_code == 403
