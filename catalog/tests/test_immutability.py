"""A published catalog cannot be changed by any code path, not only through the services."""

import pytest
from django.db import transaction

from catalog.errors import CatalogLocked
from catalog.models import CatalogDocument, CatalogField, CatalogItem, CatalogVersion, Provider

from .factories import CatalogFieldFactory, CatalogItemFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def unchanged(published):
    return (
        list(CatalogItem.objects.filter(version=published).values_list("code", "name", "position")),
        list(CatalogField.objects.filter(item__version=published).values_list("key", "label", "position")),
        list(CatalogDocument.objects.filter(version=published).values_list("title", "body")),
        list(
            CatalogItem.providers.through.objects.filter(catalogitem__version=published).values_list(
                "catalogitem", "provider"
            )
        ),
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda v: setattr_and_save(v.items.first(), name="改名"),
        lambda v: v.items.first().delete(),
        lambda v: CatalogItem.objects.create(
            version=v,
            code="x",
            name="新事项",
            category="registration",
            subject_kinds=["legal_person"],
            disclosure_scheme=v.items.first().disclosure_scheme,
        ),
        lambda v: setattr_and_save(CatalogField.objects.filter(item__version=v).first(), label="改名"),
        lambda v: CatalogField.objects.filter(item__version=v).first().delete(),
        lambda v: CatalogField.objects.create(item=v.items.first(), key="new", label="新"),
        lambda v: setattr_and_save(v.documents.first(), body="改"),
        lambda v: v.documents.first().delete(),
        lambda v: CatalogDocument.objects.create(version=v, title="新", body="新"),
        lambda v: CatalogItem.objects.filter(version=v).update(name="批量改名"),
        lambda v: CatalogField.objects.filter(item__version=v).update(required=True),
        lambda v: CatalogDocument.objects.filter(version=v).delete(),
        lambda v: CatalogItem.objects.filter(version=v).delete(),
        lambda v: CatalogField.objects.bulk_create([CatalogField(item=v.items.first(), key="bulk", label="批量")]),
        lambda v: v.items.first().providers.add(ProviderFactory()),
        lambda v: v.items.first().providers.clear(),
        lambda v: Provider.objects.get(code="scjgj").catalog_items.clear(),
        lambda v: Provider.objects.get(code="scjgj").delete(),
        lambda v: Provider.objects.filter(code="scjgj").delete(),
        lambda v: setattr_and_save(CatalogVersion.objects.get(pk=v.pk), title="改标题"),
        lambda v: CatalogVersion.objects.filter(pk=v.pk).update(status=CatalogVersion.Status.DRAFT),
        lambda v: CatalogVersion.objects.get(pk=v.pk).delete(),
    ],
    ids=[
        "item.save",
        "item.delete",
        "item.create",
        "field.save",
        "field.delete",
        "field.create",
        "document.save",
        "document.delete",
        "document.create",
        "items.update",
        "fields.update",
        "documents.delete",
        "items.delete",
        "fields.bulk_create",
        "providers.add",
        "providers.clear",
        "provider.catalog_items.clear",
        "provider.delete",
        "providers.delete",
        "version.save",
        "version.unpublish",
        "version.delete",
    ],
)
def test_the_models_refuse_to_change_a_published_version(published, change):
    before = unchanged(published)
    # Django runs m2m changes in the caller's transaction; the refusal rolls it back.
    with pytest.raises(CatalogLocked), transaction.atomic():
        change(published)
    assert unchanged(published) == before
    assert CatalogVersion.objects.get(pk=published.pk).status == CatalogVersion.Status.PUBLISHED


def setattr_and_save(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()


def test_moving_an_item_out_of_a_published_version_is_refused(published, draft):
    item = published.items.first()
    item.version = draft
    with pytest.raises(CatalogLocked):
        item.save()


def test_drafts_stay_freely_editable_at_model_level(draft):
    item = draft.items.first()
    item.name = "改名"
    item.save()
    CatalogFieldFactory(item=item, key="extra")
    item.providers.add(ProviderFactory())
    CatalogItem.objects.filter(version=draft).update(description="草稿说明")
    assert draft.items.filter(description="草稿说明").count() == draft.items.count()


def test_an_unused_provider_can_still_be_deleted(published):
    provider = ProviderFactory(code="unused")
    CatalogItemFactory(providers=[provider])  # only in a draft
    provider.delete()
    assert not Provider.objects.filter(code="unused").exists()
