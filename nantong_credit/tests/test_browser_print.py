"""The print stylesheet (static/css/print.css, issue 16 §1, 打印) on a public page: a 办事指南 prints
as the guide alone under the print header; folded content and a sticky in-page section nav (the
public subject page's) are handled on paper as on any page."""

import pytest
from playwright.sync_api import expect

from collection.tests.factories import make_ric
from nantong_credit.tests.print_support import (
    back_to_screen,
    check_printed,
    click_print,
    printed_header,
    record_print_calls,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_guide_prints_without_the_site_around_it(page, live_server, screenshot, csp_violations):
    record_print_calls(page)
    page.goto(f"{live_server.url}/guide/objection/")
    expect(page.get_by_role("heading", name="信用信息异议申请", level=1)).to_be_visible()
    click_print(page)
    screenshot(page, "print-guide-screen")

    check_printed(
        page,
        shows=["信用信息异议申请", "申请条件", "申请材料", "办理流程", "办理时限", "设定依据"],
        hides=["其他事项"],  # the list of the other guides, a navigation
    )
    screenshot(page, "print-guide")
    assert csp_violations == []


def test_folded_content_is_printed_and_section_navs_are_not(page, live_server):
    """What other pages hold — a closed <details>, a collapsed part, a sticky section nav — made
    here on a guide page, as the public subject page and the record pages have them."""
    page.goto(f"{live_server.url}/guide/objection/")
    page.evaluate(
        """() => {
        const main = document.querySelector('main .container');
        main.insertAdjacentHTML('afterbegin',
          '<nav class="section-nav sticky-top" aria-label="本页导航" id="t-nav"><a href="#a">基本信息</a></nav>' +
          '<nav class="sticky-top" aria-label="另一导航" id="t-sticky"><a href="#b">行政许可</a></nav>' +
          '<details id="t-details"><summary>更多数据项</summary><p id="t-folded">折叠的内容</p></details>' +
          '<div class="collapse" id="t-collapse"><p>收起的内容</p></div>' +
          '<p><a id="t-out" href="https://www.creditchina.gov.cn/">信用中国</a> <a id="t-in" href="/contact/">联系我们</a></p>' +
          '<div class="card shadow" id="t-card"><div class="card-body"><span class="badge text-bg-danger" id="t-badge">失信信息</span></div></div>');
      }"""
    )
    expect(page.locator("#t-folded")).to_be_hidden()
    expect(page.locator("#t-collapse")).to_be_hidden()
    page.emulate_media(media="print")
    expect(page.locator("#t-nav")).to_be_hidden()
    expect(page.locator("#t-sticky")).to_be_hidden()
    expect(page.locator("#t-folded")).to_be_visible()
    expect(page.locator("#t-collapse")).to_be_visible()
    style = page.evaluate(
        """() => {
        const css = (id, prop, pseudo) => getComputedStyle(document.getElementById(id), pseudo || null)[prop];
        return {
          shadow: css('t-card', 'boxShadow'), badgeBorder: css('t-badge', 'borderTopStyle'),
          badgeColour: css('t-badge', 'color'), badgeBackground: css('t-badge', 'backgroundColor'),
          outAfter: css('t-out', 'content', '::after'), inAfter: css('t-in', 'content', '::after'),
        };
      }"""
    )
    assert style["shadow"] == "none"
    # A badge says what it says in black on white within a frame, not by its colour.
    assert style["badgeBorder"] == "solid"
    assert style["badgeColour"] == "rgb(0, 0, 0)" and style["badgeBackground"] == "rgb(255, 255, 255)"
    # An outside address is printed after its link; the site's own links are not.
    assert "https://www.creditchina.gov.cn/" in style["outAfter"]
    assert style["inAfter"] in ("none", "normal")
    back_to_screen(page)
    expect(page.locator("#t-nav")).to_be_visible()


def test_the_printed_address_never_carries_an_id_number_or_a_query(page, live_server):
    """An address someone typed with a 公民身份号码 (refused: 404) prints as the site's address; a
    search prints without its terms."""
    id_number = make_ric("32060219850314002")
    page.goto(f"{live_server.url}/subjects/{id_number}/")
    _site, _title, meta = printed_header(page)
    assert meta.endswith(f"网址：{live_server.url}/") and id_number not in meta
    assert id_number not in page.content()

    page.goto(f"{live_server.url}/subjects/?q=南通")
    _site, _title, meta = printed_header(page)
    assert meta.endswith(f"网址：{live_server.url}/subjects/")


def test_the_print_time_is_nantong_time_on_a_computer_set_to_another_zone(browser, live_server):
    """A citizen abroad, or a clerk's machine left on UTC: the paper says when it was printed in
    Nantong's time, as every date the platform writes."""
    import datetime as dt
    import re

    from django.utils import timezone

    context = browser.new_context(locale="zh-CN", timezone_id="America/Los_Angeles")
    try:
        page = context.new_page()
        before = timezone.localtime()
        page.goto(f"{live_server.url}/guide/objection/")
        page.emulate_media(media="print")
        meta = printed_header(page)[2]
        after = timezone.localtime()
    finally:
        context.close()
    printed = re.match(r"打印时间：(\d{4})年(\d{1,2})月(\d{1,2})日 (\d\d):(\d\d)", meta)
    assert printed, meta
    when = dt.datetime(*map(int, printed.groups()), tzinfo=before.tzinfo)
    assert before.replace(second=0, microsecond=0) <= when <= after, (meta, before, after)
