"""Searching a work queue (issue 16 §6): by case number, subject name or code, in every status;
a provider's search never reaches another provider's cases."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from collection.models import Subject
from collection.tests.account_support import WANG_ID
from collection.work_search import refuses, search_term, subject_filter

from .support import at, file_case, referred_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(agent, other_agent, company, other_company, penalty, clerk, scjgj):
    from .support import submit_penalty

    with freeze_time(at("2026-09-30 09:00")):
        referred = referred_case(agent, company, [penalty], clerk)
        other_record = submit_penalty(scjgj, other_company, number="通市监罚〔2026〕202号")
        submitted, _code = file_case(other_agent, other_company, [other_record])
    return referred, submitted


def rows(page: str) -> str:
    return page[page.index("<tbody>") : page.index("</tbody>")] if "<tbody>" in page else ""


def test_the_clerk_finds_a_case_by_number_name_or_code_in_any_status(client, clerk, cases, company, other_company):
    referred, submitted = cases
    client.force_login(clerk)
    queue = reverse("objection_office:queue")
    # The default tab (to review) does not hold the referred case; a search looks everywhere.
    assert referred.number not in rows(client.get(queue).content.decode())
    for term in (referred.number, referred.number.lower(), "海运建设", company.code, f" {company.code.lower()} "):
        found = rows(client.get(queue, {"q": term}).content.decode())
        assert referred.number in found and submitted.number not in found, term
    found = rows(client.get(queue, {"q": "江海物流"}).content.decode())
    assert submitted.number in found and referred.number not in found


def test_a_search_that_finds_nothing_says_so(client, clerk, cases):
    client.force_login(clerk)
    page = client.get(reverse("objection_office:queue"), {"q": "不存在的公司"}).content.decode()
    assert "没有符合“不存在的公司”的案件" in page


def test_a_provider_searches_only_its_own_cases(client, scjgj_staff, rsj_staff, cases, company):
    referred, _submitted = cases
    client.force_login(scjgj_staff)
    assert (
        referred.number in client.get(reverse("objection_office:provider_queue"), {"q": company.code}).content.decode()
    )
    client.force_login(rsj_staff)
    page = client.get(reverse("objection_office:provider_queue"), {"q": referred.number}).content.decode()
    assert referred.number not in rows(page)


def test_hostile_search_text_is_only_text(client, clerk, cases):
    client.force_login(clerk)
    response = client.get(reverse("objection_office:queue"), {"q": "<script>alert(1)</script>%' OR 1=1 --"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_an_id_number_is_never_a_search_term(client, clerk, cases):
    """A queue's search is a GET: an ID number would be in the address. It matches nothing, the
    page says why and does not echo it back (the box's script stops the browser sending one)."""
    assert refuses(search_term(f" {WANG_ID.lower()} ")) and not refuses("91320602797803286R")
    assert Subject.objects.filter(subject_filter(WANG_ID, prefix="")).count() == 0
    client.force_login(clerk)
    page = client.get(reverse("objection_office:queue"), {"q": WANG_ID}).content.decode()
    assert "身份证号码不作为搜索词" in page and WANG_ID not in page
    assert "data-no-id-number" in page
