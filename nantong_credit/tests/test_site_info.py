"""A government website's own pages (issue 16 §5): the regulation's full text with every "第N条"
on the site linking to it, 办事指南, 联系我们, 网站地图, and the identifiers in the footer."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.template import engines
from django.test import override_settings

from catalog.tests.factories import CatalogItemFactory, publish
from nantong_credit.regulation import chinese_numeral, number_of, regulation
from nantong_credit.templatetags.regulation import REFERENCE, article_links, refers_to_another_law

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
# Pages a citizen reads on the site; e-mails and PDFs are not pages and keep their plain text.
NOT_PAGES = ("/email/", "/emails/", "/pdf/")


def test_the_regulation_has_its_25_articles_in_order():
    articles = regulation().articles
    assert [article.number for article in articles] == list(range(1, 26))
    assert articles[13].paragraphs[0].startswith("市信用信息中心应当在接到异议信息处理申请的5个工作日内进行核查")
    assert len(articles[2].paragraphs) == 3  # 第三条 defines three terms, one paragraph each


@pytest.mark.parametrize("number", [1, 9, 10, 11, 14, 19, 20, 21, 25])
def test_numerals_round_trip(number):
    assert number_of(chinese_numeral(number)) == number


def test_the_regulation_page_shows_every_article_at_its_anchor(client):
    page = client.get("/regulation/").content.decode()
    for article in regulation().articles:
        assert f'id="art-{article.number}"' in page
        assert f"第{article.numeral}条" in page
    assert "南通市人民政府办公室2015年12月14日印发" in page
    assert "信息主体认为其信用信息中存在错误事项时" in page  # from 第十三条


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        ("依据第十四条第二款", ["/regulation/#art-14"]),
        ("（第十三、十四条）", ["/regulation/#art-13", "/regulation/#art-14"]),
        ("《暂行办法》第十九至二十一条", ["/regulation/#art-19", "/regulation/#art-21"]),
        ("《南通市公共信用信息归集和使用暂行办法》第十条", ["/regulation/#art-10"]),
        ("《中华人民共和国行政处罚法》第三十二条", []),
        ("依据行政处罚法第八条", []),
        ("《江苏省社会信用条例》第十条", []),
        ("第三十条", []),  # the regulation has 25
    ],
)
def test_article_links_link_this_regulation_only(text, linked):
    html = article_links(text)
    assert re.findall(r'href="([^"]+)"', html) == linked
    assert (
        re.sub(r"<[^>]+>", "", html)
        .replace("第十三条、第十四条", "第十三、十四条")
        .replace("第十九条至第二十一条", "第十九至二十一条")
        == text
    )


def test_article_links_escape_what_they_are_given():
    assert article_links("<script>第九条</script>").startswith("&lt;script&gt;<a ")


def _unlinked_references(source: str) -> list[str]:
    found = []
    for match in REFERENCE.finditer(source):
        start = match.start()
        inside_tag = source.rfind("<", 0, start) > source.rfind(">", 0, start)
        inside_template_tag = any(
            source.rfind(opening, 0, start) > source.rfind(closing, 0, start)
            for opening, closing in (("{%", "%}"), ("{{", "}}"), ("{#", "#}"))
        )
        numbers = [number_of(part) for part in re.split("[、至]", match.group(1))]
        if (
            inside_tag
            or inside_template_tag
            or refers_to_another_law(source, start)
            or not all(1 <= n <= 25 for n in numbers)
        ):
            continue
        found.append(match.group(0))
    return found


def test_every_page_template_links_its_articles():
    """Templates write {% art N %} for the regulation's articles, never a bare 第N条 (attribute
    values such as aria-label and e-mail and PDF templates are exempt)."""
    unlinked = {}
    for path in ROOT.rglob("templates/**/*.html"):
        relative = "/" + str(path.relative_to(ROOT))
        if ".venv" in relative or "node_modules" in relative or any(part in relative for part in NOT_PAGES):
            continue
        found = _unlinked_references(path.read_text(encoding="utf-8"))
        if found:
            unlinked[relative] = found
    assert unlinked == {}


def test_a_form_help_text_links_its_article():
    template = engines["django"].from_string("{% load crispy_forms_tags %}{{ form|crispy }}")
    from django import forms

    class Form(forms.Form):
        day = forms.DateField(label="收件日期", help_text="5个工作日的核查期限自该日起算（第十四条第一款）。")

    html = template.render({"form": Form()})
    assert '<a class="article-link" href="/regulation/#art-14">第十四条</a>第一款' in html


def test_the_guides_list_every_service(client):
    page = client.get("/guide/").content.decode()
    for title in ("信用信息异议申请", "信用修复申请", "信用报告查询", "授权查询", "自主申报信用信息", "专项信用报告"):
        assert title in page


@pytest.mark.parametrize(
    "slug", ["objection", "repair", "report", "authorization", "self-declaration", "special-report"]
)
def test_each_guide_says_who_what_how_when_and_why(client, slug):
    page = client.get(f"/guide/{slug}/").content.decode()
    for heading in ("申请条件", "申请材料", "办理流程", "办理时限", "收费标准", "设定依据"):
        assert f"<dt>{heading}</dt>" in page
    assert "免费" in page


def test_the_objection_guide_gives_the_deadlines_of_article_14(client):
    page = client.get("/guide/objection/").content.decode()
    assert "5个工作日" in page and "7个工作日" in page
    assert 'href="/regulation/#art-13"' in page and 'href="/regulation/#art-14"' in page
    assert 'href="/objections/new/"' in page


@override_settings(REPAIR_DECISION_WORKDAYS=9)
def test_the_repair_guide_promises_the_period_the_workflow_keeps(client):
    assert "9个工作日内作出决定" in client.get("/guide/repair/").content.decode()


def test_an_unknown_guide_is_not_found(client):
    assert client.get("/guide/no-such-service/").status_code == 404


@override_settings(CENTER_ADDRESS="南通市崇川区世纪大道6号", CENTER_PHONE="0513-12345678")
def test_contact_shows_the_service_window_the_clerks_keep(client):
    from collection.models import ServiceWindow

    page = client.get("/contact/").content.decode()
    # Until the clerks enter the window's own address and phone, the settings' are shown.
    assert "南通市崇川区世纪大道6号" in page and 'href="tel:0513-12345678"' in page
    assert "09:00–12:00、13:30–17:00" in page
    ServiceWindow.objects.filter(pk=1).update(address="南通市崇川区工农路1号", phone="0513-87654321")
    page = client.get("/contact/").content.decode()
    assert "南通市崇川区工农路1号" in page and 'href="tel:0513-87654321"' in page
    assert 'href="/account/identity/"' in page


def test_every_link_of_the_site_map_answers(client):
    publish(CatalogItemFactory().version)  # the catalog's page and API answer 404 until one is published
    page = client.get("/sitemap/").content.decode()
    main = page[page.index('<main id="main"') : page.index("</main>")]
    links = sorted(set(re.findall(r'href="(/[^"#]*)"', main)))
    assert len(links) >= 20
    for link in links:
        # Pages for signed-in users send an anonymous visitor to the login page.
        assert client.get(link).status_code in (200, 302), link


def test_the_footer_shows_the_site_identifiers_when_set(client):
    assert "网站标识码" not in client.get("/guide/").content.decode()
    with override_settings(SITE_IDENTIFIER_CODE="3206000012", ICP_RECORD_NUMBER="苏ICP备12345678号"):
        page = client.get("/guide/").content.decode()
    assert "网站标识码：3206000012" in page
    assert '<a href="https://beian.miit.gov.cn/" rel="noopener" target="_blank">苏ICP备12345678号</a>' in page


def test_production_without_the_identifiers_is_warned():
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert "nantong_credit.W023" in ids
    with override_settings(SITE_IDENTIFIER_CODE="3206000012", ICP_RECORD_NUMBER="苏ICP备12345678号"):
        ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert "nantong_credit.W023" not in ids
