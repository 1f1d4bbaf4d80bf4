"""`{% pager page %}`: the previous / next links of a paginated list, one way on every page.

The links keep the list's other query parameters (stage, status, provider, filters) as the
request carries them and change only `page`, so a view need not spell its filters out again.
"""

from django import template
from django.core.paginator import Page

register = template.Library()


@register.inclusion_tag("_pager.html", takes_context=True)
def pager(context, page: Page) -> dict:
    request = context["request"]

    def page_url(number: int) -> str:
        query = request.GET.copy()
        query["page"] = number
        return "?" + query.urlencode()

    return {
        "page": page,
        "previous_url": page_url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": page_url(page.next_page_number()) if page.has_next() else "",
    }
