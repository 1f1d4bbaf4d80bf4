"""An install whose published catalog predates special credit reports gets 行政强制 and
严重失信主体名单 the way the catalog changes: a new version, published by the demo step, the old
version untouched; and the 领域 once."""

import pytest
from django.db import transaction

from audit.models import AuditEvent
from catalog import services as catalog_services
from catalog.demo import _add_item, ensure_providers, ensure_schemes, items
from catalog.demo.special import ensure_domains, ensure_list_items, ensure_special_items
from catalog.models import CatalogVersion, CreditDomain
from nantong_credit.demo.loader import DemoRun, SeedReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def run():
    run = DemoRun(report=SeedReport())
    with transaction.atomic():  # the seed runs its steps in one transaction
        ensure_providers(run)
        ensure_schemes(run)
    return run


@pytest.fixture
def old_catalog(run):
    """A published catalog of 2024: 行政处罚 only, without the 消防救援支队 among its providers."""
    draft = catalog_services.create_draft(actor=None)
    providers, schemes = run.shared["providers"], run.shared["schemes"]
    _add_item(draft, items.ADMIN_PENALTY, position=1, actor=None, providers=providers, schemes=schemes)
    penalty = draft.items.get(code="admin_penalty")
    older = [p for p in penalty.providers.all() if p.code != "xfjyzd"]
    catalog_services.update_draft_item(item=penalty, actor=None, providers=older)
    return catalog_services.publish_version(version=draft, actor=None)


def test_a_new_version_adds_the_items_and_the_old_one_stays(run, old_catalog):
    ensure_special_items(run)

    versions = list(CatalogVersion.objects.order_by("number"))
    assert [(v.number, v.status) for v in versions] == [(1, "published"), (2, "published")]
    assert list(versions[0].items.values_list("code", flat=True)) == ["admin_penalty"]
    new = versions[1]
    assert set(new.items.values_list("code", flat=True)) == {
        "admin_penalty",
        "admin_coercion",
        "serious_dishonesty_list",
    }
    assert "xfjyzd" in new.items.get(code="admin_penalty").providers.values_list("code", flat=True)
    listing = new.items.get(code="serious_dishonesty_list")
    assert {"decision_date", "listing_reason", "listing_basis", "removed_on"} <= set(
        listing.fields.values_list("key", flat=True)
    )
    coercion = new.items.get(code="admin_coercion")
    assert {"coercion_document_number", "coercion_types", "coercion_basis", "decision_date", "authority"} <= set(
        coercion.fields.values_list("key", flat=True)
    )
    assert AuditEvent.objects.filter(action="catalog.version_published", object_id=str(new.pk)).exists()

    ensure_special_items(run)  # a second run changes nothing
    assert CatalogVersion.objects.count() == 2


def test_an_open_draft_is_left_alone(run, old_catalog):
    catalog_services.create_draft(actor=None)
    ensure_special_items(run)
    assert CatalogVersion.objects.filter(status="published").count() == 1
    assert "已有目录草稿" in run.report.notes[0]


def test_the_domains_are_made_once(run, old_catalog):
    ensure_domains(run)
    ensure_domains(run)
    assert CreditDomain.objects.count() == 13
    fire = CreditDomain.objects.get(name="消防救援")
    assert list(fire.providers.values_list("code", flat=True)) == ["xfjyzd"]
    assert AuditEvent.objects.filter(action="catalog.domain_created").count() == 13


def test_a_catalog_without_the_red_list_gets_it_in_a_new_version(run, old_catalog):
    ensure_list_items(run)

    new = CatalogVersion.objects.get(number=2)
    red = new.items.get(code="red_list")
    assert (red.category, red.is_dishonesty) == ("commendation", False)
    assert red.disclosure_scheme.code == "red_list"
    assert {"list_type", "decision_date", "listed_until", "removed_on", "incentives"} <= set(
        red.fields.values_list("key", flat=True)
    )
    assert "纳税信用A级纳税人" in red.fields.get(key="list_type").choices
    assert set(new.items.values_list("code", flat=True)) == {"admin_penalty", "red_list"}

    ensure_list_items(run)  # a second run changes nothing
    assert CatalogVersion.objects.count() == 2
