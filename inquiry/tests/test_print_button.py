"""The report's page has a 打印 button (issue 16 §1), which is itself left off the paper."""

import re

import pytest
from django.urls import reverse

from inquiry.reports.services import order_report

from .report_support import agent, company, company_records, report_catalog  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_the_report_page_offers_to_print_it(client, agent, company, company_records):
    report = order_report(user=agent, subject=company)
    client.force_login(agent)
    content = client.get(reverse("reports:detail", args=[report.number])).content.decode()
    buttons = re.findall(r"<button[^>]*data-print[^>]*>", content)
    assert len(buttons) == 1 and "d-print-none" in buttons[0] and 'type="button"' in buttons[0]
    assert 'href="/static/css/print.css" media="print"' in content
