"""Behind the proxy, every limit counts the client, never the proxy (issue 12 §7): the one rule of
`nantong_credit.client_address`, and what it means for the password lock-out and the audit trail."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AuditEvent, ChainVerification
from collection.tests.account_support import LI_ID
from nantong_credit.client_address import client_address, client_network, lockout_address

PROXY = "10.0.0.2"  # the proxy's own address: REMOTE_ADDR of every request behind it
PASSWORD = "Nt-test-password-1"


def request_from(forwarded_for: str | None = None, remote: str = PROXY, **meta):
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", REMOTE_ADDR=remote, **meta)


@pytest.fixture
def behind_proxy(settings):
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.CLIENT_ADDRESS_PROXY_COUNT = 1
    return settings


def test_without_a_proxy_the_connection_is_the_client(settings):
    settings.CLIENT_ADDRESS_HEADER = ""
    request = request_from("198.51.100.1", remote="203.0.113.7")
    assert client_address(request) == client_network(request) == "203.0.113.7"


def test_the_address_the_proxy_added_is_the_client(behind_proxy):
    assert client_address(request_from("203.0.113.7")) == "203.0.113.7"


def test_a_first_entry_written_by_the_client_is_not_believed(behind_proxy):
    request = request_from("198.51.100.1, 203.0.113.7")
    assert client_address(request) == client_network(request) == "203.0.113.7"


def test_with_two_trusted_proxies_the_second_entry_from_the_end_is_the_client(behind_proxy):
    behind_proxy.CLIENT_ADDRESS_PROXY_COUNT = 2
    assert client_address(request_from("198.51.100.1, 203.0.113.7, 10.0.0.9")) == "203.0.113.7"
    # Came in at the inner proxy: every entry there is one of ours.
    assert client_address(request_from("203.0.113.8")) == "203.0.113.8"


def test_a_request_that_did_not_pass_the_proxy_is_counted_by_its_connection(behind_proxy):
    assert client_address(request_from(None, remote="10.0.0.5")) == "10.0.0.5"


def test_the_older_setting_name_is_still_read(settings):
    settings.CLIENT_ADDRESS_HEADER = ""
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    assert client_address(request_from(None, HTTP_X_REAL_IP="203.0.113.9")) == "203.0.113.9"


def test_an_ipv6_network_counts_as_one_but_is_recorded_exactly(behind_proxy):
    request = request_from("2001:db8:7:1::10")
    assert client_address(request) == "2001:db8:7:1::10"
    assert client_network(request) == lockout_address(request) == "2001:db8:7:1::"


def test_what_is_not_an_address_is_recorded_as_none_and_still_counted(behind_proxy):
    request = request_from("garbage")
    assert client_address(request) is None and lockout_address(request) is None
    assert client_network(request) == "garbage"


# --- The password lock-out (django-axes) behind the proxy -----------------------------------------


def login_via_proxy(client, forwarded_for: str, password: str):
    return client.post(
        reverse("login"),
        {"username": "alice", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.mark.django_db
def test_wrong_passwords_from_one_client_do_not_lock_the_account_for_another(client, behind_proxy, catalog_admin):
    for _ in range(5):
        login_via_proxy(client, "203.0.113.7", "wrong-password")
    assert login_via_proxy(client, "203.0.113.7", PASSWORD).status_code == 429
    # Writing the other client's address first does not lift the attacker's lock.
    assert login_via_proxy(client, "198.51.100.20, 203.0.113.7", PASSWORD).status_code == 429

    assert login_via_proxy(client, "198.51.100.20", PASSWORD).status_code == 302


# --- The audit trail ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_audit_events_record_the_client_not_the_proxy(client, behind_proxy, auditor):
    client.force_login(auditor)
    client.post(reverse("audit:verify"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    assert ChainVerification.objects.get().requested_from == "203.0.113.7"


@pytest.mark.django_db
def test_an_event_written_inside_a_service_records_the_client(client, behind_proxy, django_user_model):
    client.post(
        reverse("account:register"),
        {
            "account_type": "person",
            "username": "lixm",
            "real_name": "李晓梅",
            "id_number": LI_ID,
            "phone": "13912345678",
            "email": "",
            "password1": "Correct-horse-2026",
            "password2": "Correct-horse-2026",
        },
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert AuditEvent.objects.get(action="account.register").ip_address == "203.0.113.7"
