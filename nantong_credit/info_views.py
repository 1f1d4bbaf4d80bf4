"""A government website's own pages: the regulation's full text, 办事指南, 网站地图 (联系我们 is
`collection.accounts.contact`, which reads the service window).

They read no database: the same for everyone and cached by browsers for a while."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from . import guides as service_guides
from .regulation import ISSUED_ON, ISSUER, TITLE, regulation

PUBLIC_FOR_AN_HOUR = cache_control(public=True, max_age=3600)


def static_page(view):
    """GET and HEAD only, cacheable by browsers for an hour."""
    return require_safe(PUBLIC_FOR_AN_HOUR(view))


@static_page
def regulation_text(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "info/regulation.html",
        {"regulation": regulation(), "title": TITLE, "issuer": ISSUER, "issued_on": ISSUED_ON},
    )


@static_page
def guide_list(request: HttpRequest) -> HttpResponse:
    return render(request, "info/guides.html", {"guides": service_guides.guides()})


@static_page
def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    guide = service_guides.guide(slug)
    if guide is None:
        raise Http404("no such guide")
    return render(request, "info/guide.html", {"guide": guide, "guides": service_guides.guides()})


@static_page
def site_map(request: HttpRequest) -> HttpResponse:
    return render(request, "info/sitemap.html", {"guides": service_guides.guides()})
