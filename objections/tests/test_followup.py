"""Anonymous follow-up by case number and 查询码, as 信用中国 offers: no login, no files, and
guessing is cut short."""

import pytest
from django.urls import reverse

from objections import followup

from .support import file_case

pytestmark = pytest.mark.django_db
FOLLOW_UP = reverse("objections:follow_up")


@pytest.fixture
def case_and_code(agent, company, penalty):
    return file_case(agent, company, [penalty])


def test_number_and_code_open_the_case_without_login(client, case_and_code):
    case, code = case_and_code
    typed = f" {case.number.lower()} ", "-".join([code[:5].lower(), code[5:]])  # as people type them
    response = client.post(FOLLOW_UP, {"number": typed[0], "code": typed[1]})
    assert response.status_code == 302 and response["Location"] == f"/objections/follow-up/{case.number}/"
    page = client.get(response["Location"]).content.decode()
    assert case.number in page and "提交异议申请" in page and "第十四条第一款" in page
    assert "缴款凭证.pdf" in page and "/evidence/" not in page  # listed, never served here


def test_a_wrong_code_opens_nothing(client, case_and_code):
    case, _code = case_and_code
    response = client.post(FOLLOW_UP, {"number": case.number, "code": "ABCDEFGHJK"})
    assert response.status_code == 400 and "案件编号或查询码不正确" in response.content.decode()
    assert client.get(reverse("objections:follow_up_case", args=[case.number])).status_code == 302


def test_another_cases_code_opens_nothing(client, agent, company, penalty, license_record):
    first, _code = file_case(agent, company, [penalty])
    _second, second_code = file_case(agent, company, [license_record])
    response = client.post(FOLLOW_UP, {"number": first.number, "code": second_code})
    assert response.status_code == 400


def test_guessing_is_stopped(client, case_and_code):
    case, code = case_and_code
    for _attempt in range(followup.FAILURES_PER_ADDRESS):
        client.post(FOLLOW_UP, {"number": case.number, "code": "WRONGCODE2"})
    response = client.post(FOLLOW_UP, {"number": case.number, "code": code})
    assert response.status_code == 429 and "查询失败次数过多" in response.content.decode()


def test_a_number_is_protected_from_many_addresses(client, case_and_code):
    case, code = case_and_code
    for attempt in range(followup.FAILURES_PER_NUMBER):
        client.post(FOLLOW_UP, {"number": case.number, "code": "WRONGCODE2"}, REMOTE_ADDR=f"10.0.{attempt}.1")
    response = client.post(FOLLOW_UP, {"number": case.number, "code": code}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429


def test_the_follow_up_page_needs_the_code_first(client, case_and_code):
    case, _code = case_and_code
    response = client.get(reverse("objections:follow_up_case", args=[case.number]))
    assert response.status_code == 302 and response["Location"] == FOLLOW_UP


def test_behind_the_proxy_one_guesser_does_not_block_everyone(client, case_and_code, settings):
    """Every request comes from the proxy's address; the one it added is the client's."""
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    case, code = case_and_code

    def via_proxy(forwarded_for: str, code: str):
        return client.post(
            FOLLOW_UP, {"number": case.number, "code": code}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for
        )

    for _attempt in range(followup.FAILURES_PER_ADDRESS):
        via_proxy("203.0.113.7", "WRONGCODE2")
    assert via_proxy("203.0.113.7", code).status_code == 429
    # Naming the other client first in the header does not lift the guesser's block.
    assert via_proxy("198.51.100.20, 203.0.113.7", code).status_code == 429
    assert via_proxy("198.51.100.20", code).status_code == 302
