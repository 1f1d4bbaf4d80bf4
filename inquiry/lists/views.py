"""/lists/: the public credit lists (no login; SPEC §6, issue 16 §3). Rate limited per client
address like the public search: a list is a scraper's favourite page."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from catalog.models import CatalogItem
from nantong_credit.spreadsheets import CSV_CONTENT_TYPE, csv_bytes

from ..ratelimit import LISTS, limit_per_address
from .forms import ListFilterForm
from .selectors import (
    CSV_CAP,
    DISHONESTY,
    RED,
    PublicList,
    count_entries,
    csv_rows,
    entry_page,
    list_item,
)
from .selectors import (
    LISTS as PUBLIC_LISTS,
)


@require_GET
@limit_per_address(LISTS)
def index(request: HttpRequest) -> HttpResponse:
    cards = []
    for public_list in (DISHONESTY, RED):
        item = list_item(public_list)
        total, capped = count_entries(public_list) if item else (0, False)
        cards.append({"list": public_list, "item": item, "total": total, "capped": capped})
    return render(request, "inquiry/lists/index.html", {"cards": cards})


@require_GET
@limit_per_address(LISTS)
def entries(request: HttpRequest, slug: str) -> HttpResponse:
    public_list, item = _list_and_item(slug)
    form = ListFilterForm(request.GET or {}, item=item)
    result = None
    if form.is_valid() and item is not None:
        result = entry_page(public_list, form.filters(), form.cleaned_data["page"])
    return render(
        request,
        "inquiry/lists/entries.html",
        {
            "public_list": public_list,
            "item": item,
            "form": form,
            "result": result,
            "page_query": _without_page(request),
            "csv_cap": CSV_CAP,
        },
    )


@require_GET
@limit_per_address(LISTS)
def entries_csv(request: HttpRequest, slug: str) -> HttpResponse:
    public_list, item = _list_and_item(slug)
    form = ListFilterForm(request.GET or {}, item=item)
    if not form.is_valid():
        return render(
            request,
            "inquiry/lists/entries.html",
            {"public_list": public_list, "item": item, "form": form, "result": None, "page_query": ""},
            status=400,
        )
    rows = csv_rows(public_list, form.filters(), with_entries=item is not None)
    response = HttpResponse(csv_bytes(rows), content_type=CSV_CONTENT_TYPE)
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="nantong-{public_list.slug}-list-{day}.csv"'
    return response


def _list_and_item(slug: str) -> tuple[PublicList, CatalogItem | None]:
    """The list, and its item in the published catalog (None: the page says the list is not in it)."""
    public_list = PUBLIC_LISTS.get(slug)
    if public_list is None:
        raise Http404("no such public list")
    return public_list, list_item(public_list)


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
