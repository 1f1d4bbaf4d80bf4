"""Back-office pages of department databases (数据库对接, Art. 9), under
/office/collection/pull/: a provider's staff for their own provider, the center for any."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..bulk.layout import layout_for
from ..bulk.uploads import responsible_items
from ..selectors import PublishedItems
from . import selectors
from .forms import PullSourceForm, mapping_text
from .pages import MAX_PAGE_ROWS
from .rows import source_field
from .runs import PAGE_SIZE
from .services import SourceBusy, request_pull, reset_cursor, save_pull_source


@login_required
@permission_required("collection.view_pullsource", raise_exception=True)
@require_GET
def providers(request: HttpRequest) -> HttpResponse:
    found = list(selectors.pull_providers(request.user))
    if len(found) == 1:
        return redirect("collection_office:pull_sources", code=found[0].code)
    return render(request, "collection/pull/providers.html", {"providers": found})


@login_required
@permission_required("collection.view_pullsource", raise_exception=True)
@require_GET
def sources(request: HttpRequest, code: str) -> HttpResponse:
    provider = selectors.get_provider_for_pull(request.user, code)
    found = list(selectors.sources_of(provider))
    last = selectors.last_runs(found)
    rows = [(source, last.get(source.pk)) for source in found]
    return render(
        request,
        "collection/pull/sources.html",
        {"provider": provider, "rows": rows, "can_add": request.user.has_perm("collection.add_pullsource")}
        | _contract(),
    )


@login_required
@permission_required("collection.add_pullsource", raise_exception=True)
@require_http_methods(["GET", "POST"])
@never_cache
def new_source(request: HttpRequest, code: str) -> HttpResponse:
    provider = selectors.get_provider_for_pull(request.user, code)
    items = responsible_items(provider, PublishedItems())
    form = PullSourceForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        token = values.pop("token")
        source = save_pull_source(provider=provider, values=values, token=token, actor=request.user)
        messages.success(request, _("已保存数据库对接“%(name)s”。") % {"name": source.name})
        return redirect("collection_office:pull_source", code=provider.code, pk=source.pk)
    return _form_page(request, provider, form, items, None)


@login_required
@permission_required("collection.change_pullsource", raise_exception=True)
@require_http_methods(["GET", "POST"])
@never_cache
def edit_source(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    provider = selectors.get_provider_for_pull(request.user, code)
    source = selectors.get_source(provider, pk)
    items = responsible_items(provider, PublishedItems())
    initial = {name: getattr(source, name) for name in ("name", "item_code", "url", "format", "token_header")}
    initial |= {"interval_minutes": source.interval_minutes, "enabled": source.enabled}
    initial["mapping"] = mapping_text(source.mapping)
    form = PullSourceForm(request.POST or None, initial=initial, items=items, source=source)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        token = values.pop("token")
        save_pull_source(provider=provider, values=values, token=token, actor=request.user, source=source)
        messages.success(request, _("已保存数据库对接“%(name)s”。") % {"name": values["name"]})
        return redirect("collection_office:pull_source", code=provider.code, pk=source.pk)
    return _form_page(request, provider, form, items, source)


def _form_page(request, provider, form, items, source) -> HttpResponse:
    layouts = [(item, _columns(item, source.mapping if source else {})) for item in items]
    return render(
        request,
        "collection/pull/form.html",
        {"provider": provider, "form": form, "source": source, "layouts": layouts} | _contract(),
    )


def _columns(item, mapping: dict) -> list[tuple[str, str, bool, str]]:
    layout = layout_for(item)
    return [
        (column.key, column.label, column.required, " 或 ".join(source_field(layout, mapping, column.key)))
        for column in layout.columns
    ]


@login_required
@permission_required("collection.view_pullsource", raise_exception=True)
@never_cache
@require_GET
def source_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    provider = selectors.get_provider_for_pull(request.user, code)
    source = selectors.get_source(provider, pk)
    item = PublishedItems().get(source.item_code)
    return render(
        request,
        "collection/pull/source.html",
        {
            "provider": provider,
            "source": source,
            "item": item,
            "columns": _columns(item, source.mapping) if item is not None else [],
            "runs": selectors.recent_runs(source),
            "can_change": request.user.has_perm("collection.change_pullsource"),
        }
        | _contract(),
    )


@login_required
@permission_required("collection.change_pullsource", raise_exception=True)
@require_POST
def pull_now(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    provider = selectors.get_provider_for_pull(request.user, code)
    source = selectors.get_source(provider, pk)
    request_pull(source=source, actor=request.user)
    messages.success(request, _("已安排立即拉取，完成后结果显示在下方的拉取记录中。"))
    return redirect("collection_office:pull_source", code=provider.code, pk=source.pk)


@login_required
@permission_required("collection.change_pullsource", raise_exception=True)
@require_POST
def reset(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    provider = selectors.get_provider_for_pull(request.user, code)
    source = selectors.get_source(provider, pk)
    try:
        reset_cursor(source=source, actor=request.user)
    except SourceBusy:
        messages.warning(request, _("正在拉取中，请待本次拉取结束后再重置游标。"))
    else:
        messages.success(request, _("游标已重置为起点：下次拉取从头读取，已入库的记录不会重复。"))
    return redirect("collection_office:pull_source", code=provider.code, pk=source.pk)


@login_required
@permission_required("collection.view_pullsource", raise_exception=True)
@require_GET
def run_detail(request: HttpRequest, code: str, pk: int, run_pk: int) -> HttpResponse:
    provider = selectors.get_provider_for_pull(request.user, code)
    source = selectors.get_source(provider, pk)
    run = selectors.get_run(source, run_pk)
    errors = list(run.row_errors.all()[: selectors.ERRORS_SHOWN])
    return render(
        request,
        "collection/pull/run.html",
        {"provider": provider, "source": source, "run": run, "errors": errors, "errors_shown": selectors.ERRORS_SHOWN},
    )


def _contract() -> dict:
    return {"page_size": PAGE_SIZE, "max_page_rows": MAX_PAGE_ROWS}
