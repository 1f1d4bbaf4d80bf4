"""Fixtures shared by every app's tests."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from nantong_credit import roles


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A test's rows live in its own uncommitted transaction, which no replica sees: every test
    # reads from the primary, also when DATABASE_REPLICA_URLS is set, unless it asks otherwise
    # (nantong_credit/tests/test_read_replicas.py).
    settings.READ_REPLICA_ALIASES = []
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "audit_checkpoints": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "audit-checkpoints")},
        },
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def eager_celery(settings):
    """Run Celery tasks in-process for the tests that ask for it."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from nantong_credit.celery import app

    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = was_eager


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def make_user(django_user_model, username: str, *role_names: str, **extra):
    user = django_user_model.objects.create_user(username=username, password="Nt-test-password-1", **extra)
    for role in role_names:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def user_with_role(django_user_model, db):
    """`user_with_role("alice", roles.CATALOG_ADMIN)` makes a user holding those roles."""

    def factory(username: str, *role_names: str, **extra):
        return make_user(django_user_model, username, *role_names, **extra)

    return factory


@pytest.fixture
def catalog_admin(user_with_role):
    return user_with_role("alice", roles.CATALOG_ADMIN)


@pytest.fixture
def auditor(user_with_role):
    return user_with_role("aaron", roles.AUDITOR)


@pytest.fixture
def provider_staff(user_with_role):
    return user_with_role("bob", roles.PROVIDER_STAFF)


@pytest.fixture
def clerk(user_with_role):
    return user_with_role("carol", roles.CENTER_CLERK)


@pytest.fixture
def nobody(user_with_role):
    """A logged-in account without any role (e.g. a fresh registration)."""
    return user_with_role("charlie")


# --- Browser tests ----------------------------------------------------------------------------
# Playwright drives Debian's Chromium (`make test` installs the package); Playwright's own
# browser download cannot work on these machines. Without the background-networking flags
# Chromium keeps dialling Google's services, which this closed network refuses.

import os  # noqa: E402
from pathlib import Path  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS_DIR = Path(__file__).resolve().parent / "test-artifacts"
_call_report = pytest.StashKey()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so that `page` can tell whether the test failed."""
    report = yield
    item.stash.setdefault(_call_report, {})[report.when] = report
    return report


def pytest_configure(config):
    # WhiteNoise warns on every test client that `collectstatic` has not run; tests never need it
    # (the live server serves static files through the finders).
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
    # The test client and the live server speak plain http, also when DATABASE_URL and REDIS_URL
    # give the settings of a deployment (HTTPS only, `HTTPS_ONLY`): before any handler reads them.
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False


def pytest_collection_modifyitems(config, items):
    # A test that drives the browser is a browser test even if it forgot the marker, so that
    # `-m "not browser"` always leaves Chromium out.
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium; `make test` does it)"
        )
    # Playwright's sync API keeps an event loop in this thread; Django would then refuse the
    # ORM calls the tests make between browser steps. There is no async code to protect here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            yield chromium
            chromium.close()
            # While Playwright's event loop counts as running in this thread, Django keeps its
            # connections in a context-local store apart from the thread-local one. Close them
            # now, or the test database cannot be dropped at the end ("being accessed by other
            # users") once the loop is gone.
            from django.db import connections

            connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, let the test database TRUNCATE the audit tables: transactional and
    live-server tests are reset with one TRUNCATE of every table, which the audit tables'
    triggers refuse (audit migration 0007). A no-op on SQLite."""
    from audit.testing import let_the_test_database_be_emptied

    with django_db_blocker.unblock():
        let_the_test_database_be_emptied()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started with a MEDIA_URL it can work with.

    Django's live server wraps the site in a media-file handler built from MEDIA_URL when the
    thread starts, which breaks on our `MEDIA_URL = None` (uploads are never served by URL).
    It gets a prefix no page links to while it starts; the setting is restored right after.
    """
    from django.test.utils import override_settings
    from pytest_django import live_server_helper

    addr = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    with override_settings(MEDIA_URL="/__media-not-served__/"):
        server = live_server_helper.LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture
def browser_context(browser):
    """A fresh profile per test (no cookies carried over), in Chinese and Nantong's time zone."""
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context, request):
    """A page in a fresh context; on failure a full-page screenshot goes to test-artifacts/."""
    page = browser_context.new_page()
    yield page
    report = request.node.stash.get(_call_report, {}).get("call")
    if report is not None and report.failed:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.nodeid)
        try:
            page.screenshot(path=str(ARTIFACTS_DIR / f"{name}.png"), full_page=True)
        except Exception as exc:  # the page may have crashed with the test; keep the real failure
            print(f"screenshot failed: {exc}")


@pytest.fixture
def csp_violations(page):
    """What the Content-Security-Policy blocked on `page`, one text per violation (the browser's
    console message and the page's securitypolicyviolation event); a test asserts it is empty."""
    found: list[str] = []
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'securitypolicyviolation: ' + e.effectiveDirective + ' ' + (e.blockedURI || 'inline') + ' on ' + e.documentURI));"
    )
    page.on(
        "console",
        lambda m: (
            found.append(m.text)
            if "Content Security Policy" in m.text or m.text.startswith("securitypolicyviolation")
            else None
        ),
    )
    return found


@pytest.fixture
def screenshot(request):
    """`screenshot(page, "home")` saves a full-page PNG to test-artifacts/screens/home-<width>.png,
    for a person to look at."""
    folder = ARTIFACTS_DIR / "screens"

    def take(page, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}-{page.viewport_size['width']}.png"), full_page=True)

    return take


@pytest.fixture
def login_in_browser(live_server):
    """`login_in_browser(page, user)` signs `user` in through the real login form."""

    def login(page, user, password: str = "Nt-test-password-1") -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from nantong_credit.tests.two_factor_support import code_for

        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:  # two-factor login: the code the phone would show
            page.wait_for_url(f"{live_server.url}/accounts/login/verify/")
            page.get_by_label("动态验证码").fill(code_for(device))
            page.get_by_role("button", name="验证并登录").click()
        page.wait_for_url(f"{live_server.url}/office/**")

    return login
