"""What the settings make of the environment: DEBUG only on request; plain http for the embedded
mode (SQLite, no Redis) and HTTPS only for a deployment; SITE_URL where `make run` serves.

Settings are read once per process, so each case imports them in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]
# Whatever the developer's shell or CI has set must not decide these tests.
SET_BY_TESTS = {
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "HOST",
    "PORT",
    "SITE_URL",
    "HTTPS_ONLY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "DJANGO_SETTINGS_MODULE",
}
READ = [
    "DEBUG",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "EMBEDDED",
    "HTTPS_ONLY",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
]
SCRIPT = (
    "import json; from nantong_credit import settings as s; "
    f"print(json.dumps({{name: getattr(s, name, None) for name in {READ!r}}}))"
)


def settings_for(**environment: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in SET_BY_TESTS}
    env.update(environment)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout.splitlines()[-1])


def transport(values: dict) -> tuple:
    return (
        values["SECURE_SSL_REDIRECT"],
        values["SESSION_COOKIE_SECURE"],
        values["CSRF_COOKIE_SECURE"],
        values["SECURE_HSTS_SECONDS"],
    )


PLAIN_HTTP = (None, None, None, None)
HTTPS = (True, True, True, 31536000)


def test_the_embedded_mode_serves_plain_http_without_debug_pages():
    values = settings_for()
    assert values["DEBUG"] is False
    assert values["EMBEDDED"] is True and transport(values) == PLAIN_HTTP
    assert values["SITE_URL"] == "http://127.0.0.1:8000"


def test_a_sqlite_file_elsewhere_is_still_the_embedded_mode(tmp_path):
    values = settings_for(DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    assert values["EMBEDDED"] is True and transport(values) == PLAIN_HTTP


@pytest.mark.parametrize(
    "environment",
    [
        {"DATABASE_URL": "postgres://credit@db:5432/nantong_credit"},
        {"REDIS_URL": "redis://127.0.0.1:6379/0"},
        {"HTTPS_ONLY": "True"},
    ],
)
def test_a_deployment_is_https_only(environment):
    values = settings_for(**environment)
    assert values["DEBUG"] is False
    assert values["HTTPS_ONLY"] is True and transport(values) == HTTPS


def test_https_only_may_be_turned_off_explicitly():
    values = settings_for(DATABASE_URL="postgres://credit@db:5432/nantong_credit", HTTPS_ONLY="False")
    assert transport(values) == PLAIN_HTTP


def test_debug_is_a_developers_explicit_choice_and_changes_no_transport():
    assert settings_for(DEBUG="True")["DEBUG"] is True
    values = settings_for(DEBUG="True", REDIS_URL="redis://127.0.0.1:6379/0")
    assert values["DEBUG"] is True and transport(values) == HTTPS


def test_site_url_follows_where_make_run_serves():
    values = settings_for(HOST="192.168.10.5", PORT="8765")
    assert values["SITE_URL"] == "http://192.168.10.5:8765"
    assert "192.168.10.5" in values["ALLOWED_HOSTS"]
    assert settings_for(PORT="8765")["SITE_URL"] == "http://127.0.0.1:8765"
    assert settings_for(HOST="0.0.0.0", PORT="9000")["SITE_URL"] == "http://127.0.0.1:9000"
    assert settings_for(HOST="::1", PORT="9000")["SITE_URL"] == "http://[::1]:9000"


def test_an_explicit_site_url_wins():
    values = settings_for(SITE_URL="https://credit.nantong.gov.cn", HOST="0.0.0.0", PORT="9000")
    assert values["SITE_URL"] == "https://credit.nantong.gov.cn"


# --- What a visitor then sees -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/account/credit/999999/", "/subjects/91320602MA1P8K3Q2P/no-such-page/"])
def test_an_unknown_id_gets_the_portals_chinese_404_with_debug_at_its_default(client, settings, nobody, path):
    # pytest-django always tests with DEBUG off; put back what a fresh `make run` would have.
    settings.DEBUG = settings_for()["DEBUG"]
    client.force_login(nobody)

    response = client.get(path)

    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在（404）" in html
    assert 'aria-label="主导航"' in html and f'href="{reverse("subjects:search")}"' in html  # the portal's layout
    assert "URLconf" not in html and "Page not found" not in html and "office/catalog/" not in html
