"""A NUL character (U+0000) in a form a department sends is refused with a 400 in Chinese and
nothing is stored (PostgreSQL would have failed with a 500, or Django answered "不允许是用空字符串")."""

from urllib.parse import urlencode

import pytest
from freezegun import freeze_time

from .api_support import stored
from .test_record_form import NEW_URL, catalog, post_data, scjgj, staff, swj  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _may_2026():
    with freeze_time("2026-05-08 10:00:20+08:00"):
        yield


@pytest.mark.parametrize("field", ["data__penalty_content", "data__fine_amount", "subject_name", "source_key"])
def test_a_form_post_with_nul_is_refused_in_chinese_and_nothing_stored(client, catalog, staff, field):
    client.force_login(staff)
    before = stored()
    response = client.post(NEW_URL, post_data(**{field: "警告\x00并罚款"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "包含空字符（\\u0000）" in page and "未保存任何内容" in page and 'aria-label="主导航"' in page
    assert stored() == before


def test_an_url_encoded_form_post_with_nul_is_refused_too(client, catalog, staff):
    client.force_login(staff)
    body = urlencode(post_data(data__penalty_content="警告\x00"), doseq=True)
    response = client.post(NEW_URL, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and stored() == (0, 0, 0, 0)
