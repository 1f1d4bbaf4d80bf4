"""Filings in the back office (/office/supervision/filings/): a department files and follows its
filings; the commission reviews them. And the public list (/filings/) with the accepted documents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.selectors import providers_of
from nantong_credit.uploads import limit_request_body, max_upload_bytes

from ..forms import FilingForm, ReasonForm, apply_error
from ..permissions import REVIEW_FILING, SUBMIT_FILING, VIEW_FILING, get_filing, office_filings
from .models import Filing
from .selectors import accepted_filings, departments
from .services import FilingError, accept_filing, return_filing, submit_filing
from .workflow import STEP_LABELS


@login_required
@permission_required(SUBMIT_FILING, raise_exception=True)
@limit_request_body(lambda: max_upload_bytes() + 64 * 1024)
def filings(request: HttpRequest) -> HttpResponse:
    """The department's own filings and the form to file a new one (or a new version)."""
    providers = providers_of(request.user)
    form = FilingForm(request.POST or None, request.FILES or None, providers=providers)
    if request.method == "POST" and form.is_valid():
        try:
            submit_filing(actor=request.user, **form.cleaned_data)
        except FilingError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("备案文件已报送，等待市工业和信息化局审核"))
            return redirect("supervision_office:filings")
    return render(
        request,
        "supervision/filings/mine.html",
        {
            "form": form,
            "has_department": providers.exists(),
            "departments": departments(providers),
            "filings": office_filings(request.user).filter(provider__in=providers).order_by("-filed_at"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required(REVIEW_FILING, raise_exception=True)
def review_queue(request: HttpRequest) -> HttpResponse:
    pending = Filing.objects.filter(status=Filing.Status.SUBMITTED).select_related("provider", "filed_by")
    return render(
        request,
        "supervision/filings/review.html",
        {"pending": pending.order_by("filed_at"), "departments": departments()},
    )


@login_required
@permission_required(VIEW_FILING, raise_exception=True)
def filing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_filing(request.user, pk))


def _detail(request, filing, *, return_form=None, status=200) -> HttpResponse:
    return render(
        request,
        "supervision/filings/detail.html",
        {
            "filing": filing,
            "can_review": request.user.has_perm(REVIEW_FILING) and filing.status == Filing.Status.SUBMITTED,
            "return_form": return_form or ReasonForm(),
            "timeline": [
                {"step": s, "label": STEP_LABELS.get(s.action, s.action)}
                for s in filing.steps.order_by("occurred_at", "pk")
            ],
        },
        status=status,
    )


@login_required
@permission_required(REVIEW_FILING, raise_exception=True)
@require_POST
def filing_accept(request: HttpRequest, pk: int) -> HttpResponse:
    filing = get_filing(request.user, pk)
    try:
        accept_filing(filing=filing, actor=request.user, note=request.POST.get("note", ""))
    except FilingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已予以备案，备案号%(n)s") % {"n": filing.number})
    return redirect("supervision_office:filing_detail", pk=filing.pk)


@login_required
@permission_required(REVIEW_FILING, raise_exception=True)
@require_POST
def filing_return(request: HttpRequest, pk: int) -> HttpResponse:
    filing = get_filing(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _detail(request, filing, return_form=form, status=400)
    try:
        return_filing(filing=filing, actor=request.user, reason=form.cleaned_data["reason"])
    except FilingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已退回，报送单位将看到理由"))
    return redirect("supervision_office:filing_detail", pk=filing.pk)


@login_required
@permission_required(VIEW_FILING, raise_exception=True)
def filing_document(request: HttpRequest, pk: int) -> FileResponse:
    return document_response(get_filing(request.user, pk))


def document_response(filing: Filing) -> FileResponse:
    extension = "pdf" if filing.content_type == "application/pdf" else "docx"
    name = f"{filing.title}.{extension}"
    response = FileResponse(
        filing.document.open("rb"), as_attachment=extension == "docx", filename=name, content_type=filing.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Public ------------------------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    rows = departments()
    return render(
        request,
        "supervision/filings/public.html",
        {
            "rows": rows,
            "filed_count": sum(1 for r in rows if not r.filed_nothing),
            "nothing_count": sum(1 for r in rows if r.filed_nothing),
        },
    )


def public_document(request: HttpRequest, pk: int) -> FileResponse:
    filing = get_object_or_404(accepted_filings(), pk=pk)
    if not filing.document:
        raise Http404("no document")
    return document_response(filing)
