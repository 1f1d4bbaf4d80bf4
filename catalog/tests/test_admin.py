import pytest
from django.urls import reverse

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="Nt-test-password-1"))
    return client


def test_a_published_version_is_read_only_in_the_admin(superuser_client, published):
    change_url = reverse("admin:catalog_catalogversion_change", args=[published.pk])
    page = superuser_client.get(change_url).content.decode()
    assert 'name="_save"' not in page
    assert superuser_client.post(change_url, {"title": "改"}).status_code == 403
    delete_url = reverse("admin:catalog_catalogversion_delete", args=[published.pk])
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    item = published.items.first()
    item_url = reverse("admin:catalog_catalogitem_change", args=[item.pk])
    assert 'name="_save"' not in superuser_client.get(item_url).content.decode()
    assert superuser_client.post(item_url, {"name": "改"}).status_code == 403
    published.refresh_from_db()
    assert published.title != "改"


def test_versions_are_not_added_in_the_admin(superuser_client, db):
    assert superuser_client.get(reverse("admin:catalog_catalogversion_add")).status_code == 403


def test_admin_edits_of_a_draft_are_audited(superuser_client, draft):
    change_url = reverse("admin:catalog_catalogversion_change", args=[draft.pk])
    page = superuser_client.get(change_url)
    assert page.status_code == 200 and 'name="_save"' in page.content.decode()
    form = {
        "title": "草稿标题",
        "notes": "",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
    }
    response = superuser_client.post(change_url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.title == "草稿标题"
    event = AuditEvent.objects.get(action="admin.change")
    assert (event.object_type, event.object_id, event.after["title"]) == (
        "catalog.catalogversion",
        str(draft.pk),
        "草稿标题",
    )


def test_the_admin_lists_open(superuser_client, published):
    for model in ("provider", "disclosurescheme", "catalogversion", "catalogitem"):
        assert superuser_client.get(reverse(f"admin:catalog_{model}_changelist")).status_code == 200, model
