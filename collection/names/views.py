"""名称不一致 (/office/collection/names/): organisations a department submitted under another name
than the platform shows. The records were accepted and the names kept; the center's clerks follow
each one up with the department (a typo to correct, or a change of name the registering
authority has not sent yet)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalog.models import Provider

from ..selectors import open_name_mismatches

VIEW_NAME_MISMATCHES = "collection.view_namemismatch"
PAGE_SIZE = 50


@login_required
@permission_required(VIEW_NAME_MISMATCHES, raise_exception=True)
def mismatches(request: HttpRequest) -> HttpResponse:
    provider = Provider.objects.filter(code=request.GET.get("provider", "")).first()
    rows = open_name_mismatches(provider)
    return render(
        request,
        "collection/names/mismatches.html",
        {
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "provider": provider,
            "providers": Provider.objects.filter(pk__in=open_name_mismatches().values("provider")).order_by("code"),
        },
    )
