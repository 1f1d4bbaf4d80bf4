"""The in-site inbox (站内信) and the email that goes with each message."""

import pytest
from django.urls import reverse

from nantong_credit.models import Notification
from nantong_credit.notifications import notify
from nantong_credit.tasks import email_notification


@pytest.fixture
def alice_and_bob(django_user_model):
    alice = django_user_model.objects.create_user("alice_in", email="alice@example.com", password="x" * 12)
    bob = django_user_model.objects.create_user("bob_in", email="bob@example.com", password="x" * 12)
    return alice, bob


@pytest.mark.django_db
def test_a_message_is_in_the_inbox_and_emailed_once(
    alice_and_bob, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    alice, _bob = alice_and_bob
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify([alice, alice], title="异议已转办", body="请在7个工作日内答复。", link="/objections/1/")
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
    assert "异议已转办" in mailoutbox[0].subject and "/objections/1/" in mailoutbox[0].body
    assert email_notification(message.pk) is False  # a retry sends nothing twice
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_nothing_is_told_when_the_step_rolls_back(
    alice_and_bob, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    alice, _bob = alice_and_bob
    with django_capture_on_commit_callbacks(execute=False):
        notify([alice], title="不会发出")
    assert mailoutbox == []


@pytest.mark.django_db
def test_opening_a_message_marks_it_read_and_follows_its_link(client, alice_and_bob):
    alice, _bob = alice_and_bob
    [message] = notify([alice], title="修复申请已受理", link="/repair/")
    client.force_login(alice)
    page = client.get(reverse("inbox:list")).content.decode()
    assert "修复申请已受理" in page and "未读" in page
    response = client.post(reverse("inbox:open", args=[message.pk]))
    assert response.status_code == 302 and response["Location"] == "/repair/"
    message.refresh_from_db()
    assert message.read_at is not None


@pytest.mark.django_db
def test_another_users_message_is_not_found(client, alice_and_bob):
    alice, bob = alice_and_bob
    [message] = notify([alice], title="仅本人可见")
    client.force_login(bob)
    assert "仅本人可见" not in client.get(reverse("inbox:list")).content.decode()
    assert client.post(reverse("inbox:open", args=[message.pk])).status_code == 404


@pytest.mark.django_db
def test_a_link_to_another_site_is_not_followed(client, alice_and_bob):
    alice, _bob = alice_and_bob
    [message] = notify([alice], title="外链", link="https://evil.example/")
    client.force_login(alice)
    assert client.post(reverse("inbox:open", args=[message.pk]))["Location"] == reverse("inbox:list")


@pytest.mark.django_db
def test_all_can_be_marked_read(client, alice_and_bob):
    alice, _bob = alice_and_bob
    notify([alice], title="一")
    notify([alice], title="二")
    client.force_login(alice)
    client.post(reverse("inbox:read_all"))
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
