"""The public catalog page `/catalog/` (Art. 7: the catalog is compiled and published), and the
portal's home page, which opens with the published categories."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"categories": selectors.home_catalog()})


def public_catalog(request: HttpRequest) -> HttpResponse:
    version = selectors.published_version()
    context = {"version": version, "categories": [], "documents": []}
    if version is not None:
        items = list(selectors.items_of(version))
        selectors.describe_disclosure(items)
        context.update(categories=selectors.group_by_category(items), documents=selectors.documents_of(version))
    return render(request, "catalog/public.html", context)
