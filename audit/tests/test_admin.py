"""In the Django admin the audit trail can be read, never added to, changed or deleted."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent

from .factories import AuditEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", password="Nt-test-password-1")


def test_a_superuser_can_read_events(client, superuser):
    event = AuditEventFactory(summary="发布目录第 8 版")
    client.force_login(superuser)

    listing = client.get(reverse("admin:audit_auditevent_changelist"))
    detail = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))

    assert listing.status_code == 200 and "发布目录第 8 版" in listing.content.decode()
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()


def test_nobody_can_add_change_or_delete_events_in_the_admin(client, superuser):
    event = AuditEventFactory()
    client.force_login(superuser)

    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"summary": "x"}).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    listing = client.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    assert 'name="action"' not in listing  # no bulk "delete selected"
    assert AuditEvent.objects.get(pk=event.pk).summary == event.summary


def test_admin_search_matches_actions_exactly(client, superuser):
    AuditEventFactory(action="inquiry.query", summary="查询甲")
    AuditEventFactory(action="catalog.publish", summary="发布乙")
    client.force_login(superuser)

    html = client.get(reverse("admin:audit_auditevent_changelist"), {"q": "inquiry.query"}).content.decode()

    assert "查询甲" in html and "发布乙" not in html
