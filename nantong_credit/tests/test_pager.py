"""`{% pager page %}`: previous and next links that keep the list's other parameters."""

from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory

PAGER = Template("{% load pager %}{% pager page %}")


def render(query: str, number: int) -> str:
    request = RequestFactory().get("/office/objections/" + query)
    page = Paginator(range(50), 20).page(number)
    return PAGER.render(Context({"request": request, "page": page}))


def test_the_links_change_the_page_and_keep_the_filters():
    html = render("?status=submitted&provider=scjgj&page=2", 2)
    assert 'href="?status=submitted&amp;provider=scjgj&amp;page=1" rel="prev">上一页' in html
    assert 'href="?status=submitted&amp;provider=scjgj&amp;page=3" rel="next">下一页' in html
    assert "第 2 / 3 页" in html


def test_the_first_and_last_pages_have_one_link_and_a_single_page_none():
    first, last = render("", 1), render("?only=findings&page=3", 3)
    assert "上一页" not in first and 'href="?page=2"' in first
    assert "下一页" not in last and 'href="?only=findings&amp;page=2"' in last
    single = PAGER.render(Context({"request": RequestFactory().get("/"), "page": Paginator(range(5), 20).page(1)}))
    assert "分页" not in single


def test_a_hostile_parameter_is_escaped_not_echoed():
    html = render('?q="><script>alert(1)</script>', 1)
    assert "<script>" not in html
