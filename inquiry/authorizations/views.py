"""The requester's side of authorized queries (/authorizations/): its requests, a new request, and
the authorized view of a subject's records while the consent is live. Every view of the records
is logged (Art. 11)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from catalog.models import SubjectKind
from nantong_credit.uploads import limit_request_body, max_upload_bytes, private_file_response

from ..agencies.services import approved_agencies_of
from ..models import Authorization
from ..permissions import REQUEST_AUTHORIZATION, VIEW_AUTHORIZATION, get_own_authorization
from ..selectors import record_sections
from .forms import AuthorizationRequestForm
from .services import (
    AuthorizationError,
    authorizations_of,
    authorized_view,
    check_requester,
    find_subject,
    is_live,
    record_authorized_query,
    request_authorization,
    submit_letter,
)

FORM_OVERHEAD = 1024 * 1024


@login_required
@permission_required(VIEW_AUTHORIZATION, raise_exception=True)
def authorization_list(request: HttpRequest) -> HttpResponse:
    authorizations = list(authorizations_of(request.user)[:200])
    for authorization in authorizations:
        authorization.live = is_live(authorization)
    return render(
        request,
        "inquiry/authorizations/list.html",
        {
            "authorizations": authorizations,
            "can_request": request.user.has_perm(REQUEST_AUTHORIZATION),
        },
    )


def _request_body_limit() -> int:
    return max_upload_bytes() + FORM_OVERHEAD


@sensitive_post_parameters("id_number")
@login_required
@permission_required(REQUEST_AUTHORIZATION, raise_exception=True)
@require_http_methods(["GET", "POST"])
@never_cache
@limit_request_body(_request_body_limit)
def authorization_new(request: HttpRequest) -> HttpResponse:
    form = AuthorizationRequestForm(
        request.POST or None, request.FILES or None, agencies=approved_agencies_of(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            authorization = _submit(request.user, form.cleaned_data)
        except AuthorizationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if authorization.method == Authorization.Method.LETTER:
                messages.success(request, _("书面授权书已提交，市公共信用信息中心核对后即可查询。"))
            else:
                messages.success(request, _("授权申请已发送给信息主体，对方同意后即可在本页查询。"))
            return redirect("authorizations:detail", pk=authorization.pk)
    return render(
        request,
        "inquiry/authorizations/form.html",
        {
            "form": form,
            "verified": request.user.identity_verified_at is not None,
        },
    )


def _submit(user, data: dict) -> Authorization:
    check_requester(user)  # before the subject is looked up: an unverified account learns nothing
    natural = data["kind"] == SubjectKind.NATURAL_PERSON
    subject = find_subject(
        kind=SubjectKind.NATURAL_PERSON if natural else SubjectKind.LEGAL_PERSON,
        code=data.get("code", ""),
        id_number=data.get("id_number", ""),
        name=data.get("person_name", ""),
    )
    scope = {
        "requester": user,
        "subject": subject,
        "purpose": data["purpose"],
        "categories": data["categories"],
        "valid_until": data["valid_until"],
        "agency": data.get("agency"),
    }
    if data["method"] == Authorization.Method.LETTER:
        return submit_letter(letter=data["letter"], **scope)
    return request_authorization(**scope)


@login_required
@permission_required(VIEW_AUTHORIZATION, raise_exception=True)
@never_cache
def authorization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The authorized view: while the consent is live, the records of its categories; each view
    is a query and is logged with the authorization's purpose."""
    authorization = get_own_authorization(request.user, pk)
    live = is_live(authorization)
    sections = []
    if live:
        records = list(authorized_view(authorization))
        record_authorized_query(authorization=authorization, actor=request.user)
        sections = record_sections(records, include_private=True)
    return render(
        request,
        "inquiry/authorizations/detail.html",
        {
            "authorization": authorization,
            "live": live,
            "sections": sections,
        },
    )


@login_required
@permission_required(VIEW_AUTHORIZATION, raise_exception=True)
@never_cache
def authorization_letter(request: HttpRequest, pk: int) -> HttpResponse:
    authorization = get_own_authorization(request.user, pk)
    if not authorization.letter_file:
        raise Http404("no letter")
    return private_file_response(
        authorization.letter_file.open("rb"),
        name=authorization.letter_name,
        content_type=authorization.letter_content_type,
    )
