"""The archive register in the back office (Art. 20): clerks of the center and auditors read it,
and open the documents whose apps let the archive find them (`archive_documents`), each checked
against the hash it was registered with before it is handed out. Entries are added by the
services that produce documents; nothing here changes them."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from nantong_credit.uploads import private_file_response

from .archive import archive_entries
from .archive_documents import has_document, verify
from .archive_forms import ArchiveFilterForm
from .models import ArchiveEntry
from .services import record_event

VIEW_PERM = "audit.view_archiveentry"
PAGE_SIZE = 50


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def entry_list(request: HttpRequest) -> HttpResponse:
    form = ArchiveFilterForm(request.GET or None)
    page = Paginator(archive_entries(form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for entry in page.object_list:
        entry.downloadable = has_document(entry)
    return render(
        request,
        "audit/archive/list.html",
        {
            "form": form,
            "page": page,
            "filter_query": query.urlencode(),
            "is_filtered": any(query.values()),
        },
    )


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def entry_detail(request: HttpRequest, number: str) -> HttpResponse:
    entry = get_object_or_404(ArchiveEntry.objects.select_related("registered_by"), number=number)
    checked = verify(entry) if has_document(entry) else None
    return render(
        request,
        "audit/archive/detail.html",
        {
            "entry": entry,
            "checked": checked,
            "intact": checked is not None and checked.matches(entry),
        },
    )


@require_safe
@login_required
@permission_required(VIEW_PERM, raise_exception=True)
@never_cache
def entry_download(request: HttpRequest, number: str) -> HttpResponse:
    """The document, only if it is still the one registered: a file whose hash differs is not
    handed out as the archive's copy; the reader is told, and the audit trail records it."""
    entry = get_object_or_404(ArchiveEntry, number=number)
    if not has_document(entry):
        return render(request, "audit/archive/unavailable.html", {"entry": entry, "missing": True}, status=404)
    checked = verify(entry)
    if checked.matches(entry):
        document = checked.document
        assert document is not None and checked.content is not None  # a match has both
        response = private_file_response(
            ContentFile(checked.content), name=document.name, content_type=document.content_type
        )
        response["X-Archive-Number"] = entry.number
        response["X-Content-SHA256"] = checked.actual_sha256
        response["X-Archive-Verified"] = "sha256-match"
        return response
    _record_mismatch(request, entry, checked.actual_sha256)
    context = {"entry": entry, "missing": not checked.found, "actual": checked.actual_sha256}
    return render(request, "audit/archive/unavailable.html", context, status=404 if not checked.found else 409)


def _record_mismatch(request: HttpRequest, entry: ArchiveEntry, actual: str) -> None:
    with transaction.atomic():
        record_event(
            action="archive.mismatch",
            actor=request.user,
            obj=entry,
            summary=f"档案 {entry.number} 的文件与登记的哈希不符{'' if actual else '（文件缺失）'}",
            before={"sha256": entry.sha256},
            after={"sha256": actual or None},
        )
