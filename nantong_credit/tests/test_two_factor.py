"""Two-factor login (SPEC §5): an account turns it on with an authenticator app, and from then
on its password alone does not log it in."""

import datetime as dt

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from audit.models import AuditEvent

PASSWORD = "Correct-horse-2026"
START = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("carol2fa", password=PASSWORD, real_name="陈清")


def enable_two_factor(client, user) -> TOTPDevice:
    client.force_login(user)
    client.post(reverse("two_factor"), {"action": "start"})
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor"), {"action": "confirm", "token": code_for(device)})
    assert response.status_code == 302
    client.logout()
    device.refresh_from_db()
    assert device.confirmed
    return device


def log_in_with_password(client, next_url="/office/"):
    return client.post(f"{reverse('login')}?next={next_url}", {"username": "carol2fa", "password": PASSWORD})


@pytest.mark.django_db
def test_enrolment_shows_a_qr_code_and_needs_a_right_first_code(client, staff):
    client.force_login(staff)
    page = client.get(reverse("two_factor")).content.decode()
    assert "开始设置" in page

    client.post(reverse("two_factor"), {"action": "start"})
    page = client.get(reverse("two_factor")).content.decode()
    assert "<svg" in page and "手动输入密钥" in page

    wrong = client.post(reverse("two_factor"), {"action": "confirm", "token": "000000"})
    assert "动态验证码不正确或已过期" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()

    device = TOTPDevice.objects.get(user=staff)
    client.post(reverse("two_factor"), {"action": "confirm", "token": code_for(device)})
    assert "已启用" in client.get(reverse("two_factor")).content.decode()
    assert AuditEvent.objects.filter(action="account.two_factor_enable", object_id=str(staff.pk)).exists()


@pytest.mark.django_db
def test_the_password_alone_does_not_log_in_once_it_is_on(client, staff):
    with freeze_time(START) as clock:
        device = enable_two_factor(client, staff)
        clock.tick(dt.timedelta(seconds=60))

        response = log_in_with_password(client)
        assert response.status_code == 302 and response["Location"] == reverse("login_verify")
        assert client.get("/office/").status_code == 302  # not logged in yet

        wrong = client.post(reverse("login_verify"), {"token": "123456"})
        assert "动态验证码不正确或已过期" in wrong.content.decode()

        clock.tick(dt.timedelta(seconds=60))  # past the wrong code's throttle delay
        response = client.post(reverse("login_verify"), {"token": code_for(device)})
        assert response.status_code == 302 and response["Location"] == "/office/"
        assert client.get("/office/").status_code == 200


@pytest.mark.django_db
def test_accounts_without_two_factor_log_in_as_before(client, staff):
    response = log_in_with_password(client)
    assert response.status_code == 302 and response["Location"] == "/office/"


@pytest.mark.django_db
def test_the_password_step_expires_after_five_minutes(client, staff):
    with freeze_time(START) as clock:
        device = enable_two_factor(client, staff)
        log_in_with_password(client)
        clock.tick(dt.timedelta(minutes=6))
        response = client.post(reverse("login_verify"), {"token": code_for(device)})
        assert response.status_code == 302 and response["Location"] == reverse("login")
        assert client.get("/office/").status_code == 302


@pytest.mark.django_db
def test_repeated_wrong_codes_are_throttled(client, staff):
    with freeze_time(START) as clock:
        device = enable_two_factor(client, staff)
        clock.tick(dt.timedelta(seconds=60))
        log_in_with_password(client)
        for _ in range(3):
            client.post(reverse("login_verify"), {"token": "000000"})
        # Even the right code is refused while the throttle lasts.
        refused = client.post(reverse("login_verify"), {"token": code_for(device)})
        assert "错误次数过多" in refused.content.decode()
        assert client.get("/office/").status_code == 302


@pytest.mark.django_db
def test_turning_it_off_needs_a_current_code(client, staff):
    with freeze_time(START) as clock:
        device = enable_two_factor(client, staff)
        clock.tick(dt.timedelta(seconds=60))
        log_in_with_password(client)
        client.post(reverse("login_verify"), {"token": code_for(device)})
        clock.tick(dt.timedelta(seconds=60))
        refused = client.post(reverse("two_factor"), {"action": "disable", "token": "000000"})
        assert "动态验证码不正确或已过期" in refused.content.decode()
        assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
        clock.tick(dt.timedelta(seconds=60))
        client.post(reverse("two_factor"), {"action": "disable", "token": code_for(device)})
        assert not TOTPDevice.objects.filter(user=staff).exists()
        assert AuditEvent.objects.filter(action="account.two_factor_disable").exists()


@pytest.mark.django_db
def test_the_second_step_without_a_password_step_goes_back_to_login(client):
    response = client.get(reverse("login_verify"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


@pytest.mark.django_db
def test_staff_without_two_factor_are_asked_to_turn_it_on(client, clerk, user_with_role):
    client.force_login(clerk)
    assert "建议启用两步验证" in client.get("/office/").content.decode()
    requester = user_with_role("rita", "requester")
    client.force_login(requester)
    assert "建议启用两步验证" not in client.get("/office/").content.decode()
