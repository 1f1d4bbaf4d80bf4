"""The agency's own pages (/agencies/): the agencies the account acts for, registration, and an
agency's page with its accounts and API keys (created and revoked by its admins)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from collection.accounts.forms import apply_errors

from ..models import CreditAgency
from ..permissions import REGISTER_AGENCY, VIEW_AGENCY, get_own_agency, get_own_agency_key
from .forms import KeyForm, RegistrationForm
from .quota import calls_today
from .selectors import keys_of
from .services import AgencyError, create_agency_key, is_agency_admin, register_agency, revoke_agency_key


@login_required
@permission_required(VIEW_AGENCY, raise_exception=True)
def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = CreditAgency.objects.filter(members__user=request.user).order_by("-registered_at")
    return render(
        request,
        "inquiry/agencies/list.html",
        {"agencies": agencies, "can_register": request.user.has_perm(REGISTER_AGENCY)},
    )


@login_required
@permission_required(REGISTER_AGENCY, raise_exception=True)
@require_http_methods(["GET", "POST"])
def agency_register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agency = register_agency(
                registrant=request.user,
                name=data["name"],
                uscc=data["uscc"],
                licence_number=data["licence_number"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                member_usernames=data["members"],
            )
        except AgencyError as exc:
            apply_errors(form, {exc.field or "__all__": [exc.message]})
        else:
            messages.success(request, _("登记申请已提交，市公共信用信息中心审核后将通知您。"))
            return redirect("agencies:detail", pk=agency.pk)
    return render(
        request,
        "inquiry/agencies/register.html",
        {"form": form, "verified": request.user.identity_verified_at is not None},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required(VIEW_AGENCY, raise_exception=True)
@never_cache  # the response to a creation carries the key: no cache may keep it
@require_http_methods(["GET", "POST"])
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_own_agency(request.user, pk)
    is_admin = is_agency_admin(request.user, agency)
    form = KeyForm(request.POST or None)
    new_secret = None
    if request.method == "POST":
        if not is_admin:
            messages.error(request, _("只有机构管理员可以创建接口密钥"))
            return redirect("agencies:detail", pk=pk)
        if form.is_valid():
            try:
                _key, new_secret = create_agency_key(agency=agency, actor=request.user, name=form.cleaned_data["name"])
            except AgencyError as exc:
                apply_errors(form, {exc.field or "__all__": [exc.message]})
            else:
                # Rendered, not redirected: the secret must not travel through the session or a URL.
                form = KeyForm()
    return render(
        request,
        "inquiry/agencies/detail.html",
        {
            "agency": agency,
            "is_admin": is_admin,
            "members": agency.members.select_related("user"),
            "keys": [(key, calls_today(key), None) for key in keys_of(agency)],
            "form": form,
            "new_secret": new_secret,
            "default_quota": settings.AGENCY_API_DAILY_QUOTA,
        },
        status=400 if form.errors else 200,
    )


@login_required
@permission_required(VIEW_AGENCY, raise_exception=True)
@require_POST
def key_revoke(request: HttpRequest, pk: int, key_pk: int) -> HttpResponse:
    key = get_own_agency_key(request.user, pk, key_pk)
    try:
        revoke_agency_key(key=key, actor=request.user)
    except AgencyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已吊销接口密钥“%(k)s”，使用该密钥的调用即时失效。") % {"k": key.name})
    return redirect("agencies:detail", pk=pk)
