"""The archive register in the back office (Art. 20): clerks of the center and auditors read it.
Entries are added by the services that produce documents; nothing here changes them."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .archive import archive_entries
from .archive_forms import ArchiveFilterForm
from .models import ArchiveEntry

VIEW_PERM = "audit.view_archiveentry"
PAGE_SIZE = 50


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def entry_list(request: HttpRequest) -> HttpResponse:
    form = ArchiveFilterForm(request.GET or None)
    page = Paginator(archive_entries(form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
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
    return render(request, "audit/archive/detail.html", {"entry": entry})
