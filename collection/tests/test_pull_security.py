"""What a pull source may reach and read (SSRF, limits), and how its token is kept."""

import pytest

from collection.models import CreditRecord
from collection.pull import fetch
from collection.pull.credentials import reveal_token
from collection.pull.runs import run_pull

from .pull_server import Answer, json_page
from .pull_support import FIRST, TOKEN, department, make_source, row  # noqa: F401

pytestmark = pytest.mark.django_db


def refused(url: str) -> str:
    with pytest.raises(fetch.PullError) as caught:
        fetch.resolve(fetch.check_url(url))
    return caught.value.code


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/x",
        "https://localhost/x",
        "https://10.1.2.3/x",
        "https://192.168.0.1/x",
        "https://172.16.5.4/x",
        "https://169.254.169.254/latest/meta-data/",
        "https://100.64.0.1/x",
        "https://[::1]/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://[fe80::1]/x",
        "https://0.0.0.0/x",
        "https://224.0.0.1/x",
    ],
)
def test_private_loopback_link_local_and_metadata_addresses_are_refused(settings, url):
    settings.PULL_ALLOWED_HOSTS = []
    assert refused(url) == "forbidden_address"


def test_a_name_resolving_to_a_private_address_is_refused_after_dns(settings, monkeypatch):
    settings.PULL_ALLOWED_HOSTS = []
    monkeypatch.setattr(fetch.socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("10.0.0.8", 443))])
    assert refused("https://data.scjgj.nantong.gov.cn/api") == "forbidden_address"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://data.example.org/api", "not_https"),
        ("ftp://data.example.org/api", "not_https"),
        ("file:///etc/passwd", "bad_url"),
        ("https://user:pw@data.example.org/api", "bad_url"),
        ("https:///nohost", "bad_url"),
    ],
)
def test_only_https_with_a_host_and_no_password(settings, url, code):
    settings.PULL_ALLOWED_HOSTS = []
    with pytest.raises(fetch.PullError) as caught:
        fetch.check_url(url)
    assert caught.value.code == code


def test_a_listed_host_may_use_http_and_loopback(settings):
    settings.PULL_ALLOWED_HOSTS = ["127.0.0.1"]
    assert fetch.resolve(fetch.check_url("http://127.0.0.1:8080/x")) == ["127.0.0.1"]
    assert refused("http://localhost:8080/x") == "not_https"  # another name is not listed


def test_a_public_address_passes(settings):
    settings.PULL_ALLOWED_HOSTS = []
    assert fetch.is_public("202.102.3.141") and not fetch.is_public("::ffff:10.0.0.1")


@pytest.fixture
def source(catalog, scjgj, department):
    return make_source(scjgj, department.url)


def test_a_redirect_is_not_followed(source, department):
    department.pages[""] = Answer(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    run = run_pull(source_id=source.pk)
    assert (run.status, run.error_code) == ("failed", "redirect")
    assert len(department.requests) == 1


def test_an_oversized_page_is_cut_off(source, department, settings):
    settings.PULL_MAX_RESPONSE_BYTES = 1_000
    department.pages[""] = json_page([row(n) for n in range(1, 30)], FIRST)
    run = run_pull(source_id=source.pk)
    assert (run.status, run.error_code) == ("failed", "too_large") and not CreditRecord.objects.exists()


def test_the_page_count_per_run_is_bounded(source, department, settings):
    settings.PULL_MAX_PAGES_PER_RUN = 2
    for number, (cursor, following) in enumerate([("", "1"), ("1", "2"), ("2", "3")], start=1):
        department.pages[cursor] = json_page([row(number)], following, has_more=True)
    run = run_pull(source_id=source.pk)
    assert (run.status, run.pages, run.cursor_after) == ("succeeded", 2, "2") and "页数上限" in run.note


def test_the_token_is_stored_encrypted_and_sent_only_in_its_header(source, department, caplog):
    assert TOKEN not in source.token_encrypted and reveal_token(source) == TOKEN
    assert source.token_hint == TOKEN[-4:]
    department.pages[""] = Answer(status=500)
    with caplog.at_level("DEBUG"):
        run = run_pull(source_id=source.pk)
    assert TOKEN not in caplog.text and TOKEN not in run.error
    assert TOKEN not in department.requests[0]["path"]
