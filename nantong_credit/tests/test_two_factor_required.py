"""Two-factor login holds on every door (issue 12 §1): Django admin's login form gave a session that
skipped the code, and staff who see personal data or the audit trail could work without a device.

alice holds a device; carol (center clerk) and the other staff have none yet; rita is a citizen.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from nantong_credit import roles
from nantong_credit.models import Notification

from .two_factor_support import code_for, enrol

PASSWORD = "Nt-test-password-1"  # what the root conftest's user factory sets
START = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
BACK_OFFICE = ["/office/", "/office/audit/", "/admin/"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with freeze_time(START) as frozen:
        yield frozen


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = list(roles.TWO_FACTOR_ROLES)
    return settings


@pytest.fixture
def alice(django_user_model, clock):
    """A superuser who is also an auditor, with a confirmed device."""
    user = django_user_model.objects.create_superuser("alice", password=PASSWORD)
    user.groups.add(Group.objects.get(name=roles.AUDITOR))
    device = enrol(user)
    clock.tick(dt.timedelta(seconds=60))  # the enrolment code is spent
    return user, device


def reaches(client, url: str) -> bool:
    return client.get(url).status_code == 200


# --- Every door asks for the code ----------------------------------------------------------------


def test_the_admin_login_form_does_not_let_a_password_alone_in(client, alice):
    """The attack: POST username and password to /admin/login/, then open the back office."""
    response = client.post("/admin/login/?next=/admin/", {"username": "alice", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for url in BACK_OFFICE:
        assert not reaches(client, url), url
    assert "_auth_user_id" not in client.session


def test_the_admin_sends_people_to_the_portal_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302 and follow["Location"] == f"{reverse('login')}?next=/admin/"


def test_through_the_portal_login_with_the_code_the_admin_opens(client, alice, clock):
    _user, device = alice
    client.post(f"{reverse('login')}?next=/admin/", {"username": "alice", "password": PASSWORD})
    response = client.post(reverse("login_verify"), {"token": code_for(device)})
    assert response["Location"] == "/admin/"
    for url in BACK_OFFICE:
        assert reaches(client, url), url


def test_a_session_that_skipped_the_code_is_ended_wherever_it_goes(client, alice):
    """Any other door (a future login view, a forced session) is closed by the guard."""
    user, _device = alice
    for url in [*BACK_OFFICE, reverse("account:home"), reverse("inbox:list")]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
        assert "_auth_user_id" not in client.session


def test_a_password_session_ends_once_the_account_enrols_elsewhere(client, clerk, clock):
    client.post(reverse("login"), {"username": "carol", "password": PASSWORD})
    assert reaches(client, "/office/")
    enrol(clerk)  # on another computer
    assert not reaches(client, "/office/")
    assert "_auth_user_id" not in client.session


# --- Staff who see personal data must have a device ----------------------------------------------


@pytest.fixture(params=["center_clerk", "catalog_admin", "auditor", "provider_staff", "government_user", "superuser"])
def staff_member(request, user_with_role, django_user_model):
    if request.param == "superuser":
        return django_user_model.objects.create_superuser("root", password=PASSWORD)
    return user_with_role("staff", request.param)


def test_staff_without_a_device_are_sent_to_enrolment_and_reach_nothing_else(client, required, staff_member):
    response = client.post(reverse("login"), {"username": staff_member.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("two_factor")
    page = response.content.decode()
    assert "须启用两步验证" in page and "开始设置" in page
    for url in [*BACK_OFFICE, "/office/objections/", "/office/collection/records/", reverse("inbox:list"), "/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("two_factor"), url


def test_every_later_login_is_a_grace_login_to_the_enrolment_page_only(client, required, clerk):
    """No count of grace logins runs out, and none of them opens anything but enrolment."""
    for _attempt in range(3):
        client.post(reverse("login"), {"username": "carol", "password": PASSWORD})
        assert client.get("/office/")["Location"] == reverse("two_factor")
        assert reaches(client, reverse("two_factor"))
        client.post(reverse("logout"))


def test_enrolling_opens_the_back_office_and_tells_the_account_holder(client, required, clerk, clock):
    client.post(reverse("login"), {"username": "carol", "password": PASSWORD})
    client.post(reverse("two_factor"), {"action": "start"})
    device = TOTPDevice.objects.get(user=clerk)
    response = client.post(reverse("two_factor"), {"action": "confirm", "token": code_for(device)})
    assert response["Location"] == reverse("office:home")
    assert reaches(client, "/office/") and reaches(client, "/office/objections/")
    assert Notification.objects.filter(recipient=clerk, title="您的账号已启用两步验证").exists()


def test_a_required_account_logs_in_with_the_code_afterwards(client, required, clerk, clock):
    device = enrol(clerk)
    clock.tick(dt.timedelta(seconds=60))
    client.post(reverse("login"), {"username": "carol", "password": PASSWORD})
    assert client.get("/office/")["Location"].startswith(reverse("login"))  # not logged in yet
    client.post(reverse("login_verify"), {"token": code_for(device)})
    assert reaches(client, "/office/")


@pytest.mark.parametrize("role", [roles.SUBJECT_USER, roles.REQUESTER])
def test_citizens_without_a_device_are_not_held_back(client, required, user_with_role, role):
    citizen = user_with_role("rita", role)
    assert client.post(reverse("login"), {"username": "rita", "password": PASSWORD})["Location"] == "/office/"
    assert reaches(client, "/office/") and reaches(client, reverse("account:home"))
    assert citizen.role_names == {role}


def test_without_required_roles_staff_are_only_nudged(client, clerk):
    client.post(reverse("login"), {"username": "carol", "password": PASSWORD})
    assert "建议启用两步验证" in client.get("/office/").content.decode()
