"""The public subject page /subjects/<统一社会信用代码>/: registration data, then the records
published today, in the sections of 信用中国 (基本信息, 行政许可, 行政处罚, 守信激励, …) with their
counts, each record with its public fields, provider, dates, disclosure notes and marks.
Sections, paging and actions: test_subject_page_sections.py."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

from collection.tests.factories import make_ric
from inquiry.commitments import record_commitment
from inquiry.models import QueryLog

from .public_support import (  # noqa: F401  (fixtures)
    APPENDED_NOTE,
    HIDDEN,
    OBJECTOR_STATEMENT,
    PRIVATE_LABEL,
    PRIVATE_VALUE,
    SHOWN,
    SIJIAN_CODE,
    SIJIAN_NAME,
    TODAY,
    disclosed,
    frozen_today,
    named_subjects,
    public_catalog,
    scjgj,
    sijian,
)

pytestmark = pytest.mark.django_db
URL = reverse("subjects:detail", args=[SIJIAN_CODE])


def page(client, url=URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def nav_counts(html: str) -> dict[str, int]:
    """The section navigation: section label → number of records."""
    return {
        label: int(count)
        for label, count in re.findall(r'<a class="nav-link" href="#\w+">(\S+) <span class="badge[^"]*">(\d+)', html)
    }


def record_html(html: str, record) -> str:
    """The card of one record."""
    match = re.search(rf'<article[^>]*id="record-{record.pk}".*?</article>', html, re.S)
    assert match, f"record {record.source_key} not on the page"
    return match.group(0)


def test_the_page_shows_registration_data(client, db):
    from collection.tests.factories import SubjectFactory

    SubjectFactory(
        name=SIJIAN_NAME,
        identifier=SIJIAN_CODE,
        legal_representative="耿裕华",
        registration_authority="南通市行政审批局",
        district="崇川区",
        established_on="1958-05-01",
        address="南通市崇川区跃龙路",
    )
    html = page(client)
    for text in (
        SIJIAN_NAME,
        SIJIAN_CODE,
        "耿裕华",
        "南通市行政审批局",
        "崇川区",
        "1958年5月1日",
        "南通市崇川区跃龙路",
    ):
        assert text in html
    assert "公示信息</span> <strong>0</strong>" in html and "暂无公示中的行政处罚信息" in html


def test_only_records_published_today_are_shown(client, disclosed):
    html = page(client)
    for key in SHOWN:
        assert f'id="record-{disclosed[key].pk}"' in html, key
    for key in HIDDEN:
        assert f'id="record-{disclosed[key].pk}"' not in html, key
        assert disclosed[key].source_key not in html, key


def test_registration_and_qualification_records_stay_however_old(client, disclosed):
    html = page(client)
    license_card = record_html(html, disclosed["old_license"])
    assert "2012年4月9日" in license_card and "长期" in license_card and "长期公示" in license_card


def test_counts_on_the_page_leave_hidden_records_out(client, disclosed):
    html = page(client)
    # registration 1, licence 1, penalties 3 (two and the one ending today), commendation 1
    assert nav_counts(html) == {
        "基本信息": 1,
        "行政许可": 1,
        "行政处罚": 3,
        "守信激励": 1,
        "失信惩戒": 0,
        "信用评价": 0,  # the only rating is authorized-query information
        "信用承诺": 0,
    }
    assert "公示信息</span> <strong>6</strong>" in html and "失信信息</span> <strong>3</strong>" in html


def test_a_record_expires_the_day_after_its_last_day(client, disclosed):
    with freeze_time(TODAY + dt.timedelta(days=1)):
        html = page(client)
    assert f'id="record-{disclosed["expires_today"].pk}"' not in html
    assert nav_counts(html)["行政处罚"] == 2


def test_sections_follow_credit_chinas_order_and_hold_their_items(client, disclosed):
    html = page(client)
    sections = re.findall(r'<section class="subject-section[^"]*" id="(\w+)"', html)
    assert sections == ["basic", "licensing", "penalty", "incentive", "discipline", "rating", "commitment"]

    def section_html(key):
        return re.search(rf'<section class="subject-section[^"]*" id="{key}".*?</section>', html, re.S).group(0)

    assert f'id="record-{disclosed["registration"].pk}"' in section_html("basic")
    assert f'id="record-{disclosed["old_license"].pk}"' in section_html("licensing")
    for key in ("penalty", "objected", "expires_today"):
        assert f'id="record-{disclosed[key].pk}"' in section_html("penalty")
    assert f'id="record-{disclosed["commendation"].pk}"' in section_html("incentive")


def test_a_penalty_shows_its_public_fields_provider_and_dates(client, disclosed):
    card = record_html(page(client), disclosed["penalty"])
    for text in (
        "通市监罚〔2026〕12号",
        "南通市市场监督管理局",
        "决定日期",
        "2026年5月6日",
        "公示截止期",
        "2027年5月5日",
        "罚款金额（万元）",
        "2.5",
        "处罚类别",
        "罚款",
        "初次违法",
        "是",
        "失信信息",
        "失信程度：一般",
    ):
        assert text in card, text
    assert PRIVATE_LABEL not in card and PRIVATE_VALUE not in card


def test_a_dishonesty_record_says_in_plain_chinese_until_when_and_from_when_repair(client, disclosed):
    card = record_html(page(client), disclosed["penalty"])
    assert "公示至2027年5月5日，届满后自动停止公示" in card
    assert "自2026年8月7日起可申请信用修复" in card
    older = record_html(page(client), disclosed["expires_today"])
    assert "信息主体现可申请信用修复" in older


def test_marks_are_shown_with_the_objectors_statement(client, disclosed):
    html = page(client)
    objected = record_html(html, disclosed["objected"])
    assert "异议处理中" in objected and "异议处理期间失信信息继续公示" in objected
    assert "异议人声明" in objected and OBJECTOR_STATEMENT in objected
    noted = record_html(html, disclosed["penalty"])
    assert "附注声明" in noted and APPENDED_NOTE in noted
    assert "旧声明，已被撤回" not in html  # an ended mark is not shown


def test_public_credit_commitments_are_shown(client, sijian, frozen_today, nobody):
    record_commitment(
        subject=sijian,
        kind="approval",
        matter="建筑工程施工许可告知承诺",
        text="本单位承诺所报材料真实有效。",
        made_on=dt.date(2026, 3, 2),
        actor=nobody,
        recipient="南通市行政审批局",
    )
    record_commitment(
        subject=sijian,
        kind="voluntary",
        matter="内部承诺",
        text="不公开的承诺",
        made_on=dt.date(2026, 3, 3),
        actor=nobody,
        is_public=False,
    )
    html = page(client)
    assert "信用承诺" in html and "建筑工程施工许可告知承诺" in html and "2026年3月2日" in html
    assert "南通市行政审批局" in html and "不公开的承诺" not in html


def test_a_code_in_another_form_redirects_to_the_canonical_page(client, sijian):
    response = client.get(reverse("subjects:detail", args=[SIJIAN_CODE.lower()]))
    assert response.status_code == 301 and response["Location"] == URL


def test_an_unknown_code_is_a_friendly_404(client, sijian):
    response = client.get(reverse("subjects:detail", args=["91320602MA1W8X7Q4X"[:18]]))
    assert response.status_code == 404
    assert "未找到该主体" in response.content.decode()


def test_a_natural_person_has_no_public_page_and_the_number_is_not_echoed(client, named_subjects):
    number = make_ric("32060219850314002")
    response = client.get(f"/subjects/{number}/")
    assert response.status_code == 404
    assert number not in response.content.decode()


def test_a_logged_in_view_is_logged_and_an_anonymous_one_is_not(client, disclosed, nobody):
    page(client)
    assert not QueryLog.objects.exists()
    client.force_login(nobody)
    page(client)
    log = QueryLog.objects.get()
    assert (log.kind, log.actor, log.subject, log.terms) == (
        QueryLog.Kind.PUBLIC_PAGE,
        nobody,
        disclosed["penalty"].subject,
        SIJIAN_CODE,
    )
