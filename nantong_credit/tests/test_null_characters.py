"""NUL (U+0000) in an address or a query is refused with a 400 in Chinese before any view runs:
PostgreSQL cannot hold it, and it used to end as a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/subjects/%00/", "/subjects/91320602MA1P8K3Q2P%00/", "/catalog/%00"])
def test_nul_in_the_path_answers_400_in_chinese(client, path):
    response = client.get(path, follow=True)
    assert response.status_code == 400
    page = response.content.decode()
    assert "请求有误（400）" in page and "包含空字符（\\u0000）" in page and 'aria-label="主导航"' in page


@pytest.mark.parametrize("query", [{"q": "南通\x00"}, {"q\x00": "南通"}, {"q": "南通", "page": "\x00"}])
def test_nul_in_the_query_answers_400(client, query):
    response = client.get("/subjects/", query)
    assert response.status_code == 400
    assert "包含空字符" in response.content.decode()


def test_an_api_address_with_nul_answers_in_the_apis_error_shape(client):
    response = client.get("/api/v1/subjects/%00/")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["url"]
    response = client.get("/api/v1/catalog/", {"version": "\x00"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["version"]


def test_a_login_form_with_nul_stores_no_failed_attempt(client, django_user_model):
    from axes.models import AccessAttempt

    response = client.post("/accounts/login/", {"username": "bob\x00", "password": "x"})
    assert response.status_code == 400
    assert not AccessAttempt.objects.exists()


def test_other_bad_requests_get_the_portals_400_page(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    response = client.post("/accounts/login/", {"a": "1", "b": "2", "c": "3"})
    assert response.status_code == 400
    assert "请求有误（400）" in response.content.decode()
