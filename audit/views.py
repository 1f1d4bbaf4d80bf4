"""The auditor's back-office pages: read the trail, verify the chain. Nothing here changes
credit information; the only write is the verification run and its own audit event."""

import json

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from nantong_credit.client_address import client_address

from .forms import EventFilterForm
from .keys import UnknownKey
from .models import AuditEvent, ChainVerification
from .selectors import EventFilters, anchor_status, event_page, recent_verifications
from .services import event_hash, request_chain_verification

VIEW_PERM = "audit.view_auditevent"
VERIFY_PERM = "audit.verify_auditevent"


def _cursor(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _pretty_json(value) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else EventFilters()
    page = event_page(filters=filters, before=_cursor(request, "before"), after=_cursor(request, "after"))
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "filter_query": query.urlencode(),
            "is_filtered": any(value for value in query.values()),
        },
    )


@login_required
@permission_required(VIEW_PERM, raise_exception=True)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(AuditEvent.objects.select_related("actor"), pk=pk)
    return render(
        request,
        "audit/event_detail.html",
        {
            "event": event,
            "before_json": _pretty_json(event.before),
            "after_json": _pretty_json(event.after),
            "content_matches": _content_matches(event),
        },
    )


def _content_matches(event: AuditEvent) -> bool | None:
    """Whether the event still matches its hash; None when its key is not configured here."""
    try:
        return event_hash(event) == event.hash
    except UnknownKey:
        return None


@login_required
@permission_required(VERIFY_PERM, raise_exception=True)
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        run = request_chain_verification(user=request.user, ip_address=client_address(request))
        return redirect("audit:verification", pk=run.pk)
    return render(request, "audit/verify.html", {"runs": recent_verifications(), "anchors": anchor_status()})


@login_required
@permission_required(VERIFY_PERM, raise_exception=True)
def verification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ChainVerification.objects.select_related("requested_by"), pk=pk)
    return render(request, "audit/verification_detail.html", {"run": run})
