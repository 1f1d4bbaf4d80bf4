"""Links from the site's "第N条" to the article on /regulation/.

`{% art 14 %}` writes 第十四条 as a link; `{% art 13 14 %}` writes 第十三条、第十四条. Templates use
the tag for their own words (tests/test_regulation_links.py finds any "第N条" a template writes
without it). Text that comes from code or data — a card's description, a message — goes through
`|article_links`, which escapes it first and then links each reference to this regulation, but
not one to another law ("《行政处罚法》第三十二条", "行政处罚法第八条").
"""

import re

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from nantong_credit.regulation import article_count, chinese_numeral, number_of

from .site_urls import fixed_url

register = template.Library()

NUMERAL = "[一二三四五六七八九十]+"
# 第十四条, 第十三、十四条, 第十五至十七条.
REFERENCE = re.compile(rf"第({NUMERAL}(?:[、至]{NUMERAL})*)条")
SEPARATOR = re.compile(r"([、至])")
# Right after the name of another law or rule (行政处罚法第八条, 《…条例》第三条) an article is that
# law's, unless the name is this regulation's own (《暂行办法》, 《办法》, 《南通市…暂行办法》).
OTHER_LAW_BEFORE = re.compile(r"(?:[法例定则]|》)$")
OWN_NAME_BEFORE = re.compile(r"(?:《(?:南通市公共信用信息归集和使用)?(?:暂行)?办法》)$")


def refers_to_another_law(text: str, start: int) -> bool:
    before = text[max(0, start - 30) : start]
    return bool(OTHER_LAW_BEFORE.search(before)) and not OWN_NAME_BEFORE.search(before)


def _link(number: int) -> SafeString:
    return format_html(
        '<a class="article-link" href="{}#art-{}">第{}条</a>',
        fixed_url("info:regulation"),
        number,
        chinese_numeral(number),
    )


def _checked(numbers) -> list[int]:
    numbers = [int(number) for number in numbers]
    for number in numbers:
        if not 1 <= number <= article_count():
            raise template.TemplateSyntaxError(f"the regulation has no article {number}")
    return numbers


@register.simple_tag
def art(*numbers: int) -> SafeString:
    """第十三条、第十四条, each a link."""
    return format_html_join("、", "{}", ((_link(number),) for number in _checked(numbers)))


@register.simple_tag
def art_range(first: int, last: int) -> SafeString:
    """第十五条至第十七条, both ends links."""
    first, last = _checked((first, last))
    return format_html("{}至{}", _link(first), _link(last))


def _linked(match: re.Match) -> str:
    if refers_to_another_law(match.string, match.start()):
        return match.group(0)
    parts = SEPARATOR.split(match.group(1))
    numbers = [number_of(part) for part in parts[::2]]
    if not all(1 <= number <= article_count() for number in numbers):
        return match.group(0)
    return "".join(part if index % 2 else _link(number_of(part)) for index, part in enumerate(parts))


@register.filter(is_safe=True)
def article_links(text) -> SafeString:
    """Escape `text` (unless already safe) and link its references to this regulation."""
    return mark_safe(REFERENCE.sub(_linked, str(conditional_escape(text))))
