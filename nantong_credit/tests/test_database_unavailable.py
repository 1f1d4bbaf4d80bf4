"""While the database cannot be reached (a PostgreSQL restart or failover), every request that
needs it answers 503 with `Retry-After`: the Chinese page for people, the API's error shape for
systems (issue 12 §13). Other errors stay 500s."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

pytestmark = pytest.mark.django_db

LOST = [
    OperationalError("server closed the connection unexpectedly"),
    OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused'),
    InterfaceError("connection already closed"),
]


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)  # as a real server answers, not re-raising


def database_lost(error):
    """Every statement fails as it does while PostgreSQL restarts."""
    return mock.patch.object(CursorWrapper, "_execute_with_wrappers", side_effect=error)


@pytest.mark.parametrize("error", LOST, ids=["closed", "refused", "interface"])
def test_a_page_answers_503_with_the_chinese_page_and_retry_after(browser, error):
    with database_lost(error):
        response = browser.get("/catalog/")

    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "服务暂时不可用（503）" in page and "本次提交的内容没有保存" in page
    assert 'class="site-header"' in page and "/static/css/portal" in page  # the portal's look
    assert "no-store" in response["Cache-Control"]


def test_a_logged_in_page_answers_503_though_the_session_cannot_be_read(browser, nobody):
    browser.force_login(nobody)
    with database_lost(LOST[0]):
        response = browser.get("/inbox/")

    assert response.status_code == 503 and "服务暂时不可用" in response.content.decode()


def test_the_api_answers_503_in_its_error_shape(browser):
    with database_lost(LOST[0]):
        response = browser.get("/api/v1/catalog/")

    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"errors": {"__all__": ["服务暂时不可用，请稍后重试"]}}


def test_a_deadlock_or_a_bug_is_still_a_500(browser):
    class ServerSaid(Exception):
        pgcode = "40P01"  # deadlock_detected, as psycopg2 reports it

    deadlock = OperationalError("deadlock detected")
    deadlock.__cause__ = ServerSaid()
    for error in (deadlock, ValueError("a bug")):
        with database_lost(error):
            response = browser.get("/catalog/")
        assert response.status_code == 500 and "Retry-After" not in response
