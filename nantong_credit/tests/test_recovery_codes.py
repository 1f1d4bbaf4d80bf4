"""Recovery codes of two-factor login (issue 16 §4): single use, shown once, regenerated on
demand, each use audited and the holder told."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from freezegun import freeze_time

from audit.models import AuditEvent
from nantong_credit import recovery_codes
from nantong_credit.models import Notification

from .two_factor_support import code_for

PASSWORD = "Nt-test-password-1"

pytestmark = pytest.mark.django_db


def later():
    """Past a wrong code's throttle delay, and past the authenticator's last used step."""
    return timezone.now() + dt.timedelta(minutes=2)


@pytest.fixture
def bob(user_with_role):
    return user_with_role("bob", real_name="王建国")


def enrol_in_pages(client, user) -> list[str]:
    """Turn two-factor login on through the pages; the codes the page shows once."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    client.post(reverse("two_factor"), {"action": "start"})
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(reverse("two_factor"), {"action": "confirm", "token": code_for(device)})
    return client.session[recovery_codes.SESSION_KEY]


def log_in(client, code):
    client.logout()
    client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    return client.post(reverse("login_verify"), {"token": code})


def test_enrolment_makes_ten_codes_shown_once(client, bob):
    codes = enrol_in_pages(client, bob)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert recovery_codes.remaining(bob) == 10
    assert reverse("two_factor_recovery") in client.get("/office/").content.decode()  # a reminder until saved
    page = client.get(reverse("two_factor_recovery")).content.decode()
    assert all(code in page for code in codes) and "只在此显示这一次" in page
    download = client.get(reverse("two_factor_recovery_download"))
    assert download["Content-Disposition"].startswith("attachment")
    assert all(code in download.content.decode() for code in codes)

    client.post(reverse("two_factor_recovery"), {"action": "saved"})
    page = client.get(reverse("two_factor_recovery")).content.decode()
    assert not any(code in page for code in codes) and "剩余可用恢复码" in page
    assert client.get(reverse("two_factor_recovery_download")).status_code == 404
    assert reverse("two_factor_recovery") not in client.get("/office/").content.decode()
    assert "剩余可用恢复码：<strong>10</strong>" in client.get(reverse("two_factor")).content.decode()


def test_a_code_logs_in_once_and_is_audited_and_told(client, bob):
    codes = enrol_in_pages(client, bob)
    response = log_in(client, codes[0].upper()[:4] + "-" + codes[0][4:])
    assert response.status_code == 302 and response["Location"] == "/office/"
    # SecondFactorMiddleware accepts the session that the recovery code verified.
    assert client.get("/office/").status_code == 200
    assert client.get(reverse("two_factor")).status_code == 200
    assert recovery_codes.remaining(bob) == 9
    assert AuditEvent.objects.filter(action="account.recovery_code_use", object_id=str(bob.pk)).count() == 1
    assert Notification.objects.filter(recipient=bob, title="您的账号使用恢复码登录").count() == 1

    with freeze_time(later()):
        refused = log_in(client, codes[0])
    assert "恢复码不正确或已使用" in refused.content.decode()
    assert client.get("/office/").status_code == 302


def test_new_codes_invalidate_the_old_ones(client, bob):
    old = enrol_in_pages(client, bob)
    client.post(reverse("two_factor_recovery"), {"action": "generate"})
    new = client.session[recovery_codes.SESSION_KEY]
    assert set(new).isdisjoint(old) and recovery_codes.remaining(bob) == 10
    assert AuditEvent.objects.filter(action="account.recovery_codes_generate", object_id=str(bob.pk)).count() == 2

    assert "恢复码不正确或已使用" in log_in(client, old[1]).content.decode()
    with freeze_time(later()):  # past the wrong code's throttle
        assert log_in(client, new[1]).status_code == 302
    assert client.get("/office/").status_code == 200


def test_wrong_codes_are_throttled(client, bob):
    codes = enrol_in_pages(client, bob)
    client.logout()
    client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    for _ in range(3):
        client.post(reverse("login_verify"), {"token": "aaaaaaaa"})
    refused = client.post(reverse("login_verify"), {"token": codes[0]})
    assert "错误次数过多" in refused.content.decode()
    assert StaticToken.objects.filter(token=codes[0]).exists()


def test_turning_two_factor_off_removes_the_codes(client, bob):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    enrol_in_pages(client, bob)
    with freeze_time(later()):
        client.post(reverse("two_factor"), {"action": "disable", "token": code_for(TOTPDevice.objects.get(user=bob))})
    assert recovery_codes.remaining(bob) == 0
    assert client.get(reverse("two_factor_recovery"))["Location"] == reverse("two_factor")


def test_the_codes_pages_need_a_login(client):
    assert client.get(reverse("two_factor_recovery")).status_code == 302
    assert client.get(reverse("two_factor_recovery_download")).status_code == 302
