"""The public portal's search, subject and record pages (no login; SPEC §6 `/subjects/`).

Which records are shown is decided by `collection.visibility` when the page is served; how a
record reads by `inquiry.selectors`. Subject and record pages share the public rate limit per
client address (search has its own).

The query log (Art. 11) gets a row for every search and subject page of a logged-in account:
who, when, what. Anonymous visitors leave no row: an address is personal information and says
nothing of who asked, and a row per anonymous page view would make the log the largest table of
the platform while recording nobody.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from collection.bindings import bound_subjects
from collection.identifiers import tidy

from .. import subject_actions
from ..models import QueryLog
from ..querylog import log_query
from ..ratelimit import SEARCH, SUBJECT, limit_per_address, rate_limited_response, wait_seconds
from ..search import loggable_terms, public_subject, search_subjects
from ..subject_page import SECTION_ORDER, page_number, subject_page
from .forms import SearchForm
from .history import public_record


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    result = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        wait = wait_seconds(request, SEARCH)
        if wait is not None:
            return rate_limited_response(request, wait)
        result = search_subjects(form.cleaned_data["q"], form.filters(), form.cleaned_data["page"] or 1)
        if request.user.is_authenticated:
            log_query(kind=QueryLog.Kind.SEARCH, actor=request.user, terms=loggable_terms(result.query))
    return render(
        request,
        "inquiry/public/search.html",
        {
            "form": form,
            "result": result,
            "page_query": _without_page(request),
        },
    )


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
@limit_per_address(SUBJECT)
def subject_detail(request: HttpRequest, code: str) -> HttpResponse:
    canonical = tidy(code)
    if canonical != code:
        return redirect("subjects:detail", code=canonical, permanent=True)
    subject = public_subject(code)
    if subject is None:
        return render(request, "inquiry/public/subject_not_found.html", {"code": loggable_terms(code)}, status=404)
    today = timezone.localdate()
    # `?section=penalty&page=2`: that section at that page, the others at their first; an
    # unknown section or a page that is not a number is the first page, never an error.
    section = request.GET.get("section", "")
    disclosure = subject_page(
        subject,
        today,
        section=section if section in SECTION_ORDER else "",
        page=page_number(request.GET.get("page")),
    )
    bound = False
    if request.user.is_authenticated:
        log_query(kind=QueryLog.Kind.PUBLIC_PAGE, actor=request.user, subject=subject, terms=subject.code)
        bound = bound_subjects(request.user).filter(pk=subject.pk).exists()
    return render(
        request,
        "inquiry/public/subject.html",
        {
            "disclosure": disclosure,
            "subject": subject,
            "today": today,
            # Whether the viewer acts for this subject (its own account or agent): the actions
            # read it instead of asking the database each.
            "subject_bound": bound,
            "subject_actions": subject_actions.templates(),
        },
    )


@require_GET
@limit_per_address(SUBJECT)
def record_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One public record with its history; anything the subject page would not show is not found."""
    canonical = tidy(code)
    if canonical != code:
        return redirect("subjects:record", code=canonical, pk=pk, permanent=True)
    subject = public_subject(code)
    found = public_record(subject, pk) if subject is not None else None
    if found is None:
        raise Http404("no such public record")
    if request.user.is_authenticated:
        log_query(kind=QueryLog.Kind.PUBLIC_PAGE, actor=request.user, subject=subject, terms=subject.code)
    return render(request, "inquiry/public/record.html", {"found": found, "subject": subject})
