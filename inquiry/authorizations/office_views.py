"""The clerk's queue of signed authorization letters (/office/authorizations/, Art. 11 书面授权证明)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from collection.accounts.forms import ReasonForm, apply_errors
from nantong_credit.uploads import private_file_response

from ..models import Authorization
from ..permissions import REVIEW_LETTER, get_letter_for_review
from .forms import LetterApproveForm
from .services import AuthorizationError, approve_letter, letters_for_review, reject_letter

PAGE_SIZE = 100


@login_required
@permission_required(REVIEW_LETTER, raise_exception=True)
def letters(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", Authorization.Status.REQUESTED)
    if status not in Authorization.Status.values and status != "":
        status = Authorization.Status.REQUESTED
    return render(
        request,
        "inquiry/authorizations/office_letters.html",
        {
            "letters": letters_for_review(status)[:PAGE_SIZE],
            "status": status,
            "statuses": Authorization.Status.choices,
        },
    )


@login_required
@permission_required(REVIEW_LETTER, raise_exception=True)
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, get_letter_for_review(pk))


def _page(request, authorization, *, approve_form=None, reject_form=None, status=200) -> HttpResponse:
    return render(
        request,
        "inquiry/authorizations/office_letter.html",
        {
            "authorization": authorization,
            "approve_form": approve_form or LetterApproveForm.for_letter(authorization),
            "reject_form": reject_form or ReasonForm(),
        },
        status=status,
    )


@login_required
@permission_required(REVIEW_LETTER, raise_exception=True)
@require_POST
def letter_approve(request: HttpRequest, pk: int) -> HttpResponse:
    authorization = get_letter_for_review(pk)
    form = LetterApproveForm.for_letter(authorization, request.POST)
    if form.is_valid():
        try:
            approve_letter(
                authorization=authorization,
                actor=request.user,
                categories=form.cleaned_data["categories"],
                valid_until=form.cleaned_data["valid_until"],
                note=form.cleaned_data["note"],
            )
        except AuthorizationError as exc:
            if exc.field in form.fields:
                apply_errors(form, {exc.field: [exc.message]})
            else:
                messages.error(request, exc.message)
                return redirect("authorization_office:detail", pk=pk)
        else:
            messages.success(request, _("已通过书面授权书：%(s)s") % {"s": authorization.subject.name})
            return redirect("authorization_office:detail", pk=pk)
    return _page(request, authorization, approve_form=form, status=400)


@login_required
@permission_required(REVIEW_LETTER, raise_exception=True)
@require_POST
def letter_reject(request: HttpRequest, pk: int) -> HttpResponse:
    authorization = get_letter_for_review(pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _page(request, authorization, reject_form=form, status=400)
    try:
        reject_letter(authorization=authorization, actor=request.user, reason=form.cleaned_data["reason"])
    except AuthorizationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已退回书面授权书：%(s)s") % {"s": authorization.subject.name})
    return redirect("authorization_office:detail", pk=pk)


@login_required
@permission_required(REVIEW_LETTER, raise_exception=True)
@never_cache
def letter_file(request: HttpRequest, pk: int) -> HttpResponse:
    authorization = get_letter_for_review(pk)
    return private_file_response(
        authorization.letter_file.open("rb"),
        name=authorization.letter_name,
        content_type=authorization.letter_content_type,
    )
