"""Back-office pages of bulk imports (批量导入): templates, upload, progress and results.

Every page belongs to one provider (`code` in the URL) and is shown to that provider's staff
only; everybody else gets a 404, as for the provider's API tokens.
"""

import io

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from catalog.models import CatalogItem, Provider

from ..models import BulkImport
from ..permissions import get_provider_for_staff
from ..selectors import PublishedItems
from ..services.errors import ProviderNotResponsible
from .imports import progress_of
from .layout import (
    import_limits,
    item_notes,
    layout_for,
    template_filename,
)
from .layout import (
    template_csv as build_template_csv,
)
from .layout import (
    template_xlsx as build_template_xlsx,
)
from .uploads import ImportRefused, create_import, responsible_item, responsible_items, too_large_message

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORTS_PER_PAGE = 20
ERRORS_PER_PAGE = 50


class ImportForm(forms.Form):
    item = forms.ChoiceField(label=gettext_lazy("目录事项"))
    file = forms.FileField(
        label=gettext_lazy("数据文件"),
        help_text=gettext_lazy("Excel（.xlsx）或 CSV（UTF-8、GBK 编码均可），请使用本事项的模板填写。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, items: list[CatalogItem], too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("请选择")), *((i.code, f"{i.name}（{i.code}）") for i in items)]
        self.too_large = too_large

    def clean(self):
        cleaned = super().clean()
        if self.too_large:
            self.errors.pop("file", None)
            self.add_error("file", too_large_message(import_limits()))
        return cleaned


class LimitedUploadHandler(FileUploadHandler):
    """Stops keeping an upload once it passes the size limit: the rest is read and dropped, so an
    oversized file never reaches the disk (the web server's own body limit should be set too)."""

    def __init__(self, request: HttpRequest, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.too_large = False

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _staff_provider(request: HttpRequest, code: str) -> Provider:
    return get_provider_for_staff(request.user, code)


def _import_of(request: HttpRequest, code: str, pk: int) -> tuple[Provider, BulkImport]:
    provider = _staff_provider(request, code)
    bulk_import = get_object_or_404(BulkImport.objects.select_related("uploaded_by"), pk=pk, provider=provider)
    return provider, bulk_import


def _item_names() -> dict[str, str]:
    version = PublishedItems().version
    return dict(version.items.values_list("code", "name")) if version else {}


@login_required
@permission_required("collection.view_bulkimport", raise_exception=True)
@require_GET
def imports(request: HttpRequest, code: str) -> HttpResponse:
    provider = _staff_provider(request, code)
    page = Paginator(
        BulkImport.objects.filter(provider=provider).select_related("uploaded_by"), IMPORTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    names = _item_names()
    for bulk_import in page:
        bulk_import.item_name = names.get(bulk_import.item_code, bulk_import.item_code)
    return render(
        request,
        "collection/imports/list.html",
        {
            "provider": provider,
            "page": page,
            "items": responsible_items(provider),
            "can_add": request.user.has_perm("collection.add_bulkimport"),
        },
    )


@csrf_exempt  # the upload handler must be set before the CSRF check reads the body; checked below
@login_required
@permission_required("collection.add_bulkimport", raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest, code: str) -> HttpResponse:
    limiter = LimitedUploadHandler(request, import_limits().max_bytes)
    request.upload_handlers.insert(0, limiter)
    return _import_new(request, code, limiter)


@csrf_protect
def _import_new(request: HttpRequest, code: str, limiter: LimitedUploadHandler) -> HttpResponse:
    provider = _staff_provider(request, code)
    items = responsible_items(provider)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, items=items, too_large=limiter.too_large)
        if form.is_valid():
            try:
                bulk_import = create_import(
                    provider=provider,
                    item_code=form.cleaned_data["item"],
                    upload=form.cleaned_data["file"],
                    actor=request.user,
                )
            except (ImportRefused, ProviderNotResponsible) as exc:
                form.add_error("file" if isinstance(exc, ImportRefused) else "item", str(getattr(exc, "message", exc)))
            else:
                return redirect("collection_office:import_detail", code=provider.code, pk=bulk_import.pk)
    else:
        form = ImportForm(initial={"item": request.GET.get("item", "")}, items=items)
    chosen = next((item for item in items if item.code == (form.data.get("item") or form.initial.get("item"))), None)
    return render(
        request,
        "collection/imports/new.html",
        {
            "provider": provider,
            "form": form,
            "items": items,
            "notes": item_notes(layout_for(chosen)) if chosen else [],
            "chosen": chosen,
            "limits": import_limits(),
        },
    )


@login_required
@permission_required("collection.view_bulkimport", raise_exception=True)
@require_GET
def import_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    provider, bulk_import = _import_of(request, code, pk)
    errors = Paginator(bulk_import.row_errors.all(), ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "collection/imports/detail.html",
        {
            "provider": provider,
            "bulk_import": bulk_import,
            "item_name": _item_names().get(bulk_import.item_code, bulk_import.item_code),
            "progress": progress_of(bulk_import),
            "errors": errors,
        },
    )


@login_required
@permission_required("collection.view_bulkimport", raise_exception=True)
@require_GET
@never_cache
def import_progress(request: HttpRequest, code: str, pk: int) -> JsonResponse:
    _provider, bulk_import = _import_of(request, code, pk)
    return JsonResponse(progress_of(bulk_import))


@login_required
@permission_required("collection.view_bulkimport", raise_exception=True)
@require_GET
def import_errors(request: HttpRequest, code: str, pk: int) -> FileResponse:
    _provider, bulk_import = _import_of(request, code, pk)
    if not bulk_import.errors_file:
        raise Http404("no error report")
    return FileResponse(
        bulk_import.errors_file.open("rb"),
        as_attachment=True,
        content_type=XLSX_TYPE,
        filename=f"错误报告-{bulk_import.pk}.xlsx",
    )


@login_required
@permission_required("collection.view_bulkimport", raise_exception=True)
@require_GET
def import_original(request: HttpRequest, code: str, pk: int) -> FileResponse:
    _provider, bulk_import = _import_of(request, code, pk)
    if bulk_import.original_deleted_at:
        raise Http404("the file was deleted after its retention period")
    # Served as an opaque download: whatever the uploader sent is never rendered by the browser.
    return FileResponse(
        bulk_import.original_file.open("rb"),
        as_attachment=True,
        content_type="application/octet-stream",
        filename=bulk_import.original_name,
    )


def _template_item(request: HttpRequest, code: str, item_code: str) -> CatalogItem:
    provider = _staff_provider(request, code)
    try:
        return responsible_item(provider, item_code)
    except ProviderNotResponsible:
        raise Http404("not an item of this provider") from None


@login_required
@permission_required("collection.add_bulkimport", raise_exception=True)
@require_GET
def template_xlsx(request: HttpRequest, code: str, item_code: str) -> FileResponse:
    item = _template_item(request, code, item_code)
    return FileResponse(
        io.BytesIO(build_template_xlsx(item)),
        as_attachment=True,
        content_type=XLSX_TYPE,
        filename=template_filename(item, "xlsx"),
    )


@login_required
@permission_required("collection.add_bulkimport", raise_exception=True)
@require_GET
def template_csv(request: HttpRequest, code: str, item_code: str) -> FileResponse:
    item = _template_item(request, code, item_code)
    return FileResponse(
        io.BytesIO(build_template_csv(item)),
        as_attachment=True,
        content_type="text/csv; charset=utf-8",
        filename=template_filename(item, "csv"),
    )
