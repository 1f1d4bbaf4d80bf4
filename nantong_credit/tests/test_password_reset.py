"""忘记密码 (issue 16 §4): a reset by e-mail that tells nobody which accounts exist, is rate
limited, expires, and leaves two-factor login in force."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from nantong_credit.models import Notification

from .two_factor_support import code_for, enrol

PASSWORD = "Nt-test-password-1"
NEW_PASSWORD = "Haohe-river-2027!"
LINK = re.compile(r"https?://[^\s]+/accounts/password/reset/[^\s]+/")

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(user_with_role):
    return user_with_role("alice", real_name="李晓梅", email="alice@example.cn")


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Ask for a reset as a visitor does; the queued task runs (eagerly where a test says so)."""

    def post(email, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("password_reset"), {"email": email}, **extra)

    return post


def link_in(message) -> str:
    return LINK.search(message.body).group(0)


def test_the_login_page_links_to_reset_and_registration(client):
    page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in page and "忘记密码" in page
    assert reverse("account:register") in page


def test_a_known_and_an_unknown_address_get_the_same_answer(client, ask, alice, eager_celery):
    known = ask("Alice@Example.cn")
    unknown = ask("nobody@example.cn")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert client.get(known["Location"]).content.decode().count("如果您填写的电子邮箱对应本站账号") == 1
    assert [m.to for m in mail.outbox] == [["alice@example.cn"]]
    assert "alice" in mail.outbox[0].body and link_in(mail.outbox[0])
    assert AuditEvent.objects.filter(action="account.password_reset_mail", object_id=str(alice.pk)).count() == 1


def test_both_answers_queue_the_same_task(ask, alice, monkeypatch):
    from nantong_credit import tasks

    queued = []
    monkeypatch.setattr(tasks.send_password_reset_mail, "delay", queued.append)
    ask("alice@example.cn")
    ask("nobody@example.cn")
    assert queued == ["alice@example.cn", "nobody@example.cn"]


def test_inactive_accounts_and_accounts_without_password_get_nothing(client, ask, alice, eager_celery):
    alice.is_active = False
    alice.save()
    ask("alice@example.cn")
    assert mail.outbox == []


def test_the_link_sets_a_new_password_once_and_tells_the_holder(client, ask, alice, eager_celery):
    ask("alice@example.cn")
    link = link_in(mail.outbox[0])
    form = client.get(link, follow=True)
    assert "设置新密码" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="account.password_reset", object_id=str(alice.pk)).exists()
    notice = Notification.objects.get(recipient=alice, title="您的账号密码已重置")
    assert "如果不是您本人操作" in notice.body
    assert "_auth_user_id" not in client.session  # the reset does not log in

    again = client.get(link, follow=True).content.decode()
    assert "该链接已失效" in again


def test_the_link_expires_after_an_hour(client, ask, alice, eager_celery):
    start = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
    with freeze_time(start) as clock:
        ask("alice@example.cn")
        link = link_in(mail.outbox[0])
        clock.tick(dt.timedelta(minutes=61))
        assert "该链接已失效" in client.get(link, follow=True).content.decode()


def test_a_reset_ends_the_other_sessions_and_lifts_the_lockout(client, ask, alice, eager_celery, settings):
    other = type(client)()
    other.force_login(alice)
    assert other.get("/office/").status_code == 200
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong-password-1"})
    assert AccessAttempt.objects.filter(username="alice").exists()

    ask("alice@example.cn")
    form = client.get(link_in(mail.outbox[0]), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert other.get("/office/").status_code == 302  # logged out by the new password
    assert not AccessAttempt.objects.filter(username="alice").exists()
    response = client.post(reverse("login"), {"username": "alice", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("office:home")


def test_two_factor_login_still_needs_its_code_after_a_reset(client, ask, alice, eager_celery):
    device = enrol(alice)
    ask("alice@example.cn")
    form = client.get(link_in(mail.outbox[0]), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.post(reverse("login"), {"username": "alice", "password": NEW_PASSWORD})
    assert response["Location"] == reverse("login_verify")
    assert client.get("/office/").status_code == 302
    response = client.post(reverse("login_verify"), {"token": code_for(device)})
    assert response.status_code == 302 and client.get("/office/").status_code == 200


def test_requests_are_limited_per_client_address(client, ask, alice, settings):
    settings.PASSWORD_RESET_RATE = "2/m"
    assert ask("a@example.cn").status_code == 302
    assert ask("b@example.cn").status_code == 302
    limited = ask("c@example.cn")
    assert limited.status_code == 429 and "Retry-After" in limited
    other_address = ask("c@example.cn", REMOTE_ADDR="198.51.100.9")
    assert other_address.status_code == 302


def test_an_address_asked_too_often_gets_the_same_answer_and_no_more_mail(client, ask, alice, settings, eager_celery):
    settings.PASSWORD_RESET_EMAIL_RATE = "2/h"
    answers = [ask("alice@example.cn", REMOTE_ADDR=f"198.51.100.{n}") for n in range(1, 5)]
    assert {answer["Location"] for answer in answers} == {reverse("password_reset_done")}
    assert len(mail.outbox) == 2


def test_a_misspelt_rate_fails_the_checks(settings):
    from nantong_credit.checks import rate_limits

    settings.PASSWORD_RESET_RATE = "5 a minute"
    assert [error.msg.split(":")[0] for error in rate_limits(None)] == ["PASSWORD_RESET_RATE"]
