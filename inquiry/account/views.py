"""The subject's own area (我的信用, /account/credit/): for each subject the account acts for, its
records as it sees them, the authorization requests to answer, the consents it gave, who looked
at it and its public commitments. Every page shows only subjects the account is bound to."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from collection.accounts.forms import apply_errors
from collection.bindings import bound_subjects

from ..authorizations.forms import GrantForm, OptionalReasonForm
from ..authorizations.services import (
    AuthorizationError,
    authorizations_of_subject,
    grant_authorization,
    is_live,
    refuse_authorization,
    requests_to_answer,
    revoke_authorization,
)
from ..commitments import public_commitments
from ..models import Authorization
from ..permissions import ANSWER_AUTHORIZATION, get_own_subject, get_subject_authorization
from .selectors import anonymous_view_count, as_looks, own_sections, who_looked

RECENT_LOOKS = 10
LOOKS_PER_PAGE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    subjects = list(bound_subjects(request.user))
    if len(subjects) == 1:
        return redirect("my_credit:subject", pk=subjects[0].pk)
    pending = {s.pk: requests_to_answer(s).count() for s in subjects}
    return render(
        request,
        "inquiry/account/home.html",
        {
            "subjects": [(subject, pending[subject.pk]) for subject in subjects],
        },
    )


@login_required
@never_cache
def subject_page(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_own_subject(request.user, pk)
    return render(
        request,
        "inquiry/account/subject.html",
        {
            "subject": subject,
            "sections": own_sections(subject),
            "requests": requests_to_answer(subject),
            "consents": _consents(subject),
            "looks": as_looks(who_looked(subject)[:RECENT_LOOKS]),
            "anonymous_count": anonymous_view_count(subject),
            "commitments": public_commitments(subject),
            "can_answer": request.user.has_perm(ANSWER_AUTHORIZATION),
        },
    )


def _consents(subject) -> list[Authorization]:
    """Granted consents, live ones first, each marked live or expired."""
    consents = list(authorizations_of_subject(subject).filter(status=Authorization.Status.GRANTED))
    for consent in consents:
        consent.live = is_live(consent)
    return sorted(consents, key=lambda c: not c.live)


@login_required
@never_cache
def authorization_page(request: HttpRequest, subject_pk: int, pk: int) -> HttpResponse:
    return _authorization_page(request, get_subject_authorization(request.user, subject_pk, pk))


def _authorization_page(request, authorization, *, grant_form=None, refuse_form=None, status=200) -> HttpResponse:
    return render(
        request,
        "inquiry/account/authorization.html",
        {
            "authorization": authorization,
            "subject": authorization.subject,
            "live": is_live(authorization),
            "grant_form": grant_form or GrantForm.for_request(authorization),
            "refuse_form": refuse_form or OptionalReasonForm(prefix="refuse"),
            "revoke_form": OptionalReasonForm(prefix="revoke"),
            "can_answer": request.user.has_perm(ANSWER_AUTHORIZATION),
        },
        status=status,
    )


@login_required
@permission_required(ANSWER_AUTHORIZATION, raise_exception=True)
@require_POST
def grant(request: HttpRequest, subject_pk: int, pk: int) -> HttpResponse:
    authorization = get_subject_authorization(request.user, subject_pk, pk)
    form = GrantForm.for_request(authorization, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            grant_authorization(
                authorization=authorization,
                actor=request.user,
                categories=data["categories"],
                valid_until=data["valid_until"],
                note=data["note"],
            )
        except AuthorizationError as exc:
            if exc.field not in form.fields:
                return _refused(request, authorization, exc)
            apply_errors(form, {exc.field: [exc.message]})
        else:
            messages.success(
                request,
                _("已同意%(name)s的查询申请，有效期至%(d)s。")
                % {"name": authorization.requester, "d": authorization.valid_until},
            )
            return redirect("my_credit:subject", pk=authorization.subject_id)
    return _authorization_page(request, authorization, grant_form=form, status=400)


@login_required
@permission_required(ANSWER_AUTHORIZATION, raise_exception=True)
@require_POST
def refuse(request: HttpRequest, subject_pk: int, pk: int) -> HttpResponse:
    authorization = get_subject_authorization(request.user, subject_pk, pk)
    form = OptionalReasonForm(request.POST, prefix="refuse")
    if not form.is_valid():
        return _authorization_page(request, authorization, refuse_form=form, status=400)
    try:
        refuse_authorization(authorization=authorization, actor=request.user, reason=form.cleaned_data["reason"])
    except AuthorizationError as exc:
        return _refused(request, authorization, exc)
    messages.success(request, _("已拒绝%(name)s的查询申请。") % {"name": authorization.requester})
    return redirect("my_credit:subject", pk=authorization.subject_id)


@login_required
@permission_required(ANSWER_AUTHORIZATION, raise_exception=True)
@require_POST
def revoke(request: HttpRequest, subject_pk: int, pk: int) -> HttpResponse:
    authorization = get_subject_authorization(request.user, subject_pk, pk)
    form = OptionalReasonForm(request.POST, prefix="revoke")
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        revoke_authorization(authorization=authorization, actor=request.user, reason=reason)
    except AuthorizationError as exc:
        return _refused(request, authorization, exc)
    messages.success(request, _("已撤回对%(name)s的授权，对方自即日起不能再查看。") % {"name": authorization.requester})
    return redirect("my_credit:subject", pk=authorization.subject_id)


def _refused(request, authorization, exc: AuthorizationError) -> HttpResponse:
    """A refused step (e.g. another account of the subject answered first) becomes a message."""
    messages.error(request, exc.message)
    return redirect("my_credit:authorization", subject_pk=authorization.subject_id, pk=authorization.pk)


@login_required
@never_cache
def looks_page(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_own_subject(request.user, pk)
    page = Paginator(who_looked(subject), LOOKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "inquiry/account/looks.html",
        {
            "subject": subject,
            "page": page,
            "looks": as_looks(page.object_list),
            "anonymous_count": anonymous_view_count(subject),
        },
    )
