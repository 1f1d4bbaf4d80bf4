"""The public scorecard: `/providers/` and `/providers/<provider code>/` (SPEC §6). No login,
nothing personal: departments, counts and rates. Both read the precomputed monthly figures only."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from catalog.models import Provider

from .selectors import DEFAULT_SORT, period_for, periods, provider_page, scoreboard

COLUMNS = (
    ("name", "信息提供单位"),
    ("items", "负责目录事项"),
    ("received", "归集记录"),
    ("on_time", "按时报送率"),
    ("correction", "异议更正率"),
    ("days", "平均答复用时"),
    ("last", "最近报送"),
)


@require_GET
def provider_list(request: HttpRequest) -> HttpResponse:
    period = period_for(request.GET.get("period", ""))
    board = scoreboard(period=period, query=request.GET.get("q", ""), sort=request.GET.get("sort", DEFAULT_SORT))
    return render(
        request,
        "supervision/providers/list.html",
        {"board": board, "periods": periods(), "columns": _columns(board.sort, board.query, board.period.key)},
    )


def _columns(current: str, query: str, period: str) -> list[dict]:
    """Each header's sort link: the first click sorts descending (the largest first) except by
    name; a second click on the sorted column turns it round."""
    columns = []
    for key, label in COLUMNS:
        first = key if key == "name" else f"-{key}"
        sort = (key if current == f"-{key}" else f"-{key}") if current.lstrip("-") == key else first
        direction = "" if current.lstrip("-") != key else ("descending" if current.startswith("-") else "ascending")
        params = urlencode({k: v for k, v in (("q", query), ("period", period), ("sort", sort)) if v})
        columns.append({"key": key, "label": label, "query": params, "direction": direction})
    return columns


@require_GET
def provider_detail(request: HttpRequest, code: str) -> HttpResponse:
    provider = get_object_or_404(Provider, code=code)
    period = period_for(request.GET.get("period", ""))
    return render(
        request,
        "supervision/providers/detail.html",
        {"page": provider_page(provider, period=period), "periods": periods()},
    )
